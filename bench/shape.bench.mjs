/**
 * The copying shape ops (memory-bound): GB/s of bytes read and written (the cost model's bytes:
 * the output once read, once written) on js, native and wasm, beside numpy doing the same copy in
 * its own process in this run (timeit). Inputs 1024×1024 float32 (4 MiB), contiguous and
 * transposed (a strided view). Through the public ops (allocation of the output included), and
 * the kernels alone into a preallocated output (js and native kernel tables).
 *
 *   npm run build && node bench/shape.bench.mjs [--quick]
 *
 * Every figure: the median of benchmark.js samples, with min and max.
 */
import { spawnSync } from 'node:child_process';
import * as L from '../dist/index.js';
import * as I from '../dist/internal.js';
import { machineInfo, measure, table, writeResults } from './harness.mjs';

const quick = process.argv.includes('--quick');
const maxTime = quick ? 0.5 : 1.5;
await L.configure({ threads: 1 });
const available = (await L.backends()).filter((b) => b.available && ['js', 'native', 'wasm'].includes(b.name)).map((b) => b.name);

const n = 1024;
const x = L.randn([n, n], { seed: 1 });
const xt = L.randn([n, n], { seed: 2 }).transpose();
const half = L.randn([n, n / 2], { seed: 3 });
const idx = L.tensor(Int32Array.from({ length: n }, (_, i) => (i * 389) % n), [n]);
const small = L.randn([n / 2, n / 2], { seed: 4 });

const CASES = [
  ['concat 2×[1024,512] axis 1', (o) => L.concat([half, half], 1, o), 'np.concatenate([h, h], 1)'],
  ['concat transposed [1024,1024] + [1024,1024] axis 0', (o) => L.concat([xt, x], 0, o), 'np.concatenate([xt, x], 0)'],
  ['flip axis 1', (o) => L.flip(x, 1, o), 'np.ascontiguousarray(np.flip(x, 1))'],
  ['pad reflect 8', (o) => L.pad(x, 8, { mode: 'reflect', ...o }), "np.pad(x, 8, mode='reflect')"],
  // np.pad keeps a transposed input's (Fortran) order; the peer writes row-major, as lepton does.
  ['pad constant 8 of transposed', (o) => L.pad(xt, 8, o), 'padc(xt)'],
  ['tile [512,512] by [2,2]', (o) => L.tile(small, [2, 2], o), 'np.tile(s, (2, 2))'],
  ['gather 1024 rows', (o) => L.gather(x, idx, 0, o), 'np.take(x, idx, 0)'],
];

const rows = [];
for (const [label, run] of CASES) {
  const probe = run({ backend: 'js' });
  const bytes = 2 * 4 * probe.size;
  probe.dispose();
  for (const backend of available) {
    const fn = () => run({ backend }).dispose();
    for (let i = 0; i < 5; i++) fn();
    const s = await measure(`${label} [${backend}]`, fn, { maxTime });
    rows.push({ case: label, backend, ms: s.medianMs, gbps: bytes / (s.medianMs * 1e6), spread: `${(bytes / (s.maxMs * 1e6)).toFixed(2)}–${(bytes / (s.minMs * 1e6)).toFixed(2)}` });
  }
}

// The kernels alone, into one preallocated output (what the copy itself costs, without the
// allocation and first touch of a fresh output buffer).
const f32 = 'float32';
const KERNELS = [
  ['concat 2×[1024,512] axis 1', 'concat', { op: 'concat', dtype: f32, axis: 1, sizes: [n / 2, n / 2], outShape: [n, n] }, [half, half]],
  ['flip axis 1', 'remap', { op: 'flip', dtype: f32, inShape: [n, n], outShape: [n, n], start: [0, n - 1], step: [1, -1], mode: 'constant', value: 0 }, [x]],
  ['pad reflect 8', 'remap', { op: 'pad', dtype: f32, inShape: [n, n], outShape: [n + 16, n + 16], start: [-8, -8], step: [1, 1], mode: 'reflect', value: 0 }, [x]],
  ['pad constant 8 of transposed', 'remap', { op: 'pad', dtype: f32, inShape: [n, n], outShape: [n + 16, n + 16], start: [-8, -8], step: [1, 1], mode: 'constant', value: 0 }, [xt]],
  ['gather 1024 rows', 'gather', { dtype: f32, axis: 0, n, count: n, outShape: [n, n] }, [x, idx]],
];
const tables = { js: I.jsBackend, ...(available.includes('native') ? { native: I.nativeBackend } : {}) };
for (const [label, op, plan, inputs] of KERNELS) {
  const size = plan.outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  for (const [backend, table] of Object.entries(tables)) {
    const fn = () => table.kernels[op](plan, inputs, out);
    for (let i = 0; i < 5; i++) fn();
    const s = await measure(`${label} kernel [${backend}]`, fn, { maxTime });
    const bytes = 2 * 4 * size;
    rows.push({ case: `${label} (kernel alone)`, backend, ms: s.medianMs, gbps: bytes / (s.medianMs * 1e6), spread: `${(bytes / (s.maxMs * 1e6)).toFixed(2)}–${(bytes / (s.minMs * 1e6)).toFixed(2)}` });
  }
}

const py = spawnSync('python3', ['-c', `
import numpy as np, timeit, json
rng = np.random.default_rng(1)
x = rng.standard_normal((${n}, ${n}), dtype=np.float32); xt = rng.standard_normal((${n}, ${n}), dtype=np.float32).T
h = rng.standard_normal((${n}, ${n / 2}), dtype=np.float32); s = rng.standard_normal((${n / 2}, ${n / 2}), dtype=np.float32)
idx = (np.arange(${n}) * 389) % ${n}
def padc(a):
    o = np.zeros((a.shape[0] + 16, a.shape[1] + 16), a.dtype)
    o[8:-8, 8:-8] = a
    return o
out = {}
for label, code in ${JSON.stringify(CASES.map(([l, , c]) => [l, c]))}:
    f = eval('lambda: ' + code)
    r = f(); nbytes = 2 * r.nbytes
    t = sorted(min(timeit.repeat(f, number=5, repeat=5)) / 5 for _ in range(3))
    out[label] = [nbytes / (v * 1e9) for v in t]
print(json.dumps(out))
`], { encoding: 'utf8' });
const numpy = py.status === 0 ? JSON.parse(py.stdout) : {};
for (const [label] of CASES) {
  const g = numpy[label];
  if (g) rows.push({ case: label, backend: 'numpy', ms: NaN, gbps: g[1], spread: `${g[2].toFixed(2)}–${g[0].toFixed(2)}` });
}
rows.sort((a, b) => a.case.localeCompare(b.case));
console.log(table([['case', 'left'], ['backend', 'left'], ['GB/s (median)'], ['min–max']],
  rows.map((r) => [r.case, r.backend, r.gbps.toFixed(2), r.spread])));
if (py.status !== 0) console.log(`numpy peer skipped: ${py.stderr.split('\n').slice(-2).join(' ')}`);
console.log(`written ${writeResults('shape', { machine: machineInfo(), rows })}`);
