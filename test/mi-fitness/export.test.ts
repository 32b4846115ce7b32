// The Mi Fitness privacy-centre export path: a password-protected zip (AES,
// written by zip.js, not by bandsync) of the sport-record and track CSVs;
// GPX links served on loopback, one still working, one expired (403), one
// workout without a link. Each workout says what happened to its track.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMiFitnessExportSource } from '../../src/sources/mi-fitness-export/index.js';
import type { WorkoutRef } from '../../src/sync/ports.js';
import { aesZip } from '../sources/files/aes-zip.js';

const T = 1784453950;
const summary = (start: number, extra: Record<string, unknown>) =>
  JSON.stringify({
    start_time: start,
    end_time: start + 1800,
    duration: 1800,
    valid_duration: 1750,
    timezone: 8,
    ...extra,
  });
const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;
const gpx = (start: number) =>
  `<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>` +
  [0, 10, 20]
    .map(
      (s, i) =>
        `<trkpt lat="${(48.1 + i * 0.001).toFixed(3)}" lon="${(11.5 + i * 0.001).toFixed(3)}"><ele>520</ele><time>${new Date((start + s) * 1000).toISOString()}</time></trkpt>`,
    )
    .join('') +
  `</trkseg></trk></gpx>`;

let server: Server;
let base: string;
let dir: string;
let zipPath: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok.gpx') res.writeHead(200, { 'content-type': 'application/gpx+xml' }).end(gpx(T + 60));
    else res.writeHead(403).end('<Error>AccessDenied: Request has expired</Error>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'mi-export-'));
  const records = [
    'Uid,Sid,Key,Time,Category,Value,UpdateTime',
    `1,blt.3.aa,outdoor_running,${T + 60},running,${csvCell(summary(T + 60, { distance: 5000, calories: 320, sport_type: 1 }))},${T + 2000}`,
    `1,blt.3.aa,outdoor_walking,${T + 86400},walking,${csvCell(summary(T + 86400, { distance: 2500, calories: 120, sport_type: 2 }))},${T + 90000}`,
    `1,blt.3.aa,strength_training,${T + 172800},fitness,${csvCell(summary(T + 172800, { calories: 200, sport_type: 8 }))},${T + 180000}`,
  ].join('\n');
  const tracks = ['Time,GPX', `${T + 60},${base}/ok.gpx`, `${T + 86400},${base}/expired.gpx`].join('\n');
  const zip = await aesZip(
    {
      '20260416_1_MiFitness_hlth_center_sport_record.csv': records,
      '20260416_1_MiFitness_hlth_center_sport_track_data.csv': tracks,
    },
    { password: 'export-pw' },
  );
  zipPath = join(dir, 'mifitness.zip');
  writeFileSync(zipPath, zip);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function refsOf(source: ReturnType<typeof createMiFitnessExportSource>): Promise<WorkoutRef[]> {
  const out: WorkoutRef[] = [];
  for await (const r of source.list({})) out.push(r);
  return out;
}

describe('Mi Fitness privacy-centre export', () => {
  it("lists every sport record; a wrong password is the zip reader's source_password", async () => {
    const refs = await refsOf(createMiFitnessExportSource({ zipPath, accountId: 'a', password: 'export-pw' }));
    expect(refs.map((r) => r.sourceId)).toEqual([
      `blt.3.aa:outdoor_running:${T + 60}`,
      `blt.3.aa:outdoor_walking:${T + 86400}`,
      `blt.3.aa:strength_training:${T + 172800}`,
    ]);
    await expect(
      refsOf(createMiFitnessExportSource({ zipPath, accountId: 'a', password: 'nope' })),
    ).rejects.toMatchObject({
      code: 'source_password',
    });
  });

  it('a working GPX link gives the track; an expired one or none holds the workout, saying why', async () => {
    const source = createMiFitnessExportSource({ zipPath, accountId: 'a', password: 'export-pw' });
    const [run, walk, strength] = await refsOf(source);
    const { workout } = await source.fetch(run!);
    expect(workout).toMatchObject({ sport: 'running', source: { kind: 'mi-fitness-export' }, utcOffsetSeconds: 7200 });
    expect(workout.samples.lat).toEqual([48.1, 48.101, 48.102]);
    expect(workout.totals.distanceMeters).toBe(5000);
    await expect(source.fetch(walk!)).rejects.toThrow(/GPX link has expired or is refused \(HTTP 403\)/);
    await expect(source.fetch(strength!)).rejects.toThrow(/lists no GPX track/);
  });

  it('with summary-only allowed, the expired-link workout goes up from its summary and the ledger issue says so', async () => {
    const source = createMiFitnessExportSource({
      zipPath,
      accountId: 'a',
      password: 'export-pw',
      allowSummaryOnly: true,
    });
    const [, walk] = await refsOf(source);
    const { workout, issues } = await source.fetch(walk!);
    expect(workout.samples.t).toEqual([]);
    expect(workout.sport).toBe('walking');
    expect(issues.find((i) => i.code === 'mi_fitness_summary_only')?.detail).toMatch(/expired/);
  });

  it("a sport-record CSV re-saved in another encoding is the file's own clear failure, naming the entry (as for Zepp)", async () => {
    const latin1 = Buffer.from(
      `Uid,Sid,Key,Time,Category,Value,UpdateTime\n1,blt.3.aa,caf\xE9,${T},running,{},${T}\n`,
      'latin1',
    );
    const path = join(dir, 'latin1.zip');
    writeFileSync(
      path,
      await aesZip({ '20260416_1_MiFitness_hlth_center_sport_record.csv': new Uint8Array(latin1) }, { password: 'pw' }),
    );
    await expect(
      refsOf(createMiFitnessExportSource({ zipPath: path, accountId: 'a', password: 'pw' })),
    ).rejects.toMatchObject({
      code: 'source_file_invalid',
      message: `${path}: 20260416_1_MiFitness_hlth_center_sport_record.csv: not UTF-8 or UTF-16 text (re-saved with another encoding?)`,
    });
  });
});
