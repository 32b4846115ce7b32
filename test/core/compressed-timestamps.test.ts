// FIT files whose records use compressed-timestamp headers (older Garmin
// watches) are read in full, although Garmin's JavaScript SDK alone stops at the
// first such header. Reference values: fitparse, which reads them (expected.json).
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { expandCompressedTimestamps } from '../../src/core/formats/fit/compressed-timestamps.js';
import { corpusPath, expectedTable, summarizeCorpus } from './corpus-files.js';

const NAME = 'compressed-speed-distance.fit';
const FIT_EPOCH_MS = Date.UTC(1989, 11, 31);
const fitTime = (s: number) => FIT_EPOCH_MS + s * 1000;

describe.skipIf(!corpusPath(NAME))(`${NAME} (FR70, compressed timestamps)`, () => {
  const expected = expectedTable()[NAME]!.expected;
  const fitparse = expected.fitparse;

  it('the Garmin SDK alone stops at the first compressed header (why the rewrite exists)', () => {
    expect(expected.garmin_fitsdk.errors[0]).toMatch(/compressed timestamp/);
  });

  it('the rewritten file is a valid FIT that the SDK reads without errors, with every record fitparse finds', () => {
    const rewritten = expandCompressedTimestamps(new Uint8Array(readFileSync(corpusPath(NAME)!)))!;
    const decoder = new Decoder(Stream.fromArrayBuffer(rewritten.buffer as ArrayBuffer));
    expect(decoder.checkIntegrity()).toBe(true);
    const { messages, errors } = decoder.read();
    expect(errors).toEqual([]);
    expect(messages.recordMesgs?.length).toBe(fitparse.message_counts.record);
    expect(messages.lapMesgs?.length).toBe(fitparse.message_counts.lap);
  });

  it('records run from the session start to its end, one per time step, and the timer events give the pause', () => {
    const { workout, summary, issues } = summarizeCorpus(NAME);
    const session = fitparse.sessions[0];
    expect(summary.records).toBe(fitparse.message_counts.record);
    expect(issues.filter((i) => i.damage)).toEqual([]);
    const t = workout.samples.t;
    for (let i = 1; i < t.length; i++) expect(t[i]!).toBeGreaterThan(t[i - 1]!);
    const start = Date.parse(workout.startTime);
    expect(start).toBe(fitTime(session.start_time));
    expect(start + t[t.length - 1]! * 1000).toBeLessThanOrEqual(fitTime(session.timestamp));
    const [stop, resume] = fitparse.timer_events as [number, string][];
    // The offset wraps every 32 s: a misread rollover would leave gaps of 32 s or more; the only one is the pause.
    const gaps = t.slice(1).flatMap((v, i) => (v - t[i]! >= 32 ? [[t[i]!, v]] : []));
    expect(gaps).toEqual([[expect.any(Number), expect.any(Number)]]);
    expect(gaps[0]![0]).toBeLessThanOrEqual(stop![0] - session.start_time);
    expect(gaps[0]![1]).toBeGreaterThanOrEqual(resume![0] - session.start_time);
    expect(workout.pauses).toEqual([
      expect.objectContaining({
        startOffset: stop![0] - session.start_time,
        endOffset: resume![0] - session.start_time,
      }),
    ]);
    // The stream's distance (compressed_speed_distance) reaches the session's total.
    const distance = workout.samples.distance!.filter((v): v is number => v != null);
    expect(Math.abs(distance[distance.length - 1]! - session.total_distance)).toBeLessThan(
      0.005 * session.total_distance,
    );
  });

  it('a file without compressed headers is left alone', () => {
    const plain = corpusPath('garmin-fenix-5-run.fit');
    if (plain) expect(expandCompressedTimestamps(new Uint8Array(readFileSync(plain)))).toBeNull();
  });
});

describe('a hostile file cannot make the rewrite grow without bound', () => {
  it('alternating compressed and plain messages under a wide definition are left to the SDK, not expanded', () => {
    const parts: number[][] = [];
    // Local 1: one timestamp field (so compressed offsets have a base); local 0: 255 empty fields, no timestamp.
    parts.push([0x41, 0, 0, 20, 0, 1, 253, 4, 0x86], [0x01, 0x00, 0x00, 0x00, 0x40]);
    const wide = [0x40, 0, 0, 20, 0, 255];
    for (let f = 0; f < 255; f++) wide.push(f === 253 ? 255 : f, 0, 0x02); // never 253, the timestamp
    parts.push(wide);
    for (let i = 0; i < 100_000; i++) parts.push([0x80 | (i & 0x1f)], [0x00]);
    const data = parts.flat();
    const header = [
      14,
      0x20,
      0,
      0,
      ...new Uint8Array(new Uint32Array([data.length]).buffer),
      0x2e,
      0x46,
      0x49,
      0x54,
      0,
      0,
    ];
    const file = Uint8Array.from([...header, ...data, 0, 0]);
    // Expanded, each 1-byte message would carry its 771-byte definition again: about 150 MB from 200 KB.
    expect(expandCompressedTimestamps(file)).toBeNull();
  });
});
