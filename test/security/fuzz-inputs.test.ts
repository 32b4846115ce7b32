// Issue 14's fuzz suite: 10,000 generated hostile inputs across FIT, TCX, GPX,
// Zepp JSON, export CSV, zip, gzip and Gadgetbridge databases, read the way
// bandsync reads them (decoders with budgets, the value checks, the archive
// room, the sources). Each case must end in a result or a clear one-line
// error naming the input (a BandsyncError, or a decoder's `ok: false`), never
// an exception of another kind, within a time guard (a hang, not speed) and
// with the process's memory bounded. Seeded: every run fuzzes the same inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import fc from 'fast-check';
import {
  DEFAULT_LIMITS,
  decodeFile,
  encodeFit,
  encodeGpx,
  encodeTcx,
  sanitizeWorkout,
  type InputLimits,
} from '../../src/core/index.js';
import { gunzipWithin, parseCsv, ZipArchive } from '../../src/archive/index.js';
import { decodeZeppWorkout } from '../../src/sources/zepp-cloud/index.js';
import { createZeppExportSource } from '../../src/sources/zepp-export/index.js';
import { createGadgetbridgeSource } from '../../src/sources/gadgetbridge/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { soundWorkout } from '../../src/sync/sound-values.js';
import { makeWorkout } from '../core/workout-factory.js';
import { makeGadgetbridgeDb } from '../sources/gadgetbridge/make-db.js';

/** Small budgets, so every case's work is bounded and the limits themselves are exercised. */
const LIMITS: InputLimits = {
  ...DEFAULT_LIMITS,
  fileBytes: 1 << 20,
  inflatedBytes: 2 << 20,
  archiveInflatedBytes: 4 << 20,
  archiveEntries: 200,
  csvRowChars: 4096,
  csvFields: 64,
  csvRows: 5000,
  xmlDepth: 16,
  xmlElements: 20_000,
  samples: 5000,
};
/** A case running longer than this is a hang (the inputs are a few KB). */
const CASE_GUARD_MS = 5000;
/** The process may not grow past this while fuzzing (a budget gone missing shows here). */
const RSS_GUARD = 1.5 * 1024 ** 3;
const NOW = new Date('2026-06-01T00:00:00Z');

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(here, '../fixtures/sources', name)));
const zepp = (name: string) => JSON.parse(readFileSync(path.join(here, '../fixtures/zepp', name), 'utf8')) as unknown;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-fuzz-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Byte-level damage: flips, cuts, inserted junk, repeats, and huge-length lies. */
const mutation = (seed: Uint8Array) =>
  fc
    .record({
      kind: fc.integer({ min: 0, max: 6 }),
      at: fc.nat({ max: Math.max(0, seed.length - 1) }),
      len: fc.integer({ min: 1, max: 64 }),
      junk: fc.uint8Array({ minLength: 1, maxLength: 32 }),
      times: fc.integer({ min: 2, max: 200 }),
    })
    .map(({ kind, at, len, junk, times }) => {
      const b = Uint8Array.from(seed); // a copy (Buffer.slice would be a view of the seed)
      switch (kind) {
        case 0:
          for (let k = 0; k < junk.length; k++) b[(at + k * 97) % b.length] = junk[k]!;
          return b;
        case 1:
          return b.slice(0, at);
        case 2:
          return concat(b.slice(0, at), junk, b.slice(at));
        case 3:
          return concat(b.slice(0, at), b.slice(at + len));
        case 4: {
          const piece = b.slice(at, at + len);
          return concat(b.slice(0, at), ...Array.from({ length: times }, () => piece), b.slice(at));
        }
        case 5:
          for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = 0xff; // a length or size of 0xffffffff
          return b;
        default:
          return b; // unchanged: the sound input must still read
      }
    });

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

