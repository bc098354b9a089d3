/**
 * The cost of an op beyond its kernel: tiny ops through the public API beside numpy (through
 * python3, timed with timeit in the same run) and ml-matrix; workloads (the seed's CNN pass, a
 * FISTA iteration's products) beside their kernels called alone; a split op beside the same op
 * unsplit.
 *
 *   npm run build && node bench/dispatch.bench.mjs [--quick]
 *
 * Every figure is µs per call: the median of benchmark.js samples, with the interquartile range.
 * The three goal figures (CNN and FISTA public ÷ kernels, the split's cost) are also taken in
 * interleaved rounds (harness.mjs's ratioRounds): on a machine whose speed drifts, two cases timed
 * one after the other can differ by more than the overhead being measured.
 */
import { spawnSync } from 'node:child_process';
import { Matrix } from 'ml-matrix';
import * as L from '../dist/index.js';
import * as I from '../dist/internal.js';
import { machineInfo, measure, ratioRounds, table, writeResults } from './harness.mjs';

const quick = process.argv.includes('--quick');
const maxTime = quick ? 0.5 : 2;
const rows = [];
const us = (s) => s.medianMs * 1000;
const spread = (s) => `${(s.p25Ms * 1000).toFixed(2)}–${(s.p75Ms * 1000).toFixed(2)}`;

async function time(name, fn, extra = {}) {
  for (let i = 0; i < 200; i++) fn(); // warm-up: the JIT and the pool (~15 calls to settle)
  const s = await measure(name, fn, { maxTime });
  rows.push({ case: name, us: us(s).toFixed(3), iqr: spread(s), ...extra });
  return us(s);
}

await L.configure({ threads: 1 });
const native = (await L.backends()).find((b) => b.name === 'native')?.available;
const cpu = native ? ['js', 'native'] : ['js'];

// ── tiny ops ──
const x2 = L.tensor([1, 2]);
const y2 = L.tensor([3, 4]);
for (const backend of cpu) await time(`add 2×f32 [${backend}]`, () => L.add(x2, y2, { backend }).dispose(), { group: 'add2' });
const m4a = L.randn([4, 4], { seed: 1, dtype: 'float64' });
const m4b = L.randn([4, 4], { seed: 2, dtype: 'float64' });
for (const backend of cpu) await time(`matmul 4×4 f64 [${backend}]`, () => L.matmul(m4a, m4b, { backend }).dispose(), { group: 'mm4' });
const mlA = new Matrix(4, 4).fill(0.5);
const mlB = new Matrix(4, 4).fill(0.25);
await time('matmul 4×4 f64 [ml-matrix]', () => mlA.mmul(mlB), { group: 'mm4' });
const A = L.randn([128, 256], { seed: 3, dtype: 'float64' });
const x = L.randn([256], { seed: 4, dtype: 'float64' });
for (const backend of cpu) await time(`matvec 128×256 f64 [${backend}]`, () => L.matmul(A, x, { backend }).dispose(), { group: 'mv' });
const mlM = Matrix.rand(128, 256);
const mlX = Matrix.rand(256, 1);
await time('matvec 128×256 f64 [ml-matrix]', () => mlM.mmul(mlX), { group: 'mv' });

