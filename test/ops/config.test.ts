import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_KEYS, loadConfig, loadConfigDetailed } from '../../src/config.js';
import { maskConfig, configSecrets } from '../../src/config/mask.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bandsync-config-'));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}
function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config precedence: flag > env > file > default', () => {
  const cfg = file(
    'prec.toml',
    'port = 9000\nhost = "0.0.0.0"\npollIntervalSeconds = 600\n[notify]\nwebhookUrl = "http://hooks.local/x"\n',
  );

  it('uses the default when nothing sets a key', () => {
    const c = loadConfig({ env: {}, configFile: cfg });
    expect(c.stravaUrl).toBe('https://www.strava.com');
    expect(c.logLevel).toBe('info');
    expect(c.sportRules).toEqual([]);
  });
  it('file beats default', () => {
    expect(loadConfig({ env: {}, configFile: cfg }).port).toBe(9000);
  });
  it('env beats file', () => {
    const c = loadConfig({
      env: {
        BANDSYNC_PORT: '9100',
        BANDSYNC_SMTP_HOST: 'smtp.local',
        BANDSYNC_NOTIFY_EMAIL_FROM: 'a@b',
        BANDSYNC_NOTIFY_EMAIL_TO: 'c@d',
      },
      configFile: cfg,
    });
    expect(c.port).toBe(9100);
    expect(c.host).toBe('0.0.0.0');
    // nested: env adds to the file's [notify] table instead of replacing it
    expect(c.notify.webhookUrl).toBe('http://hooks.local/x');
    expect(c.notify.email).toMatchObject({ host: 'smtp.local', port: 587, from: 'a@b', to: 'c@d' });
  });
  it('flag beats env', () => {
    const { config, origins } = loadConfigDetailed({
      env: { BANDSYNC_PORT: '9100' },
      flags: { port: 9200 },
      configFile: cfg,
    });
    expect(config.port).toBe(9200);
    expect(origins.get('port')).toEqual({ kind: 'flag' });
    expect(origins.get('host')).toMatchObject({ kind: 'file', line: 2 });
  });
  it('BANDSYNC_CONFIG names the file', () => {
    expect(loadConfig({ env: { BANDSYNC_CONFIG: cfg } }).pollIntervalSeconds).toBe(600);
  });
  it('keeps ENV_KEYS for the original top-level keys', () => {
    expect(ENV_KEYS.BANDSYNC_PORT).toBe('port');
    expect(ENV_KEYS.DATABASE_URL).toBe('databaseUrl');
    expect(ENV_KEYS.STRAVA_CLIENT_SECRET).toBe('stravaClientSecret');
  });
});

describe('config errors name the key and the line', () => {
  it('reports a too-small value at its line', () => {
    const p = file('small.toml', '# bandsync\nport = 8000\n\npollIntervalSeconds = 30\n');
    const [problem] = problemsOf(() => loadConfig({ env: {}, configFile: p }));
    expect(problem!.key).toBe('pollIntervalSeconds');
    expect(problem!.origin).toEqual({ kind: 'file', file: p, line: 4 });
    const message = (() => {
      try {
        loadConfig({ env: {}, configFile: p });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toContain(`pollIntervalSeconds (${p} line 4)`);
  });
  it('reports an unknown key with a suggestion', () => {
    const p = file('typo.toml', 'port = 8000\npollIntervalSecond = 900\n');
    const [problem] = problemsOf(() => loadConfig({ env: {}, configFile: p }));
    expect(problem!.key).toBe('pollIntervalSecond');
    expect(problem!.message).toMatch(/unknown key.*pollIntervalSeconds/);
    expect(problem!.origin).toMatchObject({ line: 2 });
  });
  it('points into arrays of tables', () => {
    const p = file(
      'rules.toml',
      [
        '[[sportRules]]',
        'match = { code = 16 }',
        'sportType = "Walk"',
        '',
        '[[sportRules]]',
        'match = { code = 8, hasGps = "no" }',
        'sportType = "VirtualRide"',
        '',
        '[[sportRules]]',
        'match = { name = "commute" }',
        '',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ env: {}, configFile: p }));
    const byKey = Object.fromEntries(problems.map((x) => [x.key, x]));
    expect(byKey['sportRules.1.match.hasGps']!.origin).toMatchObject({ line: 6 });
    expect(byKey['sportRules.2']!.message).toMatch(/exactly one of sportType/);
    expect(byKey['sportRules.2']!.origin).toMatchObject({ line: 9 });
  });
  it('points at [table] keys', () => {
    const p = file(
      'notify.toml',
      'port = 1\n[notify]\nwebhookUrl = "not a url"\n[notify.email]\nhost = "smtp"\nport = "25"\nfrom = "a"\nto = "b"\n',
    );
    const problems = problemsOf(() => loadConfig({ env: {}, configFile: p }));
    expect(problems.map((x) => [x.key, (x.origin as { line?: number }).line])).toEqual([
      ['notify.webhookUrl', 3],
      ['notify.email.port', 6],
    ]);
  });
  it('reports TOML syntax errors with the line', () => {
    const p = file('bad.toml', 'port = 1\nhost = "x\n');
    const [problem] = problemsOf(() => loadConfig({ env: {}, configFile: p }));
    expect(problem!.message).toMatch(/not valid TOML/);
    expect(problem!.origin).toMatchObject({ kind: 'file', line: 2 });
  });
  it('names the environment variable for a bad env value', () => {
    const [problem] = problemsOf(() => loadConfig({ env: { BANDSYNC_STRICT: 'maybe', BANDSYNC_PORT: '80' } }));
    expect(problem!.key).toBe('strict');
    expect(problem!.origin).toEqual({ kind: 'env', name: 'BANDSYNC_STRICT' });
  });
  it('fails clearly on a missing explicit file', () => {
    const [problem] = problemsOf(() => loadConfig({ env: {}, configFile: path.join(dir, 'nope.toml') }));
    expect(problem!.message).toBe('config file not found');
  });
});

describe('masking', () => {
  it('hides every secret but keeps the host of URLs', () => {
    const c = loadConfig({
      env: {
        DATABASE_URL: 'postgres://bs:hunter2@db.lan:5432/bandsync',
        STRAVA_CLIENT_SECRET: 'abcdef0123456789',
        BANDSYNC_NOTIFY_WEBHOOK_URL: 'https://hooks.example/T0/secretpath',
      },
    });
    const shown = JSON.stringify(maskConfig(c));
    for (const secret of ['hunter2', 'abcdef0123456789', 'secretpath']) expect(shown).not.toContain(secret);
    expect(shown).toContain('db.lan:5432');
    expect(configSecrets(c)).toEqual(expect.arrayContaining(['hunter2', 'abcdef0123456789']));
  });
});
