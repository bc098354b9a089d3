/**
 * `npm start`: the main job in one screen. On every available backend it runs a matmul, a CNN
 * layer (conv2d + bias + relu, then a 2×2 max-pool), a ridge reconstruction of a signal
 * sensed by a random Gaussian matrix and the sparse recovery of a 10-sparse signal (ridge, FISTA,
 * OMP), on every available backend (CPU backends with 1 thread and with the worker pool), and
 * prints the time, GFLOP/s and the largest error against
 * the plain float64 reference kernels of test/reference/.
 */
import os from 'node:os';
import {
  backends,
  closePool,
  configure,
  conv2d,
  cs,
  tensor,
  matmul,
  randn,
  ridge,
  type BackendName,
  type Tensor,
} from '../src/index.js';
import { refConv2d } from '../test/reference/conv2d.js';
import { refMatmul } from '../test/reference/matmul.js';
import { refPool2d } from '../test/reference/pool2d.js';
import { refRidge } from '../test/reference/ridge.js';
import type { Ref } from '../test/reference/nd.js';

interface Row {
  job: string;
  backend: string;
  ms: number;
  gflops: number;
  error: number;
  note: string;
}

/** Float64 copy for the reference kernels. */
const ref = (t: Tensor): Ref => ({ data: Float64Array.from(t.dataSync()), shape: [...t.shape] });

/** Largest |got − ref| relative to the largest |ref|. */
async function relError(got: Tensor, expected: Ref): Promise<number> {
  const g = await got.data(); // GPU tensors read back here
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(g[i]! - expected.data[i]!));
    scale = Math.max(scale, Math.abs(expected.data[i]!));
  }
  return worst / (scale || 1);
}

/** Median wall time of `runs` calls after a warm-up (≥ 3 calls and ≥ 150 ms). */
async function time(fn: () => Tensor | Promise<Tensor>, runs: number): Promise<{ ms: number; out: Tensor }> {
  // Warm-up, at least 3 calls and 150 ms: the first calls start pool workers (each loads its own
  // addon and JIT-compiles its glue) and compile GPU pipelines.
  let out = await fn();
  const until = performance.now() + 150;
  for (let w = 1; w < 3 || performance.now() < until; w++) out = await fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    out = await fn();
    // Ops on the pool or the GPU return pending tensors: the time counts until the values are there.
    await out.data();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, out };
}

async function jobs(backend: BackendName, label: string = backend): Promise<Row[]> {
  const rows = await jobsOn(backend);
  return rows.map((r) => ({ ...r, backend: label }));
}

