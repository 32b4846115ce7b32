// Validation of every untrusted Mi Fitness payload: the passport's JSON
// answers, the health API's decrypted envelope, the workout list, the
// summary JSON carried as a string in each list element, and the FDS
// download map. Numbers may arrive as strings; unknown keys are kept (loose
// objects) since the app's report has ~200 fields and grows.
import { z } from 'zod';
import { formatZodError, numeric } from '../../sync/payload-parsing.js';

export { formatZodError, numeric };

const optionalNumeric = z
  .union([numeric, z.literal(''), z.null(), z.undefined()])
  .transform((v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined))
  .optional();
const optionalText = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)))
  .optional();

/** Any passport answer (after the `&&&START&&&` prefix): success, challenge or error. */
export const passportSchema = z.looseObject({
  code: numeric,
  desc: optionalText,
  description: optionalText,
  passToken: optionalText,
  userId: optionalText,
  cUserId: optionalText,
  encryptedUserId: optionalText,
  ssecurity: optionalText,
  psecurity: optionalText,
  nonce: optionalText,
  location: optionalText,
  captchaUrl: optionalText,
  notificationUrl: optionalText,
  securityStatus: optionalNumeric,
  _sign: optionalText,
  qs: optionalText,
  callback: optionalText,
});
export type PassportAnswer = z.output<typeof passportSchema>;

/** The health API's decrypted envelope. */
export const envelopeSchema = z.looseObject({
  code: numeric,
  message: optionalText,
  result: z.unknown(),
});

export const listResultSchema = z.looseObject({
  sport_records: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
  has_more: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  next_key: optionalText,
});

/** One `sport_records[]` element; `value` is the summary as a JSON string. */
export const recordEnvelopeSchema = z.looseObject({
  sid: optionalText,
  key: z.string().min(1),
  time: numeric,
  category: optionalText,
  value: z.string(),
  zone_offset: optionalNumeric,
  zone_name: optionalText,
  deleted: z.boolean().nullish(),
});
export type RecordEnvelope = z.output<typeof recordEnvelopeSchema>;

/** The workout summary (`SportBasicReport`, notes §3.3); only what we map is named. */
export const summarySchema = z.looseObject({
  time: optionalNumeric,
  timestamp: optionalNumeric,
  timezone: optionalNumeric,
  time_zone: optionalNumeric,
  start_time: numeric,
  end_time: optionalNumeric,
  duration: optionalNumeric,
  valid_duration: optionalNumeric,
  sport_type: optionalNumeric,
  proto_type: optionalNumeric,
  version: optionalNumeric,
  did: optionalText,
  distance: optionalNumeric,
  corrected_distance: optionalNumeric,
  calories: optionalNumeric,
  total_cal: optionalNumeric,
  steps: optionalNumeric,
  avg_hrm: optionalNumeric,
  max_hrm: optionalNumeric,
  min_hrm: optionalNumeric,
  avg_pace: optionalNumeric,
  avg_cadence: optionalNumeric,
  avg_cycle_cadence: optionalNumeric,
  rise_height: optionalNumeric,
  fall_height: optionalNumeric,
  turn_count: optionalNumeric,
  stroke_count: optionalNumeric,
  pool_width: optionalNumeric,
  course_name: optionalText,
  name: optionalText,
  title: optionalText,
  desc: optionalText,
  model: optionalText,
  device_model: optionalText,
  device_name: optionalText,
});
export type MiSummary = z.output<typeof summarySchema>;

export const downloadEntrySchema = z.looseObject({
  url: optionalText,
  obj_name: optionalText,
  obj_key: optionalText,
  method: optionalText,
  expires_time: optionalNumeric,
});
export const downloadMapSchema = z.record(z.string(), z.unknown());

/** Parses a JSON text, or says where it is not JSON. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} is not JSON (${(err as Error).message})`);
  }
}

/** The session as stored (encrypted) in the account's secrets. */
export const storedSessionSchema = z.strictObject({
  userId: z.string().min(1),
  cUserId: z.string().min(1),
  passToken: z.string().min(1),
  ssecurity: z.string().min(1),
  serviceToken: z.string().min(1),
  deviceId: z.string().min(1),
  countryHint: z.string().optional(),
});
