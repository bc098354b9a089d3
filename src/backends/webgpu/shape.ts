/**
 * webgpu shape copies: remap (remap.wgsl: flip, negative-step slices, pad, tile), concat
 * (concat.wgsl, one dispatch per input into its slab) and gather (gather.wgsl). One invocation
 * per output element, inputs read through their strides (views cost no copy first). f32 and i32
 * alike (32-bit words). gather's indices are checked and wrapped on the CPU, then uploaded: CPU
 * indices as they are, GPU indices after one readback (of the indices only). Cost: one pass.
 */
import type { ConcatPlan, GatherPlan, RemapPlan } from '../../plans.js';
import { contiguousStrides } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { checkIndices } from '../../kernels/gather.js';
import { bufferOf, checkDtype, stridedParams, type GpuContext } from './context.js';
import { checkRank, Operands } from './operands.js';
import { concatWgsl, gatherWgsl, remapWgsl } from './shaders.gen.js';

const MODES = { constant: 0, reflect: 1, edge: 2, wrap: 3 } as const;

export async function remap(ctx: GpuContext, plan: RemapPlan, [xIn]: readonly [Tensor]): Promise<Tensor> {
  const op = plan.op;
  checkDtype(op, plan.dtype);
  checkRank(op, plan.outShape.length);
  const pipeline = await ctx.pipeline('remap', remapWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  if (out.size > 0) {
    const params = new Uint32Array(48);
    stridedParams(params, 0, x);
    for (let d = 0; d < plan.outShape.length; d++) {
      params[20 + d] = plan.outShape[d]!;
      params[28 + d] = plan.start[d]! >>> 0;
      params[36 + d] = plan.step[d]! >>> 0;
    }
    params[44] = MODES[plan.mode];
    const bits = plan.dtype === 'int32' ? new Int32Array([plan.value]) : new Float32Array([plan.value]);
    params[45] = new Uint32Array(bits.buffer)[0]!;
    params[46] = out.size;
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(Math.ceil(out.size / WEBGPU.WORKGROUP)) });
  }
  ops.done();
  return out;
}

export async function concat(ctx: GpuContext, plan: ConcatPlan, inputs: readonly Tensor[]): Promise<Tensor> {
  const op = plan.op;
  checkDtype(op, plan.dtype);
  checkRank(op, plan.outShape.length);
  const pipeline = await ctx.pipeline('concat', concatWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  const dst = contiguousStrides(plan.outShape);
  let at = 0;
  for (let k = 0; k < inputs.length; k++) {
    const x = ops.take(inputs[k]!);
    if (x.size > 0) {
      const params = new Uint32Array(32);
      stridedParams(params, 0, x);
      for (let d = 0; d < dst.length; d++) params[20 + d] = dst[d]!;
      params[28] = at * dst[plan.axis]!;
      params[29] = x.size;
      ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(Math.ceil(x.size / WEBGPU.WORKGROUP)) });
    }
    at += plan.sizes[k]!;
  }
  ops.done();
  return out;
}

export async function gather(ctx: GpuContext, plan: GatherPlan, [xIn, indicesIn]: readonly [Tensor, Tensor]): Promise<Tensor> {
  const op = 'gather';
  checkDtype(op, plan.dtype);
  checkRank(op, xIn.rank);
  // The check needs the values: a GPU tensor's are read back (the kernel runs after its inputs settle).
  const values = indicesIn.device === 'webgpu' ? await indicesIn.data() : indicesIn.dataSync();
  const ids = checkIndices(plan, values, indicesIn.shape);
  const pipeline = await ctx.pipeline('gather', gatherWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn);
  const out = ctx.empty(op, plan.dtype, plan.outShape);
  if (out.size > 0) {
    const host = new Tensor('int32', [ids.length], ids);
    const indices = ops.take(host);
    host.dispose();
    const params = new Uint32Array(24);
    stridedParams(params, 0, x);
    params[20] = plan.axis;
    params[21] = plan.count;
    params[22] = out.size;
    ctx.launch({
      pipeline, buffers: [bufferOf(x), bufferOf(indices), bufferOf(out)], params,
      workgroups: ctx.grid(Math.ceil(out.size / WEBGPU.WORKGROUP)),
    });
  }
  ops.done();
  return out;
}
