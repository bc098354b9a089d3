/**
 * webgpu where (where.wgsl): one invocation per output element, the three operands read through
 * broadcast strides. f32 and i32 values alike (32-bit words). Cost: one pass over the output.
 */
import type { WherePlan } from '../../plans.js';
import { broadcastStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, stridedParams, type GpuContext } from './context.js';
import { checkRank, Operands } from './operands.js';
import { whereWgsl } from './shaders.gen.js';

export async function where(ctx: GpuContext, plan: WherePlan, [condIn, aIn, bIn]: readonly [Tensor, Tensor, Tensor]): Promise<Tensor> {
  const op = 'where';
  checkDtype(op, plan.dtype);
  checkRank(op, plan.outShape.length);
  const pipeline = await ctx.pipeline('where', whereWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const c = ops.take(condIn);
  const a = ops.take(aIn);
  const b = ops.take(bIn);
  const shape = plan.outShape;
  const out = ctx.empty(op, plan.dtype, shape);
  if (out.size > 0) {
    const params = new Uint32Array(64);
    stridedParams(params, 0, c, shape, broadcastStrides(c.shape, c.strides, shape));
    stridedParams(params, 20, a, shape, broadcastStrides(a.shape, a.strides, shape));
    stridedParams(params, 40, b, shape, broadcastStrides(b.shape, b.strides, shape));
    params[60] = out.size;
    ctx.launch({
      pipeline, buffers: [bufferOf(c), bufferOf(a), bufferOf(b), bufferOf(out)], params,
      workgroups: ctx.grid(Math.ceil(out.size / WEBGPU.WORKGROUP)),
    });
  }
  ops.done();
  return out;
}
