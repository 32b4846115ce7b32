// Issue 14's hostile files, each built on disk in the test (streamed: a
// gigabyte-scale content is never held) and run through the real CLI or the
// real dashboard process: each fails alone with the file and the limit named,
// the process stays up, nothing else is lost. Speed and memory are measured by
// bench/hostile.ts, not here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  bigGpx,
  blankGpx,
  csvWithoutNewline,
  writeExpanded,
  writeGzip,
  writeZipBomb,
} from '../helpers/hostile-files.js';
import { makeGadgetbridgeDb } from '../sources/gadgetbridge/make-db.js';
import { runCli } from '../helpers/cli.js';
import { startCli, startCliWorld, type CliWorld } from './cli-world.js';

const MB = 1_000_000;
const limitOf = (name: string) => new RegExp(`over the limit of [\\d,]+ (MiB|bytes)?\\s*\\(limits\\.${name};`);

let world: CliWorld;
let exportZip: string;
beforeAll(async () => {
  world = await startCliWorld('hostile');
  exportZip = path.join(world.dir, 'export.zip');
  // 1.9 GB of CSV after its header, without a newline, in a 1.9 MB zip.
  await writeZipBomb(exportZip, { content: csvWithoutNewline(1900 * MB), name: 'SPORT/SPORT_1.csv' });
}, 180_000);
afterAll(async () => world?.close());

