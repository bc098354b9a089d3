/**
 * Sparse recovery, lepton-compute beside scikit-learn / scipy on the same data (`npm run bench:cs`).
 *
 *   npm run build && node bench/cs.bench.mjs [--rounds 5] [--repeats 3] [--backends native,js] [--python /usr/bin/python3] [--quick]
 *
 * Cases (float64, column-normalised Gaussian A, k-sparse x with Gaussian values on a random support):
 *   fista   cs.fista(A, y, { lambda, criterion: 'gap', tol: 1e-6 })  vs  sklearn Lasso(alpha = lambda/m, tol = 1e-6)
 *           (N, K, k) = (512, 192, 20) with 30 dB noise, λ = 1e-2·‖Aᵀy‖∞, and (1024, 256, 32) noiseless,
 *           λ = 1e-3·‖Aᵀy‖∞: the same objective and the same duality-gap test.
 *   omp     cs.omp(A, y, { sparsity: k })  vs  sklearn OrthogonalMatchingPursuit(n_nonzero_coefs = k)
 *           at (1024, 256, 32) and (2048, 512, 40).
 *   gcv     cs.chooseLambda(A, y) (one eigh of AAᵀ)  vs  scipy.linalg.svd + the GCV formula on the same grid,
 *           on a 512×2048 random Toeplitz A with 30 dB noise.
 *   batch   64 signals sharing one A (512, 192, 20, 30 dB): cs.fista on y [192, 64] (1 thread, then 2
 *           pool threads)  vs  sklearn Lasso fitting the 64 targets.
 * After a warm-up on both sides (ours: up to 15 calls or 1.5 s, while V8 compiles the loops, its first
 * call shown as "cold"; scikit-learn: 2 calls), each case runs in `rounds` interleaved rounds of
 * `repeats` calls per side, the order of the two sides alternating round by round: scikit-learn
 * runs in one python3 process for the whole bench, answering a request per batch, so both sides
 * see the machine in the same state (its speed drifts by up to 2× within minutes). The table gives
 * min / median / max milliseconds of every timed call per side and the ratio of medians (peer ÷
 * lepton: > 1: lepton is faster) taken round by round: its median over the rounds, and the lowest
 * and highest. scikit-learn runs with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; lepton with
 * configure({ threads: 1 }) except the 2-thread row. Writes bench/results/cs-<date>.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { configure, cs, matmul, randn, tensor } from '../dist/index.js';
import { machineInfo, table, writeResults } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const QUICK = args.includes('--quick');
const ROUNDS = Number(arg('rounds', QUICK ? '3' : '5'));
const REPEATS = Number(arg('repeats', QUICK ? '2' : '3'));
const BACKENDS = arg('backends', 'native,js').split(',');
const PYTHON = arg('python', '/usr/bin/python3');
const TOL = 1e-6;
const MAX_ITER = 20000;

function sparse(n, k, signals, seed) {
  const out = new Float64Array(n * signals);
  for (let c = 0; c < signals; c++) {
    const order = randn([n], { seed: seed * 7919 + c, dtype: 'float64' }).dataSync();
    const support = [...order.keys()].sort((p, q) => order[p] - order[q]).slice(0, k);
    const values = randn([k], { seed: seed * 7919 + c + 4000, dtype: 'float64' }).dataSync();
    support.forEach((j, i) => (out[j * signals + c] = values[i]));
  }
  return out;
}

async function measurements(A, x, m, signals, snrDb, seed) {
  const n = x.length / signals;
  const y = Float64Array.from(await (await matmul(A, tensor(x, signals === 1 ? [n] : [n, signals]))).data());
  if (snrDb !== undefined) {
    const noise = randn([y.length], { seed: seed + 99, dtype: 'float64' }).dataSync();
    for (let c = 0; c < signals; c++) {
      let power = 0;
      for (let i = 0; i < m; i++) power += y[i * signals + c] ** 2;
      const sigma = Math.sqrt(power / m) * 10 ** (-snrDb / 20);
      for (let i = 0; i < m; i++) y[i * signals + c] += sigma * noise[i * signals + c];
    }
  }
  return y;
}

async function lambdaMax(A, y, m, signals) {
  const g = await (await matmul(A, tensor(y, signals === 1 ? [m] : [m, signals]), { transA: true })).data();
  let top = 0;
  for (const v of g) top = Math.max(top, Math.abs(v));
  return top;
}

async function makeCase(kind, name, { n, m, k, signals = 1, snrDb, ratio, seed, toeplitz = false }) {
  const A = toeplitz ? cs.toeplitz(m, n, { seed, dtype: 'float64' }) : cs.gaussian(m, n, { seed, dtype: 'float64' });
  const x = toeplitz ? Float64Array.from(randn([n], { seed: seed + 5, dtype: 'float64' }).dataSync(), (v, i) => Math.sin(i / 40) + 0.1 * v) : sparse(n, k, signals, seed);
  const y = await measurements(A, x, m, signals, snrDb, seed);
  const lambda = ratio ? ratio * (await lambdaMax(A, y, m, signals)) : undefined;
  return { kind, name, n, m, k, signals, A, x, y, lambda };
}

const cases = [
  await makeCase('lasso', 'fista 512×192 k=20 30 dB', { n: 512, m: 192, k: 20, snrDb: 30, ratio: 1e-2, seed: 11 }),
  await makeCase('lasso', 'fista 1024×256 k=32 noiseless', { n: 1024, m: 256, k: 32, ratio: 1e-3, seed: 12 }),
  await makeCase('omp', 'omp 1024×256 k=32', { n: 1024, m: 256, k: 32, seed: 13 }),
  await makeCase('omp', 'omp 2048×512 k=40', { n: 2048, m: 512, k: 40, seed: 14 }),
  await makeCase('gcv', 'chooseLambda 512×2048 Toeplitz', { n: 2048, m: 512, k: 0, snrDb: 30, seed: 15, toeplitz: true }),
  await makeCase('lasso', 'fista batch of 64, 512×192 k=20 30 dB', { n: 512, m: 192, k: 20, signals: 64, snrDb: 30, ratio: 1e-2, seed: 16 }),
];

// ---- scikit-learn / scipy on the same files --------------------------------------------------
const dir = mkdtempSync(join(os.tmpdir(), 'lepton-cs-'));
const meta = { cases: [] };
for (const [i, c] of cases.entries()) {
  writeFileSync(join(dir, `${i}.A`), Buffer.from(Float64Array.from(c.A.dataSync()).buffer));
  writeFileSync(join(dir, `${i}.y`), Buffer.from(c.y.buffer));
  writeFileSync(join(dir, `${i}.x`), Buffer.from(c.x.buffer));
  meta.cases.push({ kind: c.kind, name: c.name, m: c.m, n: c.n, k: c.k, signals: c.signals, lambda: c.lambda, tol: TOL, maxIter: MAX_ITER,
    A: `${i}.A`, y: `${i}.y`, x: `${i}.x` });
}
writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));

/**
 * The peer process: one python3 for the whole run, which times a batch of a case's calls per
 * request. Resolves undefined for every request once it has failed (the table then shows '—').
 */
