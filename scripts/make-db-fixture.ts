// Builds the upgrade-test fixture of THIS release: a realistic populated
// database written through the current store code, dumped as plain SQL, plus
// the values it was filled with (what a later bandsync must read back).
//
//   npx tsx scripts/make-db-fixture.ts <release> [databaseUrl]
//   → test/fixtures/db/<release>.sql and <release>.expected.json
//
// Run it once per release, right before tagging, and commit both files; never
// regenerate an old release's fixture (it stands for databases users have).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withFingerprint, type Workout } from '../src/core/index.js';
import { openStore } from '../src/store/index.js';
import { pgEnv } from '../src/store/backup.js';
import { loadMigrations } from '../src/store/migrate.js';
import type { SyncRecord } from '../src/sync/ports.js';
import type { SyncState } from '../src/sync/states.js';

/** The dump names the schema this; loaders replace it with the schema they load into. */
export const SCHEMA_PLACEHOLDER = 'bandsync_fixture_schema';
/** A fixed, public test key (32 bytes of 0x01..0x20): fixture secrets are sealed with it. */
export const FIXTURE_SECRET_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString('base64');

const FIXTURES_DIR = fileURLToPath(new URL('../test/fixtures/db/', import.meta.url));
const DEFAULT_URL = process.env.BANDSYNC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Deterministic "noise" so the tracks look recorded, not drawn. */
const wobble = (i: number, period: number, amp: number): number => Math.round(Math.sin(i / period) * amp * 1e6) / 1e6;

function outdoor(id: string, sport: 'running' | 'cycling', startTime: string, n: number): Workout {
  const step = sport === 'running' ? 3 : 2;
  const speed = sport === 'running' ? 3.1 : 7.4;
  const t = Array.from({ length: n }, (_, i) => i * step);
  return withFingerprint({
    sport,
    name: sport === 'running' ? 'Morning run' : 'Commute ride',
    startTime,
    utcOffsetSeconds: 3600,
    elapsedSeconds: t[n - 1]! + 60,
    samples: {
      t,
      lat: t.map((s, i) => (i === 40 ? null : Math.round((52.09 + s * 0.00002 + wobble(i, 9, 0.00003)) * 1e7) / 1e7)),
      lon: t.map((s, i) => (i === 40 ? null : Math.round((5.12 + s * 0.00001 + wobble(i, 13, 0.00004)) * 1e7) / 1e7)),
      altitude: t.map((_, i) => Math.round((4 + wobble(i, 20, 3)) * 10) / 10),
      heartRate: t.map((_, i) => (i < 3 ? null : 118 + (i % 37) + Math.round(wobble(i, 7, 4)))),
      cadence: t.map((_, i) => (sport === 'running' ? 82 + (i % 5) : 70 + (i % 11))),
      speed: t.map((_, i) => Math.round((speed + wobble(i, 5, 0.4)) * 100) / 100),
      distance: t.map((s) => Math.round(s * speed * 10) / 10),
    },
    pauses: [{ startOffset: t[60]!, endOffset: t[60]! + 45, kind: 'manual' }],
    laps: [
      {
        startOffset: 0,
        elapsedSeconds: t[100]!,
        timerSeconds: t[100]! - 45,
        distanceMeters: 1000,
        calories: 71,
        avgHeartRate: 136,
        maxHeartRate: 151,
        trigger: 'distance',
      },
      {
        startOffset: t[100]!,
        elapsedSeconds: t[n - 1]! + 60 - t[100]!,
        timerSeconds: t[n - 1]! + 60 - t[100]!,
        trigger: 'session_end',
      },
    ],
    lengths: [],
    indoor: false,
    device: { manufacturer: 1, product: 0, name: 'Xiaomi Smart Band 8', serial: 123456789 },
    totals: {
      distanceMeters: Math.round(t[n - 1]! * speed),
      timerSeconds: t[n - 1]! + 15,
      calories: 302,
      avgHeartRate: 137,
      maxHeartRate: 158,
      ascentMeters: 12,
      descentMeters: 11.5,
    },
    source: { kind: 'zepp-cloud', id, accountId: 'zepp-user-1234567' },
  });
}

