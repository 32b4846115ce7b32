// Validation of the untrusted Zepp payloads. Numbers arrive as JSON numbers or
// as strings, absent values as null/""/-1/-20000 depending on field and record
// version (notes §1.4), so fields are coerced here and sentinels are handled
// by to-workout.ts. Unknown keys are kept (loose objects): the payload grows.
import { z } from 'zod';
import { formatZodError, numeric } from '../../sync/payload-parsing.js';

export { formatZodError, numeric };

/** Seconds since 1970 that a date can hold (±8.64e12 s); anything larger cannot be a workout's time. */
const epochSeconds = numeric.refine((v) => Number.isFinite(v) && Math.abs(v) <= 8.64e12, {
  message: 'not a time (seconds since 1970)',
});
const optionalNumeric = z
  .union([numeric, z.literal(''), z.null(), z.undefined()])
  .transform((v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined));
const series = z.union([z.string(), z.null(), z.undefined()]).transform((v) => v ?? '');

export const summarySchema = z.looseObject({
  trackid: epochSeconds,
  source: z.string().min(1),
  type: numeric,
  end_time: epochSeconds,
  dis: optionalNumeric,
  calorie: optionalNumeric,
  run_time: optionalNumeric,
  avg_heart_rate: optionalNumeric,
  max_heart_rate: optionalNumeric,
  min_heart_rate: optionalNumeric,
  avg_frequency: optionalNumeric,
  altitude_ascend: optionalNumeric,
  altitude_descend: optionalNumeric,
  total_step: optionalNumeric,
  swim_pool_length: optionalNumeric,
  total_trips: optionalNumeric,
  total_strokes: optionalNumeric,
  swim_style: optionalNumeric,
  bind_device: z.union([z.string(), z.null(), z.undefined()]).transform((v) => v ?? ''),
  app_name: z.union([z.string(), z.null(), z.undefined()]).transform((v) => v ?? ''),
  version: optionalNumeric,
});
export type ZeppSummary = z.output<typeof summarySchema>;

export const detailSchema = z.looseObject({
  trackid: numeric,
  source: z.string().optional(),
  version: optionalNumeric,
  provider: z.union([z.string(), z.null(), z.undefined()]).transform((v) => v ?? ''),
  time: series,
  longitude_latitude: series,
  altitude: series,
  accuracy: series,
  flag: series,
  pace: series,
  heart_rate: series,
  gait: series,
  speed: series,
  distance: series,
  pause: series,
  lap: series,
  kilo_pace: series,
  mile_pace: series,
  air_pressure_altitude: series,
  stroke_speed: series,
  cadence: series,
  power_meter: series,
});
export type ZeppDetail = z.output<typeof detailSchema>;

/** The envelope every endpoint answers with; `code` 1 (sometimes 0) is success. */
export const envelopeSchema = z.looseObject({
  code: z.number(),
  message: z.string().optional().nullable(),
  data: z.unknown(),
});

export const historyDataSchema = z.looseObject({
  next: numeric,
  summary: z.array(z.unknown()),
});

/** Just enough of a history element to list it; the rest is checked on fetch. */
export const summaryRefSchema = z.looseObject({
  trackid: numeric,
  source: z.string().min(1),
});
