import { defineConfig } from 'tsup';

// ESM + CommonJS builds with .d.ts / .d.cts types, one entry: the public API.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  splitting: false,
});
