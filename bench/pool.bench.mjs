/**
 * Worker-pool benchmark: what splitting an op across threads buys, and what a split costs.
 *
 *   npm run build && node bench/pool.bench.mjs          all cases
 *   node bench/pool.bench.mjs --quick                   n = 512 and the dispatch overhead only
 *
 * - matmul float32, square n = 512, 1024, 2048, and conv2d [8,64,56,56] * [64,64,3,3] (stride 1,
 *   pad 1), on every available CPU backend with 1 thread and with all threads: median time,
 *   GFLOP/s and the speed-up of all threads over one, measured in the same run.
 * - the dispatch overhead of an empty split op: relu of a 2-element tensor forced through the
 *   pool (minFlopsPerPart 0) against the same op on the calling thread; the difference is what a
 *   split costs.
 * - the peer: numpy/OpenBLAS matmul with the same thread count, when python3 has numpy.
 * Figures go to bench/results/pool-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backends, closePool, configure, conv2d, matmul, randn, relu } from '../dist/index.js';
import { gflops, machineInfo, measure, table, writeResults } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const sizes = quick ? [512] : [512, 1024, 2048];
const machine = machineInfo();
const threads = machine.availableParallelism;
const rows = [];
const results = [];

function record(name, backend, t, s, flops, base) {
  const rate = flops ? gflops(flops, s.medianMs) : NaN;
  const speedup = base ? base / s.medianMs : NaN;
  results.push({ case: name, backend, threads: t, ...s, gflops: rate, speedupOverOneThread: speedup });
  rows.push([
    name,
    backend,
    String(t),
    s.medianMs < 1 ? `${(s.medianMs * 1000).toFixed(1)} µs` : `${s.medianMs.toFixed(2)} ms`,
    `±${s.rmePercent.toFixed(1)}%`,
    Number.isNaN(rate) ? '' : rate.toFixed(2),
    Number.isNaN(speedup) ? '' : `${speedup.toFixed(2)}×`,
  ]);
  console.error(`  ${name} [${backend}] ×${t}: ${s.medianMs.toFixed(3)} ms`);
}

/** Times `fn` with 1 thread and with all threads; returns nothing, records both. */
async function scaling(name, backend, flops, fn, opts) {
  await configure({ threads: 1 });
  const one = await measure(`${name} ${backend} x1`, fn, { async: true, ...opts });
  record(name, backend, 1, one, flops);
  await configure({ threads, minFlopsPerPart: 200_000 });
  await fn(); // start the workers outside the timing
  const all = await measure(`${name} ${backend} x${threads}`, fn, { async: true, ...opts });
  record(name, backend, threads, all, flops, one.medianMs);
}

function numpyMatmul(n, t) {
  try {
    const script = join(here, 'peers', 'numpy_matmul_threads.py');
    const out = execFileSync('python3', [script, String(n), String(t)], {
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(t), OMP_NUM_THREADS: String(t) },
    });
    return JSON.parse(out);
  } catch (error) {
    console.error(`  numpy peer skipped: ${String(error.message).split('\n')[0]}`);
    return undefined;
  }
}

async function main() {
  const cpuBackends = (await backends()).filter((b) => b.available && b.name !== 'webgpu').map((b) => b.name);
  for (const n of sizes) {
    const a = randn([n, n], { seed: 1 });
    const b = randn([n, n], { seed: 2 });
    const opts = n >= 2048 ? { maxTime: 4, minSamples: 2 } : { maxTime: 3, minSamples: 4 };
    for (const backend of cpuBackends) {
      if (backend === 'js' && n > 1024 && quick) continue;
      await scaling(`matmul f32 n=${n}`, backend, 2 * n ** 3, () => matmul(a, b, { backend }), opts);
    }
    for (const t of [1, threads]) {
      const peer = numpyMatmul(n, t);
      if (peer) {
        const s = { medianMs: peer.medianMs, meanMs: peer.medianMs, minMs: peer.minMs, rmePercent: peer.rmePercent, samples: peer.samples };
        record(`matmul f32 n=${n}`, 'numpy/OpenBLAS', t, s, 2 * n ** 3);
      }
    }
  }
  if (!quick) {
    const x = randn([8, 64, 56, 56], { seed: 3 });
    const w = randn([64, 64, 3, 3], { seed: 4 });
    const flops = 2 * 8 * 64 * 56 * 56 * 64 * 9;
    for (const backend of cpuBackends) {
      await scaling('conv2d [8,64,56,56]*[64,64,3,3]', backend, flops, () => conv2d(x, w, { padding: 1, backend }), {
        maxTime: 4,
        minSamples: 3,
      });
    }
  }
  // Dispatch overhead: the same tiny op on the calling thread and forced through the pool.
  const tiny = randn([2], { seed: 5 });
  await configure({ threads: 1 });
  const local = await measure('relu[2] local', () => relu(tiny, { backend: 'js' }), { async: true, maxTime: 2 });
  record('relu [2] (no split)', 'js', 1, local, 0);
  await configure({ threads, minFlopsPerPart: 0 });
  await relu(tiny, { backend: 'js' });
  const split = await measure('relu[2] split', () => relu(tiny, { backend: 'js' }), { async: true, maxTime: 2 });
  record(`relu [2] split ${threads} ways`, 'js', threads, split, 0);
  const overheadMicros = (split.medianMs - local.medianMs) * 1000;
  await closePool();

  console.log(`\nworker pool, ${machine.cpu} (${machine.cores} cores), Node ${machine.node}\n`);
  console.log(
    table(
      [['case', 'left'], ['backend', 'left'], ['threads', 'right'], ['median', 'right'], ['rme', 'right'], ['GFLOP/s', 'right'], ['vs 1 thread', 'right']],
      rows,
    ),
  );
  console.log(`\ndispatch overhead of an empty split op: ${overheadMicros.toFixed(1)} µs (median split − median local)`);
  const path = writeResults('pool', { suite: 'pool', date: new Date().toISOString(), quick, machine, overheadMicros, results });
  console.log(`wrote ${path}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
