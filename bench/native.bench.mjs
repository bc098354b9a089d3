/**
 * native backend benchmark: single-threaded GEMM and conv2d GFLOP/s, native beside js and beside
 * numpy (OpenBLAS, OPENBLAS_NUM_THREADS=1) measured in the same run.
 *
 *   npm run build && npm run build:native && node bench/native.bench.mjs [--rounds 3] [--quick]
 *
 * Cases: float32 and float64 GEMM at n = 256, 512, 1024, 2048 and the tall-skinny
 * 4096×4096×64 (m×n×k); conv2d [8,64,56,56] * [64,64,3,3], stride 1, pad 1, float32 (numpy: pad +
 * im2col + matmul); the demo's CNN layer (conv3×3 'same' + bias + relu, 2×2 max-pool on
 * [8,16,32,32]). The machine is shared, so every native and numpy figure is measured in
 * `--rounds` interleaved rounds (numpy, native, numpy, native, …) and reported as the median of
 * the rounds' best times with the spread (min–max GFLOP/s over rounds). "native" is matmul() as
 * users call it (output allocated per call); "native kernel" is the raw addon writing into a
 * reused output, i.e. the GEMM alone. js runs once per case
 * (it is 10–50× slower). Results go to bench/results/native-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../dist/index.js';
import { machineInfo, table, writeResults } from './harness.mjs';

const { matmul, conv2d, maxPool2d, randn, backends } = lib;
const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const roundsArg = argv.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(argv[roundsArg + 1]) : 3;

const native = (await backends()).find((b) => b.name === 'native');
if (!native?.available) {
  console.error(`native backend unavailable: ${native?.reason}`);
  process.exit(1);
}
if (typeof lib.configure === 'function') await lib.configure({ threads: 1 }); // js on one thread too

// The raw addon too (its synchronous entry, into a reused output), to separate the kernel from the
// library's per-call costs: a fresh SharedArrayBuffer output whose pages fault in on first write
// (numpy's allocator reuses freed memory).
const raw = createRequire(import.meta.url)(join(here, '..', 'build', 'Release', 'lepton.node'));
raw.init({ isa: process.env.LEPTON_NATIVE_ISA || undefined });
const rawOut = new Map();
function rawGemm(c, a, b) {
  const key = `${c.dtype} ${c.m} ${c.n} ${c.k}`;
  if (!rawOut.has(key)) rawOut.set(key, c.dtype === 'float32' ? new Float32Array(c.m * c.n) : new Float64Array(c.m * c.n));
  return raw.matmulSync({ a: a.storage, aOffset: 0, aStrides: [c.k, 1], b: b.storage, bOffset: 0, bStrides: [c.n, 1],
    out: rawOut.get(key), batchShape: [], m: c.m, n: c.n, k: c.k, activation: 'none', rowBegin: 0, rowEnd: c.m });
}

const gemmCases = [];
for (const dtype of ['float32', 'float64']) {
  for (const n of quick ? [512] : [256, 512, 1024, 2048]) gemmCases.push({ dtype, m: n, n, k: n });
  gemmCases.push({ dtype, m: 4096, n: 4096, k: 64 });
}
const convCase = { dtype: 'float32', x: [8, 64, 56, 56], w: [64, 64, 3, 3], pad: 1 };

const flopsOf = (c) => 2 * c.m * c.n * c.k;
const convFlops = 2 * 8 * 64 * 56 * 56 * 64 * 9;
const repsFor = (flops) => Math.max(2, Math.min(20, Math.round(2e9 / flops)));

/** Seconds per run of an async fn: best of `reps` after one warm-up (reps 0: the one run). */
async function best(fn, reps) {
  const t0 = process.hrtime.bigint();
  await fn();
  if (reps === 0) return Number(process.hrtime.bigint() - t0) / 1e9;
  let t = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return t;
}