// The raw addon's call cost: a 4×4 float64 product through the object form and the flat form.
let encoderRounds;
if (native) {
  const raw = I.loadAddon();
  const f64s = (n) => Float64Array.from({ length: n }, (_, i) => (i % 7) - 3);
  const args = { a: f64s(16), aOffset: 0, aStrides: [4, 1], b: f64s(16), bOffset: 0, bStrides: [4, 1], out: new Float64Array(16),
    batchShape: [], m: 4, n: 4, k: 4, activation: 'none', rowBegin: 0, rowEnd: 4 };
  const flat = I.flatCaller(raw.addon, 'matmul');
  await time('raw addon 4×4 f64, object form', () => raw.addon.matmulSync(args), { group: 'raw' });
  await time('raw addon 4×4 f64, flat form', () => flat(args), { group: 'raw' });
  // The flat form's two encoders (flat.ts): one function per op with a load site per field (what
  // the library calls), against a loop over the fields, in interleaved rounds.
  const layout = raw.addon.flatLayouts().matmul;
  const { loop, unrolled } = I.encodersOf(layout);
  const entry = raw.addon.matmulFlat.bind(raw.addon);
  const [n0, n1, n2, n3] = layout.arrays;
  encoderRounds = await ratioRounds(
    () => entry(unrolled(args), args[n0], args[n1], args[n2], args[n3]),
    () => entry(loop(args), args[n0], args[n1], args[n2], args[n3]),
    { rounds: quick ? 5 : 15, batchMs: 50 },
  );
}

