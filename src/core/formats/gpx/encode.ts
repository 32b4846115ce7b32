// Workout → GPX 1.1 with Garmin TrackPointExtension v1 (hr, cad, atemp), the
// version Strava and most tools read. Pauses become track-segment breaks (GPX
// has no pause element); points without a position are left out, because a
// <trkpt> must have lat/lon.
import type { Workout } from '../../workout/types.js';
import { escapeXml, fmt, isoAt } from '../xml.js';
import { normalizePauses } from '../../metrics/timer.js';
import { PAUSED, RESUMED, activeSamples } from '../active-samples.js';

export interface GpxEncodeOptions {
  readonly deviceName?: string;
}

const TYPE: Partial<Record<Workout['sport'], string>> = {
  running: 'running',
  treadmill: 'running',
  trail_running: 'running',
  walking: 'walking',
  indoor_walking: 'walking',
  hiking: 'hiking',
  cycling: 'cycling',
  indoor_cycling: 'cycling',
  mountain_biking: 'cycling',
  pool_swimming: 'swimming',
  open_water_swimming: 'swimming',
  rowing: 'rowing',
  indoor_rowing: 'rowing',
};

export function encodeGpx(w: Workout, options: GpxEncodeOptions = {}): Uint8Array {
  const startMs = Date.parse(w.startTime);
  const s = w.samples;
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  const creator = escapeXml(options.deviceName ?? (w.device.name || 'bandsync'));
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx version="1.1" creator="${creator}" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd http://www.garmin.com/xmlschemas/TrackPointExtension/v1 http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd">`,
    `<metadata>${w.name ? `<name>${escapeXml(w.name)}</name>` : ''}<time>${isoAt(startMs, 0)}</time></metadata>`,
    '<trk>',
  ];
  if (w.name) out.push(`<name>${escapeXml(w.name)}</name>`);
  out.push(`<type>${TYPE[w.sport] ?? escapeXml(w.sport)}</type>`, '<trkseg>');
  const active = activeSamples(s.t, pauses);
  for (let i = 0; i < s.t.length; i++) {
    const t = s.t[i]!;
    if (active[i] === PAUSED) continue;
    if (active[i] === RESUMED) out.push('</trkseg>', '<trkseg>');
    const lat = s.lat?.[i],
      lon = s.lon?.[i];
    if (lat == null || lon == null) continue;
    const ele = s.altitude?.[i];
    const ext = trackPointExtension(s.temperature?.[i], s.heartRate?.[i], s.cadence?.[i]);
    out.push(
      `<trkpt lat="${fmt(lat, 7)}" lon="${fmt(lon, 7)}">${ele != null ? `<ele>${fmt(ele, 2)}</ele>` : ''}<time>${isoAt(startMs, t)}</time>${ext}</trkpt>`,
    );
  }
  out.push('</trkseg>', '</trk>', '</gpx>', '');
  return new TextEncoder().encode(out.join('\n'));
}

function trackPointExtension(
  atemp: number | null | undefined,
  hr: number | null | undefined,
  cad: number | null | undefined,
): string {
  // Element order is fixed by the schema: atemp, wtemp, depth, hr, cad.
  const parts: string[] = [];
  if (atemp != null) parts.push(`<gpxtpx:atemp>${fmt(atemp, 1)}</gpxtpx:atemp>`);
  if (hr != null && hr > 0) parts.push(`<gpxtpx:hr>${Math.min(255, Math.round(hr))}</gpxtpx:hr>`);
  if (cad != null) parts.push(`<gpxtpx:cad>${Math.min(254, Math.max(0, Math.round(cad)))}</gpxtpx:cad>`);
  return parts.length
    ? `<extensions><gpxtpx:TrackPointExtension>${parts.join('')}</gpxtpx:TrackPointExtension></extensions>`
    : '';
}
