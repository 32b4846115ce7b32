// GPX 1.0/1.1 → Workout. Lenient like real readers: any namespace (or none),
// Garmin TrackPointExtension v1 or v2 (or unprefixed hr/cad as Amazfit writes),
// empty segments and empty <ele/>. Breaks between track segments are pauses.
import type { DecodeResult, Issue, Pause } from '../../workout/types.js';
import { assembleWorkout } from '../../workout/assemble.js';
import { SamplesBuilder } from '../samples-builder.js';
import { sportFromName } from '../sport-names.js';
import { asArray, child, findDeep, number, parseXml, text, timeMs, type XmlNode } from '../xml.js';

export function decodeGpx(bytes: Uint8Array): DecodeResult {
  const issues: Issue[] = [];
  const parsed = parseXml(bytes);
  if (!parsed.ok) return { ok: false, error: parsed.error, issues };
  const gpx = parsed.doc.gpx as XmlNode | undefined;
  if (typeof gpx !== 'object' || gpx === null)
    return { ok: false, error: 'not a GPX file: no <gpx> root element', issues };
  try {
    return toWorkout(gpx, issues);
  } catch (e) {
    return { ok: false, error: `GPX file could not be read: ${e instanceof Error ? e.message : String(e)}`, issues };
  }
}

interface Point {
  ms: number;
  node: XmlNode;
  segment: number;
}

function toWorkout(gpx: XmlNode, issues: Issue[]): DecodeResult {
  const tracks = asArray(gpx.trk);
  const points: Point[] = [];
  let untimed = 0;
  let segment = 0;
  tracks.forEach((trk, ti) =>
    asArray(trk.trkseg).forEach((seg) => {
      for (const p of asArray(seg.trkpt)) {
        const ms = timeMs(p.time);
        if (ms == null) {
          untimed++;
          continue;
        }
        points.push({ ms, node: p, segment });
      }
      segment++;
      void ti;
    }),
  );
  if (untimed > 0)
    issues.push({
      code: 'gpx.point_without_time',
      path: 'gpx/trk/trkseg/trkpt',
      detail: `${untimed} track point(s) have no <time> and were skipped`,
    });
  if (points.length === 0) {
    const why =
      tracks.length === 0
        ? 'it has no track (<trk>)'
        : untimed > 0
          ? 'no track point has a <time>'
          : 'its tracks have no points';
    return { ok: false, error: `GPX file has no usable workout: ${why}`, issues };
  }
  const startMs = points[0]!.ms;
  const b = new SamplesBuilder();
  const pauses: Pause[] = [];
  let prevT = 0;
  let backwards = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const t = (p.ms - startMs) / 1000;
    if (t < prevT) backwards++;
    if (i > 0 && p.segment !== points[i - 1]!.segment && t > prevT)
      pauses.push({ startOffset: prevT, endOffset: t, kind: 'manual' });
    prevT = t;
    const ext = p.node.extensions;
    b.push(t, {
      lat: number(p.node['@lat']),
      lon: number(p.node['@lon']),
      altitude: number(p.node.ele),
      heartRate: number(findDeep(ext, ['hr', 'heartrate', 'heartRate'])),
      cadence: number(findDeep(ext, ['cad', 'cadence'])),
      temperature: number(findDeep(ext, ['atemp', 'temp', 'temperature'])),
      power: number(findDeep(ext, ['power', 'PowerInWatts'])),
      speed: number(findDeep(ext, ['speed'])),
    });
  }
  if (backwards > 0)
    issues.push({
      code: 'gpx.time_not_increasing',
      path: 'gpx/trk/trkseg/trkpt/time',
      detail: `${backwards} point(s) are earlier than the point before them`,
    });
  const samples = b.build();
  const first = tracks[0] ?? {};
  const sport = sportFromName(text(first.type));
  const creator = typeof gpx['@creator'] === 'string' ? gpx['@creator'] : 'GPX';
  const name = text(first.name) ?? text(child(gpx.metadata, 'name'));
  let elapsed = 0;
  for (const t of samples.t) if (t > elapsed) elapsed = t;
  const workout = assembleWorkout(
    {
      sport,
      rawSport: text(first.type),
      name: name || undefined,
      startMs,
      elapsedSeconds: elapsed,
      samples,
      pauses,
      indoor: !samples.lat,
      device: { manufacturer: 255, product: 0, name: creator },
      source: { kind: 'files', id: '' },
    },
    issues,
  );
  return { ok: true, issues, workout };
}
