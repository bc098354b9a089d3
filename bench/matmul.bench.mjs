/**
 * matmul: every lepton-compute backend beside ml-matrix, TensorFlow.js (cpu, wasm),
 * onnxruntime-node and numpy/OpenBLAS on the same inputs, in one process run.
 *
 *   npm run build && node bench/matmul.bench.mjs [--quick] [options of bench/lib/suite.mjs]
 *
 * Cases (C = A·B, A [m,k], B [k,n], inputs randn with fixed seeds, float32 and float64):
 *   square       n = 64, 128, 256, 512, 1024, 2048            (--quick: 256)
 *   tall-skinny  A 4096×64 · B 64×4096 (m = n = 4096, k = 64)  (not in --quick)
 *   matvec       A 4096×4096 · x [4096]                         (--quick: 2048, float32)
 * Peers: ml-matrix Matrix#mmul (float64 only: it has no float32), tfjs-cpu and tfjs-wasm
 * tf.matMul (float32 only), onnxruntime-node MatMul (a model with both operands as inputs) and
 * numpy `a @ b` with 1 and all threads. GFLOP/s = 2·m·n·k / median time.
 * Results: bench/results/matmul-<date>.json; charts: node bench/charts.mjs.
 */
import { matmulModel } from './lib/onnx.mjs';
import { Suite } from './lib/suite.mjs';

const suite = await Suite.create('matmul', {
  title: 'matmul',
  flopsFormula: '2·m·n·k',
});
const { quick } = suite;

const cases = [];
for (const dtype of ['float32', 'float64']) {
  for (const n of quick ? [256] : [64, 128, 256, 512, 1024, 2048]) {
    cases.push({ group: `square ${dtype}`, label: `n=${n}`, size: n, dtype, spec: { op: 'matmul', dtype, m: n, k: n, n } });
  }
}
if (!quick) {
  for (const dtype of ['float32', 'float64']) {
    cases.push({ group: `tall-skinny ${dtype}`, label: '4096×64·64×4096', size: 4096, dtype, spec: { op: 'matmul', dtype, m: 4096, k: 64, n: 4096 } });
  }
}
for (const dtype of quick ? ['float32'] : ['float32', 'float64']) {
  const n = quick ? 2048 : 4096;
  cases.push({ group: `matvec ${dtype}`, label: `${n}×${n}·x`, size: n, dtype, spec: { op: 'matmul', dtype, m: n, k: n, n: 1, vector: true } });
}

const ml = await suite.mlMatrix();
const tf = { cpu: await suite.tfjs('cpu'), wasm: await suite.tfjs('wasm') };
const ort = await suite.onnxruntime();

for (const info of cases) {
  const c = suite.case(info);
  const { m, k, n, vector } = info.spec;
  const bShape = vector ? [k] : [k, n];
  await c.lepton();

  if (ml && info.dtype === 'float64') {
    await c.js({ variant: 'ml-matrix', peer: 'ml-matrix' }, async () => {
      const A = ml.Matrix.from1DArray(m, k, c.array('a'));
      const B = ml.Matrix.from1DArray(k, vector ? 1 : n, c.array('b'));
      return { fn: () => A.mmul(B), async: false, output: async () => A.mmul(B).to1DArray() };
    });
  }
  if (info.dtype === 'float32') {
    for (const backend of ['cpu', 'wasm']) {
      if (!tf[backend]) continue;
      await c.tfjs(tf[backend], backend, (t, keep) => {
        const a = keep(t.tensor2d(c.array('a'), [m, k]));
        const b = keep(t.tensor2d(c.array('b'), [k, vector ? 1 : n]));
        return () => t.matMul(a, b);
      });
    }
  }
  if (ort) {
    await c.onnxruntime(ort, matmulModel(info.dtype, [m, k], bShape, vector ? [m] : [m, n]), {
      a: { data: c.array('a'), dims: [m, k] },
      b: { data: c.array('b'), dims: bShape },
    });
  }
  await c.python('numpy', { op: 'matmul', a: c.file('a'), b: c.file('b'), aShape: [m, k], bShape });
}

await suite.finish();
