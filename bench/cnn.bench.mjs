/**
 * The small CNN's forward pass: every lepton-compute backend beside TensorFlow.js (cpu, wasm)
 * and onnxruntime-node, the same weights and the same batch, in one process run.
 *
 *   npm run build && node bench/cnn.bench.mjs [--quick] [options of bench/lib/suite.mjs]
 *
 * The network (float32), on a batch of 64 CIFAR-sized images, 3×32×32:
 *   conv 32 filters 3×3 (pad 1) + bias + relu → maxPool 2×2 → flatten (32·16·16 = 8192)
 *   → dense 128 + bias + relu → dense 1 + bias → sigmoid                → [64, 1]
 * Weights He-scaled normal draws with fixed seeds (bench/lib/cases.mjs). lepton-compute runs it as
 * conv2d (fused bias + relu), maxPool2d, reshape, matmul (fused bias + relu), matmul (fused bias +
 * sigmoid); on webgpu the whole pass stays on the GPU and the timing includes the readback.
 * tfjs: tf.fused.conv2d / tf.maxPool / tf.fused.matMul in NHWC (the input transposed and the
 * first dense layer's rows permuted to NHWC flatten order, outside the timing). onnxruntime-node:
 * Conv → Relu → MaxPool → Flatten → Gemm → Relu → Gemm → Sigmoid with 1 and all threads.
 * GFLOP/s counts the conv and dense multiply-adds (2 per MAC).
 */
import { nchwToNhwc, oihwToHwio, permute } from './lib/layout.mjs';
import { cnnModel } from './lib/onnx.mjs';
import { Suite } from './lib/suite.mjs';

const dims = { batch: 64, inC: 3, h: 32, w: 32, filters: 32, hidden: 128 };
const suite = await Suite.create('cnn', {
  title: 'CNN forward pass (batch 64, 3×32×32)',
  network: 'conv 32×3×3 pad 1 + relu → maxPool 2×2 → dense 128 + relu → dense 1 + sigmoid',
  input: [dims.batch, dims.inC, dims.h, dims.w],
});
const dtype = 'float32';
const info = { group: 'cnn', label: 'batch 64 3×32×32', size: dims.batch, dtype, spec: { op: 'cnn', dtype, ...dims } };

const tf = { cpu: await suite.tfjs('cpu'), wasm: await suite.tfjs('wasm') };
const ort = await suite.onnxruntime();

const c = suite.case(info);
await c.lepton();
const { batch, inC, h, w, filters, hidden } = dims;
const features = filters * (h / 2) * (w / 2);
const params = () => ({
  cw: c.array('cw'), cb: c.array('cb'), w1: c.array('w1'), b1: c.array('b1'), w2: c.array('w2'), b2: c.array('b2'),
});

for (const backend of ['cpu', 'wasm']) {
  if (!tf[backend]) continue;
  await c.tfjs(tf[backend], backend, (t, keep) => {
    const p = params();
    const x = keep(t.tensor4d(nchwToNhwc(c.array('x'), [batch, inC, h, w]), [batch, h, w, inC]));
    const cw = keep(t.tensor4d(oihwToHwio(p.cw, [filters, inC, 3, 3]), [3, 3, inC, filters]));
    const cb = keep(t.tensor1d(p.cb));
    // w1's rows are in NCHW flatten order (c, y, x); NHWC flattens as (y, x, c).
    const w1 = keep(t.tensor2d(permute(p.w1, [filters, h / 2, w / 2, hidden], [1, 2, 0, 3]), [features, hidden]));
    const b1 = keep(t.tensor1d(p.b1));
    const w2 = keep(t.tensor2d(p.w2, [hidden, 1]));
    const b2 = keep(t.tensor1d(p.b2));
    return () => {
      const conv = t.fused.conv2d({ x, filter: cw, strides: 1, pad: 'same', bias: cb, activation: 'relu' });
      const pooled = t.maxPool(conv, 2, 2, 'valid');
      const flat = t.reshape(pooled, [batch, features]);
      const d1 = t.fused.matMul({ a: flat, b: w1, bias: b1, activation: 'relu' });
      return t.fused.matMul({ a: d1, b: w2, bias: b2, activation: 'sigmoid' });
    };
  });
}
if (ort) {
  await c.onnxruntime(ort, cnnModel(dtype, { dims, ...params() }), { x: { data: c.array('x'), dims: [batch, inC, h, w] } });
}

await suite.finish();
