// A small tree beside the repository that uses the project's own lint and
// format configuration (its node_modules linked in), so the architecture tests
// can see `npm run check` fail on code written for the purpose.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../..');
const CONFIG = ['eslint.config.js', 'eslint/rooms.js', '.prettierrc.json', '.prettierignore', 'package.json'];

export interface LintResult {
  readonly filePath: string;
  readonly messages: { ruleId: string; message: string }[];
}

export function scratchTree(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const f of CONFIG) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(repo, f), join(dir, f));
  }
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    write(files: Record<string, string>): void {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    },
    /** eslint over src/ as `npm run check` runs it: its exit status and its findings. */
    lint(): { status: number | null; results: LintResult[] } {
      const run = spawnSync(
        process.execPath,
        [join(repo, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', 'src'],
        { cwd: dir, encoding: 'utf8' },
      );
      return { status: run.status, results: JSON.parse(run.stdout) as LintResult[] };
    },
    /** The tree's files (relative paths, sorted) with a finding of this rule. */
    flaggedBy(results: readonly LintResult[], ruleId: string): string[] {
      return results
        .filter((r) => r.messages.some((m) => m.ruleId === ruleId))
        .map((r) => r.filePath.slice(dir.length + 1))
        .sort();
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
