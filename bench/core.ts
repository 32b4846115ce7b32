// Core figures (issue 8), side by side in one process on the same files:
//  - decode + summary (what `inspect` does) vs @sports-alliance/sports-lib's
//    import of the same FIT, TCX and GPX files (its XML importers read a W3C
//    DOM, given here by @xmldom/xmldom), and vs the bare Garmin SDK decode for
//    context on the FIT files;
//  - FIT encode of a generated 10-hour 1 Hz workout vs the bare SDK Encoder
//    writing exactly the messages our file contains;
//  - peak RSS after converting the largest corpus file and the 10-hour workout
//    (measured first, before the comparison loops grow the heap).
import { readFileSync } from 'node:fs';
import { Decoder, Encoder, Stream } from '@garmin/fitsdk';
import { SportsLib } from '@sports-alliance/sports-lib';
import { DOMParser } from '@xmldom/xmldom';
import { decodeFile, encodeFit, summarize } from '../src/core/index.js';
import { corpusPath } from '../test/core/corpus-files.js';
import { makeWorkout } from '../test/core/workout-factory.js';

const FILES = [
  'Edge810-Vector-2013-08-16-15-35-10.fit',
  'developer-types-sample.fit',
  'event_timestamp.fit',
  '20170518-191602-1740899583.fit',
  'sample_mulitple_header.fit',
  'garmin-fenix-5-run.fit',
  'test.tcx',
  'sup_activity_1.tcx',
  'Mojstrovka.gpx',
  'track-with-empty-segment.gpx',
];

const rssMb = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1);
const buf = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

async function timeIt(rounds: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (performance.now() - t0) / rounds;
}

function ours(bytes: Uint8Array, name: string) {
  const r = decodeFile(bytes, name);
  if (!r.ok) throw new Error(r.error);
  return summarize(r.workout, r.issues);
}

// sports-lib 21.2.5's entry points: importFromFit(ArrayBuffer);
// importFromTCX(XMLDocument), so we parse the DOM ourselves; importFromGPX(string,
// DOMParser class), which builds the DOM itself. Our decoder takes the bytes and
// parses the text itself, so sports-lib's time includes the UTF-8 decode and the
// DOM parse (xmldom) too.
const utf8 = new TextDecoder();
async function theirs(bytes: Uint8Array, name: string) {
  if (name.endsWith('.fit')) return SportsLib.importFromFit(buf(bytes));
  const text = utf8.decode(bytes);
  if (name.endsWith('.tcx')) return SportsLib.importFromTCX(new DOMParser().parseFromString(text, 'text/xml') as never);
  if (name.endsWith('.gpx')) return SportsLib.importFromGPX(text, DOMParser);
  throw new Error(`no sports-lib importer for ${name}`);
}

// What each side read, to see both agree on the file: distance (m), elapsed and
// timer time (s), from our summary and from sports-lib's event-level stats
// ('Elapsed time', 'Timer time', and its headline 'Duration', which its
// importers set from timer time).
const r1 = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? +x.toFixed(1) : null);
function ourReading(bytes: Uint8Array, name: string) {
  const s = ours(bytes, name);
  return { distanceM: r1(s.distanceMeters), elapsedS: r1(s.elapsedSeconds), timerS: r1(s.timerSeconds) };
}
function theirReading(e: Awaited<ReturnType<typeof theirs>>) {
  const stat = (type: string) => r1(e.getStat(type)?.getValue());
  return {
    distanceM: stat('Distance'),
    elapsedS: stat('Elapsed time'),
    timerS: stat('Timer time'),
    durationS: stat('Duration'),
  };
}

function sdkDecode(bytes: Uint8Array) {
  return new Decoder(Stream.fromArrayBuffer(buf(bytes))).read();
}

