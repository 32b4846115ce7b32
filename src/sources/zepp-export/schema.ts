// Validation of the untrusted export: which columns a SPORT CSV must have
// (matched by name, never by position: column order differs between exports),
// the units its headers declare, and the handle the engine hands back.
import { z } from 'zod';
import { splitHeader, type Row } from '../../archive/index.js';

/** One SPORT row, by meaning, values still text (converted in to-workout.ts). */
export interface SportRecord {
  readonly type: string;
  readonly startTime: string;
  readonly endTime?: string;
  readonly sportTime?: string;
  readonly distance?: string;
  readonly avgPace?: string;
  readonly calories?: string;
  readonly avgHeartRate?: string;
  readonly maxHeartRate?: string;
  readonly steps?: string;
}

/** Units as the header says them, normalised to what to-workout.ts converts from. */
export interface SportUnits {
  readonly sportTime: 's' | 'min' | 'ms';
  readonly distance: 'm' | 'km' | 'mi';
  readonly pace: 's/m' | 's/km';
  readonly calories: 'kcal' | 'kj';
}

const ALIASES: Record<keyof SportRecord, readonly string[]> = {
  type: ['type', 'sporttype', 'sport'],
  startTime: ['starttime', 'start', 'begintime', 'trackid'],
  endTime: ['endtime', 'end', 'stoptime'],
  sportTime: ['sporttime', 'duration', 'runtime', 'activetime'],
  distance: ['distance', 'dis'],
  avgPace: ['avgpace', 'averagepace'],
  calories: ['calories', 'calorie', 'kcal'],
  avgHeartRate: ['avgheartrate', 'averageheartrate', 'avghr'],
  maxHeartRate: ['maxheartrate', 'maxhr'],
  steps: ['steps', 'totalstep', 'totalsteps'],
};

export interface SportColumns {
  readonly index: Partial<Record<keyof SportRecord, number>>;
  readonly units: SportUnits;
}

function unitOf<T extends string>(unit: string | null, table: Record<string, T>, fallback: T): T {
  if (unit === null) return fallback;
  return table[unit.replace(/\s/g, '')] ?? fallback;
}

/** Finds the columns by name; null when the header lacks a sport type or a start time. */
export function sportColumns(header: Row): SportColumns | null {
  const index: Partial<Record<keyof SportRecord, number>> = {};
  const units: Record<string, string | null> = {};
  header.forEach((raw, i) => {
    const { key, unit } = splitHeader(raw);
    for (const [field, names] of Object.entries(ALIASES) as [keyof SportRecord, readonly string[]][]) {
      if (index[field] === undefined && names.includes(key)) {
        index[field] = i;
        units[field] = unit;
      }
    }
  });
  if (index.type === undefined || index.startTime === undefined) return null;
  return {
    index,
    units: {
      sportTime: unitOf(
        units.sportTime ?? null,
        { s: 's', sec: 's', seconds: 's', min: 'min', minutes: 'min', ms: 'ms' },
        's',
      ),
      distance: unitOf(
        units.distance ?? null,
        { m: 'm', meter: 'm', meters: 'm', km: 'km', mi: 'mi', miles: 'mi' },
        'm',
      ),
      pace: unitOf(
        units.avgPace ?? null,
        { '/meter': 's/m', 's/m': 's/m', '/m': 's/m', '/km': 's/km', 's/km': 's/km' },
        's/m',
      ),
      calories: unitOf(units.calories ?? null, { kcal: 'kcal', cal: 'kcal', kj: 'kj' }, 'kcal'),
    },
  };
}

export function recordOf(columns: SportColumns, row: Row): SportRecord {
  const out: Record<string, string> = {};
  for (const [field, i] of Object.entries(columns.index)) {
    const v = row[i!]?.trim();
    if (v !== undefined && v !== '' && v.toLowerCase() !== 'null') out[field] = v;
  }
  return out as unknown as SportRecord;
}

const text = z.string().max(200);

/** The handle a listed export row carries back to fetch(); it is JSON from the store, so it is checked. */
export const ExportHandle = z.object({
  entry: text,
  line: z.number().int().nonnegative(),
  units: z.object({
    sportTime: z.enum(['s', 'min', 'ms']),
    distance: z.enum(['m', 'km', 'mi']),
    pace: z.enum(['s/m', 's/km']),
    calories: z.enum(['kcal', 'kj']),
  }),
  record: z.object({
    type: text,
    startTime: text,
    endTime: text.optional(),
    sportTime: text.optional(),
    distance: text.optional(),
    avgPace: text.optional(),
    calories: text.optional(),
    avgHeartRate: text.optional(),
    maxHeartRate: text.optional(),
    steps: text.optional(),
  }),
});
export type ExportHandle = z.infer<typeof ExportHandle>;

/** A per-workout FIT/TCX/GPX file inside the export zip. */
export const DetailHandle = z.object({ detail: z.string().min(1).max(4096) });
export type DetailHandle = z.infer<typeof DetailHandle>;
