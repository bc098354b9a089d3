/**
 * conv2d: every lepton-compute backend beside TensorFlow.js (cpu, wasm) and onnxruntime-node on
 * the same inputs, in one process run.
 *
 *   npm run build && node bench/conv2d.bench.mjs [--quick] [options of bench/lib/suite.mjs]
 *
 * Cases (float32, NCHW input, OIHW weights, 3×3 kernels, stride 1, pad 1):
 *   [1,3,224,224] * [32,3,3,3]     a first layer on a 224² image
 *   [8,64,56,56] * [64,64,3,3]     a mid-network layer               (not in --quick)
 *   [8,64,56,56] * [64,1,3,3]      depthwise (groups = 64)
 * Peers: tfjs-cpu and tfjs-wasm (tf.conv2d / tf.depthwiseConv2d in NHWC, their layout: the
 * inputs are transposed and the output transposed back outside the timing), onnxruntime-node
 * Conv (NCHW, weights as an initializer) with 1 and all threads. numpy has no convolution and is
 * not a peer here. GFLOP/s = 2·N·O·OH·OW·(C/groups)·KH·KW / median time.
 */
import { nchwToNhwc, nhwcToNchw, oihwToHwio, permute } from './lib/layout.mjs';
import { conv2dModel } from './lib/onnx.mjs';
import { Suite } from './lib/suite.mjs';

const suite = await Suite.create('conv2d', { title: 'conv2d', flopsFormula: '2·N·O·OH·OW·(C/groups)·KH·KW' });
const { quick } = suite;
const dtype = 'float32';
const cases = [
  { group: 'conv2d', label: '[1,3,224,224]*[32,3,3,3]', x: [1, 3, 224, 224], w: [32, 3, 3, 3], groups: 1 },
  ...(quick ? [] : [{ group: 'conv2d', label: '[8,64,56,56]*[64,64,3,3]', x: [8, 64, 56, 56], w: [64, 64, 3, 3], groups: 1 }]),
  { group: 'depthwise', label: '[8,64,56,56]*[64,1,3,3] g=64', x: [8, 64, 56, 56], w: [64, 1, 3, 3], groups: 64 },
].map((c) => ({ ...c, dtype, size: c.x.reduce((a, b) => a * b, 1), spec: { op: 'conv2d', dtype, x: c.x, w: c.w, padding: 1, stride: 1, groups: c.groups } }));

const tf = { cpu: await suite.tfjs('cpu'), wasm: await suite.tfjs('wasm') };
const ort = await suite.onnxruntime();

for (const info of cases) {
  const c = suite.case(info);
  const [n, , h, w] = info.x;
  const outC = info.w[0];
  const outShape = [n, outC, h, w]; // 3×3, stride 1, pad 1 keeps the size
  await c.lepton();

  for (const backend of ['cpu', 'wasm']) {
    if (!tf[backend]) continue;
    await c.tfjs(
      tf[backend],
      backend,
      (t, keep) => {
        const x = keep(t.tensor4d(nchwToNhwc(c.array('x'), info.x), [n, h, w, info.x[1]]));
        if (info.groups === 1) {
          const f = keep(t.tensor4d(oihwToHwio(c.array('w'), info.w), [3, 3, info.w[1], outC]));
          return () => t.conv2d(x, f, 1, 'same');
        }
        // depthwise: OIHW [C,1,3,3] → [3,3,C,1]
        const f = keep(t.tensor4d(permute(c.array('w'), info.w, [2, 3, 0, 1]), [3, 3, outC, 1]));
        return () => t.depthwiseConv2d(x, f, 1, 'same');
      },
      { outLayout: (data) => nhwcToNchw(data, outShape) },
    );
  }
  if (ort) {
    await c.onnxruntime(ort, conv2dModel(dtype, info.x, c.array('w'), info.w, { pad: 1, groups: info.groups, outShape }), {
      x: { data: c.array('x'), dims: info.x },
    });
  }
}

await suite.finish();