export async function run(): Promise<Record<string, unknown>> {
  // Peak RSS first: the two conversions the issue names.
  const rssStart = rssMb();
  const largest = corpusPath(FILES[0]!);
  if (largest) {
    const r = decodeFile(new Uint8Array(readFileSync(largest)), FILES[0]!);
    if (r.ok) encodeFit(r.workout);
  }
  const rssAfterLargest = rssMb();
  const tenHours = makeWorkout({ seconds: 36_000, pauses: [{ startOffset: 7200, endOffset: 7500 }] });
  const tenHourFit = encodeFit(tenHours);
  const rssAfterTenHours = rssMb();

  // FIT encode: ours vs the bare SDK encoder writing the same raw messages.
  const raw: [number, Record<string, unknown>][] = [];
  new Decoder(Stream.fromArrayBuffer(buf(tenHourFit))).read({
    mesgListener: (num, mesg) => raw.push([num, mesg as Record<string, unknown>]),
    expandSubFields: false,
    expandComponents: false,
    convertTypesToStrings: false,
    convertDateTimesToDates: false,
    mergeHeartRates: false,
  });
  const bare = () => {
    const e = new Encoder();
    for (const [n, m] of raw) e.onMesg(n, m as never);
    return e.close();
  };
  // Interleaved, best of 4 each: the machine is shared, and the minimum is the least noisy estimate.
  let oursEncodeMs = Infinity,
    sdkEncodeMs = Infinity;
  for (let i = 0; i < 4; i++) {
    oursEncodeMs = Math.min(oursEncodeMs, await timeIt(1, () => encodeFit(tenHours)));
    sdkEncodeMs = Math.min(sdkEncodeMs, await timeIt(1, bare));
  }

  // Decode + summary vs sports-lib.
  const perFile: Record<string, unknown> = {};
  let oursTotal = 0,
    theirsTotal = 0,
    sdkTotal = 0;
  const byFormat: Record<'fit' | 'tcx' | 'gpx', [number, number][]> = { fit: [], tcx: [], gpx: [] };
  for (const name of FILES) {
    const p = corpusPath(name);
    if (!p) continue;
    const bytes = new Uint8Array(readFileSync(p));
    const rounds = bytes.length > 100_000 ? 3 : 10;
    const o = await timeIt(rounds, () => ours(bytes, name));
    const fit = name.endsWith('.fit');
    let t: number, event: Awaited<ReturnType<typeof theirs>>;
    try {
      event = await theirs(bytes, name);
      t = await timeIt(rounds, () => theirs(bytes, name));
    } catch (e) {
      perFile[name] = { bytes: bytes.length, oursMs: +o.toFixed(2), error: `sports-lib: ${(e as Error).message}` };
      continue;
    }
    const s = fit ? await timeIt(rounds, () => sdkDecode(bytes)) : null;
    oursTotal += o;
    theirsTotal += t;
    (fit ? byFormat.fit : name.endsWith('.tcx') ? byFormat.tcx : byFormat.gpx).push([o, t]);
    if (s !== null) sdkTotal += s;
    perFile[name] = {
      bytes: bytes.length,
      oursMs: +o.toFixed(2),
      sportsLibMs: +t.toFixed(2),
      speedup: +(t / o).toFixed(2),
      ...(s !== null ? { bareSdkDecodeMs: +s.toFixed(2) } : {}),
      ours: ourReading(bytes, name),
      sportsLib: theirReading(event),
    };
  }
  const formatTotals = Object.fromEntries(
    Object.entries(byFormat).map(([k, v]) => {
      const oMs = v.reduce((a, [o]) => a + o, 0),
        tMs = v.reduce((a, [, t]) => a + t, 0);
      return [
        k,
        {
          files: v.length,
          oursMs: +oMs.toFixed(1),
          sportsLibMs: +tMs.toFixed(1),
          speedup: v.length ? +(tMs / oMs).toFixed(2) : null,
        },
      ];
    }),
  );
  return {
    decodeSummarize: {
      scope:
        'FIT, TCX and GPX files sports-lib imports (TCX/GPX through an @xmldom/xmldom DOM, parse included in its time); totals leave out files it rejects',
      totalOursMs: +oursTotal.toFixed(1),
      totalSportsLibMs: +theirsTotal.toFixed(1),
      speedupVsSportsLib: +(theirsTotal / oursTotal).toFixed(2),
      byFormat: formatTotals,
      fitBareSdkDecodeMs: +sdkTotal.toFixed(1),
      perFile,
    },
    fitEncode10h: {
      records: tenHours.samples.t.length,
      bytes: tenHourFit.length,
      oursMs: Math.round(oursEncodeMs),
      bareSdkMs: Math.round(sdkEncodeMs),
      ratioOursOverSdk: +(oursEncodeMs / sdkEncodeMs).toFixed(2),
    },
    peakRssMb: {
      atStart: rssStart,
      afterConvertingLargestFile: rssAfterLargest,
      afterEncoding10hWorkout: rssAfterTenHours,
      endOfBench: rssMb(),
    },
  };
}
