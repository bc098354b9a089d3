/**
 * webgpu conv2d (conv2d.wgsl): an implicit GEMM per group, C[outC/groups × batch·outH·outW] =
 * W[outC/groups × inC/groups·kh·kw] · X̂, where the im2col matrix X̂ is gathered tile by tile
 * from x and never stored (zeros for padded cells). Register-tiled like matmul; NCHW, NHWC and
 * strided views differ only in the strides passed; bias and activation fused into the store.
 * Cost: 2·batch·outC·outH·outW·(inC/groups)·kh·kw flops.
 *
 * The `pool` option is NOT fused here: the convolution writes its full-size activation to a
 * temporary buffer and pool2d.wgsl pools it (two dispatches in the same command buffer; the
 * temporary goes back to the buffer pool at once). A fused epilogue would need each workgroup's
 * 4×4 register tiles to cover whole pooling windows (tiles along output pixels cut windows at
 * row ends, and windows overlap when the stride is smaller than the window); that is left for a
 * measured GPU, where the saved write and read of the activation would show.
 */
import { ShapeError } from '../../errors.js';
import type { Conv2dPlan, Pool2dPlan } from '../../plans.js';
import { contiguousStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, type GpuContext } from './context.js';
import { ACTIVATION_ID, gemmConstants } from './matmul.js';
import { Operands } from './operands.js';
import { nchwStrides, pool2d } from './pool2d.js';
import { conv2dWgsl } from './shaders.gen.js';

/** (o, i, h, w) strides of the weights in `layout` (NHWC weights are [kh, kw, inC/groups, outC]). */
function weightStrides(layout: 'NCHW' | 'NHWC', s: readonly number[]): number[] {
  return layout === 'NCHW' ? [s[0]!, s[1]!, s[2]!, s[3]!] : [s[3]!, s[2]!, s[0]!, s[1]!];
}

export async function conv2d(ctx: GpuContext, p: Conv2dPlan, inputs: readonly [Tensor, Tensor, Tensor?]): Promise<Tensor> {
  const op = 'conv2d';
  checkDtype(op, p.dtype);
  if (p.pool) return pooled(ctx, p, inputs);
  const pipeline = await ctx.pipeline('conv2d', conv2dWgsl, gemmConstants());
  const ops = new Operands(ctx, op);
  const x = ops.take(inputs[0]);
  const w = ops.take(inputs[1]);
  const bias = inputs[2] ? ops.take(inputs[2]) : undefined;
  const out = ctx.empty(op, 'float32', p.outShape);
  if (out.size > 0) {
    const params = new Uint32Array(36);
    params.set([p.batch, p.inC, p.inH, p.inW, p.outC, p.outH, p.outW, p.kh, p.kw, p.strideH, p.strideW, p.dilationH,
      p.dilationW, p.padTop, p.padLeft, p.groups, x.offset, w.offset, bias?.offset ?? 0, bias?.strides[0] ?? 0,
      bias ? 1 : 0, ACTIVATION_ID[p.activation], 0, 0]);
    params.set(nchwStrides(p.layout, x.strides), 24);
    params.set(weightStrides(p.layout, w.strides), 28);
    params.set(nchwStrides(p.layout, contiguousStrides(p.outShape)), 32);
    const columns = p.batch * p.outH * p.outW;
    const tiles = Math.ceil(columns / (4 * WEBGPU.GEMM_WG_X));
    if (tiles > ctx.device.limits.maxComputeWorkgroupsPerDimension) {
      throw new ShapeError(op, `webgpu conv2d takes at most ${ctx.device.limits.maxComputeWorkgroupsPerDimension * 4 * WEBGPU.GEMM_WG_X} output pixels (batch·outH·outW) per call; received ${columns}`,
        'Split the batch, or use a CPU backend');
    }
    ctx.launch({
      pipeline,
      buffers: [bufferOf(x), bufferOf(w), bias ? bufferOf(bias) : ctx.dummy, bufferOf(out)],
      params,
      workgroups: [tiles, Math.ceil(p.outC / p.groups / (4 * WEBGPU.GEMM_WG_Y)), p.groups],
    });
  }
  ops.done();
  return out;
}

/** conv2d with its `pool` option: the convolution into a temporary, then pool2d over it. */
async function pooled(ctx: GpuContext, p: Conv2dPlan, inputs: readonly [Tensor, Tensor, Tensor?]): Promise<Tensor> {
  const q = p.pool!;
  const nchw = p.layout === 'NCHW';
  const convShape = Object.freeze(nchw ? [p.batch, p.outC, p.outH, p.outW] : [p.batch, p.outH, p.outW, p.outC]);
  const activation = await conv2d(ctx, Object.freeze({ ...p, pool: undefined, outShape: convShape }), inputs);
  const poolPlan: Pool2dPlan = Object.freeze({
    kind: q.kind, dtype: p.dtype, layout: p.layout, batch: p.batch, channels: p.outC, inH: p.outH, inW: p.outW,
    outH: q.outH, outW: q.outW, kh: q.kh, kw: q.kw, strideH: q.strideH, strideW: q.strideW, padTop: 0, padLeft: 0,
    outShape: p.outShape,
  });
  try {
    return await pool2d(ctx, poolPlan, [activation]);
  } finally {
    activation.dispose();
  }
}