function poolSwim(id: string, startTime: string): Workout {
  const lengths = Array.from({ length: 16 }, (_, i) => ({
    startOffset: i * 48,
    elapsedSeconds: i % 4 === 3 ? 30 : 45,
    strokes: i % 4 === 3 ? undefined : 18 + (i % 3),
    stroke: i % 4 === 3 ? undefined : ('freestyle' as const),
    kind: i % 4 === 3 ? ('idle' as const) : ('active' as const),
  })).map((l) => JSON.parse(JSON.stringify(l)) as Workout['lengths'][number]);
  return withFingerprint({
    sport: 'pool_swimming',
    rawSport: '14',
    name: 'Pool swim',
    startTime,
    utcOffsetSeconds: 7200,
    elapsedSeconds: 16 * 48,
    samples: {
      t: Array.from({ length: 64 }, (_, i) => i * 12),
      heartRate: Array.from({ length: 64 }, (_, i) => 100 + (i % 20)),
    },
    pauses: [],
    laps: [],
    lengths,
    poolLengthMeters: 25,
    indoor: true,
    device: { manufacturer: 1, product: 0, name: 'Amazfit Balance' },
    totals: { distanceMeters: 300, timerSeconds: 16 * 48, calories: 180 },
    source: { kind: 'zepp-cloud', id, accountId: 'zepp-user-1234567' },
  });
}

function indoor(id: string, startTime: string, kind: 'zepp-cloud' | 'files'): Workout {
  return withFingerprint({
    sport: kind === 'files' ? 'strength' : 'indoor_walking',
    name: kind === 'files' ? 'Gym — Ünïcode ✓' : undefined,
    startTime,
    utcOffsetSeconds: -18000,
    elapsedSeconds: 1200,
    samples: {
      t: Array.from({ length: 40 }, (_, i) => i * 30),
      heartRate: Array.from({ length: 40 }, (_, i) => (i === 7 ? null : 95 + i)),
    },
    pauses: [],
    laps: [],
    lengths: [],
    indoor: true,
    device: { manufacturer: 1, product: 0, name: 'Mi Band 7' },
    totals: { calories: 120, steps: kind === 'files' ? undefined : 1650 },
    source: kind === 'files' ? { kind, id } : { kind, id, accountId: 'zepp-user-1234567' },
  });
}

/** Each workout's record walks this path from 'discovered'; the last step's patch is what stays. */
interface Plan {
  workout: Workout;
  account: 'zepp' | 'files';
  revision?: string;
  path: SyncState[];
  patch: Partial<SyncRecord>;
  reason: string;
}

const PLANS: Plan[] = [
  {
    workout: outdoor('1700000001', 'running', '2026-03-01T06:30:00.000Z', 150),
    account: 'zepp',
    revision: 'r1',
    path: ['fetched', 'converted', 'uploading', 'processing', 'synced'],
    patch: { uploadId: '16000000001', activityId: '12000000001' },
    reason: 'activity ready',
  },
  {
    workout: outdoor('1700000002', 'cycling', '2026-03-02T17:05:00.000Z', 120),
    account: 'zepp',
    path: ['fetched', 'converted', 'uploading', 'processing', 'duplicate'],
    patch: { code: null, uploadId: '16000000002', activityId: '12000000099' },
    reason: 'Strava says duplicate of activity 12000000099',
  },
  {
    workout: poolSwim('1700000003', '2026-03-03T11:00:00.000Z'),
    account: 'zepp',
    path: ['fetched', 'converted', 'uploading', 'failed'],
    patch: {
      code: 'strava_unavailable',
      attempts: 3,
      lastError: 'Strava answered 503',
      nextAttemptAt: '2026-03-14T09:40:00.000Z',
    },
    reason: 'Strava answered 503',
  },
  {
    workout: indoor('1700000004', '2026-03-04T22:15:00.000Z', 'zepp-cloud'),
    account: 'zepp',
    path: ['fetched', 'converted', 'uploading', 'processing'],
    patch: { uploadId: '16000000004' },
    reason: 'upload accepted',
  },
  {
    workout: outdoor('1700000005', 'running', '2026-03-05T06:31:00.000Z', 110),
    account: 'zepp',
    path: ['fetched', 'converted', 'uploading', 'processing', 'needs_user'],
    patch: { code: 'strava_hr_consent', uploadId: '16000000005', activityId: '12000000005' },
    reason: 'heart rate dropped by Strava',
  },
  {
    workout: indoor('gym/2026-03-06.fit', '2026-03-06T12:00:00.000Z', 'files'),
    account: 'files',
    path: ['skipped'],
    patch: { code: 'sport_unknown' },
    reason: 'backfill not requested',
  },
  {
    workout: outdoor('1700000007', 'cycling', '2026-03-07T08:00:00.000Z', 105),
    account: 'zepp',
    path: [],
    patch: {},
    reason: '',
  },
];

