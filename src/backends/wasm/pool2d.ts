/**
 * wasm maxPool2d / avgPool2d: the shared C++ kernel (native/kernels/pool2d.cc: padded cells left
 * out, NaN propagates through max), vectorised by clang for SIMD128.
 *
 * Range kernel: output rows [begin, end) of the flattened [batch·outH] rows, as the js backend's
 * pool2dRange; only the images the range touches are staged. Cost: rows·outW·channels·kh·kw.
 */
import type { FloatArray } from '../../dtype.js';
import type { Pool2dPlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import type { WasmRuntime } from './runtime.js';
import { bytesOf, copyRowsOut, inMemory, Stage, viewAt } from './stage.js';

/** Number of int32 parameters (module.cc `Pool2dParam`). */
const PARAMS = 16;

export function pool2dRange(rt: WasmRuntime, plan: Pool2dPlan, inputs: readonly [Tensor], out: FloatArray, begin: number, end: number): void {
  if (end <= begin || out.length === 0) return;
  const x = inputs[0].contiguous();
  const { dtype, channels, inH, inW, outH, outW } = plan;
  const bpe = bytesOf(dtype);
  const img0 = Math.floor(begin / outH);
  const img1 = Math.floor((end - 1) / outH) + 1;
  const inImage = channels * inH * inW;
  const outImage = channels * outH * outW;

  const stage = new Stage(rt);
  const params = stage.region(PARAMS * 4);
  const xBase = inImage > 0 ? stage.input(x.storage, x.offset + img0 * inImage, x.offset + img1 * inImage - 1) : () => 0;
  const direct = inMemory(rt, out);
  const outRegion = direct ? undefined : stage.region((img1 - img0) * outImage * bpe);
  stage.commit();

  new Int32Array(rt.buffer, params(), PARAMS).set([
    plan.kind === 'max' ? 1 : 0, plan.layout === 'NHWC' ? 1 : 0, plan.batch, channels, inH, inW, outH, outW,
    plan.kh, plan.kw, plan.strideH, plan.strideW, plan.padTop, plan.padLeft, begin, end,
  ]);
  const outBase = direct ? out.byteOffset : outRegion!() - img0 * outImage * bpe;
  const entry = dtype === 'float32' ? rt.exports.lp_pool2d_f32 : rt.exports.lp_pool2d_f64;
  rt.check(plan.kind === 'max' ? 'maxPool2d' : 'avgPool2d', entry(params(), inImage > 0 ? xBase() + x.offset * bpe : 0, outBase));
  if (direct) return;
  const staged = viewAt(rt, dtype, outRegion!(), (img1 - img0) * outImage);
  copyRowsOut(staged, out, img0, begin, end, { layout: plan.layout, channels, outH, outW });
}
