// What the pages need of core's sport-correct units (core/metrics/units.ts):
// values split from their unit, so a page can set the unit smaller, and the
// unit names as the pages print them.
import { displayDistance, displaySpeed, formatMinutes, sportUnits, type SpeedUnit } from '../core/metrics/units.js';
import type { Sport } from '../core/workout/types.js';
import { groupDigits } from '../core/group-digits.js';

/** A value with its unit kept apart ("4:52" and "/km"). */
export interface Quantity {
  readonly value: string;
  readonly unit: string;
}

const SPEED_UNIT: Record<SpeedUnit, string> = {
  'min/km': '/km',
  'min/100m': '/100 m',
  'min/500m': '/500 m',
  'km/h': 'km/h',
};

/** "4:52", "1:03:14"; "—" when unknown. */
export function clock(seconds: number | null | undefined): string {
  return seconds == null || !Number.isFinite(seconds) ? '—' : formatMinutes(seconds);
}

export function isPace(sport: Sport): boolean {
  return sportUnits(sport).speed !== 'km/h';
}

export function speedUnitLabel(sport: Sport): string {
  return SPEED_UNIT[sportUnits(sport).speed];
}

/** "10.00 km" for most sports, "1,000 m" for swims and rows. */
export function distanceQuantity(sport: Sport, meters: number | null | undefined): Quantity | null {
  const v = meters != null && meters > 0 ? displayDistance(sport, meters) : null;
  if (v == null) return null;
  return sportUnits(sport).distance === 'km'
    ? { value: v.toFixed(2), unit: 'km' }
    : { value: groupDigits(Math.round(v)), unit: 'm' };
}

/** Pace ("5:00 /km", "2:00 /100 m") or speed ("30.0 km/h") as the sport reads it. */
export function speedQuantity(sport: Sport, mps: number | null | undefined): Quantity | null {
  const v = displaySpeed(sport, mps);
  if (v == null) return null;
  return { value: isPace(sport) ? formatMinutes(v) : v.toFixed(1), unit: speedUnitLabel(sport) };
}
