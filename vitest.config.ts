import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/util/summary-reporter.ts'],
    globalSetup: ['test/util/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Everything, with the pool at its defaults (ops below the split threshold stay whole).
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'] } },
      // The conformance suite again with every splittable op split across 2 pool threads.
      {
        extends: true,
        test: { name: 'pool', include: ['test/conformance/**/*.test.ts'], setupFiles: ['test/util/pool-setup.ts'] },
      },
    ],
  },
});
