// Builds realistic Zepp / Mi Fit personal-data export zips for tests. No real
// export is public (notes/zepp-sources.md §2), so this follows the documented
// layout: KIND/KIND_<epoch-millis>.csv, UTF-8 BOM, literal "null" for missing
// values, SPORT header `type,startTime,sportTime(s),maxPace(/meter),
// minPace(/meter),distance(m),avgPace(/meter),calories(kcal)`.
import { zipSync, strToU8 } from 'fflate';
import { aesZip, type AesZipOptions } from '../files/aes-zip.js';

export interface GenWorkout {
  readonly type: number;
  readonly startUtcMs: number;
  readonly sportSeconds: number;
  readonly distanceMeters: number; // 0 = none
  readonly calories: number;
}

export interface ExportQuirks {
  readonly separator?: ',' | ';';
  readonly crlf?: boolean;
  readonly bom?: boolean;
  /** Write startTime as "+0100"-zoned local time instead of "+0000". */
  readonly zoneHours?: number;
  /** Reorder columns and quote every field. */
  readonly shuffled?: boolean;
  readonly store?: boolean; // no compression
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function zeppTime(utcMs: number, zoneHours = 0): string {
  const d = new Date(utcMs + zoneHours * 3600_000);
  const sign = zoneHours < 0 ? '-' : '+';
  const z = `${sign}${pad(Math.abs(zoneHours))}00`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${z}`;
}

export function sportCsv(workouts: readonly GenWorkout[], q: ExportQuirks = {}): string {
  const sep = q.separator ?? ',';
  const nl = q.crlf ? '\r\n' : '\n';
  const cols = [
    'type',
    'startTime',
    'sportTime(s)',
    'maxPace(/meter)',
    'minPace(/meter)',
    'distance(m)',
    'avgPace(/meter)',
    'calories(kcal)',
  ];
  const order = q.shuffled ? [7, 5, 1, 0, 2, 6, 4, 3] : cols.map((_, i) => i);
  const cell = (v: string): string => (q.shuffled ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [order.map((i) => cell(cols[i]!)).join(sep)];
  for (const w of workouts) {
    const pace = w.distanceMeters > 0 ? w.sportSeconds / w.distanceMeters : null;
    const values = [
      String(w.type),
      zeppTime(w.startUtcMs, q.zoneHours ?? 0),
      String(w.sportSeconds),
      pace === null ? 'null' : (pace * 0.8).toFixed(6),
      pace === null ? 'null' : (pace * 1.3).toFixed(6),
      w.distanceMeters > 0 ? String(w.distanceMeters) : 'null',
      pace === null ? 'null' : pace.toFixed(6),
      String(w.calories),
    ];
    lines.push(order.map((i) => cell(values[i]!)).join(sep));
  }
  return (q.bom === false ? '' : '\uFEFF') + lines.join(nl) + nl;
}

/** A whole export zip with SPORT plus the other kinds a real one holds. */
export function exportZip(sportFiles: readonly string[], q: ExportQuirks = {}): Uint8Array {
  return zipSync(exportFiles(sportFiles), { level: q.store ? 0 : 6 });
}

/**
 * The same export with every file WinZip-AES-encrypted by @zip.js/zip.js
 * (AE-2, or AE-1 on request); `extra` adds files (e.g. FIT / GPX).
 */
export function exportZipAes(
  sportFiles: readonly string[],
  aes: AesZipOptions,
  extra: Record<string, Uint8Array> = {},
): Promise<Uint8Array> {
  return aesZip({ ...exportFiles(sportFiles), ...extra }, aes);
}

function exportFiles(sportFiles: readonly string[]): Record<string, Uint8Array> {
  const stamp = 1749047210565;
  const files: Record<string, Uint8Array> = {
    [`ACTIVITY/ACTIVITY_${stamp}.csv`]: strToU8(
      '\uFEFFdate,steps,distance,runDistance,calories\n2025-01-10,8211,6050,3020,301\n',
    ),
    [`HEARTRATE_AUTO/HEARTRATE_AUTO_${stamp}.csv`]: strToU8('\uFEFFdate,time,heartRate\n2025-01-10,07:31,121\n'),
    [`USER/USER_${stamp}.csv`]: strToU8(
      '\uFEFFuserId,gender,height,weight,nickName,avatar,birthday\n1234567890,0,180,75.0,runner,null,1990-01\n',
    ),
    'SPORT/': new Uint8Array(0),
  };
  sportFiles.forEach((csv, i) => {
    files[`SPORT/SPORT_${stamp + i}.csv`] = strToU8(csv);
  });
  return files;
}
