// `bandsync inspect` on a Zepp workout JSON ({"summary": …, "detail": …} as
// the cloud API returns them, built from the real payloads in
// test/fixtures/zepp/) prints the same summary as for a FIT: checked against
// the numbers the band itself declared in its summary payload, and against
// `inspect` of the FIT that `bandsync convert` makes of the same JSON.
// Bad JSON exits non-zero with one clear line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decoder, Stream } from '@garmin/fitsdk';
import { jsonOf, runCli, type CliResult } from '../helpers/cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/zepp/', import.meta.url));

interface Summary {
  sport: string;
  startTime: string;
  elapsedSeconds: number;
  timerSeconds: number;
  distanceMeters: number | null;
  avgHeartRate: number | null;
  maxHeartRate: number | null;
  calories: number | null;
  laps: number;
  lengths: number;
  pauses: number;
  device: { manufacturer: number; product: number; name: string };
  issues: { code: string; path: string; detail: string }[];
}

/** What the band declared in its own summary payload (strings and numbers as the API sends them). */
interface Declared {
  trackid: string;
  end_time: string;
  run_time: string;
  dis: string;
  calorie: string;
  avg_heart_rate: string;
  max_heart_rate: number;
  total_trips: number;
  swim_pool_length: number;
  source: string;
}

const detailOf = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(fixtures, `${name}_detail.json`), 'utf8')) as Record<string, unknown>;
/** Sum of the values of a self-timed `dt,value;` series (cumulative series are sent as deltas). */
const seriesSum = (detail: Record<string, unknown>, key: string): number =>
  String(detail[key])
    .split(';')
    .filter(Boolean)
    .reduce((sum, row) => sum + Number(row.split(',')[1]), 0);

const CASES = [
  { name: 'run_1698569116', sport: 'running', hr: true },
  { name: 'swimming_1654683111', sport: 'pool_swimming', hr: false },
  { name: 'walk_1542558074', sport: 'walking', hr: true },
] as const;

