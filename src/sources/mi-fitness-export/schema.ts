// The privacy-centre export's CSV columns (notes §6, U README/syncfit.py):
// *_MiFitness_hlth_center_sport_record.csv has a `Value` column holding the
// same summary JSON as the cloud's list (with start_time); the columns beside
// it (Sid, Key, Time, Category) are read when present. *_sport_track_data.csv
// has `Time` and `GPX` (a download address that may have expired). Header
// names are matched case-insensitively; nothing else is assumed.
import { z } from 'zod';
import type { Row } from '../../archive/index.js';

export const SPORT_RECORD_FILE = /(^|\/)[^/]*_MiFitness_hlth_center_sport_record\.csv$/i;
export const TRACK_FILE = /(^|\/)[^/]*_MiFitness_hlth_center_sport_track_data\.csv$/i;

export interface SportRecordColumns {
  readonly value: number;
  readonly sid?: number;
  readonly key?: number;
  readonly time?: number;
  readonly category?: number;
}

const find = (header: Row, name: string): number | undefined => {
  const i = header.findIndex((h) => h.trim().toLowerCase() === name);
  return i >= 0 ? i : undefined;
};

export function sportRecordColumns(header: Row): SportRecordColumns | null {
  const value = find(header, 'value');
  if (value === undefined) return null;
  return {
    value,
    ...optional('sid', find(header, 'sid')),
    ...optional('key', find(header, 'key')),
    ...optional('time', find(header, 'time')),
    ...optional('category', find(header, 'category')),
  };
}

export function trackColumns(header: Row): { time: number; gpx: number } | null {
  const time = find(header, 'time');
  const gpx = find(header, 'gpx');
  return time === undefined || gpx === undefined ? null : { time, gpx };
}

const optional = <K extends string>(k: K, v: number | undefined) => (v === undefined ? {} : { [k]: v });

/** What list() hands to fetch(). */
export const exportHandleSchema = z.strictObject({
  envelope: z.unknown(),
  gpx: z.array(z.string()),
  where: z.string(),
});
export type ExportHandle = z.infer<typeof exportHandleSchema>;
