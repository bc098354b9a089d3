import { defineConfig, type Options } from 'tsup';

// The cluster (lepton-compute/cluster) composes the public API: its bundles import the core by the
// package's own name, so a program holds one copy of Tensor and the errors, not two.
const coreByName: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'cluster-imports-core-by-name',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
      /[\\/]src[\\/]cluster[\\/]/.test(args.importer) ? { path: 'lepton-compute', external: true } : undefined,
    );
  },
};

// ESM + CommonJS builds with .d.ts / .d.cts types: the public API, the pool's worker script
// (loaded by src/pool/node-pool.ts from beside the bundle), and the cluster with its worker CLI.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    internal: 'src/internal.ts',
    'pool-worker': 'src/pool/worker.ts',
    'cluster/index': 'src/cluster/index.ts',
    'cluster/worker-cli': 'src/cluster/worker-cli.ts',
  },
  shims: true,
  format: ['esm', 'cjs'],
  // Types for the Node entry, the browser one (`lepton-compute/browser`, which adds poolStats and
  // setWorkerUrl; its code is dist/browser/lepton.js, built by scripts/build-browser.mjs) and the cluster.
  dts: { entry: { index: 'src/index.ts', browser: 'src/browser.ts', 'cluster/index': 'src/cluster/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  splitting: false,
  external: ['bullmq', 'ioredis'],
  esbuildPlugins: [coreByName],
});
