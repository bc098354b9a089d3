/**
 * wasm conv2d: the shared C++ kernel (native/kernels/conv2d.cc: pointwise as a strided GEMM,
 * depthwise as a direct loop, the rest as implicit GEMM with im2col inside the packing) on the
 * SIMD128 micro-kernel.
 *
 * Fused pooling (`plan.pool`): the shared kernel's epilogue (conv rows band by band into an
 * L2-sized scratch, pooled from there); the output and the row range are then the pooled ones.
 *
 * Range kernel: output rows [begin, end) of the flattened [batch·outH] rows (every channel and
 * column of those rows; pooled: of the [batch·pool.outH] rows), as the js backend's conv2dRange.
 * Only the images the range touches are staged. Cost: 2·rows·outC·outW·(inC/groups)·kh·kw flops.
 */
import type { FloatArray } from '../../dtype.js';
import type { Conv2dPlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import { ACTIVATION_CODE } from './matmul.js';
import type { WasmRuntime } from './runtime.js';
import { bytesOf, copyRowsOut, inMemory, Stage, viewAt } from './stage.js';

/** Number of int32 parameters (module.cc `Conv2dParam`). */
const PARAMS = 25;
/** module.cc's kFusedPool codes (PoolEpilogue::Kind). */
const POOL_CODE = { max: 1, avg: 2 } as const;

export function conv2dRange(
  rt: WasmRuntime,
  plan: Conv2dPlan,
  inputs: readonly [Tensor, Tensor, Tensor?],
  out: FloatArray,
  begin: number,
  end: number,
): void {
  if (end <= begin || out.length === 0) return;
  const x = inputs[0].contiguous();
  const w = inputs[1].contiguous();
  const bias = inputs[2]?.contiguous();
  const { dtype, batch, inC, inH, inW, outC, outH, outW, pool } = plan;
  const bpe = bytesOf(dtype);
  // The rows and images of the output: the pooled ones with a pool.
  const rowsH = pool ? pool.outH : outH;
  const rowsW = pool ? pool.outW : outW;
  const img0 = Math.floor(begin / rowsH);
  const img1 = Math.floor((end - 1) / rowsH) + 1;
  const inImage = inC * inH * inW;
  const outImage = outC * rowsH * rowsW;

  const stage = new Stage(rt);
  const params = stage.region(PARAMS * 4);
  // x: only images [img0, img1); the kernel indexes from image 0, so the base is shifted back.
  const xBase = inImage > 0 ? stage.input(x.storage, x.offset + img0 * inImage, x.offset + img1 * inImage - 1) : () => 0;
  const wBase = w.size > 0 ? stage.tensor(w) : () => 0;
  const biasBase = bias ? stage.tensor(bias) : () => 0;
  const direct = inMemory(rt, out);
  const outRegion = direct ? undefined : stage.region((img1 - img0) * outImage * bpe);
  stage.commit();

  const q = new Int32Array(rt.buffer, params(), PARAMS);
  q.set([
    plan.layout === 'NHWC' ? 1 : 0, batch, inC, inH, inW, outC, outH, outW, plan.kh, plan.kw, plan.strideH, plan.strideW,
    plan.dilationH, plan.dilationW, plan.padTop, plan.padLeft, plan.groups, ACTIVATION_CODE[plan.activation], begin, end,
    pool ? POOL_CODE[pool.kind] : 0, pool?.kh ?? 1, pool?.kw ?? 1, pool?.strideH ?? 1, pool?.strideW ?? 1,
  ]);
  const outBase = direct ? out.byteOffset : outRegion!() - img0 * outImage * bpe;
  const entry = dtype === 'float32' ? rt.exports.lp_conv2d_f32 : rt.exports.lp_conv2d_f64;
  rt.check('conv2d', entry(
    params(),
    inImage > 0 ? xBase() + x.offset * bpe : 0,
    w.size > 0 ? wBase() + w.offset * bpe : 0,
    bias ? biasBase() + bias.offset * bpe : 0,
    outBase,
  ));
  if (direct) return;
  // Copy back exactly the rows written.
  const staged = viewAt(rt, dtype, outRegion!(), (img1 - img0) * outImage);
  copyRowsOut(staged, out, img0, begin, end, { layout: plan.layout, channels: outC, outH: rowsH, outW: rowsW });
}
