import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/util/summary-reporter.ts'],
    globalSetup: ['test/util/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
