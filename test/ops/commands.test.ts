// The doctor, backup and restore commands through commander, with real deps.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { register as registerBackup } from '../../src/cli/commands/backup.js';
import { register as registerDoctor } from '../../src/cli/commands/doctor.js';
import { baseDoctorDeps } from '../../src/observability/doctor-deps.js';
import { backupFromConfig, restoreFromConfig } from '../../src/store/backup.js';
import { openStore, readLockHolder } from '../../src/store/index.js';
import { TEST_DATABASE_URL, dropSchema, tempDir, uniqueSchema } from '../store/helpers.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function run(
  register: (p: Command) => void,
  args: string[],
  env: Record<string, string>,
): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    err += String(c);
    return true;
  });
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  process.exitCode = undefined;
  try {
    const program = new Command('bandsync').exitOverride();
    register(program);
    await program.parseAsync(args, { from: 'user' });
    return { out, err, code: typeof process.exitCode === 'number' ? process.exitCode : 0 };
  } finally {
    process.exitCode = undefined;
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
}

describe('bandsync backup / restore commands (PostgreSQL)', () => {
  it('round-trips through the commands and refuses to overwrite', async () => {
    const schema = uniqueSchema('cmdbackup');
    cleanups.push(() => dropSchema(schema));
    const dir = tempDir('bandsync-cmd-backup-');
    cleanups.push(dir.remove);
    const secretKey = randomBytes(32).toString('base64');
    const opened = await openStore({ dataDir: dir.path, databaseUrl: TEST_DATABASE_URL, schema, secretKey });
    await opened.store.setSetting('marker', { n: 42 });
    await opened.close();

    const ops = {
      backup: (c: { dataDir: string; databaseUrl?: string }, f: string) => backupFromConfig(c, f, schema),
      restore: (c: { dataDir: string; databaseUrl?: string }, f: string) => restoreFromConfig(c, f, schema),
    };
    const env = { BANDSYNC_CONFIG: '', BANDSYNC_DATA_DIR: dir.path, DATABASE_URL: TEST_DATABASE_URL };
    const file = join(dir.path, 'snap.backup');
    const b = await run((p) => registerBackup(p, ops), ['backup', file], env);
    expect(b.out).toMatch(/backup written: .*snap\.backup \(postgres/);
    expect(existsSync(file)).toBe(true);
    await expect(run((p) => registerBackup(p, ops), ['restore', file], env)).rejects.toThrow(/already has tables/);
    await dropSchema(schema);
    const r = await run((p) => registerBackup(p, ops), ['restore', file], env);
    expect(r.out).toContain('restored');
    const again = await openStore({ dataDir: dir.path, databaseUrl: TEST_DATABASE_URL, schema, secretKey });
    expect(await again.store.getSetting('marker')).toEqual({ n: 42 });
    await again.close();
  }, 60_000);
});

describe('bandsync doctor command', () => {
  it('prints one line per check and exits 1 when something fails', async () => {
    const dir = tempDir('bandsync-cmd-doctor-');
    cleanups.push(dir.remove);
    const env = {
      BANDSYNC_CONFIG: '',
      BANDSYNC_DATA_DIR: dir.path,
      BANDSYNC_STRAVA_URL: 'http://127.0.0.1:1',
      BANDSYNC_PORT: '1',
      STRAVA_CLIENT_SECRET: 'cs-0123456789',
    };
    let closed = false;
    const r = await run(
      (p) =>
        registerDoctor(p, async (config) => ({
          deps: { ...baseDoctorDeps(config, readLockHolder), accounts: async () => [] },
          close: async () => {
            closed = true;
          },
        })),
      ['doctor'],
      env,
    );
    expect(closed).toBe(true);
    expect(r.code).toBe(1); // no Strava account connected
    expect(r.out).toMatch(/^✓ data dir {5}.*writable and not locked$/m);
    expect(r.out).toMatch(/^✗ strava .*no Strava account connected\n\s+fix: .*bandsync connect strava/m);
    expect(r.out).toMatch(/^! daemon .*not running/m);
    expect(r.out).toMatch(/^- clock .*could not read a server time/m);
    const json = await run(
      (p) =>
        registerDoctor(p, async (config) => ({
          deps: { ...baseDoctorDeps(config, readLockHolder), accounts: async () => [] },
          close: async () => {},
        })),
      ['doctor', '--json'],
      env,
    );
    expect(JSON.parse(json.out).map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining(['data-dir', 'database', 'strava', 'clock', 'disk', 'daemon']),
    );
  });
});
