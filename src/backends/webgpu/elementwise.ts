/**
 * webgpu unary functions (unary.wgsl) and binary ops and comparisons (binary.wgsl): one
 * invocation per output element; operands are read through strides (broadcast dimensions have
 * stride 0), so views and broadcasts cost no copy. int32 where the js backend has it.
 * Cost: one pass over the output.
 */
import type { BinaryFn, BinaryPlan } from '../../plans.js';
import type { UnaryFn, UnaryPlan } from '../../plans.js';
import { broadcastStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, stridedParams, type GpuContext } from './context.js';
import { checkRank, Operands } from './operands.js';
import { binaryWgsl, unaryWgsl } from './shaders.gen.js';

/** fn_id of each function in unary.wgsl (a Record, so a new function cannot be left out). */
const UNARY_FN: Record<UnaryFn, number> = {
  relu: 0, sigmoid: 1, exp: 2, log: 3, log1p: 4, expm1: 5, sqrt: 6, rsqrt: 7, abs: 8, neg: 9, sign: 10, square: 11,
  tanh: 12, sin: 13, cos: 14, erf: 15, gelu: 16, softplus: 17, leakyRelu: 18, clip: 19,
};
/** fn_id of each function in binary.wgsl. */
const BINARY_FN: Record<BinaryFn, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, mod: 7,
  equal: 8, notEqual: 9, less: 10, lessEqual: 11, greater: 12, greaterEqual: 13,
};


export async function unary(ctx: GpuContext, plan: UnaryPlan, [xIn]: readonly [Tensor]): Promise<Tensor> {
  const op = plan.fn;
  checkDtype(op, plan.dtype);
  checkRank(op, xIn.rank);
  const pipeline = await ctx.pipeline('unary', unaryWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  const size = out.size;
  if (size > 0) {
    const params = new Uint32Array(28);
    stridedParams(params, 0, x);
    const int = plan.dtype === 'int32';
    params.set([size, UNARY_FN[plan.fn], int ? 1 : 0], 20);
    // alpha, lo, hi as f32 words (i32 words for int32 clip bounds); infinite bounds are absent.
    const scalars = int ? new Int32Array(params.buffer, 23 * 4, 3) : new Float32Array(params.buffer, 23 * 4, 3);
    scalars.set([plan.alpha, Number.isFinite(plan.min) ? plan.min : 0, Number.isFinite(plan.max) ? plan.max : 0]);
    params[26] = (Number.isFinite(plan.min) ? 1 : 0) | (Number.isFinite(plan.max) ? 2 : 0);
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(Math.ceil(size / WEBGPU.WORKGROUP)) });
  }
  ops.done();
  return out;
}

export async function binary(ctx: GpuContext, plan: BinaryPlan, [aIn, bIn]: readonly [Tensor, Tensor]): Promise<Tensor> {
  const op = plan.fn;
  checkDtype(op, plan.inDtype);
  checkRank(op, plan.outShape.length);
  const pipeline = await ctx.pipeline('binary', binaryWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const a = ops.take(aIn);
  const b = ops.take(bIn);
  const shape = plan.outShape;
  const out = ctx.empty(op, plan.dtype, shape);
  const size = out.size;
  if (size > 0) {
    const params = new Uint32Array(44);
    stridedParams(params, 0, a, shape, broadcastStrides(a.shape, a.strides, shape));
    stridedParams(params, 20, b, shape, broadcastStrides(b.shape, b.strides, shape));
    params.set([size, BINARY_FN[plan.fn], plan.inDtype === 'int32' ? 1 : 0], 40);
    ctx.launch({
      pipeline,
      buffers: [bufferOf(a), bufferOf(b), bufferOf(out)],
      params,
      workgroups: ctx.grid(Math.ceil(size / WEBGPU.WORKGROUP)),
    });
  }
  ops.done();
  return out;
}
