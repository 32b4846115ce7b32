// Reading Strava's recorded Upload answers (real traffic, 2023) with the
// client's parser, and checking the simulator answers in the same shape.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { toUploadStatus } from '../../src/strava/index.js';
import type { StravaUpload } from '../../src/strava/upload.js';
import { makeFit } from './helpers.js';

const dir = path.resolve(import.meta.dirname, '../../../shared/samples/strava/vcr-strava-ruby-client/client');

/** Response bodies of a VCR cassette (YAML single-quoted scalars, folded lines joined). */
function bodies(file: string): string[] {
  const text = readFileSync(path.join(dir, file), 'utf8');
  return [...text.matchAll(/\n {6}string: '((?:[^']|'')*)'/g)]
    .map((m) => m[1]!.replace(/''/g, "'").replace(/\n\s+/g, ' '))
    .filter((b) => b.length > 0); // request bodies of GETs are ''
}

let sim: RunningStravaSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe.skipIf(!existsSync(dir))('recorded Upload answers (../shared/samples/strava; skipped without it)', () => {
  it('reads the 2023 lifecycle: processing, processing, ready with activity 8319193780', () => {
    const statuses = bodies('create_upload.yml').map((b) => toUploadStatus(JSON.parse(b) as StravaUpload));
    expect(statuses).toEqual([
      { kind: 'processing', uploadId: '8919698041' },
      { kind: 'processing', uploadId: '8919698041' },
      { kind: 'ready', uploadId: '8919698041', activityId: '8319193780' },
    ]);
  });

  it('reads the recorded duplicate as a duplicate of the first activity', () => {
    const last = toUploadStatus(JSON.parse(bodies('create_upload_file_with_error.yml').at(-1)!) as StravaUpload);
    expect(last).toEqual({
      kind: 'duplicate',
      uploadId: '8919699501',
      activityId: '8319193780',
      message: '17611540601.tcx duplicate of activity 8319193780',
    });
  });

  it('the simulator answers uploads with the same fields and status texts as the recording', async () => {
    sim = await startStravaSimulator({ processingPolls: 1 });
    const token = (
      (await (
        await fetch(`${sim.url}/oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({
            client_id: sim.credentials.clientId,
            client_secret: sim.credentials.clientSecret,
            grant_type: 'refresh_token',
            refresh_token: sim.credentials.refreshToken,
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const form = new FormData();
    form.set(
      'file',
      new Blob([makeFit({ start: new Date('2026-01-05T07:00:00Z'), elapsed: 600, distanceMeters: 1000 })]),
      'a.fit',
    );
    form.set('data_type', 'fit');
    form.set('external_id', 'zepp-rec');
    const headers = { authorization: `Bearer ${token}` };
    const post = await fetch(`${sim.url}/api/v3/uploads`, { method: 'POST', headers, body: form });
    const created = (await post.json()) as Record<string, unknown>;
    const polls = [];
    for (let i = 0; i < 2; i++)
      polls.push(
        (await (await fetch(`${sim.url}/api/v3/uploads/${String(created.id)}`, { headers })).json()) as Record<
          string,
          unknown
        >,
      );
    const recorded = bodies('create_upload.yml').map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(post.status).toBe(201);
    for (const [ours, theirs] of [
      [created, recorded[0]],
      [polls[0], recorded[1]],
      [polls[1], recorded[2]],
    ] as const) {
      expect(Object.keys(ours!).sort()).toEqual(Object.keys(theirs!).sort());
      expect(ours!.status).toBe(theirs!.status);
      expect(ours!.id_str).toBe(String(ours!.id));
    }
    expect(created.external_id).toBeNull(); // null until processed, as recorded
    expect(polls[1]!.external_id).toBe('zepp-rec.fit');
  });
});
