/**
 * webgpu layerNorm (layer_norm.wgsl): one workgroup per row of [outer, n], trees for the mean
 * and the variance. f32 only. Cost: three passes over x.
 */
import type { LayerNormPlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, type GpuContext } from './context.js';
import { Operands } from './operands.js';
import { layerNormWgsl } from './shaders.gen.js';

export async function layerNorm(ctx: GpuContext, plan: LayerNormPlan, [xIn, gammaIn, betaIn]: readonly [Tensor, Tensor?, Tensor?]): Promise<Tensor> {
  const op = 'layerNorm';
  checkDtype(op, plan.dtype);
  const pipeline = await ctx.pipeline('layerNorm', layerNormWgsl, { WG: WEBGPU.REDUCE_WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn).contiguous();
  // gamma and beta are read from element 0: copy any view (or offset) into a fresh buffer.
  const fresh = (t: Tensor | undefined): Tensor | undefined => (t ? ctx.copyContiguous(ops.take(t)) : undefined);
  const gamma = fresh(gammaIn);
  const beta = fresh(betaIn);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  if (out.size > 0) {
    const params = new Uint32Array(8);
    params.set([plan.outer, plan.n, (gamma ? 1 : 0) | (beta ? 2 : 0), x.offset]);
    new Float32Array(params.buffer, 16, 1)[0] = plan.epsilon;
    ctx.launch({
      pipeline, buffers: [bufferOf(x), bufferOf(gamma ?? x), bufferOf(beta ?? x), bufferOf(out)], params,
      workgroups: ctx.grid(plan.outer),
    });
  }
  x.dispose();
  gamma?.dispose();
  beta?.dispose();
  ops.done();
  return out;
}
