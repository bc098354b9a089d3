/**
 * wasm backend benchmark: float32 GEMM (n = 256, 512, 1024) on one thread and on two, lepton's
 * wasm backend beside TensorFlow.js's wasm backend (XNNPACK) and jax-js's wasm device, measured in
 * the same run. (In Node both peers run on one thread only: tfjs-backend-wasm's threaded build and
 * jax-js's workers need a browser; bench/browser/wasm.html measures them on 1 and 2 threads.)
 *
 *   npm run build && node bench/wasm.bench.mjs [--rounds 5] [--quick]
 *
 * Contenders per case:
 *   wasm kernel   lep's module (dist/wasm/lepton.wasm) on operands already in its memory, into a
 *                 reused output: the GEMM alone, as tfjs and jax-js run on tensors they hold
 *   wasm matmul   matmul(a, b, { backend: 'wasm' }) as users call it, with configure({ threads: 1 }):
 *                 tensors made after the first wasm op live in the wasm memory (no copies), a new
 *                 output per call
 *   wasm matmul 2T  the same with configure({ threads: 2 }): the rows split in two parts that two
 *                 pool workers compute on the shared wasm memory, the caller awaiting
 *   tfjs-wasm     tf.matMul on tfjs-backend-wasm tensors (its Node build is single-threaded)
 *   jax-js wasm   np.matmul on jax-js's default wasm device, awaited (blockUntilReady); in Node 20
 *                 it has no Worker global, so it runs on one thread
 *   js            matmul(..., { backend: 'js' }), for scale (one round)
 * The machine is shared: single calls are interleaved across contenders (a, b, c, a, b, c, …),
 * `--rounds` × reps calls each; reported are the best, median and slowest call as GFLOP/s, and
 * the ratios to the peers of the best and of the median calls.
 * Results go to bench/results/wasm-<date>.json.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/index.js';
import { gemmCase } from './lib/uniform.mjs';
import { settledOf } from './lib/suite.mjs';
import { machineInfo, table, writeResults } from './harness.mjs';
import { peersDir, tfjs } from './lib/peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const roundsArg = argv.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(argv[roundsArg + 1]) : 5;
const sizes = quick ? [512] : [256, 512, 1024];

const info = (await lib.backends()).find((b) => b.name === 'wasm');
if (!info?.available) {
  console.error(`wasm backend unavailable: ${info?.reason}`);
  process.exit(1);
}
if (typeof lib.configure === 'function') await lib.configure({ threads: 1 });

// The raw module, single-thread build, operands resident in its memory.
const { instance } = await WebAssembly.instantiate(readFileSync(join(here, '..', 'dist', 'wasm', 'lepton.wasm')));
const raw = instance.exports;

const tf = await tfjs();
let tfReady = false;
if (tf.ok && tf.backends.wasm?.ok) {
  await tf.use('wasm');
  tfReady = true;
}
let jax;
try {
  // jax-js reads navigator.hardwareConcurrency at init; Node 20 has no navigator global. One
  // "core" keeps it on the calling thread (it would find no Worker global in Node 20 anyway).
  globalThis.navigator ??= { hardwareConcurrency: 1 };
  jax = await import(createRequire(join(peersDir, 'package.json')).resolve('@jax-js/jax'));
  await jax.init();
  jax.defaultDevice('wasm');
} catch (e) {
  console.error(`jax-js not loaded from bench/peers (${String(e?.message ?? e).split('\n')[0]})`);
  jax = undefined;
}

/** ms of one call. */
async function once(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const results = [];
for (const n of sizes) {
  const { flops, reps, A, B } = gemmCase(n);
  const contenders = [];

  const pa = raw.lp_malloc(n * n * 4), pb = raw.lp_malloc(n * n * 4), pc = raw.lp_malloc(n * n * 4);
  new Float32Array(raw.memory.buffer, pa, n * n).set(A);
  new Float32Array(raw.memory.buffer, pb, n * n).set(B);
  contenders.push({ name: 'wasm kernel', fn: () => raw.lp_gemm_f32(n, n, n, pa, n, 1, pb, n, 1, pc, n, 0, 0, 0, 0) });

  // (The first wasm op makes later tensors live in the wasm memory.)
  await lib.matmul(lib.tensor(A.subarray(0, 64), [8, 8]), lib.tensor(B.subarray(0, 64), [8, 8]), { backend: 'wasm' }).data();
  const la = lib.tensor(A, [n, n]);
  const lb = lib.tensor(B, [n, n]);
  const matmulOn = (threads) => async () => {
    if (lib.poolConfig().threads !== threads) await lib.configure({ threads });
    const c = lib.matmul(la, lb, { backend: 'wasm' });
    await settledOf(c);
    c.dispose();
  };
  contenders.push({ name: 'wasm matmul', fn: matmulOn(1) });

  if (tfReady) {
    const ta = tf.tf.tensor2d(A, [n, n]);
    const tb = tf.tf.tensor2d(B, [n, n]);
    contenders.push({ name: 'tfjs-wasm', fn: () => tf.tf.matMul(ta, tb).dispose() });
  }
  if (jax) {
    const ja = jax.numpy.array(A).reshape([n, n]);
    const jb = jax.numpy.array(B).reshape([n, n]);
    contenders.push({ name: 'jax-js wasm', fn: async () => (await jax.numpy.matmul(ja.ref, jb.ref).blockUntilReady()).dispose() });
  }
  // Check the kernel against the js backend once before timing.
  const ref = await (await lib.matmul(la, lb, { backend: 'js' })).data();
  raw.lp_gemm_f32(n, n, n, pa, n, 1, pb, n, 1, pc, n, 0, 0, 0, 0);
  const got = new Float32Array(raw.memory.buffer, pc, n * n);
  let worst = 0;
  for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
  if (worst > 1e-3) throw new Error(`wasm GEMM n=${n} differs from js by ${worst}`);

  // Warm-up (and V8's tier-up of each module), then calls interleaved one by one, so that a
  // burst of load from other processes falls on every contender alike.
  for (const c of contenders) for (let i = 0; i < 3; i++) await c.fn();
  const times = new Map(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds * reps; r++) {
    for (const c of contenders) times.get(c.name).push(await once(c.fn));
  }
  // Two threads: lepton's pool (2 workers) against the peers again (on their one Node thread).
  await lib.configure({ threads: 2 });
  const two = [{ name: 'wasm matmul 2T', fn: matmulOn(2) }, ...contenders.filter((c) => c.name === 'tfjs-wasm' || c.name === 'jax-js wasm')
    .map((c) => ({ name: `${c.name} (1T, 2T phase)`, fn: c.fn }))];
  for (const c of two) for (let i = 0; i < 3; i++) await c.fn();
  for (const c of two) times.set(c.name, []);
  for (let r = 0; r < rounds * reps; r++) {
    for (const c of two) times.get(c.name).push(await once(c.fn));
  }
  contenders.push(...two);
  await lib.configure({ threads: 1 });
  const jsMs = [];
  for (let i = 0; i < 2; i++) jsMs.push(await once(async () => (await lib.matmul(la, lb, { backend: 'js' })).dispose?.()));
  for (const c of contenders) {
    const g = times.get(c.name).map((ms) => flops / ms / 1e6).sort((x, y) => x - y);
    results.push({ n, contender: c.name, best: g[g.length - 1], median: g[Math.floor(g.length / 2)], min: g[0], calls: g.length });
  }
  const jsBest = flops / Math.min(...jsMs) / 1e6;
  results.push({ n, contender: 'js', best: jsBest, median: jsBest, min: jsBest, calls: jsMs.length });
  raw.lp_free(pa), raw.lp_free(pb), raw.lp_free(pc);
}

const by = (n, name) => results.find((r) => r.n === n && r.contender === name);
const rows = results.map((r) => {
  const phase2 = r.contender.includes('2T');
  const tfr = by(r.n, phase2 ? 'tfjs-wasm (1T, 2T phase)' : 'tfjs-wasm');
  const jr = by(r.n, phase2 ? 'jax-js wasm (1T, 2T phase)' : 'jax-js wasm');
  return [String(r.n), r.contender, r.best.toFixed(1), r.median.toFixed(1), r.min.toFixed(1), String(r.calls),
    tfr ? `${(r.best / tfr.best).toFixed(2)}× / ${(r.median / tfr.median).toFixed(2)}×` : '—',
    jr ? `${(r.best / jr.best).toFixed(2)}× / ${(r.median / jr.median).toFixed(2)}×` : '—'];
});
console.log(`float32 GEMM, 1 thread, then 2 (2T rows: one interleaved phase); GFLOP/s of single calls interleaved across contenders (best, median, min); load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.log(table([['n', 'right'], ['contender', 'left'], ['best', 'right'], ['median', 'right'], ['min', 'right'], ['calls', 'right'],
  ['vs tfjs-wasm (best / median)', 'right'], ['vs jax-js (best / median)', 'right']], rows));
const versions = { tfjs: tf.ok ? tf.version : null, jax: jax ? JSON.parse(readFileSync(join(peersDir, 'node_modules', '@jax-js', 'jax', 'package.json'), 'utf8')).version : null };
console.log(`peers: tfjs-backend-wasm ${versions.tfjs ?? 'absent'}, @jax-js/jax ${versions.jax ?? 'absent'}`);
const path = writeResults('wasm', { machine: machineInfo(), loadavg: os.loadavg(), rounds, versions, results });
console.log(`wrote ${path}`);