const ACCOUNTS = {
  zepp: {
    id: 'acc-zepp',
    kind: 'zepp-cloud' as const,
    label: 'Zepp (band@example.com)',
    settings: {
      baseUrl: 'https://api-mifit-de2.zepp.com',
      region: 'de2',
      userId: '1234567',
      since: '2026-01-01T00:00:00.000Z',
    },
    secrets: {
      appToken: 'fixture-zepp-app-token-0123456789',
      email: 'band@example.com',
      password: 'fixture-pässword "quoted" \\ slash',
    },
  },
  files: {
    id: 'acc-files',
    kind: 'files' as const,
    label: 'Folder /srv/fit',
    settings: { path: '/srv/fit', recursive: true },
  },
  strava: {
    id: 'acc-strava',
    kind: 'strava' as const,
    label: 'Strava athlete 424242',
    settings: { athleteId: 424242, scopes: ['read', 'activity:write', 'activity:read_all'] },
    secrets: { accessToken: 'fixture-strava-access', refreshToken: 'fixture-strava-refresh', expiresAt: '1773480000' },
  },
};

const SETTINGS: Record<string, unknown> = {
  'poll.last.acc-zepp': '2026-03-14T09:15:00.000Z',
  'notify.sent': { 'strava_hr_consent:acc-strava': '2026-03-14T09:16:00.000Z' },
  'ui.hideBackfill': true,
  'strava.oauth.state': null,
};

/** The clock every store write sees, advanced by the script so expected timestamps are known. */
let clock = new Date('2026-03-14T09:00:00.000Z');
const tick = (): string => {
  clock = new Date(clock.getTime() + 1000);
  return clock.toISOString();
};

async function populate(dataDir: string, databaseUrl: string, schema: string): Promise<Record<string, unknown>> {
  const opened = await openStore({ dataDir, databaseUrl, schema, secretKey: FIXTURE_SECRET_KEY, now: () => clock });
  const { store, budget, queue } = opened;
  try {
    const accounts: Record<string, unknown>[] = [];
    for (const a of Object.values(ACCOUNTS)) {
      const at = tick();
      await store.saveAccount(a);
      accounts.push({
        id: a.id,
        kind: a.kind,
        label: a.label,
        settings: a.settings,
        status: 'ok',
        problem: null,
        createdAt: at,
        updatedAt: at,
        secrets: 'secrets' in a ? a.secrets : {},
      });
    }
    const problemAt = tick();
    await store.setAccountStatus(ACCOUNTS.strava.id, 'needs_user', 'strava_hr_consent');
    Object.assign(accounts[2]!, { status: 'needs_user', problem: 'strava_hr_consent', updatedAt: problemAt });

    let ledgerCount = 0;
    const workouts: Record<string, unknown>[] = [];
    const records: Record<string, unknown>[] = [];
    for (const plan of PLANS) {
      const createdAt = tick();
      const accountId = ACCOUNTS[plan.account].id;
      const saved = await store.saveWorkout(accountId, plan.workout, plan.revision);
      workouts.push({ id: saved.id, accountId, revision: plan.revision ?? null, createdAt, workout: plan.workout });
      await store.ensureRecord(saved.id, 'strava', `bandsync-${saved.id}`);
      ledgerCount += 1;
      let state: SyncState = 'discovered';
      let updatedAt = clock.toISOString();
      for (const [i, to] of plan.path.entries()) {
        updatedAt = tick();
        const last = i === plan.path.length - 1;
        const done = await store.transition({
          workoutId: saved.id,
          destination: 'strava',
          from: [state],
          to,
          patch: last ? plan.patch : {},
          reason: last ? plan.reason : `step ${to}`,
          data: last ? { fixture: true } : undefined,
        });
        if (!done) throw new Error(`fixture transition ${state} → ${to} refused`);
        state = to;
        ledgerCount += 1;
      }
      records.push({
        workoutId: saved.id,
        destination: 'strava',
        state,
        code: null,
        externalId: `bandsync-${saved.id}`,
        uploadId: null,
        activityId: null,
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        ...plan.patch,
        updatedAt,
      });
    }
    tick();
    await store.appendLedger({
      workoutId: null,
      accountId: ACCOUNTS.zepp.id,
      event: 'poll',
      fromState: null,
      toState: null,
      reason: 'listed 7 workouts',
      data: { pages: 1, listed: 7 },
    });
    ledgerCount += 1;

    for (const [key, value] of Object.entries(SETTINGS)) {
      tick();
      await store.setSetting(key, value);
    }

    // Strava's headers after a few uploads, then a 429 that blocked until the next window.
    const budgetAt = new Date('2026-03-14T09:20:00.000Z');
    await budget.record({ overall: [200, 2000, 37, 412], read: [100, 1000, 5, 60] }, budgetAt);
    await budget.block('2026-03-14T09:30:00.000Z');
    const rateBudget = {
      at: budgetAt.toISOString(),
      snapshot: {
        overall: { limit15: 200, usage15: 37, limitDay: 2000, usageDay: 412 },
        read: { limit15: 100, usage15: 5, limitDay: 1000, usageDay: 60 },
        windowEndsAt: '2026-03-14T09:30:00.000Z',
        dayEndsAt: '2026-03-15T00:00:00.000Z',
        blockedUntil: '2026-03-14T09:30:00.000Z',
        updatedAt: budgetAt.toISOString(),
      },
    };

    // A poll scheduled for later, as the daemon leaves it when it stops.
    await queue.send(
      'poll-account',
      { accountId: ACCOUNTS.zepp.id },
      { startAfter: new Date('2030-01-01T00:00:00.000Z'), singletonKey: `poll:${ACCOUNTS.zepp.id}` },
    );

    const countByState: Record<string, number> = {};
    for (const r of records) countByState[String(r.state)] = (countByState[String(r.state)] ?? 0) + 1;
    return {
      accounts,
      workouts,
      records,
      countByState,
      ledgerCount,
      settings: SETTINGS,
      rateBudget,
      queueDepth: { 'poll-account': 1 },
    };
  } finally {
    await opened.close();
  }
}

