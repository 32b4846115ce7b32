// The configuration tables in docs/configuration.md and README.md are generated
// from the schema; this fails when someone changes one without the other.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { configRows, renderConfigTable } from '../../src/config/describe.js';
import { END, START, withTable } from '../../scripts/gen-config-table.js';

const root = path.resolve(__dirname, '../..');

describe('generated configuration table', () => {
  it('has one row per schema leaf, each with a description', () => {
    const rows = configRows();
    const topLevel = Object.keys(ConfigSchema.shape);
    for (const key of topLevel)
      expect(
        rows.some((r) => r.key === key || r.key.startsWith(key + '.')),
        key,
      ).toBe(true);
    for (const r of rows) expect(r.description, r.key).not.toBe('');
    expect(rows.find((r) => r.key === 'pollIntervalSeconds')).toMatchObject({
      env: 'BANDSYNC_POLL_INTERVAL',
      type: 'integer',
      default: '900',
    });
    expect(rows.find((r) => r.key === 'notify.email.password')).toMatchObject({
      secret: true,
      env: 'BANDSYNC_SMTP_PASSWORD',
    });
  });

  it('replaces only the text between the markers', () => {
    const doc = `# T\nbefore\n${START}\nold\n${END}\nafter\n`;
    expect(withTable(doc, 'NEW')).toBe(`# T\nbefore\n${START}\n\nNEW\n\n${END}\nafter\n`);
    expect(withTable('no markers', 'NEW')).toBeNull();
  });

  for (const rel of ['docs/configuration.md', 'README.md']) {
    const file = path.join(root, rel);
    const hasMarkers = existsSync(file) && readFileSync(file, 'utf8').includes(START);
    it.skipIf(!hasMarkers)(`${rel} matches the schema (regenerate: npx tsx scripts/gen-config-table.ts)`, () => {
      const text = readFileSync(file, 'utf8');
      expect(withTable(text, renderConfigTable())).toBe(text);
    });
  }

  it('docs/configuration.md carries the markers', () => {
    expect(readFileSync(path.join(root, 'docs/configuration.md'), 'utf8')).toContain(START);
  });
});
