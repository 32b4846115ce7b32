// Migration 0003 names the athlete of a single-athlete database after the
// first name Strava gave (kept in the Strava account's label). Athlete names
// are plain letters for the command line, so accented letters become their
// base letter instead of being dropped ("José Müller" was "jos-m-ller").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { tempDir } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/db/', import.meta.url));
const expected = JSON.parse(readFileSync(join(FIXTURES, '0.1.0.expected.json'), 'utf8')) as {
  schemaPlaceholder: string;
  secretKey: string;
};
const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

async function migratedName(label: string): Promise<string> {
  const dir = tempDir('bandsync-athlete-name-');
  dirs.push(dir);
  const lite = await PGlite.create(join(dir.path, 'db'));
  await lite.exec(readFileSync(join(FIXTURES, '0.1.0.sql'), 'utf8').replaceAll(expected.schemaPlaceholder, 'bandsync'));
  await lite.query("UPDATE bandsync.accounts SET label = $1 WHERE kind = 'strava'", [label]);
  await lite.close();
  const opened = await openStore({ dataDir: dir.path, secretKey: expected.secretKey });
  try {
    return (await opened.athletes.list()).map((a) => a.name).join(',');
  } finally {
    await opened.close();
  }
}

describe('the migrated athlete name', () => {
  it('keeps accented first names readable', async () => {
    expect(await migratedName('Strava (José Müller)')).toBe('jose-muller');
    expect(await migratedName('Strava (Zoë Ångström-Øberg)')).toBe('zoe-angstrom-oberg');
  }, 60_000);

  it('falls back to the Strava athlete id when nothing readable is left', async () => {
    expect(await migratedName('Strava (李小龍)')).toBe('strava-424242');
  }, 60_000);
});