let peakRss = 0;
/** Runs one case: it may succeed or fail clearly; anything else (or a hang) fails the suite, naming the case. */
async function guarded(label: string, run: () => unknown): Promise<'ok' | 'refused'> {
  const started = performance.now();
  let outcome: 'ok' | 'refused';
  try {
    const r = await run();
    outcome = r === 'refused' ? 'refused' : 'ok';
  } catch (err) {
    if (!(err instanceof BandsyncError)) throw new Error(`${label}: ${String((err as Error)?.stack ?? err)}`);
    expect(err.message.length).toBeGreaterThan(10);
    expect(err.message).not.toMatch(/\n/);
    outcome = 'refused';
  }
  const ms = performance.now() - started;
  if (ms > CASE_GUARD_MS) throw new Error(`${label}: took ${Math.round(ms)} ms (a hang?)`);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (peakRss > RSS_GUARD) throw new Error(`${label}: the process grew to ${peakRss} bytes`);
  return outcome;
}

/** A decoded file: ok, or an error that names it on one line; what decoded passes the value checks cleanly. */
function decodeChecked(bytes: Uint8Array, name: string): 'ok' | 'refused' {
  const r = decodeFile(bytes, name, LIMITS);
  if (!r.ok) {
    expect(r.error.startsWith(`${name}: `)).toBe(true);
    expect(r.error).not.toMatch(/\n/);
    return 'refused';
  }
  const checked = sanitizeWorkout(r.workout, { nowMs: NOW.getTime() });
  if (!checked.ok) expect(checked.reason).not.toMatch(/\n/);
  return checked.ok ? 'ok' : 'refused';
}

const tally = () => ({ ok: 0, refused: 0 });

