/**
 * webgpu softmax and logSoftmax (softmax.wgsl): one workgroup per line of the [outer, n, inner]
 * input, trees for the maximum and for the sum of exponentials. f32 only. Cost: three passes.
 */
import type { SoftmaxPlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, type GpuContext } from './context.js';
import { Operands } from './operands.js';
import { softmaxWgsl } from './shaders.gen.js';

export async function softmax(ctx: GpuContext, plan: SoftmaxPlan, [xIn]: readonly [Tensor]): Promise<Tensor> {
  const op = plan.log ? 'logSoftmax' : 'softmax';
  checkDtype(op, plan.dtype);
  const pipeline = await ctx.pipeline('softmax', softmaxWgsl, { WG: WEBGPU.REDUCE_WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn).contiguous();
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  const lines = plan.outer * plan.inner;
  if (out.size > 0) {
    const params = new Uint32Array([lines, plan.n, plan.inner, plan.log ? 1 : 0, x.offset, 0, 0, 0]);
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(lines) });
  }
  x.dispose();
  ops.done();
  return out;
}
