// The architecture's rules are enforced, not only written down: the lint that
// `npm run check` runs fails on a boundary violation anywhere under src/
// (front ends, daemon.ts, dashboard-engine.ts, observability/, config/,
// local-api/ included) and on a file in no room; Prettier's check fails on
// unformatted code; and docs/architecture.md shows the same rooms and arrows
// the lint enforces. The violations go into a small scratch tree that uses the
// project's own lint and format configuration.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module (the lint configuration's own rule)
import { EXCEPTIONS, ROOMS } from '../../eslint/rooms.js';
import { repo, scratchTree } from './scratch-tree.js';

let tree: ReturnType<typeof scratchTree>;
let scratch: string;
beforeAll(() => {
  tree = scratchTree('bandsync-boundaries-');
  scratch = tree.dir;
});
afterAll(() => tree.remove());

describe('import boundaries (npm run check → eslint .)', () => {
  it('is what npm run check runs, with Prettier', () => {
    const check = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts.check as string;
    expect(check.split('&&').map((s) => s.trim())).toEqual(expect.arrayContaining(['eslint .', 'prettier --check .']));
  });

  it('fails on a violation in any room, and on a file in no room; allowed arrows pass', () => {
    const violations: Record<string, string> = {
      'src/daemon.ts': "import { openStore } from './store/index.js';\nexport const x = openStore;\n",
      'src/dashboard-engine.ts':
        "import { createStravaClient } from './strava/index.js';\nexport const x = createStravaClient;\n",
      'src/observability/probe.ts': "import '../sources/files/index.js';\n",
      'src/config/fields.ts': "import type { Store } from '../sync/ports.js';\nexport type X = Store;\n",
      'src/local-api/routes.ts': "export { openStore } from '../store/index.js';\n",
      'src/app/calories.ts': "export const load = () => import('../strava/index.js');\n",
      'src/core/metrics/x.ts': "import type { Store } from '../../sync/ports.js';\nexport type X = Store;\n",
      'src/sources/files/x.ts': "export * from '../gadgetbridge/index.js';\n",
      'src/archive/x.ts': "export * from '../sources/files/index.js';\n",
      'src/server/pages/x.ts': "import { syncAll } from '../../cli/commands/sync.js';\nexport const x = syncAll;\n",
      'src/stray.ts': 'export const stray = 1;\n',
    };
    const allowed: Record<string, string> = {
      'src/compose.ts': "import { openStore } from './store/index.js';\nexport const x = openStore;\n",
      'src/cli/commands/sync.ts': "import { syncNow } from '../../app/sync.js';\nexport const syncAll = syncNow;\n",
      'src/sources/zepp-export/client.ts':
        "import { readZipDirectory } from '../../archive/index.js';\nexport const x = readZipDirectory;\n",
      'src/sources/zepp-cloud/x.ts':
        "import { mapZeppSport } from '../zepp-common/index.js';\nexport const x = mapZeppSport;\n",
    };
    tree.write({ ...violations, ...allowed });
    const { status, results } = tree.lint();
    expect(status).toBe(1);
    const flagged = tree.flaggedBy(results, 'rooms/imports');
    expect(flagged).toEqual(Object.keys(violations).sort());
    const daemon = results.find((r) => r.filePath.endsWith('src/daemon.ts'))!.messages[0]!.message;
    expect(daemon).toContain('src/daemon.ts (room daemon) may not import src/store/index.ts (room store)');
    const stray = results.find((r) => r.filePath.endsWith('src/stray.ts'))!.messages[0]!.message;
    expect(stray).toContain('in no room');
  }, 120_000);
});

describe('formatting (npm run check → prettier --check .)', () => {
  it('fails on an unformatted file and passes once it is formatted', () => {
    const file = join(scratch, 'src/ugly.ts');
    writeFileSync(file, 'export const  ugly = {a:1,\n    b : "two"}\n');
    const prettier = join(repo, 'node_modules/prettier/bin/prettier.cjs');
    const check = () =>
      spawnSync(process.execPath, [prettier, '--check', 'src/ugly.ts'], { cwd: scratch, encoding: 'utf8' });
    const before = check();
    expect(before.status).toBe(1);
    expect(before.stderr + before.stdout).toContain('src/ugly.ts');
    execFileSync(process.execPath, [prettier, '--write', 'src/ugly.ts'], { cwd: scratch });
    expect(readFileSync(file, 'utf8')).toBe("export const ugly = { a: 1, b: 'two' };\n");
    expect(check().status).toBe(0);
  }, 60_000);
});

describe('docs/architecture.md', () => {
  const doc = readFileSync(join(repo, 'docs/architecture.md'), 'utf8');

  it('shows the rooms and arrows the lint enforces', () => {
    const section = doc.slice(doc.indexOf('## Rooms and arrows'), doc.indexOf('## A newcomer'));
    const rows = section
      .split('\n')
      .filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| Room'))
      .map((l) => l.split('|').map((c) => c.trim()));
    const documented = Object.fromEntries(
      rows.map(([, room, , may]) => [
        room!.replace('\\*', '*'),
        may === 'nothing outside itself' ? [] : may === 'everything' ? ['*'] : may!.split(', '),
      ]),
    );
    expect(documented).toEqual(ROOMS);
    const exceptions = [...section.matchAll(/^- `([^`]+)` → `([^`]+)`: (.+)$/gm)].map(([, from, to, why]) => ({
      from,
      to,
      why,
    }));
    expect(exceptions).toEqual(EXCEPTIONS);
  });

  it('has a newcomer tour that fits on one screen', () => {
    const tour = doc.slice(doc.indexOf('## A newcomer'), doc.indexOf('## What lives where'));
    expect(tour.trim().split('\n').length).toBeLessThanOrEqual(30);
    for (const what of ['A new source', 'A new destination', 'A new dashboard page', 'A new CLI command'])
      expect(tour).toContain(what);
  });
});
