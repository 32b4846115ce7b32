// Shared set-up for the store tests: temp data dirs, unique PostgreSQL schemas
// (the server's `test` database is shared with other suites), and workouts.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withFingerprint, type Workout } from '../../src/core/index.js';

export const TEST_DATABASE_URL = process.env.BANDSYNC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function tempDir(prefix = 'bandsync-store-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function uniqueSchema(tag: string): string {
  return `t_${tag}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export function makeWorkout(
  sourceId: string,
  startTime: string,
  overrides: Partial<Omit<Workout, 'fingerprint'>> = {},
): Workout {
  return withFingerprint({
    sport: 'running',
    name: `Run ${sourceId}`,
    startTime,
    utcOffsetSeconds: 3600,
    elapsedSeconds: 1800,
    samples: { t: [0, 1, 2], heartRate: [120, 121, null], lat: [52.1, 52.10001, 52.10002], lon: [4.3, 4.3, 4.30001] },
    pauses: [{ startOffset: 600, endOffset: 660 }],
    laps: [],
    lengths: [],
    indoor: false,
    device: { manufacturer: 339, product: 1, name: 'Mi Band 8' },
    totals: { distanceMeters: 5000, calories: 300 },
    source: { kind: 'zepp-cloud', id: sourceId },
    ...overrides,
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The version of every migration file in the source tree (each must be applied exactly once). */
export function migrationFileVersions(): number[] {
  const dir = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => Number(f.slice(0, 4)));
}

/** Whether the test PostgreSQL server answers (suites that need it skip, saying so, when it does not). */
export async function postgresReachable(url = TEST_DATABASE_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
