import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on every machine here: keep parallelism modest so PGlite and
    // spawned CLIs do not starve each other.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
