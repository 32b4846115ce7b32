// Unit conversions the pages show. Pace per km comes from core; the others
// are placeholders until core's sport-correct conversions land (issue 13),
// then this file re-exports those and nothing else.
import { paceSecondsPerKm } from '../core/index.js';

/** Seconds per kilometre. */
export function pacePerKm(speedMps: number): number | null {
  return paceSecondsPerKm(speedMps);
}

export function pacePer100m(speedMps: number): number | null {
  const perKm = paceSecondsPerKm(speedMps);
  return perKm == null ? null : perKm / 10;
}

export function pacePer500m(speedMps: number): number | null {
  const perKm = paceSecondsPerKm(speedMps);
  return perKm == null ? null : perKm / 2;
}

export function kmh(speedMps: number): number {
  return speedMps * 3.6;
}

/** FIT's running cadence counts one foot (strides/min); runners read steps/min. */
export function stepsPerMinute(stridesPerMinute: number): number {
  return stridesPerMinute * 2;
}

/** "4:52", "1:03:14"; "—" when unknown. */
export function clock(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}
