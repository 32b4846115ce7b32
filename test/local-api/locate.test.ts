// The cheap reading of dataDir/databaseUrl (local-api/locate.ts) finds the same
// data dir as the full config, or says it cannot (then the full config is loaded).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { locateDataDir } from '../../src/local-api/locate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bandsync-locate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
// XDG_CONFIG_HOME pointing into the scratch dir: no per-user config file is read.
const base = { XDG_CONFIG_HOME: path.join(dir, 'xdg'), XDG_DATA_HOME: path.join(dir, 'data-home') };

describe('locateDataDir', () => {
  const cases: [string, string | undefined, NodeJS.ProcessEnv][] = [
    ['the default', undefined, {}],
    ['the environment', undefined, { BANDSYNC_DATA_DIR: '/srv/env-dir' }],
    ['the file', file('a.toml', 'dataDir = "/srv/file-dir"\nport = 9000\n'), {}],
    ['the environment over the file', file('b.toml', 'dataDir = "/srv/file-dir"\n'), { BANDSYNC_DATA_DIR: '/e' }],
    ['a PostgreSQL URL in the file', file('c.toml', 'databaseUrl = "postgres://h/db"\n'), {}],
    ['a PostgreSQL URL in the environment', undefined, { DATABASE_URL: 'postgres://h/db' }],
    ['BANDSYNC_CONFIG', undefined, { BANDSYNC_CONFIG: file('d.toml', 'dataDir = "/srv/d"\n') }],
  ];
  for (const [name, configFile, extra] of cases)
    it(`agrees with the full config: ${name}`, async () => {
      const env = { ...base, ...extra };
      const saved = { ...process.env };
      Object.assign(process.env, env); // env-paths reads process.env
      try {
        const full = loadConfig({ configFile, env });
        expect(await locateDataDir(configFile, env)).toEqual({ dataDir: full.dataDir, databaseUrl: full.databaseUrl });
      } finally {
        for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });

  it('leaves a missing or broken file to the full config (which names the problem)', async () => {
    expect(await locateDataDir(path.join(dir, 'absent.toml'), base)).toBeUndefined();
    expect(await locateDataDir(file('bad.toml', 'dataDir = \n'), base)).toBeUndefined();
    expect(await locateDataDir(file('num.toml', 'dataDir = 3\n'), base)).toBeUndefined();
  });
});