function numpyRound() {
  const cases = [
    ...gemmCases.map((c) => ({ kind: 'gemm', ...c, reps: repsFor(flopsOf(c)) })),
    { kind: 'conv2d', ...convCase, reps: 3 },
  ];
  const r = spawnSync('python3', [join(here, 'peers', 'numpy_gemm.py'), JSON.stringify(cases)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) {
    console.error(`numpy peer failed (${r.stderr.trim().split('\n').pop()}); run: apt-get install python3-numpy`);
    return undefined;
  }
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

const tensors = new Map();
function operands(c) {
  const key = `${c.dtype} ${c.m} ${c.n} ${c.k}`;
  if (!tensors.has(key)) tensors.set(key, [randn([c.m, c.k], { seed: 1, dtype: c.dtype }), randn([c.k, c.n], { seed: 2, dtype: c.dtype })]);
  return tensors.get(key);
}
const cx = randn(convCase.x, { seed: 3, dtype: 'float32' });
const cw = randn(convCase.w, { seed: 4, dtype: 'float32' });
const demoX = randn([8, 16, 32, 32], { seed: 5, dtype: 'float32' });
const demoW = randn([16, 16, 3, 3], { seed: 6, dtype: 'float32' });
const demoB = randn([16], { seed: 7, dtype: 'float32' });
const demoFlops = 2 * 8 * 16 * 32 * 32 * 16 * 9;
const demoLayer = (backend) => async () =>
  maxPool2d(await conv2d(demoX, demoW, { padding: 'same', bias: demoB, activation: 'relu', backend }), { kernel: 2, backend });

const samples = { native: {}, kernel: {}, numpy: {}, js: {} };
const push = (who, key, gf) => ((samples[who][key] ??= []).push(gf));
const keyOf = (c) => `${c.dtype} ${c.m}×${c.n}×${c.k}`;

for (let r = 0; r < rounds; r++) {
  const np = numpyRound();
  if (np) {
    for (const row of np) {
      const t = Math.min(...row.times);
      if (row.kind === 'gemm') push('numpy', keyOf(row), flopsOf(row) / t / 1e9);
      else push('numpy', 'conv2d', convFlops / t / 1e9);
    }
  }
  for (const c of gemmCases) {
    const [a, b] = operands(c);
    push('native', keyOf(c), flopsOf(c) / (await best(() => matmul(a, b, { backend: 'native' }), repsFor(flopsOf(c)))) / 1e9);
    push('kernel', keyOf(c), flopsOf(c) / (await best(() => rawGemm(c, a, b), repsFor(flopsOf(c)))) / 1e9);
  }
  push('native', 'conv2d', convFlops / (await best(() => conv2d(cx, cw, { padding: 1, backend: 'native' }), 3)) / 1e9);
  push('native', 'cnn layer', demoFlops / (await best(demoLayer('native'), 10)) / 1e9);
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}
for (const c of gemmCases) {
  const [a, b] = operands(c);
  const reps = flopsOf(c) > 4e9 ? 0 : 1;
  push('js', keyOf(c), flopsOf(c) / (await best(() => matmul(a, b, { backend: 'js' }), reps)) / 1e9);
}
push('js', 'conv2d', convFlops / (await best(() => conv2d(cx, cw, { padding: 1, backend: 'js' }), 1)) / 1e9);
push('js', 'cnn layer', demoFlops / (await best(demoLayer('js'), 3)) / 1e9);

const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs) => (xs?.length ? `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})` : '—');
const rows = [...gemmCases.map(keyOf), 'conv2d', 'cnn layer'].map((key) => {
  const n = samples.native[key], p = samples.numpy[key];
  const ratio = n && p ? `${((100 * median(n)) / median(p)).toFixed(0)}%` : '—';
  return [key === 'conv2d' ? 'conv2d [8,64,56,56]*[64,64,3,3] f32' : key === 'cnn layer' ? 'cnn layer [8,16,32,32] f32' : `gemm ${key}`,
    fmt(n), fmt(p), ratio, fmt(samples.kernel[key]), fmt(samples.js[key])];
});
console.log(`\nsingle-threaded GFLOP/s, median of ${rounds} rounds (min–max); numpy conv2d = pad + im2col + matmul`);
console.log(table([['case', 'left'], ['native', 'right'], ['numpy/OpenBLAS', 'right'], ['native/numpy', 'right'],
  ['native kernel, out reused', 'right'], ['js', 'right']], rows));
const path = writeResults('native', { machine: machineInfo(), rounds, samples });
console.log(`\nwrote ${path}`);