function pgDumpSql(databaseUrl: string, schema: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    // --inserts: no COPY … FROM stdin blocks, so PGlite's exec can run the file too.
    const child = spawn('pg_dump', ['--no-owner', '--no-privileges', '--inserts', '--schema', schema], {
      env: pgEnv(databaseUrl),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`pg_dump failed (exit ${code}): ${err.trim()}`)),
    );
  });
}

/** Placeholder schema; psql meta-commands (\restrict in newer pg_dump) dropped so it is plain SQL. */
export function portableDump(sql: string, schema: string): string {
  return sql
    .split('\n')
    .filter((line) => !/^\\(un)?restrict\b/.test(line))
    .join('\n')
    .replaceAll(schema, SCHEMA_PLACEHOLDER);
}

async function main(): Promise<void> {
  const [release, databaseUrl = DEFAULT_URL] = process.argv.slice(2);
  if (!release || !/^\d+\.\d+\.\d+$/.test(release))
    throw new Error('usage: make-db-fixture.ts <release x.y.z> [databaseUrl]');
  const schema = `fixture_${randomBytes(6).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'bandsync-fixture-'));
  try {
    const expected = await populate(dataDir, databaseUrl, schema);
    const sql = portableDump(await pgDumpSql(databaseUrl, schema), schema);
    const migrations = await loadMigrations();
    const header = `-- bandsync ${release} upgrade fixture (scripts/make-db-fixture.ts); schema placeholder ${SCHEMA_PLACEHOLDER}\n`;
    await writeFile(join(FIXTURES_DIR, `${release}.sql`), header + sql);
    const all = {
      release,
      schemaPlaceholder: SCHEMA_PLACEHOLDER,
      secretKey: FIXTURE_SECRET_KEY,
      migration: migrations.length,
      ...expected,
    };
    // One top-level key a line: diffable, yet the sample arrays stay compact.
    const text = `{\n${Object.entries(all)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(',\n')}\n}\n`;
    await writeFile(join(FIXTURES_DIR, `${release}.expected.json`), text);
    console.log(
      `wrote ${resolve(FIXTURES_DIR, `${release}.sql`)} (${Buffer.byteLength(header + sql)} bytes) and ${release}.expected.json`,
    );
  } finally {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
