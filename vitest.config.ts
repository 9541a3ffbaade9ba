import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: more workers only add contention on PostgreSQL.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
    // The JSON report is what .ci/run counts, so that a run that executed no test shows as one.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
