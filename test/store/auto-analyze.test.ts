// PGlite runs no autovacuum, so without auto-analyze.ts a table that grew
// kept no planner statistics and joins of thousands of rows became nested
// loops (2,000 pending workouts: 1.8 s per dispatch instead of 0.12 s).
// Checked on the real embedded database: after the store wrote a few hundred
// workouts, PostgreSQL's catalogue has statistics for them and plans the
// dispatcher's join as a hash join; and on the counter alone, autovacuum's
// threshold (50 rows + 10 % of the rows last seen), one analysis at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autoAnalyze } from '../../src/store/auto-analyze.js';
import { openPgliteDb } from '../../src/store/db-pglite.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('planner statistics on the embedded database', () => {
  it('are kept current as rows are written, as autovacuum would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-analyze-'));
    dirs.push(dir);
    const db = await openPgliteDb(dir, 'bandsync');
    try {
      await db.exec('CREATE TABLE a (id text PRIMARY KEY, k text); CREATE TABLE b (id text PRIMARY KEY, state text)');
      for (let i = 0; i < 600; i++) {
        await db.query('INSERT INTO a VALUES ($1, $2)', [`w${i}`, i % 2 ? 'x' : 'y']);
        await db.transaction((tx) => tx.query('INSERT INTO b VALUES ($1, $2)', [`w${i}`, 'fetched']));
      }
      await new Promise((r) => setTimeout(r, 50));
      const rows = await db.query<{ relname: string; reltuples: number }>(
        `SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relname IN ('a', 'b') ORDER BY relname`,
      );
      // Never analyzed, PostgreSQL shows -1; analyzed after ≥ 50 + 10 % more rows were written since.
      for (const r of rows) expect(Number(r.reltuples), r.relname).toBeGreaterThanOrEqual(500);
      const plan = (
        await db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT * FROM b JOIN a ON a.id = b.id WHERE b.state = 'fetched' AND a.k = 'x'`,
        )
      )
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).not.toMatch(/Nested Loop/);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('analyzes after 50 rows + 10 % of those last seen, one analysis at a time', async () => {
    let runs = 0;
    let release!: () => void;
    const stats = autoAnalyze(async () => {
      runs++;
      await new Promise<void>((r) => (release = r));
      return 1000;
    });
    stats.wrote(49);
    await Promise.resolve();
    expect(runs).toBe(0);
    stats.wrote(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(1);
    // While it runs, more writes start no second analysis; they count toward the next one.
    stats.wrote(500);
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(1);
    release();
    await stats.idle();
    stats.wrote(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    release();
    await stats.idle();
    // It saw 1,000 rows: the next analysis comes after 150 more.
    stats.wrote(149);
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(2);
    stats.wrote(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(runs).toBe(3);
    release();
    await stats.idle();
  });
});
