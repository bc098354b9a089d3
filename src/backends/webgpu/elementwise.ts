/**
 * webgpu relu, sigmoid (unary.wgsl) and add, sub, mul, div (binary.wgsl): one invocation per
 * output element; operands are read through strides (broadcast dimensions have stride 0), so views
 * and broadcasts cost no copy. int32 for relu, add, sub, mul. Cost: one pass over the output.
 */
import type { BinaryPlan } from '../../plans.js';
import type { UnaryPlan } from '../../plans.js';
import { broadcastStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, stridedParams, type GpuContext } from './context.js';
import { checkRank, Operands } from './operands.js';
import { binaryWgsl, unaryWgsl } from './shaders.gen.js';

const UNARY_FN = { relu: 0, sigmoid: 1 } as const;
const BINARY_FN = { add: 0, sub: 1, mul: 2, div: 3 } as const;

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
    const params = new Uint32Array(24);
    stridedParams(params, 0, x);
    params.set([size, UNARY_FN[plan.fn], plan.dtype === 'int32' ? 1 : 0], 20);
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(Math.ceil(size / WEBGPU.WORKGROUP)) });
  }
  ops.done();
  return out;
}

export async function binary(ctx: GpuContext, plan: BinaryPlan, [aIn, bIn]: readonly [Tensor, Tensor]): Promise<Tensor> {
  const op = plan.fn;
  checkDtype(op, plan.dtype);
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
    params.set([size, BINARY_FN[plan.fn], plan.dtype === 'int32' ? 1 : 0], 40);
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
