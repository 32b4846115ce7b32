import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/config.js';
import { verifyPassword } from '../../src/server/password.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bandsync-config-cmd-'));

async function run(
  args: string[],
  env: Record<string, string> = {},
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
  const program = new Command('bandsync').exitOverride();
  register(program);
  await program.parseAsync(args, { from: 'user' });
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  return { out, err, code };
}
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('bandsync config', () => {
  it('check: OK for a valid file', async () => {
    const f = path.join(dir, 'ok.toml');
    writeFileSync(f, 'port = 9000\n');
    const r = await run(['config', 'check', '--config', f]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`config OK (${f})`);
  });

  it('check: exit 1 listing every problem with its line', async () => {
    const f = path.join(dir, 'bad.toml');
    writeFileSync(f, 'port = 9000\nlogLevel = "loud"\n\n[notify]\nrepeatedFailures = 0\n');
    const r = await run(['config', 'check', '--config', f]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`logLevel (${f} line 2)`);
    expect(r.err).toContain(`notify.repeatedFailures (${f} line 5)`);
  });

  it('show: effective values with origins, secrets masked', async () => {
    const f = path.join(dir, 'show.toml');
    writeFileSync(f, 'host = "0.0.0.0"\nstravaClientSecret = "filesecret123456"\n');
    const r = await run(['config', 'show', '--config', f], {
      BANDSYNC_PORT: '9300',
      STRAVA_CLIENT_SECRET: 'envsecret987654',
    });
    expect(r.out).toMatch(/^port = 9300 {2}# environment BANDSYNC_PORT$/m);
    expect(r.out).toMatch(
      new RegExp(`^host = "0\\.0\\.0\\.0" {2}# ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} line 1$`, 'm'),
    );
    expect(r.out).toMatch(/^stravaClientSecret = "\*+" {2}# environment STRAVA_CLIENT_SECRET$/m);
    expect(r.out).not.toContain('envsecret987654');
    expect(r.out).not.toContain('filesecret123456');
    const json = JSON.parse((await run(['config', 'show', '--json', '--config', f])).out);
    expect(json.config.host).toBe('0.0.0.0');
    expect(json.config.stravaClientSecret).toBe('********');
  });

  it('hash-password: prints a scrypt hash of the password that the login accepts', async () => {
    const r = await run(['config', 'hash-password'], { BANDSYNC_DASHBOARD_PASSWORD: 'correct horse battery' });
    const hash = r.out.trim();
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(r.out).not.toContain('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    await expect(run(['config', 'hash-password'], { BANDSYNC_DASHBOARD_PASSWORD: hash })).rejects.toThrow(
      /already a scrypt hash/,
    );
  }, 30_000);
});
