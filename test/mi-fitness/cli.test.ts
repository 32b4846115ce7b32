// The real CLI with the Mi Fitness simulator as its own process:
// `simulate mi-fitness` prints {baseUrl, email, password} first;
// `connect mi-fitness` takes the password from BANDSYNC_MI_PASSWORD and,
// when Xiaomi asks for a captcha, offers the browser sign-in and reads the
// pasted final address from standard input; `status` then shows the account,
// the password is never printed, and the session is stored encrypted;
// `inspect` reads a saved Mi Fitness payload.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { miFdsFiles, miSimCipher } from '../../src/simulators/mi-fitness/index.js';

const bin = join(repoRoot, 'bin/bandsync.js');
let sim: ChildProcess;
let info: { baseUrl: string; email: string; password: string };
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  sim = spawn(
    process.execPath,
    [bin, 'simulate', 'mi-fitness', '--port', '0', '--workouts', '3', '--seed', '5', '--login-challenge', 'captcha'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: sim.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    sim.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  info = JSON.parse(line) as typeof info;
  dataDir = mkdtempSync(join(tmpdir(), 'bandsync-mi-cli-'));
  env = { BANDSYNC_DATA_DIR: dataDir, BANDSYNC_CONFIG: '', DATABASE_URL: '', BANDSYNC_MI_FITNESS_URL: info.baseUrl };
}, 120_000);

afterAll(async () => {
  await new Promise((r) => {
    sim.once('exit', r);
    sim.kill('SIGTERM');
  });
  rmSync(dataDir, { recursive: true, force: true });
});

/** The CLI with text on standard input (the pasted address). */
function runWithInput(args: string[], extraEnv: Record<string, string>, input: (stderr: string) => string | null) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...extraEnv, NO_COLOR: '1' } });
    let stdout = '',
      stderr = '',
      answered = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!answered && stderr.includes('Paste that address here:')) {
        answered = true;
        const text = input(stderr);
        if (text !== null) child.stdin.write(text + '\n');
        child.stdin.end();
      }
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('bandsync connect mi-fitness (real CLI, simulator as its own process)', () => {
  it('simulate mi-fitness prints baseUrl, email and password on its first line', () => {
    expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.email).toContain('@');
    expect(info.password.length).toBeGreaterThan(4);
  });

  it('a bad country code is refused before anything is sent', async () => {
    const r = await runCli(['connect', 'mi-fitness', '--email', info.email, '--country', 'Germany'], {
      ...env,
      BANDSYNC_MI_PASSWORD: info.password,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not a two-letter country code/);
  }, 120_000);

  it('captcha → the browser sign-in: the user signs in, pastes the address, and the account is connected', async () => {
    const r = await runWithInput(
      ['connect', 'mi-fitness', '--email', info.email, '--country', 'de'],
      { ...env, BANDSYNC_MI_PASSWORD: info.password },
      (stderr) => {
        const url = /Open (\S+)/.exec(stderr)![1]!;
        expect(url.startsWith(`${info.baseUrl}/pass/serviceLogin?`)).toBe(true);
        return null; // answered below, asynchronously
      },
    );
    // Nothing pasted: the command says how to go on.
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Xiaomi asks for a captcha/);
    expect(r.stderr).toMatch(/--callback-url/);

    // The person signs in on the page (here: the form posted as a browser would) and copies the final address.
    const signIn = await fetch(`${info.baseUrl}/pass/browserLogin`, {
      method: 'POST',
      body: new URLSearchParams({ user: info.email, password: info.password }),
      redirect: 'manual',
    });
    const finalUrl = new URL(signIn.headers.get('location')!, info.baseUrl).toString();
    const ok = await runWithInput(
      ['connect', 'mi-fitness', '--email', info.email, '--country', 'de'],
      { ...env, BANDSYNC_MI_PASSWORD: info.password },
      () => finalUrl,
    );
    expect(ok.stderr + ok.stdout).not.toContain(info.password);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Connected: Mi Fitness band@example\.com/);

    const status = await runCli(['status', '--json'], env);
    expect(status.stdout).toContain('mi-fitness');
    // The session is stored encrypted: no token or password in any file of the data directory.
    const files: string[] = [];
    const walk = (d: string) =>
      readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(dataDir);
    const everything = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(everything.includes(Buffer.from(info.password))).toBe(false);
    expect(everything.includes(Buffer.from('passToken'))).toBe(false);
  }, 240_000);

  it('inspect reads a saved Mi Fitness payload (list element + FDS body as downloaded + obj_key)', async () => {
    const T = 1784453950;
    const records = miFdsFiles.indoorRunRecordsV2(T, 8, [
      { start: T, seconds: Array.from({ length: 120 }, () => ({ hr: 140, kcal: 1, meters: 3, km: false })) },
    ]);
    const key = Buffer.alloc(16, 5);
    const payload = {
      miFitness: {
        envelope: {
          sid: 'blt.3.1',
          key: 'indoor_running',
          time: T,
          value: JSON.stringify({
            start_time: T,
            end_time: T + 120,
            proto_type: 3,
            version: 2,
            timezone: 8,
            distance: 360,
          }),
          zone_offset: 7200,
        },
        records: { body: miSimCipher.sealFds(records, key), obj_key: miSimCipher.objKeyText(key) },
      },
    };
    const file = join(dataDir, 'saved-mi-payload.json');
    writeFileSync(file, JSON.stringify(payload));
    const r = await runCli(['inspect', file, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(JSON.stringify(out)).toMatch(/treadmill/);
    expect(JSON.stringify(out)).toMatch(/"distanceMeters":360/);
  }, 120_000);

  it('demo --source mi-fitness syncs a generated Mi Fitness history to the simulated Strava', async () => {
    const demoDir = join(dataDir, 'demo');
    const r = await runCli(
      ['demo', '--source', 'mi-fitness', '--workouts', '6', '--seed', '2', '--json', '--data-dir', demoDir],
      {
        BANDSYNC_CONFIG: '',
        DATABASE_URL: '',
      },
      { timeoutMs: 300_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sourceWorkouts: number; uploaded: number; activitiesOnStrava: number };
    expect(out.sourceWorkouts).toBe(6);
    expect(out.uploaded).toBe(6);
    expect(out.activitiesOnStrava).toBe(6);
  }, 300_000);
});
