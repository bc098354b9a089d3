/**
 * webgpu maxPool2d / avgPool2d (pool2d.wgsl): one invocation per output element loops over its
 * window, padded cells left out. NCHW and NHWC differ only in the strides passed.
 * Cost: batch·channels·outH·outW·kh·kw reads.
 */
import type { Pool2dPlan } from '../../plans.js';
import { contiguousStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, type GpuContext } from './context.js';
import { Operands } from './operands.js';
import { pool2dWgsl } from './shaders.gen.js';

/** (n, c, h, w) strides of a 4-D tensor in `layout`. */
export function nchwStrides(layout: 'NCHW' | 'NHWC', s: readonly number[]): number[] {
  return layout === 'NCHW' ? [s[0]!, s[1]!, s[2]!, s[3]!] : [s[0]!, s[3]!, s[1]!, s[2]!];
}

export async function pool2d(ctx: GpuContext, p: Pool2dPlan, [xIn]: readonly [Tensor]): Promise<Tensor> {
  const op = p.kind === 'max' ? 'maxPool2d' : 'avgPool2d';
  checkDtype(op, p.dtype);
  const pipeline = await ctx.pipeline('pool2d', pool2dWgsl, { WG: WEBGPU.WORKGROUP });
  const ops = new Operands(ctx, op);
  const x = ops.take(xIn);
  const out = ctx.empty(op, p.dtype, p.outShape);
  const size = out.size;
  if (size > 0) {
    const params = new Uint32Array(24);
    params.set([p.batch, p.channels, p.inH, p.inW, p.outH, p.outW, p.kh, p.kw, p.strideH, p.strideW, p.padTop, p.padLeft,
      x.offset, p.kind === 'max' ? 0 : 1, size, 0]);
    params.set(nchwStrides(p.layout, x.strides), 16);
    params.set(nchwStrides(p.layout, contiguousStrides(p.outShape)), 20);
    ctx.launch({ pipeline, buffers: [bufferOf(x), bufferOf(out)], params, workgroups: ctx.grid(Math.ceil(size / WEBGPU.WORKGROUP)) });
  }
  ops.done();
  return out;
}
