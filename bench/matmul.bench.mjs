/**
 * matmul benchmark: the js backend against ml-matrix's Matrix#mmul on square n×n products.
 *
 *   npm run build && node bench/matmul.bench.mjs           n = 64, 128, 256, 512, 1024
 *   node bench/matmul.bench.mjs --quick                    n = 256, 512
 *
 * Cases per n, all in one process so that the ratios compare like with like:
 *   ml-matrix            Matrix#mmul (float64 arrays of arrays), filled with the float32 inputs
 *   js float32 / float64 matmul(a, b, { backend: 'js' }) on one thread (the GEMM kernel alone)
 *   js … pool×T          the same on the worker pool with its default thread count T
 * Each row gives the median time per product, benchmark.js's relative margin of error, GFLOP/s
 * counted as 2n³/t, and the speed-up over ml-matrix at the same n. Figures and machine details go
 * to bench/results/matmul-<date>.json.
 */
import { Matrix } from 'ml-matrix';
import { closePool, configure, matmul, poolConfig, randn } from '../dist/index.js';
import { gflops, machineInfo, measure, table, writeResults } from './harness.mjs';

const quick = process.argv.includes('--quick');
const sizes = quick ? [256, 512] : [64, 128, 256, 512, 1024];

/** benchmark.js limits per size: the n = 1024 cases take seconds per ml-matrix product. */
function limits(n) {
  if (n >= 1024) return { maxTime: 2, minSamples: 3 };
  if (n >= 512) return { maxTime: 3, minSamples: 5 };
  return { maxTime: 2, minSamples: 5 };
}

/** The float32 inputs as ml-matrix matrices, element for element. */
function toMatrix(t, n) {
  const data = t.dataSync();
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, data[i * n + j]);
  return m;
}

/** Largest |js − ml-matrix| over the product, relative to the largest |ml-matrix| entry. */
function discrepancy(c, ref, n) {
  const data = c.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = ref.get(i, j);
      diff = Math.max(diff, Math.abs(data[i * n + j] - r));
      scale = Math.max(scale, Math.abs(r));
    }
  }
  return diff / scale;
}

async function main() {
  const machine = machineInfo();
  const rows = [];
  const results = [];
  await configure({ threads: 1 });
  for (const n of sizes) {
    const flops = 2 * n ** 3;
    const opts = limits(n);
    const inputs = {};
    for (const dtype of ['float32', 'float64']) {
      inputs[dtype] = [randn([n, n], { seed: 1, dtype }), randn([n, n], { seed: 2, dtype })];
    }
    const mlA = toMatrix(inputs.float32[0], n);
    const mlB = toMatrix(inputs.float32[1], n);

    // Correctness first: a fast wrong answer is no result. The float64 inputs are the same normal
    // draws as the float32 ones before rounding, so both products agree with ml-matrix's to about
    // 1e-7 of the largest entry; a real bug errs by O(1).
    const ref = mlA.mmul(mlB);
    for (const dtype of ['float32', 'float64']) {
      const c = await matmul(inputs[dtype][0], inputs[dtype][1], { backend: 'js' });
      const rel = discrepancy(c, ref, n);
      if (!(rel <= 1e-5)) throw new Error(`js ${dtype} n=${n} differs from ml-matrix by ${rel} (relative)`);
    }

    const cases = [{ name: 'ml-matrix', dtype: 'float64', threads: 1, fn: () => mlA.mmul(mlB), async: false }];
    for (const dtype of ['float32', 'float64']) {
      const [a, b] = inputs[dtype];
      cases.push({ name: `js ${dtype}`, dtype, threads: 1, fn: () => matmul(a, b, { backend: 'js' }), async: true });
    }
    for (const dtype of ['float32', 'float64']) {
      const [a, b] = inputs[dtype];
      cases.push({ name: `js ${dtype} pool`, dtype, threads: 0, fn: () => matmul(a, b, { backend: 'js' }), async: true });
    }

    let mlMedian = NaN;
    for (const c of cases) {
      // The pool's default size is os.availableParallelism(), as in machineInfo().
      await configure({ threads: c.threads === 0 ? machine.availableParallelism : 1 });
      // Warm up outside the samples: JIT tiers, and the pool's worker start-up on its first use.
      const warmStart = performance.now();
      for (let i = 0; i < 3 && performance.now() - warmStart < 1000; i++) await c.fn();
      const s = await measure(`${c.name} n=${n}`, c.fn, { async: c.async, ...opts });
      if (c.name === 'ml-matrix') mlMedian = s.medianMs;
      const threads = poolConfig().threads;
      const name = c.threads === 0 ? `${c.name}×${threads}` : c.name;
      const rate = gflops(flops, s.medianMs);
      const speedup = mlMedian / s.medianMs;
      results.push({ case: name, n, dtype: c.dtype, threads, ...s, gflops: rate, speedupOverMlMatrix: speedup });
      rows.push([name, String(n), s.medianMs.toFixed(2), `±${s.rmePercent.toFixed(1)}%`, rate.toFixed(2), `${speedup.toFixed(2)}×`]);
      console.error(`  ${name} n=${n}: ${s.medianMs.toFixed(2)} ms, ${rate.toFixed(2)} GFLOP/s (${s.samples} samples)`);
    }
  }
  await closePool();

  console.log(`\nmatmul, ${machine.cpu} (${machine.cores} cores), Node ${machine.node}\n`);
  console.log(
    table(
      [['case', 'left'], ['n', 'right'], ['median ms', 'right'], ['rme', 'right'], ['GFLOP/s', 'right'], ['vs ml-matrix', 'right']],
      rows,
    ),
  );
  const path = writeResults('matmul', {
    suite: 'matmul',
    date: new Date().toISOString(),
    quick,
    machine,
    flopsPerCase: '2·n³',
    results,
  });
  console.log(`\nwrote ${path}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
