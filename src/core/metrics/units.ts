// Sport-correct units for showing numbers (DESIGN F18): the model keeps SI and
// FIT's units, people read what their sport uses. Running and walking cadence
// in steps per minute (FIT and the model count strides of one foot, so the
// band's 156 steps/min is stored as 78), swims in metres and pace per 100 m,
// rows in pace per 500 m and strokes per minute, rides and everything else in
// km/h and rpm. Every page and printout converts through here, so all agree.
import { sportFamily } from '../workout/sport.js';
import type { Sport } from '../workout/types.js';

export type DistanceUnit = 'km' | 'm';
/** Pace units are seconds per distance (shown as m:ss); km/h is a speed. */
export type SpeedUnit = 'min/km' | 'min/100m' | 'min/500m' | 'km/h';
export type CadenceUnit = 'spm' | 'strokes/min' | 'rpm';

export interface SportUnits {
  readonly distance: DistanceUnit;
  readonly speed: SpeedUnit;
  readonly cadence: CadenceUnit;
}

/** The units one sport's numbers are shown in. */
export function sportUnits(sport: Sport): SportUnits {
  switch (sportFamily(sport)) {
    case 'run':
    case 'walk':
      return { distance: 'km', speed: 'min/km', cadence: 'spm' };
    case 'swim':
      return { distance: 'm', speed: 'min/100m', cadence: 'strokes/min' };
    case 'row':
      return { distance: 'm', speed: 'min/500m', cadence: 'strokes/min' };
    default:
      return { distance: 'km', speed: 'km/h', cadence: 'rpm' };
  }
}

const PACE_METERS: Record<Exclude<SpeedUnit, 'km/h'>, number> = { 'min/km': 1000, 'min/100m': 100, 'min/500m': 500 };

const usable = (v: number | null | undefined): v is number => v != null && Number.isFinite(v);

/** Metres → the sport's distance unit (km or m). */
export function displayDistance(sport: Sport, meters: number | null | undefined): number | null {
  if (!usable(meters)) return null;
  return sportUnits(sport).distance === 'km' ? meters / 1000 : meters;
}

/**
 * m/s → the sport's speed unit: seconds per 1 km / 100 m / 500 m for paces
 * (null when not moving: a pace of a standstill is infinite), km/h otherwise.
 */
export function displaySpeed(sport: Sport, mps: number | null | undefined): number | null {
  if (!usable(mps)) return null;
  const unit = sportUnits(sport).speed;
  if (unit === 'km/h') return mps * 3.6;
  return mps > 0 ? PACE_METERS[unit] / mps : null;
}

/** The model's cadence (FIT units: strides/min of one foot for foot sports) → the sport's cadence unit. */
export function displayCadence(sport: Sport, cadence: number | null | undefined): number | null {
  if (!usable(cadence)) return null;
  return sportUnits(sport).cadence === 'spm' ? cadence * 2 : cadence;
}

/** The inverse of displayCadence: what a person reads (156 spm) → what the model and FIT store (78). */
export function storedCadence(sport: Sport, shown: number): number {
  return sportUnits(sport).cadence === 'spm' ? shown / 2 : shown;
}

/** "5:07" for a number of seconds (paces), "1:02:03" past an hour. */
export function formatMinutes(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "3.57 km", "1000 m", or "—". */
export function formatDistance(sport: Sport, meters: number | null | undefined): string {
  const v = displayDistance(sport, meters);
  if (v == null) return '—';
  return sportUnits(sport).distance === 'km' ? `${v.toFixed(2)} km` : `${Math.round(v)} m`;
}

/** "5:07 /km", "1:52 /100m", "2:05 /500m", "27.4 km/h", or "—". */
export function formatSpeed(sport: Sport, mps: number | null | undefined): string {
  const v = displaySpeed(sport, mps);
  if (v == null) return '—';
  const unit = sportUnits(sport).speed;
  // "min/km" reads as a pace: "5:07 /km".
  return unit === 'km/h' ? `${v.toFixed(1)} km/h` : `${formatMinutes(v)} ${unit.slice('min'.length)}`;
}

/** "156 spm", "32 strokes/min", "88 rpm", or "—". */
export function formatCadence(sport: Sport, cadence: number | null | undefined): string {
  const v = displayCadence(sport, cadence);
  return v == null ? '—' : `${Math.round(v)} ${sportUnits(sport).cadence}`;
}
