/**
 * The browser bundle: built by scripts/build-browser.mjs (part of `npm run build`) with esbuild
 * for platform 'browser', so package.json#imports resolves `#native` and `#pool` through their
 * `default` condition. It must carry no Node-only module and stay under its size budget.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

/**
 * min+gzip budget of dist/browser/lepton.min.js (README: "Browser"). Measured 40.3 KiB with the first
 * round's ops; 80.0 KiB once the bundle carried the second round's (the elementwise, reduction and
 * nn ops on js and webgpu with their WGSL, linalg and FFT, the cs toolkit, printing and .npy);
 * 86.8 KiB with the wasm loader, the job area and the shape ops; 90.0 KiB with cs.lassoGram (its
 * op and kernel, 3.2 KiB), when the budget went from 88 to 92. The wasm module is not in it
 * (dist/wasm/, fetched on first use).
 */
export const BUDGET_KIB = 92;

const NODE_ONLY = [
  'worker_threads',
  'receiveMessageOnPort',
  'node:fs',
  'node:os',
  'node:module',
  'node:path',
  'node:url',
  'createRequire',
  'node-gyp-build',
  'lepton.node',
  'availableParallelism',
];

const file = (name: string) => readFileSync(join(ROOT, 'dist', 'browser', name));

describe('browser bundle', () => {
  beforeAll(async () => {
    const { buildBrowser } = (await import(join(ROOT, 'scripts', 'build-browser.mjs'))) as { buildBrowser(): Promise<unknown> };
    await buildBrowser();
  });

  it.each(['lepton.js', 'lepton.min.js', 'lepton-worker.js'])('%s contains no Node-only module or API', (name) => {
    const text = file(name).toString('utf8');
    for (const word of NODE_ONLY) expect(text.includes(word), `${name} mentions ${word}`).toBe(false);
  });

  it('carries the js and webgpu backends, the cs module and the Web Worker pool', () => {
    const text = file('lepton.js').toString('utf8');
    expect(text).toContain('navigator.gpu');
    expect(text).toContain('@compute'); // WGSL
    expect(text).toContain('lepton-worker.js');
    expect(text).toMatch(/export \{[^}]*\bcs\b/);
    expect(text).toMatch(/export \{[^}]*\bmatmul\b/);
  });

  it(`lepton.min.js is under ${BUDGET_KIB} KiB min+gzip`, () => {
    const gz = gzipSync(file('lepton.min.js'), { level: 9 }).length / 1024;
    console.log(`dist/browser/lepton.min.js: ${(file('lepton.min.js').length / 1024).toFixed(1)} KiB, ${gz.toFixed(1)} KiB min+gzip; worker ${(gzipSync(file('lepton-worker.js'), { level: 9 }).length / 1024).toFixed(1)} KiB`);
    expect(gz).toBeLessThan(BUDGET_KIB);
  });
});
