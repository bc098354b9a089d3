/**
 * The addon is context-aware: it loads in worker threads (each with its own instance data) and
 * computes there, concurrently with the main thread, with the same results.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../src/backends/native/load.js';

const loaded = loadAddon();
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
if (!loaded.ok) console.log(`test/native/worker.test.ts: skipped: ${loaded.reason}`);

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.path);
const { isa } = addon.init({ isa: workerData.isa });
const n = 96;
// The async entry takes arrays on shared memory only (nothing can detach them mid-kernel).
const shared = (len) => new Float64Array(new SharedArrayBuffer(len * 8));
const a = shared(n * n);
const b = shared(n * n);
for (let i = 0; i < n * n; i++) {
  a[i] = (i % 7) - 3;
  b[i] = (i % 5) - 2;
}
const out = shared(n * n);
const args = { a, aOffset: 0, aStrides: [n, 1], b, bOffset: 0, bStrides: [n, 1], out, batchShape: [], m: n, n, k: n,
  activation: 'none', rowBegin: 0, rowEnd: n };
addon.matmulSync(args);
addon.matmul({ ...args, out: shared(n * n) }).then(() => {
  let s = 0;
  for (const v of out) s += v;
  parentPort.postMessage({ isa, sum: s });
});
`;

function inWorker(path: string, isa: string): Promise<{ isa: string; sum: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { path, isa } });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe.skipIf(!loaded.ok && !ci)('the native addon in worker threads', () => {
  it('loads and computes in several workers at once, each with its own ISA choice', async () => {
    expect(loaded.ok, loaded.ok ? '' : loaded.reason).toBe(true);
    if (!loaded.ok) return;
    const isas = loaded.available;
    const results = await Promise.all([...isas, ...isas].map((isa) => inWorker(loaded.path, isa)));
    expect(results.map((r) => r.isa)).toEqual([...isas, ...isas]);
    const sums = new Set(results.map((r) => r.sum));
    expect(sums.size).toBe(1); // small integers: exact in every path
    // The main thread's choice is untouched by the workers' init().
    expect(loaded.addon.isa()).toBe(loaded.isa);
  });
});
