// Issue 17: the built package. Both tests stage a copy of what `npm pack`
// would see (package.json, README, the launcher, dist/ built from src/ by the
// real build script into the copy), so the repository's own dist/ is never
// rewritten under other tests that spawn the CLI.
//  1. The launcher runs dist/ when there is no src/ beside it: --help and a demo.
//  2. `npm pack` ships only what runs, and `npm install -g` of the tarball into an
//     empty prefix without dev dependencies gives a working `bandsync`
//     (help, inspect, convert, demo with its simulators).
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'bandsync-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const expected = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/corpus/expected.json'), 'utf8')) as {
  files: Record<
    string,
    { expected: { fitparse: { sessions: { total_distance: number; total_timer_time: number }[] } } }
  >;
};
const EDGE = 'Edge810-Vector-2013-08-16-15-35-10.fit';

/** A copy of the package's inputs with dist/ built into it by scripts/build.mjs. */
async function stage(dir: string): Promise<string> {
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'bin/bandsync.js']) cpSync(path.join(repoRoot, f), path.join(dir, f));
  await run(process.execPath, [path.join(repoRoot, 'scripts/build.mjs'), '--outdir', path.join(dir, 'dist')], {
    cwd: repoRoot,
  });
  return dir;
}

/** One staged build beside the repository's node_modules, shared by the tests that run it. */
let builtDir: Promise<string> | null = null;
function built(): Promise<string> {
  return (builtDir ??= stage(path.join(work, 'built')).then((dir) => {
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  }));
}

function exec(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the build (npm run build → dist/)', () => {
  it('runs --help and a demo from dist/ through the launcher, without tsx or src/', async () => {
    const dir = await built();
    expect(existsSync(path.join(dir, 'dist/store/migrations/0001_init.sql'))).toBe(true);
    expect(existsSync(path.join(dir, 'dist/server/assets/app.css'))).toBe(true);
    expect(readdirSync(path.join(dir, 'dist'), { recursive: true }).some((f) => String(f).endsWith('.test.js'))).toBe(
      false,
    );

    const help = await exec(process.execPath, [path.join(dir, 'bin/bandsync.js'), '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: bandsync');

    const demo = await exec(process.execPath, [
      path.join(dir, 'bin/bandsync.js'),
      'demo',
      '--workouts',
      '5',
      '--json',
      '--data-dir',
      path.join(work, 'demo-built'),
    ]);
    expect(demo.code, demo.stderr).toBe(0);
    const out = JSON.parse(demo.stdout) as { uploaded: number; activitiesOnStrava: number; failed: number };
    expect(out).toMatchObject({ uploaded: 5, activitiesOnStrava: 5, failed: 0 });
  }, 180_000);

  it('loads only what a command runs: --help no database, server or config code; inspect of a FIT no database; the idle daemon no file codec', async () => {
    const dir = await built();
    // A module hook that names every file the process loads (on stderr).
    const hook = path.join(work, 'loads-hook.mjs');
    writeFileSync(
      hook,
      "export async function load(url, context, next) { process.stderr.write('LOAD ' + url + '\\n'); return next(url, context); }\n",
    );
    const register = path.join(work, 'loads-register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
    );
    const loads = async (args: string[]) => {
      const r = await exec(process.execPath, ['--import', register, path.join(dir, 'bin/bandsync.js'), ...args]);
      expect(r.code, r.stderr).toBe(0);
      return r.stderr.split('\n').filter((l) => l.startsWith('LOAD '));
    };
    const heavy = /@electric-sql\/pglite|\/pg-boss\/|\/node_modules\/pg\/|\/hono\/|@hono|\/sql\.js\/|nodemailer/;
    const help = await loads(['--help']);
    expect(help.filter((l) => heavy.test(l) || /\/zod\/|@zip\.js|fitsdk|dist\/(store|server|compose)/.test(l))).toEqual(
      [],
    );
    const inspect = await loads(['inspect', path.join(repoRoot, 'test/fixtures/corpus', EDGE), '--json']);
    expect(inspect.some((l) => /dist\/core\//.test(l))).toBe(true); // it did decode
    expect(inspect.filter((l) => heavy.test(l) || /dist\/(store|compose)/.test(l))).toEqual([]);

    // The daemon with its dashboard up and nothing to send: no file encoder or decoder (the
    // FIT SDK, the XML parser) until a workout is uploaded or exported; they cost the idle daemon ~5 MB.
    const daemon = spawn(
      process.execPath,
      ['--import', register, path.join(dir, 'bin/bandsync.js'), 'daemon', '--port', '0'],
      {
        env: {
          ...process.env,
          BANDSYNC_DATA_DIR: path.join(work, 'daemon-loads'),
          BANDSYNC_CONFIG: '',
          DATABASE_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    daemon.stdout.on('data', (d: Buffer) => (out += d.toString()));
    daemon.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await expect.poll(() => out, { timeout: 60_000, interval: 200 }).toMatch(/dashboard: http/);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('close', r));
    }
    const daemonLoads = out.split('\n').filter((l) => l.startsWith('LOAD '));
    expect(daemonLoads.some((l) => /dist\/server\//.test(l))).toBe(true); // the dashboard is up
    expect(
      daemonLoads.filter((l) => /fitsdk|fast-xml-parser|dist\/core\/formats\/(codec|fit|tcx|gpx)/.test(l)),
    ).toEqual([]);
  }, 120_000);

  it('in a source checkout runs src/ through tsx when a file there is newer than the build', async () => {
    const dir = await stage(path.join(work, 'checkout'));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    cpSync(path.join(repoRoot, 'src'), path.join(dir, 'src'), { recursive: true });
    // An edit after the build: the launcher must not hide it behind the stale dist/.
    const main = path.join(dir, 'src/cli/main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Keeps your Strava complete', 'EDITED: keeps your Strava'));
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, 'dist/.build-stamp'), past, past);
    const bin = path.join(dir, 'bin/bandsync.js');
    expect((await exec(process.execPath, [bin, '--help'])).stdout).toContain('EDITED: keeps');
    // Built after the edit (the stamp is newer than every source): dist/ runs, here the older text.
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, 'dist/.build-stamp'), future, future);
    expect((await exec(process.execPath, [bin, '--help'])).stdout).toContain('Keeps your Strava complete');
    expect((await exec(process.execPath, [bin, '--help'], { BANDSYNC_FROM_SOURCE: '1' })).stdout).toContain(
      'EDITED: keeps',
    );
  }, 60_000);
});

