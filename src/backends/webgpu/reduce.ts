/**
 * webgpu sum and mean (reduce.wgsl): one workgroup per output element folds the reduced
 * elements (read through the input's strides) and adds its partial sums in a tree. int32 sums
 * wrap at 32 bits; the mean of int32 is float64 in lepton-compute, which WGSL cannot hold.
 */
import { DTypeError } from '../../errors.js';
import type { ReducePlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, stridedParams, type GpuContext } from './context.js';
import { checkRank, Operands } from './operands.js';
import { reduceWgsl } from './shaders.gen.js';

export async function reduce(ctx: GpuContext, plan: ReducePlan, [xIn]: readonly [Tensor]): Promise<Tensor> {
  const op = plan.fn;
  if (plan.fn === 'mean' && xIn.dtype === 'int32') {
    throw new DTypeError(op, 'the mean of an int32 tensor is float64, which webgpu does not support (WGSL has no 64-bit float)',
      "Convert x to float32 first, or use a CPU backend ({ backend: 'js' })");
  }
  checkDtype(op, plan.dtype);
  checkRank(op, xIn.rank);
  const pipeline = await ctx.pipeline('reduce', reduceWgsl, { WG: WEBGPU.REDUCE_WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  const outSize = out.size;
  if (outSize > 0) {
    const keptAxes = x.shape.map((_, i) => i).filter((i) => !plan.axes.includes(i));
    const params = new Uint32Array(44);
    stridedParams(params, 0, x, keptAxes.map((i) => x.shape[i]!), keptAxes.map((i) => x.strides[i]!));
    stridedParams(params, 20, x, plan.axes.map((i) => x.shape[i]!), plan.axes.map((i) => x.strides[i]!));
    params.set([outSize, plan.count, plan.fn === 'mean' ? 1 : 0, plan.dtype === 'int32' ? 1 : 0], 40);
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(outSize) });
  }
  ops.done();
  return out;
}