describe('bandsync inspect on a Zepp workout JSON', () => {
  let dir: string;
  const env = (): Record<string, string> => ({ BANDSYNC_DATA_DIR: join(dir, 'data') });
  const results = new Map<string, { declared: Declared; json: CliResult; convert: CliResult; fit: CliResult }>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bandsync-inspect-zepp-'));
    // The CLI is slow to start on a loaded machine; the cases run side by side.
    await Promise.all(
      CASES.map(async ({ name }) => {
        const summary = JSON.parse(readFileSync(join(fixtures, `${name}_summary.json`), 'utf8')) as Declared;
        const detail = detailOf(name);
        const file = join(dir, `${name}.json`);
        writeFileSync(file, JSON.stringify({ summary, detail }));
        const json = await runCli(['inspect', file, '--json'], env());
        const convert = await runCli(['convert', file, '--to', 'fit', '-o', join(dir, `${name}.fit`)], env());
        const fit = await runCli(['inspect', join(dir, `${name}.fit`), '--json'], env());
        results.set(name, { declared: summary, json, convert, fit });
      }),
    );
  }, 170_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('$name: the summary is what the band declared', ({ name, sport, hr }) => {
    const { declared, json } = results.get(name)!;
    expect(json.code, json.stderr).toBe(0);
    const s = jsonOf(json) as unknown as Summary;
    expect(s.sport).toBe(sport);
    expect(Date.parse(s.startTime)).toBe(Number(declared.trackid) * 1000);
    // The real swim's series run one second past end_time (1380 vs 1379 s); the last sample is kept.
    expect(s.elapsedSeconds - (Number(declared.end_time) - Number(declared.trackid))).toBeGreaterThanOrEqual(0);
    expect(s.elapsedSeconds - (Number(declared.end_time) - Number(declared.trackid))).toBeLessThanOrEqual(1);
    expect(s.timerSeconds).toBeCloseTo(Number(declared.run_time), 0);
    // Distance: the band's declared `dis` wins. The 2018 walk's series sums to 3312 m while its
    // summary says 3571 m (the Zepp app shows 3.57 km): the series is scaled, and that is reported.
    expect(s.distanceMeters).toBe(Number(declared.dis));
    const series = seriesSum(detailOf(name), 'distance');
    if (series !== Number(declared.dis))
      expect(s.issues.find((i) => i.code === 'distance_rescaled')?.detail).toContain(
        `declared ${Number(declared.dis)} m, from stream ${series} m`,
      );
    expect(s.calories).toBe(Number(declared.calorie));
    if (hr) {
      expect(Math.abs(s.avgHeartRate! - Number(declared.avg_heart_rate))).toBeLessThanOrEqual(2);
      if (declared.max_heart_rate > 0) expect(s.maxHeartRate).toBe(declared.max_heart_rate);
    }
    // Lengths: what the band declared (total_trips 40). Its distance series holds 39 whole
    // lengths (998 m in 25 m) and 23 m of the last, which is counted and reported as inferred.
    if (sport === 'pool_swimming') {
      expect(s.lengths).toBe(declared.total_trips);
      expect(Math.floor(seriesSum(detailOf(name), 'distance') / declared.swim_pool_length)).toBe(
        declared.total_trips - 1,
      );
      expect(s.issues.map((i) => i.code)).toContain('zepp_last_length_inferred');
    }
    const family = /^run\.(\d+)\./.exec(declared.source)?.[1];
    expect(s.device.manufacturer).toBe(339);
    if (family) expect(s.device.product).toBe(Number(family));
  });

  it.each(CASES)('$name: inspect of the converted FIT prints the same summary', ({ name }) => {
    const { json, convert, fit } = results.get(name)!;
    expect(convert.code, convert.stderr).toBe(0);
    expect(fit.code, fit.stderr).toBe(0);
    const a = jsonOf(json) as unknown as Summary;
    const b = jsonOf(fit) as unknown as Summary;
    expect({
      sport: b.sport,
      startTime: b.startTime,
      elapsedSeconds: b.elapsedSeconds,
      calories: b.calories,
      laps: b.laps,
      lengths: b.lengths,
      pauses: b.pauses,
      device: b.device,
    }).toEqual({
      sport: a.sport,
      startTime: a.startTime,
      elapsedSeconds: a.elapsedSeconds,
      calories: a.calories,
      laps: a.laps,
      lengths: a.lengths,
      pauses: a.pauses,
      device: a.device,
    });
    expect(b.timerSeconds).toBeCloseTo(a.timerSeconds, 0);
    expect(Math.abs(b.distanceMeters! - a.distanceMeters!)).toBeLessThanOrEqual(Math.max(1, a.distanceMeters! * 0.005));
    expect(b.avgHeartRate === null ? null : Math.abs(b.avgHeartRate - a.avgHeartRate!)).toBe(
      a.avgHeartRate === null ? null : 0,
    );
    expect(b.maxHeartRate).toBe(a.maxHeartRate);
  });

  it.each(CASES)(
    "$name: the FIT Strava gets carries the band's distance in its session, laps and record stream (Garmin's decoder)",
    ({ name }) => {
      const { declared } = results.get(name)!;
      const { messages, errors } = new Decoder(Stream.fromByteArray(readFileSync(join(dir, `${name}.fit`)))).read();
      expect(errors).toEqual([]);
      const session = messages.sessionMesgs![0]!;
      const dis = Number(declared.dis);
      expect(session.totalDistance).toBeCloseTo(dis, 2);
      const laps = messages.lapMesgs!.reduce((sum, l) => sum + Number(l.totalDistance ?? 0), 0);
      expect(laps).toBeCloseTo(dis, 1);
      const distances = messages.recordMesgs!.map((r) => r.distance).filter((d): d is number => typeof d === 'number');
      expect(distances.at(-1)).toBeCloseTo(dis, 2);
      expect(Number(session.totalTimerTime)).toBeCloseTo(Number(declared.run_time), 0);
      expect(session.totalCalories).toBe(Number(declared.calorie));
    },
  );

  it('an invalid JSON, or one without summary and detail, exits non-zero with one clear line', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"summary": {"trackid": "1"}, "detail": ');
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ summary: { trackid: '1' } }));
    const [r1, r2] = await Promise.all([
      runCli(['inspect', broken, '--json'], env()),
      runCli(['inspect', partial, '--json'], env()),
    ]);
    for (const [r, file, reason] of [
      [r1, broken, /not valid JSON/],
      [r2, partial, /"summary" and "detail"/],
    ] as const) {
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toMatch(reason);
    }
  }, 120_000);
});
