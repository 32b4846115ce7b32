// Core figures (issue 8), side by side in one process on the same files:
//  - decode + summary (what `inspect` does) vs @sports-alliance/sports-lib's
//    import of the same file, and vs the bare Garmin SDK decode for context;
//  - FIT encode of a generated 10-hour 1 Hz workout vs the bare SDK Encoder
//    writing exactly the messages our file contains;
//  - peak RSS after converting the largest corpus file and the 10-hour workout
//    (measured first, before the comparison loops grow the heap).
import { readFileSync } from 'node:fs';
import { Decoder, Encoder, Stream } from '@garmin/fitsdk';
import { SportsLib } from '@sports-alliance/sports-lib';
import { decodeFile, encodeFit, summarize } from '../src/core/index.js';
import { corpusPath } from '../test/core/corpus-files.js';
import { makeWorkout } from '../test/core/workout-factory.js';

const FILES = ['Edge810-Vector-2013-08-16-15-35-10.fit', 'developer-types-sample.fit', 'event_timestamp.fit', '20170518-191602-1740899583.fit',
  'sample_mulitple_header.fit', 'garmin-fenix-5-run.fit', 'test.tcx', 'sup_activity_1.tcx', 'Mojstrovka.gpx', 'track-with-empty-segment.gpx'];

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

// sports-lib reads TCX/GPX through a W3C DOM, and no DOM parser (@xmldom/xmldom,
// jsdom) is installed here, so the comparison covers the FIT files only.
async function theirs(bytes: Uint8Array, name: string) {
  if (!name.endsWith('.fit')) return null;
  return SportsLib.importFromFit(buf(bytes));
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
    expandSubFields: false, expandComponents: false, convertTypesToStrings: false, convertDateTimesToDates: false, mergeHeartRates: false,
  });
  const bare = () => { const e = new Encoder(); for (const [n, m] of raw) e.onMesg(n, m as never); return e.close(); };
  // Interleaved, best of 4 each: the machine is shared, and the minimum is the least noisy estimate.
  let oursEncodeMs = Infinity, sdkEncodeMs = Infinity;
  for (let i = 0; i < 4; i++) {
    oursEncodeMs = Math.min(oursEncodeMs, await timeIt(1, () => encodeFit(tenHours)));
    sdkEncodeMs = Math.min(sdkEncodeMs, await timeIt(1, bare));
  }

  // Decode + summary vs sports-lib.
  const perFile: Record<string, unknown> = {};
  let oursTotal = 0, theirsTotal = 0, sdkTotal = 0;
  for (const name of FILES) {
    const p = corpusPath(name);
    if (!p) continue;
    const bytes = new Uint8Array(readFileSync(p));
    const rounds = bytes.length > 100_000 ? 3 : 10;
    const o = await timeIt(rounds, () => ours(bytes, name));
    const fit = name.endsWith('.fit');
    if (!fit) { perFile[name] = { bytes: bytes.length, oursMs: +o.toFixed(2), sportsLibMs: null, note: 'no DOM parser installed for sports-lib XML import' }; continue; }
    let t: number;
    try { t = await timeIt(rounds, () => theirs(bytes, name)); } catch (e) { perFile[name] = { error: `sports-lib: ${(e as Error).message}` }; continue; }
    const s = await timeIt(rounds, () => sdkDecode(bytes));
    oursTotal += o; theirsTotal += t; sdkTotal += s;
    perFile[name] = { bytes: bytes.length, oursMs: +o.toFixed(2), sportsLibMs: +t.toFixed(2), speedup: +(t / o).toFixed(2), bareSdkDecodeMs: +s.toFixed(2) };
  }
  return {
    decodeSummarize: { scope: 'FIT files (sports-lib needs a DOM for TCX/GPX)', totalOursMs: +oursTotal.toFixed(1), totalSportsLibMs: +theirsTotal.toFixed(1), speedupVsSportsLib: +(theirsTotal / oursTotal).toFixed(2), fitBareSdkDecodeMs: +sdkTotal.toFixed(1), perFile },
    fitEncode10h: { records: tenHours.samples.t.length, bytes: tenHourFit.length, oursMs: Math.round(oursEncodeMs), bareSdkMs: Math.round(sdkEncodeMs), ratioOursOverSdk: +(oursEncodeMs / sdkEncodeMs).toFixed(2) },
    peakRssMb: { atStart: rssStart, afterConvertingLargestFile: rssAfterLargest, afterEncoding10hWorkout: rssAfterTenHours, endOfBench: rssMb() },
  };
}