describe('hostile files through the real CLI', () => {
  it('connect zepp-export: a CSV of 1.9 GB without a newline is refused by its size, the account is not saved', async () => {
    const r = await world.cli(['connect', 'zepp-export', exportZip]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${exportZip}: SPORT/SPORT_1.csv`);
    expect(r.stderr).toMatch(limitOf('inflatedBytes'));
    expect(r.stderr).not.toMatch(/heap|FATAL|stack/i);
    expect((await world.status()).accounts.filter((a) => a.kind === 'zepp-export')).toEqual([]);
  }, 120_000);

  it('connect zepp-export: the same line under the inflation budget is stopped by the CSV row limit while streaming', async () => {
    const zip = path.join(world.dir, 'export-50mb.zip');
    await writeZipBomb(zip, { content: csvWithoutNewline(50 * MB), name: 'SPORT/SPORT_1.csv' });
    const r = await world.cli(['connect', 'zepp-export', zip]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${zip}: SPORT/SPORT_1.csv: row 2`);
    expect(r.stderr).toMatch(limitOf('csvRowChars'));
  }, 120_000);

  it('inspect: a 3 MB .gpx.gz that inflates to 3 GB stops at the file budget', async () => {
    const gz = path.join(world.dir, 'bomb.gpx.gz');
    const built = await writeGzip(gz, blankGpx(3000 * MB));
    expect(built.bytes).toBeLessThan(4 * MB);
    const r = await runCli(['inspect', gz], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read ${gz}: the gzip content`);
    expect(r.stderr).toMatch(limitOf('fileBytes'));
  }, 120_000);

  it('import: a 170 KB zip whose 2,000 directory records point at one 60 MB entry is refused whole, at once', async () => {
    const zip = path.join(world.dir, 'overlap.zip');
    const built = await writeZipBomb(zip, {
      content: blankGpx(60 * MB),
      name: 'w0000.gpx',
      records: 2000,
      alias: (i) => `w${String(i).padStart(4, '0')}.gpx`,
    });
    expect(built.bytes).toBeLessThan(200_000);
    const r = await world.cli(['import', '--no-upload', zip]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `✗ ${zip}: entries "w0000.gpx" and "w0001.gpx" are the same bytes (overlapping entries: a zip bomb or a damaged archive); refused`,
    );
    expect(r.stdout.match(/✗/g)).toHaveLength(1);
  }, 120_000);

  describe('a 247 MB GPX', () => {
    let gpxDir: string;
    let gpx: string;
    beforeAll(async () => {
      gpxDir = path.join(world.dir, 'gb-gpx');
      await mkdir(gpxDir);
      gpx = path.join(gpxDir, 'big.gpx');
      await writeExpanded(gpx, bigGpx(247 * MB));
    }, 120_000);

    it('inspect: refused by its size before it is read', async () => {
      const r = await runCli(['inspect', gpx], {});
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the file \(247,\d{3},\d{3} bytes\) is over the limit of 128 MiB \(limits\.fileBytes;/);
    }, 60_000);

    it('in a Gadgetbridge GPX folder: that workout fails with the limit in its ledger, and the sync goes on', async () => {
      const db = path.join(world.dir, 'Gadgetbridge.db');
      const summary = (startIso: string, gpxTrack: string | null) => ({
        startMs: Date.parse(startIso),
        endMs: Date.parse(startIso) + 3600_000,
        kind: 16,
        deviceId: 1,
        gpxTrack,
      });
      await writeFile(
        db,
        await makeGadgetbridgeDb({
          devices: [{ id: 1, name: 'Mi Band 5', manufacturer: 'Huami', identifier: 'AA:BB', type: 37 }],
          summaries: [
            summary('2024-05-01T07:00:00Z', '/storage/emulated/0/gadgetbridge/big.gpx'),
            summary('2024-05-02T07:00:00Z', null),
          ],
          samples: [],
        }),
      );
      expect((await world.cli(['connect', 'gadgetbridge', db, '--gpx-dir', gpxDir])).code).toBe(0);
      const r = await world.cli(['sync', '--all', '--dry-run', '--json']);
      expect(r.stderr).not.toMatch(/heap|FATAL|stack/i);
      const log = await world.cli(['log']);
      expect(log.stdout).toContain(`source_over_limit: ${gpx}: the file (247,`);
      expect(log.stdout).toMatch(limitOf('fileBytes'));
    }, 180_000);
  });

  it('impossible values: lat 91 / lon 181 and a TCX distance of −1e308 are dropped with an issue, a GPX dated 9999 and a Zepp time of 1e300 are refused', async () => {
    const dir = path.join(world.dir, 'values');
    await mkdir(dir);
    const gpx = (lat: (i: number) => number, year: number) =>
      `<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>${Array.from(
        { length: 10 },
        (_, i) => `<trkpt lat="${lat(i)}" lon="${i === 3 ? 181 : 3.2}"><time>${year}-05-01T07:0${i}:00Z</time></trkpt>`,
      ).join('')}</trkseg></trk></gpx>`;
    await writeFile(
      path.join(dir, 'lat91.gpx'),
      gpx((i) => (i === 3 ? 91 : 50.1 + i * 1e-3), 2024),
    );
    await writeFile(
      path.join(dir, 'y9999.gpx'),
      gpx((i) => 50.1 + i * 1e-3, 9999),
    );
    await writeFile(
      path.join(dir, 'distance.tcx'),
      `<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Running"><Id>2024-05-03T07:00:00Z</Id><Lap StartTime="2024-05-03T07:00:00Z"><TotalTimeSeconds>540</TotalTimeSeconds><DistanceMeters>-1e308</DistanceMeters><Calories>10</Calories><Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>${Array.from(
        { length: 10 },
        (_, i) =>
          `<Trackpoint><Time>2024-05-03T07:0${i}:00Z</Time><DistanceMeters>${i === 5 ? -1e308 : i * 111}</DistanceMeters><HeartRateBpm><Value>${130 + i}</Value></HeartRateBpm></Trackpoint>`,
      ).join('')}</Track></Lap></Activity></Activities></TrainingCenterDatabase>`,
    );
    const inspected = await runCli(['inspect', '--json', path.join(dir, 'lat91.gpx')], {});
    expect(inspected.code).toBe(0);
    const summary = JSON.parse(inspected.stdout) as {
      distanceMeters: number;
      issues: { code: string; path: string }[];
    };
    expect(summary.distanceMeters).toBeLessThan(1500); // 9 sound points 111 m apart, not thousands of km
    expect(summary.issues).toContainEqual(expect.objectContaining({ code: 'value_dropped', path: 'samples.lat/lon' }));

    const r = await world.cli(['import', '--no-upload', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `✗ ${path.join(dir, 'y9999.gpx')}: start time 9999-05-01T07:00:00Z is more than a day in the future`,
    );
    expect(r.stdout.match(/✗/g)).toHaveLength(1);
    const log = (await world.cli(['log'])).stdout;
    expect(log).toMatch(
      /value_dropped at samples\.lat\/lon: positions outside ±90° \/ ±180°: 1 dropped \(first: sample 3 at 91, 181\)/,
    );
    expect(log).toMatch(
      /value_dropped at totals\.distanceMeters: declared distanceMeters: 1 dropped \(first: -1e\+308\)/,
    );
    expect(log).toMatch(/value_dropped at samples\.distance: distance values outside 0…5000000 m: 1 dropped/);

    const zepp = path.join(dir, 'zepp.json');
    const fixtures = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/zepp');
    const { readFile } = await import('node:fs/promises');
    const summaryJson = JSON.parse(await readFile(path.join(fixtures, 'run_1698569116_summary.json'), 'utf8'));
    const detail = JSON.parse(await readFile(path.join(fixtures, 'run_1698569116_detail.json'), 'utf8'));
    await writeFile(zepp, JSON.stringify({ summary: { ...summaryJson, trackid: 1e300 }, detail }));
    const z = await runCli(['inspect', zepp], {});
    expect(z.code).toBe(1);
    expect(z.stderr).toContain('trackid: not a time (seconds since 1970)');
    expect(z.stderr).not.toContain('Invalid time value');
  }, 180_000);

  it('the dashboard export form: the 1.9 GB-line export is refused with the reason and the dashboard stays up', async () => {
    const serve = startCli(['serve', '--port', '0'], { ...world.env, BANDSYNC_DATA_DIR: path.join(world.dir, 'dash') });
    try {
      await serve.waitFor(/bandsync dashboard: (\S+)/, 'stdout');
      const base = /bandsync dashboard: (\S+)/.exec(serve.stdout())![1]!.replace(/\/$/, '');
      const page = await fetch(`${base}/connect`);
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
      expect(csrf).toBeTruthy();
      const form = new FormData();
      form.set('_csrf', csrf!);
      const { readFile } = await import('node:fs/promises');
      form.set('file', new Blob([await readFile(exportZip)]), 'export.zip');
      const res = await fetch(`${base}/connect/export`, {
        method: 'POST',
        body: form,
        headers: { cookie, origin: base },
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      const after = await (await fetch(new URL(res.headers.get('location')!, base), { headers: { cookie } })).text();
      expect(after).toContain('SPORT/SPORT_1.csv');
      expect(after).toMatch(/limits\.inflatedBytes/);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited();
    }
  }, 180_000);
});
