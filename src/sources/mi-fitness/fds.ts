// FDS file ids (notes §3.4): which detail files a workout has and how the
// download map names them. Uses proto_type and the summary's own time and
// timezone, never the envelope's (the notes' "CRITICAL" remark).
import { b64urlEncode, sha1 } from './crypto.js';

export const FILE_TYPES = { records: 0, report: 1, gps: 2, recovery: 3 } as const;

/** b64url(u32le time ‖ u8 timezone ‖ u8 typeByte) + "_" + b64url(SHA-1(sid)). */
export function fdsSuffix(time: number, timezone: number, protoType: number, fileType: number, sid: string): string {
  const key = new Uint8Array(6);
  new DataView(key.buffer).setUint32(0, time >>> 0, true);
  key[4] = timezone & 0xff;
  key[5] = ((1 << 7) + (protoType << 2) + fileType) & 0xff;
  return `${b64urlEncode(key)}_${b64urlEncode(sha1(sid))}`;
}

/** The download map's key for one requested item. */
export const downloadKey = (suffix: string, time: number): string => `${suffix}_${time}`;