function startPeer() {
  const child = spawn(PYTHON, [join(here, 'peers', 'sklearn_cs.py'), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  const waiting = [];
  let failed = false;
  const fail = (why) => {
    if (!failed) console.error(`scikit-learn peer failed (${PYTHON}): ${why}`);
    failed = true;
    for (const w of waiting.splice(0)) w(undefined);
  };
  child.on('error', (e) => fail(e.message));
  child.on('exit', (code) => code !== 0 && fail(`exit code ${code}`));
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const answer = () => (failed ? Promise.resolve(undefined) : new Promise((resolve) => waiting.push(resolve)));
  const versions = answer();
  return {
    versions,
    run(i, repeats) {
      if (failed) return Promise.resolve(undefined);
      const reply = answer();
      child.stdin.write(`${JSON.stringify({ case: i, repeats })}\n`);
      return reply;
    },
    close() {
      child.stdin.end();
      return new Promise((resolve) => (child.exitCode !== null || failed ? resolve() : child.once('exit', resolve)));
    },
  };
}
const peer = startPeer();
const versions = (await peer.versions) ?? {};

// ---- lepton ------------------------------------------------------------------------------------
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

async function runOurs(c, backend) {
  const y = tensor(c.y, c.signals === 1 ? [c.m] : [c.m, c.signals]);
  if (c.kind === 'lasso') {
    const r = await cs.fista(c.A, y, { lambda: c.lambda, criterion: 'gap', tol: TOL, maxIter: MAX_ITER, backend });
    return { objective: r.objective, converged: r.converged, iterations: r.iterations, relErrors: relErrors(c.x, await r.x.data(), c.n, c.signals) };
  }
  if (c.kind === 'omp') {
    const r = await cs.omp(c.A, y, { sparsity: c.k, backend });
    return { relErrors: relErrors(c.x, await r.x.data(), c.n, c.signals) };
  }
  const r = await cs.chooseLambda(c.A, y, { backend });
  return { lambda: r.lambda, onEdge: r.onEdge };
}

/**
 * Warm-up before timing: V8 compiles the solver loops in tiers, and a small FISTA took 10–45 ms on
 * its first calls against 2.5–3.5 ms from about the 15th on. So: 15 calls, or fewer once 1.5 s have
 * gone (the slow cases are warm after a few). The first call's time is kept and shown as "cold".
 */
const WARM_CALLS = 15;
const WARM_MS = 1500;

/** Warms our side up (the first call's time is "cold"), then the interleaved rounds against the peer. */
async function timeBoth(i, c, backend, threads) {
  await configure({ threads });
  const w0 = performance.now();
  await runOurs(c, backend);
  const cold = (performance.now() - w0) / 1000;
  for (let w = 1; w < WARM_CALLS && performance.now() - w0 < WARM_MS; w++) await runOurs(c, backend);
  const seconds = [];
  const peerSeconds = [];
  const ratios = [];
  let last;
  let peerLast;
  for (let r = 0; r < ROUNDS; r++) {
    const mine = [];
    const ours = async () => {
      for (let k = 0; k < REPEATS; k++) {
        const t0 = performance.now();
        last = await runOurs(c, backend);
        mine.push((performance.now() - t0) / 1000);
      }
    };
    const theirs = async () => {
      const reply = await peer.run(i, REPEATS);
      if (reply) peerLast = reply;
      return reply?.seconds;
    };
    let theirsRound;
    if (r % 2 === 0) {
      await ours();
      theirsRound = await theirs();
    } else {
      theirsRound = await theirs();
      await ours();
    }
    seconds.push(...mine);
    if (theirsRound) {
      peerSeconds.push(...theirsRound);
      ratios.push(stats(theirsRound).median / stats(mine).median);
    }
  }
  return { ours: { seconds, cold, ...last }, peer: peerLast ? { ...peerLast, seconds: peerSeconds } : undefined, ratios };
}

const stats = (s) => {
  const v = [...s].sort((a, b) => a - b);
  return { min: v[0], median: (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2, max: v[v.length - 1] };
};
const ms = (v) => (v * 1000).toPrecision(3);
const rows = [];
const records = [];
for (const [i, c] of cases.entries()) {
  const variants = BACKENDS.map((b) => [b, 1]);
  if (c.signals > 1 && BACKENDS.includes('native')) variants.push(['native', 2]);
  let oneThread;
  for (const [backend, threads] of variants) {
    const { ours, peer: p, ratios } = await timeBoth(i, c, backend, threads);
    const os_ = stats(ours.seconds);
    const ps = p ? stats(p.seconds) : undefined;
    const rs = ratios.length > 0 ? stats(ratios) : undefined;
    if (threads === 1 && backend === 'native') oneThread = os_.median;
    const check = c.kind === 'lasso'
      ? `obj ${(ours.objective - p?.objective).toExponential(1)} vs sklearn, ${ours.converged ? 'converged' : 'NOT converged'}`
      : c.kind === 'omp'
        ? `max rel. err ${Math.max(...ours.relErrors).toExponential(1)} (sklearn ${p ? Math.max(...p.relErrors).toExponential(1) : '—'})`
        : `λ ${ours.lambda.toExponential(3)} (scipy ${p ? p.lambda.toExponential(3) : '—'})${ours.onEdge ? ` onEdge ${ours.onEdge}` : ''}`;
    rows.push([c.name, `${backend}${threads > 1 ? ` ×${threads} threads` : ''}`, ms(ours.cold), `${ms(os_.min)} / ${ms(os_.median)} / ${ms(os_.max)}`,
      ps ? `${ms(ps.min)} / ${ms(ps.median)} / ${ms(ps.max)}` : '—', rs ? `${rs.median.toFixed(2)}× (${rs.min.toFixed(2)}–${rs.max.toFixed(2)})` : '—',
      threads > 1 && oneThread ? `${(oneThread / os_.median).toFixed(2)}× vs 1 thread` : '', check]);
    records.push({ case: c.name, backend, threads, ours, peer: p, ratios });
    process.stdout.write('.');
  }
}
await peer.close();
rmSync(dir, { recursive: true, force: true });
await configure({ threads: 1 });
process.stdout.write('\n');
console.log(`${ROUNDS} interleaved rounds of ${REPEATS} calls per side; times in ms as min / median / max; ratio = peer median ÷ lepton median per round: median (lowest–highest) (> 1: lepton faster).`);
console.log(`load average at the end: ${os.loadavg().map((v) => v.toFixed(1)).join(', ')} on ${os.availableParallelism()} cores`);
console.log(table(
  [['case', 'left'], ['lepton', 'left'], ['cold ms', 'right'], ['lepton ms', 'right'], ['sklearn/scipy ms', 'right'], ['ratio', 'right'], ['threads', 'left'], ['check', 'left']],
  rows,
));
const path = writeResults('cs', { machine: machineInfo(), loadavg: os.loadavg(), sklearn: versions.sklearn, scipy: versions.scipy, numpy: versions.numpy, rounds: ROUNDS, repeats: REPEATS, interleaved: true, tol: TOL, records });
console.log(`wrote ${path}`);