describe('fuzz: 10,000 hostile inputs end in a result or a clear error', () => {
  const workout = makeWorkout({ seconds: 90, laps: [] });
  const seeds = {
    fit: [encodeFit(workout), fixture('garmin-fenix-5-run.fit')],
    tcx: [encodeTcx(workout), fixture('test.tcx')],
    gpx: [encodeGpx(workout), fixture('wahoo_example.gpx')],
  };

  for (const [format, runs] of [
    ['fit', 1600],
    ['tcx', 1200],
    ['gpx', 1200],
  ] as const) {
    it(`${format}: ${runs} mutated files (decoders, budgets, value checks)`, async () => {
      const seen = tally();
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: seeds[format].length - 1 }).chain((i) => mutation(seeds[format][i]!)),
          async (bytes) => {
            seen[await guarded(format, () => decodeChecked(bytes, `fuzz.${format}`))]++;
          },
        ),
        { seed: 14, numRuns: runs },
      );
      expect(seen.ok).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    }, 120_000);
  }

  it('xml: 400 generated documents (deep, wide, entities, sample floods) stay within the XML budgets', async () => {
    const seen = tally();
    const doc = fc.oneof(
      fc.integer({ min: 1, max: 200 }).map((d) => `<gpx>${'<a>'.repeat(d)}${'</a>'.repeat(d)}</gpx>`),
      fc
        .integer({ min: 1, max: 30_000 })
        .map((n) => `<gpx><trk><trkseg>${'<trkpt lat="1" lon="2"/>'.repeat(n)}</trkseg></trk></gpx>`),
      fc
        .integer({ min: 1, max: 8 })
        .map(
          (n) =>
            `<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "${'x'.repeat(50)}">${Array.from({ length: n }, (_, i) => `<!ENTITY e${i + 1} "${'&' + (i === 0 ? 'a' : `e${i}`) + ';'.repeat(10)}">`).join('')}]><gpx><trk><name>&e${n};</name></trk></gpx>`,
        ),
      fc.string({ maxLength: 300 }).map((s) => `<TrainingCenterDatabase>${s}</TrainingCenterDatabase>`),
    );
    await fc.assert(
      fc.asyncProperty(doc, async (text) => {
        seen[await guarded('xml', () => decodeChecked(new TextEncoder().encode(text), 'fuzz.gpx'))]++;
      }),
      { seed: 14, numRuns: 400 },
    );
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);

  it('zepp json: 1,400 damaged API payloads map or fail clearly, and what maps passes the value checks', async () => {
    const seen = tally();
    const pairs = [
      [zepp('run_1698569116_summary.json'), zepp('run_1698569116_detail.json')],
      [zepp('swimming_1654683111_summary.json'), zepp('swimming_1654683111_detail.json')],
    ] as const;
    const hostileValue = fc.oneof(
      fc.constantFrom(1e300, -1e308, Number.MAX_SAFE_INTEGER, -1, 0, '1e300', 'NaN', '', null, '9'.repeat(40)),
      fc.string({ maxLength: 40 }),
      fc.double(),
      fc.string({ maxLength: 200 }).map((s) => `${s};${s},${s}`),
    );
    const payload = fc
      .record({
        pair: fc.nat({ max: pairs.length - 1 }),
        side: fc.constantFrom('summary', 'detail'),
        edits: fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 4 }),
      })
      .map(({ pair, side, edits }) => {
        const [summary, detail] = pairs[pair]!.map((o) => structuredClone(o) as Record<string, unknown>);
        const target = side === 'summary' ? summary! : detail!;
        const keys = Object.keys(target);
        for (const [k, v] of edits) target[keys[k % keys.length]!] = v;
        return { summary, detail };
      });
    await fc.assert(
      fc.asyncProperty(payload, async (json) => {
        seen[
          await guarded('zepp json', () => {
            const r = decodeZeppWorkout(json);
            if (!r.ok) {
              expect(r.error).not.toMatch(/\n/);
              return 'refused';
            }
            return soundWorkout(r, 'zepp', NOW, LIMITS.samples) && 'ok';
          })
        ]++;
      }),
      { seed: 14, numRuns: 1400 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);

  it('export csv: 1,200 hostile CSV streams parse within the row, field and row-count budgets', async () => {
    const seen = tally();
    const header = 'type,startTime,sportTime(s),distance(m),calories(kcal)\n';
    const body = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.integer({ min: 1, max: 10_000 }).map((n) => 'x'.repeat(n)), // a line that does not end
      fc.integer({ min: 1, max: 200 }).map((n) => `1,${','.repeat(n)}\n`), // too many fields
      fc.integer({ min: 1, max: 8000 }).map((n) => '1,2024-01-01 00:00:00+0000,60,100,5\n'.repeat(n)),
      fc.integer({ min: 1, max: 3000 }).map((n) => `"${'"",\n'.repeat(n)}`), // a quoted field that goes on
    );
    const chunking = fc.integer({ min: 1, max: 4096 });
    await fc.assert(
      fc.asyncProperty(body, chunking, async (text, size) => {
        const bytes = new TextEncoder().encode(header + text);
        async function* chunks() {
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
        }
        seen[
          await guarded('csv', async () => {
            for await (const _row of parseCsv(chunks(), { limits: LIMITS, where: 'SPORT.csv' }));
          })
        ]++;
      }),
      { seed: 14, numRuns: 1200 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);

  it('zip: 1,500 damaged archives (files and Zepp export source) open, stream and read clearly or fail alone', async () => {
    const seen = tally();
    const rows = Array.from(
      { length: 40 },
      (_, i) => `1,2024-01-${String(1 + (i % 28)).padStart(2, '0')} 07:00:00+0000,${1800 + i},${5000 + i},300`,
    ).join('\n');
    const zips = [
      zipSync({
        'SPORT/SPORT_1.csv': strToU8(`type,startTime,sportTime(s),distance(m),calories(kcal)\n${rows}\n`),
        'a/run.fit': encodeFit(workout),
        'b/track.gpx': encodeGpx(workout),
      }),
      zipSync({ 'SPORT/SPORT_1.csv': strToU8(`type,startTime\n${rows}\n`) }, { level: 0 }),
    ];
    const file = path.join(dir, 'fuzz.zip');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: zips.length - 1 }).chain((i) => mutation(zips[i]!)),
        async (bytes) => {
          await writeFile(file, bytes);
          seen[
            await guarded('zip', async () => {
              const zip = await ZipArchive.open(file, LIMITS);
              for (const entry of zip.entries) if (!entry.directory) await zip.read(entry);
              const source = createZeppExportSource({
                zipPath: file,
                accountId: 'fuzz',
                limits: LIMITS,
                utcOffsetSeconds: 0,
              });
              for await (const ref of source.list({}))
                soundWorkout(await source.fetch(ref), ref.sourceId, NOW, LIMITS.samples);
            })
          ]++;
        },
      ),
      { seed: 14, numRuns: 1500 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 180_000);

  it('gzip: 1,000 damaged or bombing gzip files inflate within the budget or fail clearly', async () => {
    const seen = tally();
    const gz = [gzipSync(encodeGpx(workout)), gzipSync(new Uint8Array(8 << 20))]; // the second inflates past fileBytes
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: gz.length - 1 }).chain((i) => mutation(gz[i]!)),
        async (bytes) => {
          seen[await guarded('gzip', async () => void (await gunzipWithin(bytes, 'fuzz.gpx.gz', LIMITS)))]++;
        },
      ),
      { seed: 14, numRuns: 1000 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 120_000);

  it('gadgetbridge: 500 databases (hostile rows, damaged bytes) list and fetch clearly, one failure per workout', async () => {
    const seen = tally();
    const hostile = fc.oneof(
      fc.constantFrom(0, -1, 1e300, 253402300800000, Number.MAX_SAFE_INTEGER),
      fc.integer({ min: 631152000000, max: 1780000000000 }),
    );
    const summary = fc.record({
      startMs: hostile,
      length: fc.oneof(fc.integer({ min: 0, max: 7200_000 }), hostile),
      kind: fc.integer({ min: -5, max: 2000 }),
      summaryData: fc.oneof(
        fc.constant(null),
        fc.string({ maxLength: 80 }),
        fc
          .record({
            distanceMeters: fc.record({
              value: fc.oneof(fc.double(), fc.constant(-1e308)),
              unit: fc.constant('meters'),
            }),
          })
          .map((o) => JSON.stringify(o)),
      ),
      gpxTrack: fc.oneof(fc.constant(null), fc.constant('/sdcard/x/../../etc/passwd.gpx'), fc.constant('track.gpx')),
    });
    const db = path.join(dir, 'Gadgetbridge.db');
    const gpxDir = path.join(dir, 'gpx');
    await (await import('node:fs/promises')).mkdir(gpxDir, { recursive: true });
    await writeFile(path.join(gpxDir, 'track.gpx'), encodeGpx(workout));
    const good = await makeGadgetbridgeDb({
      devices: [{ id: 1, name: 'Mi Band 5', manufacturer: 'Huami', identifier: 'AA:BB', type: 37 }],
      summaries: [
        {
          startMs: Date.parse('2024-05-01T07:00:00Z'),
          endMs: Date.parse('2024-05-01T08:00:00Z'),
          kind: 16,
          deviceId: 1,
        },
      ],
      samples: [
        { table: 'MI_BAND_ACTIVITY_SAMPLE', ts: Date.parse('2024-05-01T07:10:00Z') / 1000, deviceId: 1, hr: 130 },
      ],
    });
    const input = fc.oneof(
      fc.array(summary, { minLength: 1, maxLength: 4 }).map((rows) => ({ rows, damage: null })),
      mutation(good).map((bytes) => ({ rows: null, damage: bytes })),
    );
    await fc.assert(
      fc.asyncProperty(input, async ({ rows, damage }) => {
        const bytes =
          damage ??
          (await makeGadgetbridgeDb({
            devices: [{ id: 1, name: 'Amazfit Bip', manufacturer: 'Huami', identifier: 'CC:DD', type: 39 }],
            summaries: rows!.map((r, i) => ({
              id: i + 1,
              startMs: r.startMs,
              endMs: r.startMs + r.length,
              kind: r.kind,
              deviceId: 1,
              summaryData: r.summaryData,
              gpxTrack: r.gpxTrack,
            })),
            samples: [],
          }));
        await writeFile(db, bytes);
        const source = createGadgetbridgeSource({
          dbPath: db,
          gpxDir,
          accountId: 'fuzz',
          limits: LIMITS,
          utcOffsetSeconds: 0,
        });
        try {
          const refs = [];
          try {
            for await (const ref of source.list({})) refs.push(ref);
          } catch (err) {
            seen[await guarded('gadgetbridge list', () => Promise.reject(err))]++;
            return;
          }
          for (const ref of refs)
            seen[
              await guarded('gadgetbridge fetch', async () =>
                soundWorkout(await source.fetch(ref), ref.sourceId, NOW, LIMITS.samples),
              )
            ]++;
        } finally {
          source.close();
        }
      }),
      { seed: 14, numRuns: 500 },
    );
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 180_000);
});
