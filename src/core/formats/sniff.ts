// Recognises a file by its content, not its name: FIT by the ".FIT" header
// signature, TCX/GPX by the root element. gzip is only recognised here (core
// cannot inflate: callers unzip with node:zlib and call again).
import { bytesToText } from './text.js';

export type FileFormat = 'fit' | 'tcx' | 'gpx';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function sniffFormat(bytes: Uint8Array, fileName = ''): FileFormat | null {
  if (bytes.length >= 12 && bytes[8] === 0x2e && bytes[9] === 0x46 && bytes[10] === 0x49 && bytes[11] === 0x54)
    return 'fit';
  const head = bytesToText(bytes.subarray(0, 4096));
  if (/<(\w+:)?TrainingCenterDatabase[\s>]/.test(head)) return 'tcx';
  if (/<(\w+:)?gpx[\s>]/.test(head)) return 'gpx';
  const ext = /\.(fit|tcx|gpx)$/i.exec(fileName)?.[1]?.toLowerCase();
  return (ext as FileFormat | undefined) ?? null;
}
