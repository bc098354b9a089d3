/**
 * webgpu reductions (reduce.wgsl): one workgroup per output element folds the reduced elements
 * (read through the input's strides) into per-invocation states and merges them in a tree. int32
 * sums and products wrap at 32 bits; the int32 mean, variance, std and norm are float64 in
 * lepton-compute, which WGSL cannot hold (DTypeError).
 */
import { DTypeError } from '../../errors.js';
import type { ReduceFn, ReducePlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, stridedParams, type GpuContext } from './context.js';
import { checkRank, Operands } from './operands.js';
import { reduceWgsl } from './shaders.gen.js';

/** fn_id of each reduction in reduce.wgsl. */
const REDUCE_FN: Record<ReduceFn, number> = {
  sum: 0, mean: 1, max: 2, min: 3, prod: 4, argmax: 5, argmin: 6, logSumExp: 7, variance: 8, std: 9, norm: 10,
};

export async function reduce(ctx: GpuContext, plan: ReducePlan, [xIn]: readonly [Tensor]): Promise<Tensor> {
  const op = plan.fn;
  if (plan.dtype === 'float64' && xIn.dtype === 'int32') {
    throw new DTypeError(op, `the ${op} of an int32 tensor is float64, which webgpu does not support (WGSL has no 64-bit float)`,
      "Convert x to float32 first, or use a CPU backend ({ backend: 'js' })");
  }
  checkDtype(op, xIn.dtype);
  checkRank(op, xIn.rank);
  const pipeline = await ctx.pipeline('reduce', reduceWgsl, { WG: WEBGPU.REDUCE_WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  const outSize = out.size;
  if (outSize > 0) {
    const keptAxes = x.shape.map((_, i) => i).filter((i) => !plan.axes.includes(i));
    const params = new Uint32Array(48);
    stridedParams(params, 0, x, keptAxes.map((i) => x.shape[i]!), keptAxes.map((i) => x.strides[i]!));
    stridedParams(params, 20, x, plan.axes.map((i) => x.shape[i]!), plan.axes.map((i) => x.strides[i]!));
    const ord = plan.ord === Infinity ? 0 : plan.ord;
    params.set([outSize, plan.count, REDUCE_FN[plan.fn], xIn.dtype === 'int32' ? 1 : 0, plan.ddof, ord], 40);
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(outSize) });
  }
  ops.done();
  return out;
}
