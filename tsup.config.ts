import { defineConfig } from 'tsup';

// ESM + CommonJS builds with .d.ts / .d.cts types: the public API, and the pool's worker script
// (loaded by src/pool/node-pool.ts from beside the bundle).
export default defineConfig({
  entry: { index: 'src/index.ts', internal: 'src/internal.ts', 'pool-worker': 'src/pool/worker.ts' },
  shims: true,
  format: ['esm', 'cjs'],
  // Types for both entries: the Node one and the browser one (`lepton-compute/browser`, which adds
  // poolStats and setWorkerUrl; its code is dist/browser/lepton.js, built by scripts/build-browser.mjs).
  dts: { entry: { index: 'src/index.ts', browser: 'src/browser.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  splitting: false,
});