// numpy, timed in its own process in this run.
const py = spawnSync('python3', ['-c', `
import numpy as np, timeit, json
a=np.array([1,2],np.float32); b=np.array([3,4],np.float32)
m=np.random.rand(4,4); n=np.random.rand(4,4); A=np.random.rand(128,256); x=np.random.rand(256)
def t(f):
    n_=200000 if ${quick ? 'False' : 'True'} else 20000
    r=[min(timeit.repeat(f, number=n_//10, repeat=5))/(n_//10)*1e6 for _ in range(3)]
    return sorted(r)
print(json.dumps({'add2': t(lambda: np.add(a,b)), 'mm4': t(lambda: m@n), 'mv': t(lambda: A@x)}))
`], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
const numpy = py.status === 0 ? JSON.parse(py.stdout) : undefined;
if (numpy) {
  for (const [group, label] of [['add2', 'add 2×f32'], ['mm4', 'matmul 4×4 f64'], ['mv', 'matvec 128×256 f64']]) {
    const r = numpy[group];
    rows.push({ case: `${label} [numpy]`, us: r[1].toFixed(3), iqr: `${r[0].toFixed(2)}–${r[2].toFixed(2)}`, group });
  }
} else {
  console.warn(`numpy peer unavailable: ${py.stderr?.slice(0, 200)}`);
}

// ── the seed's CNN pass, batch 64: public ops vs its kernels alone ──
const backend = native ? I.nativeBackend : I.jsBackend;
const bname = native ? 'native' : 'js';
const X = L.randn([64, 3, 32, 32], { seed: 5 });
const W = L.randn([32, 3, 3, 3], { seed: 6 });
const cb = L.randn([32], { seed: 7 });
const W1 = L.randn([8192, 128], { seed: 8 });
const b1 = L.randn([128], { seed: 9 });
const W2 = L.randn([128, 1], { seed: 10 });
const b2 = L.randn([1], { seed: 11 });
const o = { backend: bname };
const cnn = () => {
  const c = L.conv2d(X, W, { padding: 1, bias: cb, activation: 'relu', ...o });
  const p = L.maxPool2d(c, { kernel: 2, ...o });
  const f = p.reshape([64, 8192]);
  const d = L.matmul(f, W1, { bias: b1, activation: 'relu', ...o });
  const y = L.matmul(d, W2, { bias: b2, activation: 'sigmoid', ...o });
  for (const t of [c, p, f, d, y]) t.dispose();
};
const cnnOps = await time(`CNN b64 public ops [${bname}]`, cnn, { group: 'cnn' });
// The same kernels on preallocated outputs and ready plans (internal.js carries its own tensor
// core: the tensors handed to it are made with its own creation functions, from the same seeds).
const Xi = I.randn([64, 3, 32, 32], { seed: 5 });
const Wi = I.randn([32, 3, 3, 3], { seed: 6 });
const cbi = I.randn([32], { seed: 7 });
const W1i = I.randn([8192, 128], { seed: 8 });
const b1i = I.randn([128], { seed: 9 });
const W2i = I.randn([128, 1], { seed: 10 });
const b2i = I.randn([1], { seed: 11 });
const convPlan = I.planConv2d(Xi, Wi, { padding: 1, bias: cbi, activation: 'relu' });
const cOut = new Float32Array(64 * 32 * 32 * 32);
const cT = new I.Tensor('float32', [64, 32, 32, 32], cOut);
const poolPlan = I.planPool2d('max', cT, { kernel: 2 });
const pOut = new Float32Array(64 * 32 * 16 * 16);
const pT = new I.Tensor('float32', [64, 8192], pOut);
const d1 = I.planMatmul(pT, W1i, { bias: b1i, activation: 'relu' });
const dOut = new Float32Array(64 * 128);
const dT = new I.Tensor('float32', [64, 128], dOut);
const d2 = I.planMatmul(dT, W2i, { bias: b2i, activation: 'sigmoid' });
const yOut = new Float32Array(64);
const kernels = () => {
  backend.kernels.conv2d(convPlan, [Xi, Wi, cbi], cOut);
  backend.kernels.pool2d(poolPlan, [cT], pOut);
  backend.kernels.matmul(d1.plan, d1.inputs, dOut);
  backend.kernels.matmul(d2.plan, d2.inputs, yOut);
};
const cnnKernels = await time(`CNN b64 kernels alone [${bname}]`, kernels, { group: 'cnn' });
const cnnRounds = await ratioRounds(cnn, kernels, { rounds: quick ? 5 : 15, batchMs: 150 });

// ── FISTA iteration's products at N = 512, K = 192 (float64): public ops vs kernels ──
const Af = L.randn([192, 512], { seed: 12, dtype: 'float64' });
const xf = L.randn([512], { seed: 13, dtype: 'float64' });
const rf = L.randn([192], { seed: 14, dtype: 'float64' });
const fistaOps = await time(`FISTA N512 K192 two products [${bname}]`, () => {
  L.matmul(Af, xf, o).dispose();
  L.matmul(Af, rf, { transA: true, ...o }).dispose();
}, { group: 'fista' });
const Afi = I.randn([192, 512], { seed: 12, dtype: 'float64' });
const xfi = I.randn([512], { seed: 13, dtype: 'float64' });
const rfi = I.randn([192], { seed: 14, dtype: 'float64' });
const f1 = I.planMatmul(Afi, xfi, {});
const f2 = I.planMatmul(Afi, rfi, { transA: true });
const o1 = new Float64Array(192);
const o2 = new Float64Array(512);
const fistaKernels = await time(`FISTA N512 K192 kernels alone [${bname}]`, () => {
  backend.kernels.matmul(f1.plan, f1.inputs, o1);
  backend.kernels.matmul(f2.plan, f2.inputs, o2);
}, { group: 'fista' });
const fistaRounds = await ratioRounds(
  () => {
    L.matmul(Af, xf, o).dispose();
    L.matmul(Af, rf, { transA: true, ...o }).dispose();
  },
  () => {
    backend.kernels.matmul(f1.plan, f1.inputs, o1);
    backend.kernels.matmul(f2.plan, f2.inputs, o2);
  },
  { rounds: quick ? 5 : 15 },
);

// ── what a split costs: the same op split in two (minFlopsPerPart 0 forces it) and unsplit. On
// 1 Ki elements the work is ~1 µs, so the difference is the split's own cost (the hand-off to a
// worker, its wake-up and the join); on 64 Ki it is that cost against half the work saved. ──
await L.configure({ threads: 2, minFlopsPerPart: 0 });
const small = L.randn([1 << 10], { seed: 15 });
const big = L.randn([1 << 16], { seed: 16 });
const splitSmall = await time('relu 1Ki split on 2 threads [js]', () => L.relu(small, { backend: 'js' }).dispose(), { group: 'split' });
const split = await time('relu 64Ki split on 2 threads [js]', () => L.relu(big, { backend: 'js' }).dispose(), { group: 'split' });
await L.configure({ threads: 1 });
const wholeSmall = await time('relu 1Ki unsplit [js]', () => L.relu(small, { backend: 'js' }).dispose(), { group: 'split' });
const whole = await time('relu 64Ki unsplit [js]', () => L.relu(big, { backend: 'js' }).dispose(), { group: 'split' });
// Interleaved: the pool stays up and a huge minFlopsPerPart keeps the unsplit batches on this thread.
await L.configure({ threads: 2 });
const splitRounds = await ratioRounds(
  () => L.relu(small, { backend: 'js' }).dispose(),
  () => L.relu(small, { backend: 'js' }).dispose(),
  { rounds: quick ? 5 : 15, batchMs: 50, beforeA: () => L.configure({ minFlopsPerPart: 0 }), beforeB: () => L.configure({ minFlopsPerPart: 1e15 }) },
);
await L.configure({ threads: 2, minFlopsPerPart: 200_000 });

// ── 100 000 small ops with dispose(): memory before and after ──
const before = L.memory().cpu;
const rss0 = process.memoryUsage().rss;
for (let i = 0; i < 100_000; i++) L.add(x2, y2).dispose();
const after = L.memory().cpu;
const rss1 = process.memoryUsage().rss;

console.log(table([['case', 'left'], ['µs', 'right'], ['IQR (µs)', 'right']], rows.map((r) => [r.case, r.us, r.iqr])));
console.log(`CNN: public ops ${cnnOps.toFixed(0)} µs vs kernels alone ${cnnKernels.toFixed(0)} µs: ${(cnnOps / cnnKernels).toFixed(3)}×`);
console.log(`FISTA products: public ops ${fistaOps.toFixed(1)} µs vs kernels ${fistaKernels.toFixed(1)} µs: ${(fistaOps / fistaKernels).toFixed(3)}×`);
console.log(`split cost (1 Ki, split − unsplit): ${(splitSmall - wholeSmall).toFixed(2)} µs (split ${splitSmall.toFixed(2)}, unsplit ${wholeSmall.toFixed(2)})`);
console.log(`64 Ki: split ${split.toFixed(2)} µs, unsplit ${whole.toFixed(2)} µs (${(whole / split).toFixed(2)}× faster split)`);
const range = (r) => `${r.median.toFixed(3)}× (rounds ${r.min.toFixed(3)}–${r.max.toFixed(3)})`;
console.log(`interleaved, ${cnnRounds.rounds} rounds: CNN public ÷ kernels ${range(cnnRounds)}; FISTA ${range(fistaRounds)}; split cost ${splitRounds.diffUs.median.toFixed(2)} µs (rounds ${splitRounds.diffUs.min.toFixed(2)}–${splitRounds.diffUs.max.toFixed(2)}; split ${splitRounds.aUs.toFixed(2)}, unsplit ${splitRounds.bUs.toFixed(2)})`);
if (encoderRounds) console.log(`raw 4×4 flat call, unrolled encoder ${encoderRounds.aUs.toFixed(2)} µs vs loop encoder ${encoderRounds.bUs.toFixed(2)} µs: ${range(encoderRounds)}`);
console.log(`100k add+dispose: cpu buffers ${before.buffers} → ${after.buffers}, bytes ${before.bytes} → ${after.bytes}; RSS ${(rss0 / 2 ** 20).toFixed(1)} → ${(rss1 / 2 ** 20).toFixed(1)} MiB (${(((rss1 - rss0) / rss0) * 100).toFixed(1)} %)`);
writeResults('dispatch', { machine: machineInfo(), rows, cnn: { ops: cnnOps, kernels: cnnKernels, rounds: cnnRounds }, fista: { ops: fistaOps, kernels: fistaKernels, rounds: fistaRounds }, split: { split, whole, splitSmall, wholeSmall, rounds: splitRounds }, encoders: encoderRounds, memory: { before, after, rss0, rss1 } });
await L.closePool();
