/**
 * Sparse recovery, lepton-compute beside scikit-learn on the same data (`npm run bench:cs`).
 *
 *   npm run build && node bench/cs.bench.mjs [--trials 10] [--backend js] [--python /usr/bin/python3]
 *
 * Problems: N = 1024 unknowns, K = 256 Gaussian measurements (unit-norm columns), k = 32 non-zeros
 * (Gaussian values, random support), float64. `trials` problems with their own matrix, each solved
 * alone, then one batch of `trials` signals sharing one matrix (cs.* solve the batch at once;
 * scikit-learn fits multi-target y). Solvers, each on exactly the same A and y:
 *   lepton cs.omp(A, y, { sparsity: k })         vs  sklearn OrthogonalMatchingPursuit(n_nonzero_coefs=k)
 *   lepton cs.fista(A, y, { lambda, tol: 1e-6 })  vs  sklearn Lasso(alpha = lambda / K, tol = 1e-6)
 * with λ = 1e-3·max|Aᵀy| (the batch: the largest over its signals). Success: relative error < 1e-2.
 * The data go to a temporary folder as raw float64 files; bench/peers/sklearn_cs.py reads them.
 * This is a measurement, not a micro-benchmark: one timed run per problem after a warm-up, wall
 * clock, single thread for lepton's js backend (scikit-learn's BLAS may use more).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cs, matmul, randn, ridge, setBackend, tensor } from '../dist/index.js';
import { machineInfo, table, writeResults } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const TRIALS = Number(arg('trials', '10'));
const BACKEND = arg('backend', 'js');
const PYTHON = arg('python', '/usr/bin/python3');
const N = 1024;
const K = 256;
const k = 32;
const TOL = 1e-6;
const MAX_ITER = 5000;
const SUCCESS = 1e-2;

await setBackend(BACKEND);

function sparse(n, k, signals, seed) {
  const out = new Float64Array(n * signals);
  for (let c = 0; c < signals; c++) {
    const order = randn([n], { seed: seed * 7919 + c, dtype: 'float64' }).dataSync();
    const support = [...order.keys()].sort((p, q) => order[p] - order[q]).slice(0, k);
    const values = randn([k], { seed: seed * 7919 + c + 4000, dtype: 'float64' }).dataSync();
    support.forEach((j, i) => (out[j * signals + c] = values[i]));
  }
  return tensor(out, [n, signals]);
}

function relErrors(x, xHat, n, b) {
  return Array.from({ length: b }, (_, c) => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += (x[i * b + c] - xHat[i * b + c]) ** 2;
      den += x[i * b + c] ** 2;
    }
    return Math.sqrt(num / den);
  });
}

async function problem(name, seed, signals) {
  const A = cs.gaussian(K, N, { seed, dtype: 'float64' });
  const x = sparse(N, k, signals, seed);
  const y = await matmul(A, x);
  const aty = await (await matmul(A, y, { transA: true })).data();
  let lmax = 0;
  for (const v of aty) lmax = Math.max(lmax, Math.abs(v));
  const shaped = signals === 1 ? { x: x.reshape([N]), y: y.reshape([K]) } : { x, y };
  return { name, seed, signals, A, ...shaped, lambda: 1e-3 * lmax };
}

async function solve(p) {
  const xv = p.x.dataSync();
  let t0 = performance.now();
  const o = await cs.omp(p.A, p.y, { sparsity: k });
  const ompSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const f = await cs.fista(p.A, p.y, { lambda: p.lambda, tol: TOL, maxIter: MAX_ITER });
  const fistaSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const r = await ridge(p.A, p.y, { lambda: 1e-3 });
  const ridgeSeconds = (performance.now() - t0) / 1000;
  return {
    name: p.name,
    ompSeconds,
    ompErrors: relErrors(xv, o.x.dataSync(), N, p.signals),
    fistaSeconds,
    fistaErrors: relErrors(xv, f.x.dataSync(), N, p.signals),
    fistaIterations: f.iterations,
    ridgeSeconds,
    ridgeErrors: relErrors(xv, r.dataSync(), N, p.signals),
  };
}

// Warm-up (JIT) on a small problem.
{
  const A = cs.gaussian(64, 256, { seed: 1, dtype: 'float64' });
  const y = await matmul(A, sparse(256, 8, 1, 1).reshape([256]));
  await cs.omp(A, y, { sparsity: 8 });
  await cs.fista(A, y, { lambda: 1e-3, maxIter: 200 });
}

const problems = [];
for (let t = 0; t < TRIALS; t++) problems.push(await problem(`single ${t}`, 100 + t, 1));
problems.push(await problem(`batch of ${TRIALS}`, 999, TRIALS));

const dir = mkdtempSync(join(os.tmpdir(), 'lepton-cs-'));
const meta = { problems: [] };
for (const p of problems) {
  const id = p.name.replace(/\W+/g, '_');
  writeFileSync(join(dir, `${id}.A`), Buffer.from(Float64Array.from(p.A.dataSync()).buffer));
  writeFileSync(join(dir, `${id}.y`), Buffer.from(Float64Array.from(p.y.dataSync()).buffer));
  writeFileSync(join(dir, `${id}.x`), Buffer.from(Float64Array.from(p.x.dataSync()).buffer));
  meta.problems.push({ name: p.name, m: K, n: N, k, signals: p.signals, lambda: p.lambda, lassoTol: TOL, maxIter: MAX_ITER,
    A: `${id}.A`, y: `${id}.y`, x: `${id}.x` });
}
writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));

const ours = [];
for (const p of problems) {
  ours.push(await solve(p));
  process.stdout.write('.');
}
process.stdout.write('\n');
let peer;
try {
  peer = JSON.parse(execFileSync(PYTHON, [join(here, 'peers', 'sklearn_cs.py'), dir], { maxBuffer: 1 << 26 }).toString());
} catch (e) {
  console.error(`scikit-learn run failed (${PYTHON}): ${e.message}`);
  peer = { problems: [] };
}
rmSync(dir, { recursive: true, force: true });

const singles = (rows) => rows.filter((r) => r.name.startsWith('single'));
const batch = (rows) => rows.find((r) => r.name.startsWith('batch'));
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};
function summary(rows, errorsKey, secondsKey) {
  const single = singles(rows);
  const errors = single.flatMap((r) => r[errorsKey]);
  const b = batch(rows);
  return {
    rate: errors.filter((e) => e < SUCCESS).length / errors.length,
    medianError: median(errors),
    medianSeconds: median(single.map((r) => r[secondsKey])),
    batchRate: b ? b[errorsKey].filter((e) => e < SUCCESS).length / b[errorsKey].length : NaN,
    batchSeconds: b ? b[secondsKey] : NaN,
  };
}
const results = {
  'lepton cs.omp': summary(ours, 'ompErrors', 'ompSeconds'),
  'sklearn OrthogonalMatchingPursuit': summary(peer.problems, 'ompErrors', 'ompSeconds'),
  'lepton cs.fista': summary(ours, 'fistaErrors', 'fistaSeconds'),
  'sklearn Lasso': summary(peer.problems, 'lassoErrors', 'lassoSeconds'),
  'lepton ridge (λ = 1e-3)': summary(ours, 'ridgeErrors', 'ridgeSeconds'),
};
const fmt = (v, digits = 3) => (Number.isFinite(v) ? v.toPrecision(digits) : '—');
console.log(`\nN = ${N}, K = ${K}, k = ${k}; ${TRIALS} single problems + a batch of ${TRIALS}; lepton backend ${BACKEND}; success: rel. error < ${SUCCESS}`);
console.log(
  table(
    [['solver', 'left'], ['success', 'right'], ['median rel. error', 'right'], ['median s / signal', 'right'], ['batch success', 'right'], [`batch s (${TRIALS} signals)`, 'right']],
    Object.entries(results).map(([name, r]) => [name, `${Math.round(r.rate * 100)} %`, fmt(r.medianError), fmt(r.medianSeconds), `${Math.round(r.batchRate * 100)} %`, fmt(r.batchSeconds)]),
  ),
);
console.log(`FISTA iterations (single problems): median ${median(singles(ours).map((r) => r.fistaIterations))}; sklearn Lasso epochs: median ${median(singles(peer.problems).map((r) => r.lassoIterations))}`);
const path = writeResults('cs', { machine: machineInfo(), sklearn: peer.sklearn, numpy: peer.numpy, n: N, m: K, k, trials: TRIALS, backend: BACKEND, results, ours, peer: peer.problems });
console.log(`wrote ${path}`);