async function jobsOn(backend: BackendName): Promise<Row[]> {
  const rows: Row[] = [];

  // 1. matmul, float32, 512×512·512×512.
  const n = 512;
  const a = randn([n, n], { seed: 1 });
  const b = randn([n, n], { seed: 2 });
  const mm = await time(() => matmul(a, b, { backend }), 5);
  rows.push({
    job: `matmul ${n}×${n}×${n} f32`,
    backend,
    ms: mm.ms,
    gflops: (2 * n ** 3) / (mm.ms * 1e6),
    error: await relError(mm.out, refMatmul(ref(a), ref(b))),
    note: '',
  });

  // 2. a CNN layer: conv2d 3×3 'same' + bias + relu with a 2×2 max-pool fused in (the pooled tile
  // is written while the convolution's rows are in cache: the same values as maxPool2d of conv2d's
  // output), NCHW float32.
  const x = randn([8, 16, 32, 32], { seed: 3 });
  const w = randn([32, 16, 3, 3], { seed: 4 });
  const bias = randn([32], { seed: 5 });
  const layer = async () => conv2d(x, w, { padding: 'same', bias, activation: 'relu', pool: { type: 'max', kernel: 2 }, backend });
  const cnn = await time(layer, 5);
  const convRef = refConv2d(ref(x), ref(w), { padding: 'same', bias: bias.dataSync(), activation: 'relu' });
  const flops = 2 * 8 * 32 * 32 * 32 * 16 * 9;
  rows.push({
    job: 'conv3×3+relu+pool [8,16,32,32]',
    backend,
    ms: cnn.ms,
    gflops: flops / (cnn.ms * 1e6),
    error: await relError(cnn.out, refPool2d('max', convRef, { kernel: 2 })),
    note: backend === 'webgpu' ? 'inputs uploaded per call; conv→pool stays on the GPU' : '',
  });

  // The rest is float64, which WGSL has no type for: CPU backends only.
  if (backend === 'webgpu') return rows;
  // 3. ridge: recover x (n unknowns) from m < n Gaussian measurements, float64, dual form.
  const m = 128;
  const unknowns = 512;
  const A = randn([m, unknowns], { seed: 6, dtype: 'float64' });
  const xTrue = randn([unknowns], { seed: 7, dtype: 'float64' });
  const y = await matmul(A, xTrue, { backend });
  const lambda = 0.1;
  const rr = await time(() => ridge(A, y, { lambda, backend }), 5);
  const ridgeFlops = 2 * unknowns * m * m + m ** 3 / 3 + 4 * m * unknowns;
  rows.push({
    job: `ridge ${m}×${unknowns} f64 (dual)`,
    backend,
    ms: rr.ms,
    gflops: ridgeFlops / (rr.ms * 1e6),
    error: await relError(rr.out, refRidge(ref(A), ref(y), lambda)),
    note: `fit ‖Ax̂−y‖/‖y‖ = ${(await residual(ref(A), rr.out, ref(y))).toExponential(1)}`,
  });

  // 4. compressive sensing: a 10-sparse signal of 256 samples from 128 Gaussian measurements.
  // Ridge cannot recover it; ℓ1 (FISTA) and greedy (OMP) recovery can. Error: against the signal.
  const spikes = new Float64Array(256);
  for (let i = 0; i < 10; i++) spikes[(37 * i + 11) % 256] = (i % 2 ? 1 : -1) * (1 + i / 10);
  const xSparse = tensor(spikes, [256]);
  const Acs = cs.gaussian(128, 256, { seed: 8, dtype: 'float64' });
  const ySparse = await matmul(Acs, xSparse, { backend });
  const lambdaMax = Math.max(...Array.from(await (await matmul(Acs, ySparse, { transA: true, backend })).data(), Math.abs));
  const sparseRef = ref(xSparse);
  const recoveries: Array<[string, () => Tensor | Promise<Tensor>]> = [
    ['cs ridge (GCV λ)', async () => ridge(Acs, ySparse, { lambda: (await cs.chooseLambda(Acs, ySparse, { backend })).lambda, backend })],
    ['cs.fista (ℓ1)', async () => (await cs.fista(Acs, ySparse, { lambda: 1e-4 * lambdaMax, maxIter: 3000, backend })).x],
    ['cs.omp', async () => (await cs.omp(Acs, ySparse, { sparsity: 20, backend })).x],
  ];
  for (const [label, run] of recoveries) {
    const rec = await time(run, 3);
    rows.push({ job: `${label} 128×256, k = 10`, backend, ms: rec.ms, gflops: NaN, error: await relError(rec.out, sparseRef), note: 'error vs the true sparse signal' });
  }
  return rows;
}

/** Relative residual of the reconstruction: how well x̂ explains the measurements. */
async function residual(A: Ref, xHat: Tensor, y: Ref): Promise<number> {
  const [m, n] = A.shape as [number, number];
  const x = await xHat.data();
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A.data[i * n + j]! * x[j]!;
    num += (s - y.data[i]!) ** 2;
    den += y.data[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`lepton-compute demo — ${cpu}, ${os.availableParallelism()} cores, Node ${process.version}\n`);
  const all = await backends();
  for (const b of all) console.log(`  ${b.name.padEnd(7)} ${b.available ? 'available' : `unavailable: ${b.reason}`}`);
  console.log('');
  const rows: Row[] = [];
  // CPU backends run once on the calling thread and once split across the worker pool.
  const threads = os.availableParallelism();
  for (const b of all.filter((b) => b.available)) {
    if (b.name === 'webgpu' || threads < 2) {
      rows.push(...(await jobs(b.name)));
      continue;
    }
    await configure({ threads: 1 });
    rows.push(...(await jobs(b.name)));
    await configure({ threads });
    rows.push(...(await jobs(b.name, `${b.name} ×${threads}`)));
  }
  await closePool();
  const header = ['job', 'backend', 'median ms', 'GFLOP/s', 'max rel. error', 'note'];
  const cells = rows.map((r) => [r.job, r.backend, r.ms.toFixed(2), (Number.isFinite(r.gflops) ? r.gflops.toFixed(2) : '—'), r.error.toExponential(1), r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log('\nErrors are against the float64 reference kernels; float32 results carry float32 rounding.');
  if (all.some((b) => b.name === 'webgpu' && b.available)) {
    console.log('webgpu times include the upload of CPU inputs and the readback; on a software adapter (SwiftShader) they are CPU-emulation speed, not GPU speed.');
  }
}

await main();
