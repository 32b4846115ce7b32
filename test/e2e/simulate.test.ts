// `bandsync simulate zepp|strava`: the first stdout line is one JSON object
// with the base URL and credentials, and those credentials work against it.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { repoRoot, runCli } from '../helpers/cli.js';

async function startSimulator(args: string[]) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { child, info: JSON.parse(firstLine) as Record<string, string> };
}

const stop = (child: ReturnType<typeof spawn>) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('bandsync simulate', () => {
  it('zepp: prints URL, app token and user id that page the history', async () => {
    const { child, info } = await startSimulator(['zepp', '--port', '0', '--workouts', '5', '--seed', '3']);
    try {
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${info.url}/v1/sport/run/history.json?userid=${info.userId}`, {
        headers: { apptoken: info.appToken! },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { code: number; data: { summary: unknown[] } };
      expect(body.code).toBe(1);
      expect(body.data.summary).toHaveLength(5);
      const denied = await fetch(`${info.url}/v1/sport/run/history.json?userid=${info.userId}`, {
        headers: { apptoken: 'wrong' },
      });
      expect(denied.status).toBe(401);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 120_000);

  it('zepp --newer-account: connect zepp logs in by e-mail through the encrypted flow', async () => {
    const { child, info } = await startSimulator(['zepp', '--port', '0', '--workouts', '2', '--newer-account']);
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-newer-'));
    try {
      const env = {
        BANDSYNC_DATA_DIR: dataDir,
        BANDSYNC_CONFIG: '',
        DATABASE_URL: '',
        BANDSYNC_ZEPP_PASSWORD: info.password!,
      };
      const wrong = await runCli(['connect', 'zepp', '--email', info.email!, '--url', info.url!], {
        ...env,
        BANDSYNC_ZEPP_PASSWORD: 'not-the-password',
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).not.toContain('not-the-password');
      const r = await runCli(['connect', 'zepp', '--email', info.email!, '--url', info.url!], env);
      expect(r.code, r.stderr).toBe(0);
      // The simulator's legacy login gives this account no access code: only the encrypted flow connects it.
      expect(r.stdout).toContain(`Connected: Zepp ${info.userId}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      expect(await stop(child)).toBe(0);
    }
  }, 120_000);

  it('strava: prints URL, client id/secret and a refresh token that the token endpoint accepts', async () => {
    const { child, info } = await startSimulator(['strava', '--port', '0']);
    try {
      const res = await fetch(`${info.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: info.clientId!,
          client_secret: info.clientSecret!,
          grant_type: 'refresh_token',
          refresh_token: info.refreshToken!,
        }),
      });
      expect(res.status).toBe(200);
      const tokens = (await res.json()) as { access_token: string; refresh_token: string };
      const athlete = await fetch(`${info.url}/api/v3/athlete`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(athlete.status).toBe(200);
      expect(athlete.headers.get('x-ratelimit-limit')).toBe('200,2000');
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 120_000);
});
