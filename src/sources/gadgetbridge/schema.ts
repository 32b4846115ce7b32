// Validation of what comes out of the user's Gadgetbridge database (any app
// version, any device) and of the handle the engine hands back.
import { z } from 'zod';

const int = z.coerce.number().int();

/** One BASE_ACTIVITY_SUMMARY row (greenDAO column names); extra columns are ignored. */
export const SummaryRow = z.object({
  _id: int,
  NAME: z.string().nullish(),
  START_TIME: int.positive(), // epoch milliseconds
  END_TIME: int.positive(),
  ACTIVITY_KIND: int,
  GPX_TRACK: z.string().nullish(),
  DEVICE_ID: int,
  SUMMARY_DATA: z.string().nullish(),
});
export type SummaryRow = z.infer<typeof SummaryRow>;

export const DeviceRow = z.object({
  _id: int,
  NAME: z.string().nullish(),
  MANUFACTURER: z.string().nullish(),
  MODEL: z.string().nullish(),
  ALIAS: z.string().nullish(),
  TYPE_NAME: z.string().nullish(),
});
export type DeviceRow = z.infer<typeof DeviceRow>;

/**
 * SUMMARY_DATA values: plain numbers in old versions, `{value, unit}` objects
 * in newer ones (ActivitySummaryEntries). Unknown keys are kept out.
 */
const entry = z.union([
  z.number(),
  z.object({ value: z.union([z.number(), z.string()]), unit: z.string().optional() }).passthrough(),
]);
export const SummaryData = z.record(z.string(), z.unknown()).transform((raw) => {
  const out: Record<string, { value: number; unit?: string }> = {};
  for (const [key, v] of Object.entries(raw)) {
    const parsed = entry.safeParse(v);
    if (!parsed.success) continue;
    const value = typeof parsed.data === 'number' ? parsed.data : Number(parsed.data.value);
    if (Number.isFinite(value))
      out[key] =
        typeof parsed.data === 'number'
          ? { value }
          : { value, ...(parsed.data.unit ? { unit: parsed.data.unit } : {}) };
  }
  return out;
});
export type SummaryData = z.infer<typeof SummaryData>;

export const GadgetbridgeHandle = z.object({ id: z.number().int(), startMs: z.number().int() });
export type GadgetbridgeHandle = z.infer<typeof GadgetbridgeHandle>;