describe('the package (npm pack, npm install -g --omit=dev)', () => {
  it('ships only what runs, and the installed bandsync runs help, inspect, convert and a demo', async () => {
    const dir = await stage(path.join(work, 'pack'));
    // --ignore-scripts: dist/ is already built into the copy (prepare would rebuild it the same way).
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: dir });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('bin/bandsync.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/store/migrations/0001_init.sql');
    expect(files).toContain('dist/server/assets/app.js');
    expect(files).toContain('README.md');
    expect(files.filter((f) => !/^(dist\/|bin\/bandsync\.js$|package\.json$|README\.md$|LICEN[CS]E)/.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => /\.test\.js$|\.ts$/.test(f))).toEqual([]);

    // Into an empty prefix, production dependencies only, from the npm cache the
    // project's own `npm ci` filled (the network only for what it lacks).
    const prefix = path.join(work, 'prefix');
    const install = await exec('npm', [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--omit=dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(work, info!.filename),
    ]);
    expect(install.code, install.stderr).toBe(0);
    const pkgDir = path.join(prefix, 'lib/node_modules/bandsync');
    expect(existsSync(path.join(pkgDir, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(pkgDir, 'node_modules/esbuild'))).toBe(false);
    const bandsync = path.join(prefix, 'bin/bandsync');
    const env = {
      BANDSYNC_DATA_DIR: path.join(work, 'data'),
      XDG_CONFIG_HOME: path.join(work, 'config'),
      XDG_DATA_HOME: path.join(work, 'share'),
    };

    const help = await exec(bandsync, ['--help'], env);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: bandsync');

    const fit = path.join(repoRoot, 'test/fixtures/corpus', EDGE);
    const session = expected.files[EDGE]!.expected.fitparse.sessions[0]!;
    const inspect = await exec(bandsync, ['inspect', fit, '--json'], env);
    expect(inspect.code, inspect.stderr).toBe(0);
    const seen = JSON.parse(inspect.stdout) as { distanceMeters: number; timerSeconds: number };
    expect(seen.distanceMeters).toBeCloseTo(session.total_distance, 1);
    expect(seen.timerSeconds).toBeCloseTo(session.total_timer_time, 1);

    const gpx = path.join(work, 'edge.gpx');
    const convert = await exec(bandsync, ['convert', fit, '--to', 'gpx', '-o', gpx], env);
    expect(convert.code, convert.stderr).toBe(0);
    expect(readFileSync(gpx, 'utf8')).toContain('<gpx');

    const demo = await exec(
      bandsync,
      ['demo', '--workouts', '20', '--json', '--data-dir', path.join(work, 'demo')],
      env,
    );
    expect(demo.code, demo.stderr).toBe(0);
    const out = JSON.parse(demo.stdout) as { uploaded: number; activitiesOnStrava: number; failed: number };
    expect(out).toMatchObject({ uploaded: 20, activitiesOnStrava: 20, failed: 0 });
  }, 600_000);
});
