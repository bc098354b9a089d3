/**
 * Worker-pool benchmark: what splitting an op across threads buys, and what a split costs.
 *
 *   npm run build && node bench/pool.bench.mjs [--quick] [options of bench/lib/suite.mjs]
 *
 * - Scaling: matmul float32 n = 512, 1024, 2048 (--quick: 512) and conv2d [8,64,56,56] *
 *   [64,64,3,3] stride 1 pad 1 (not in --quick), on every CPU backend with 1 thread and with all
 *   threads (configure({ threads })), beside numpy/OpenBLAS and onnxruntime-node with 1 and all
 *   threads: the speed-up of all threads over one is reported per backend and per peer.
 * - Dispatch overhead: relu of a float32 tensor of 2 elements (an empty op) on the calling thread
 *   (threads 1) and forced through the pool (threads all, minFlopsPerPart 0); the difference of
 *   the medians is what one split costs. Larger relus (64 Ki, 1 Mi elements; not in --quick)
 *   show where splitting an element-wise op starts to pay.
 * Results: bench/results/pool-<date>.json.
 */
import { conv2dModel, matmulModel } from './lib/onnx.mjs';
import { lib, Suite } from './lib/suite.mjs';
import { table } from './harness.mjs';

const suite = await Suite.create('pool', { title: 'worker pool: 1 vs all threads, dispatch overhead' });
const { quick } = suite;
const T = suite.args.threads;
const cpu = (v) => v.backend !== 'webgpu';
const ort = await suite.onnxruntime();
const defaults = lib.poolConfig();

for (const n of quick ? [512] : [512, 1024, 2048]) {
  const dtype = 'float32';
  const c = suite.case({ group: 'scaling matmul f32', label: `n=${n}`, size: n, dtype, spec: { op: 'matmul', dtype, m: n, k: n, n } });
  await c.lepton({ filter: cpu });
  await c.python('numpy', { op: 'matmul', a: c.file('a'), b: c.file('b'), aShape: [n, n], bShape: [n, n] });
  if (ort) await c.onnxruntime(ort, matmulModel(dtype, [n, n], [n, n], [n, n]), { a: { data: c.array('a'), dims: [n, n] }, b: { data: c.array('b'), dims: [n, n] } });
}
if (!quick) {
  const x = [8, 64, 56, 56];
  const w = [64, 64, 3, 3];
  const c = suite.case({ group: 'scaling conv2d f32', label: '[8,64,56,56]*[64,64,3,3]', size: 8, dtype: 'float32', spec: { op: 'conv2d', dtype: 'float32', x, w, padding: 1, stride: 1, groups: 1 } });
  await c.lepton({ filter: cpu });
  if (ort) await c.onnxruntime(ort, conv2dModel('float32', x, c.array('w'), w, { pad: 1, outShape: x }), { x: { data: c.array('x'), dims: x } });
}

// Dispatch overhead: the same relu on the calling thread and forced through the pool.
const overhead = {};
for (const size of quick ? [2] : [2, 65536, 1048576]) {
  const spec = { op: 'relu', dtype: 'float32', size };
  const c = suite.case({ group: 'dispatch relu f32', label: `${size} elements`, size, dtype: 'float32', flops: 0, spec });
  for (const v of suite.variants.filter((v) => cpu(v) && v.threads === 1)) {
    const call = async () => (await lib.relu(c.inputs.x, { backend: v.backend })).dispose();
    const answer = async () => (await lib.relu(c.inputs.x, { backend: v.backend })).data();
    await lib.configure({ threads: 1 });
    const local = await c.run({ variant: `${v.backend} local`, kind: 'lepton', backend: v.backend, threads: 1 }, async () => ({ fn: call, async: true, output: answer }));
    if (T < 2) continue;
    await lib.configure({ threads: T, minFlopsPerPart: 0 });
    const split = await c.run({ variant: `${v.backend} split×${T}`, kind: 'lepton', backend: v.backend, threads: T }, async () => ({ fn: call, async: true, output: answer }));
    await lib.configure({ minFlopsPerPart: defaults.minFlopsPerPart });
    if (Number.isFinite(local.medianMs) && Number.isFinite(split.medianMs)) {
      const micros = (split.medianMs - local.medianMs) * 1000;
      split.overheadMicros = micros;
      overhead[`${v.backend} ${size}`] = micros;
    }
  }
}
await lib.configure({ threads: 1, minFlopsPerPart: defaults.minFlopsPerPart });

// Speed-up of all threads over one, per backend / peer and case.
const speedups = [];
for (const r of suite.results) {
  if (r.threads !== T || T < 2 || !Number.isFinite(r.medianMs) || r.group.startsWith('dispatch')) continue;
  const who = r.kind === 'peer' ? r.peer : r.backend;
  const one = suite.results.find((o) => o.group === r.group && o.case === r.case && o.threads === 1 && (o.kind === 'peer' ? o.peer : o.backend) === who);
  if (!one || !Number.isFinite(one.medianMs)) continue;
  r.speedupOverOneThread = one.medianMs / r.medianMs;
  speedups.push({ case: `${r.group} ${r.case}`, who, threads: T, oneMs: one.medianMs, allMs: r.medianMs, speedup: r.speedupOverOneThread });
}

await suite.finish({ threadsAll: T, speedups, dispatchOverheadMicros: overhead });
console.log(`\nspeed-up of ${T} threads over 1 (same run)\n`);
console.log(table([['case', 'left'], ['backend / peer', 'left'], ['1 thread', 'right'], [`${T} threads`, 'right'], ['speed-up', 'right']],
  speedups.map((s) => [s.case, s.who, `${s.oneMs.toFixed(2)} ms`, `${s.allMs.toFixed(2)} ms`, `${s.speedup.toFixed(2)}×`])));
for (const [k, v] of Object.entries(overhead)) console.log(`dispatch overhead, relu ${k} elements: ${v.toFixed(1)} µs (median split − median local)`);
