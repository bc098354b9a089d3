/**
 * webgpu batchNorm (batch_norm.wgsl), inference form: one invocation per element. f32 only.
 * Cost: one pass over x.
 */
import type { BatchNormPlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, type GpuContext } from './context.js';
import { Operands } from './operands.js';
import { batchNormWgsl } from './shaders.gen.js';

export async function batchNorm(
  ctx: GpuContext,
  plan: BatchNormPlan,
  [xIn, meanIn, varianceIn, offsetIn, scaleIn]: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?],
): Promise<Tensor> {
  const op = 'batchNorm';
  checkDtype(op, plan.dtype);
  const pipeline = await ctx.pipeline('batchNorm', batchNormWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn).contiguous();
  const vectors = [meanIn, varianceIn, offsetIn ?? meanIn, scaleIn ?? meanIn].map((t) => ops.take(t).contiguous());
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  if (out.size > 0 && plan.channels > 0) {
    const params = new Uint32Array(8);
    params.set([out.size, plan.channels, plan.inner, (offsetIn ? 1 : 0) | (scaleIn ? 2 : 0)]);
    new Float32Array(params.buffer, 16, 1)[0] = plan.epsilon;
    params[5] = x.offset;
    // The vectors are read from element 0: views with an offset were copied by contiguous() only
    // when strided, so a nonzero offset is folded here by a copy.
    const bound = vectors.map((v) => (v.offset === 0 ? v : ctx.copyContiguous(v)));
    ctx.launch({
      pipeline, buffers: [bufferOf(x), ...bound.map(bufferOf), bufferOf(out)], params,
      workgroups: ctx.grid(Math.ceil(out.size / WEBGPU.WORKGROUP)),
    });
    for (let i = 0; i < bound.length; i++) if (bound[i] !== vectors[i]) bound[i]!.dispose();
  }
  x.dispose();
  for (const v of vectors) v.dispose();
  ops.done();
  return out;
}
