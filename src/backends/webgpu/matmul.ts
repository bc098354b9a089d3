/**
 * webgpu matmul (matmul.wgsl): register-tiled GEMM, batched over up to four broadcast batch
 * dimensions, with transposes and views read through strides and the bias and activation fused
 * into the store. Workgroup tile (4·WG_Y) × (4·WG_X), K tiles of TK (tuning.ts WEBGPU).
 * Variants of one contract: matmul_vec4.wgsl loads the tiles as vec4 when the rows of op(A) and
 * op(B) are contiguous and 16-byte aligned (k and n multiples of 4), matmul.wgsl otherwise, and
 * matmul_small.wgsl (no tiles: one invocation per element of C) when m or n is below GEMM_THIN.
 * Cost: 2·batch·m·n·k flops; A is read n/(4·WG_X) times, B m/(4·WG_Y) times.
 */
import { ShapeError } from '../../errors.js';
import type { MatmulPlan } from '../../plans.js';
import { broadcastStrides, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';
import { bufferOf, checkDtype, type GpuContext } from './context.js';
import { Operands } from './operands.js';
import { matmulSmallWgsl, matmulVec4Wgsl, matmulWgsl } from './shaders.gen.js';

export const ACTIVATION_ID = { none: 0, relu: 1, sigmoid: 2 } as const;

/** The overrides of the GEMM-shaped shaders (matmul, conv2d). */
export function gemmConstants(): Record<string, number> {
  return { WG_X: WEBGPU.GEMM_WG_X, WG_Y: WEBGPU.GEMM_WG_Y, TK: WEBGPU.GEMM_TK };
}

export async function matmul(ctx: GpuContext, plan: MatmulPlan, inputs: readonly [Tensor, Tensor, Tensor?]): Promise<Tensor> {
  const op = 'matmul';
  checkDtype(op, plan.dtype);
  const { m, n, k, batchShape } = plan;
  if (batchShape.length > 4) {
    throw new ShapeError(op, `webgpu matmul takes at most 4 batch dimensions; received ${batchShape.length}`,
      'Reshape the batch dimensions into fewer, or use a CPU backend');
  }
  const batch = sizeOf(batchShape);
  if (batch > ctx.device.limits.maxComputeWorkgroupsPerDimension) {
    throw new ShapeError(op, `webgpu matmul takes at most ${ctx.device.limits.maxComputeWorkgroupsPerDimension} matrices per call; received ${batch}`,
      'Split the batch, or use a CPU backend');
  }
  const ops = new Operands(ctx, op);
  const a = ops.take(inputs[0]);
  const b = ops.take(inputs[1]);
  const bias = inputs[2] ? ops.take(inputs[2]) : undefined;
  const out = ctx.empty(op, 'float32', plan.outShape);
  if (out.size > 0) {
    const params = new Uint32Array(32);
    const ra = a.rank;
    const rb = b.rank;
    // Strides of op(A)[i][p] and op(B)[p][j].
    const [aRow, aCol] = plan.transA ? [a.strides[ra - 1]!, a.strides[ra - 2]!] : [a.strides[ra - 2]!, a.strides[ra - 1]!];
    const [bRow, bCol] = plan.transB ? [b.strides[rb - 1]!, b.strides[rb - 2]!] : [b.strides[rb - 2]!, b.strides[rb - 1]!];
    const aBatch = broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batchShape);
    const bBatch = broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batchShape);
    let biasParams = [0, 0, 0, 0];
    let biasBatch: number[] = [];
    if (bias) {
      const s = broadcastStrides(bias.shape, bias.strides, plan.outShape);
      const r = s.length;
      biasParams = [bias.offset, s[r - 2]!, s[r - 1]!, 1];
      biasBatch = s.slice(0, -2);
    }
    const vec4 = [aCol === 1 ? 0 : 1, bCol === 1 ? 0 : 1, k % 4, n % 4, a.offset % 4, b.offset % 4, aRow % 4, bRow % 4,
      ...aBatch.map((v) => v % 4), ...bBatch.map((v) => v % 4)].every((v) => v === 0);
    const thin = m < WEBGPU.GEMM_THIN || n < WEBGPU.GEMM_THIN;
    const pipeline = thin
      ? await ctx.pipeline('matmul_small', matmulSmallWgsl, { WG: WEBGPU.WORKGROUP })
      : vec4
        ? await ctx.pipeline('matmul_vec4', matmulVec4Wgsl, gemmConstants())
        : await ctx.pipeline('matmul', matmulWgsl, gemmConstants());
    params.set([m, n, k, batchShape.length, a.offset, aRow, aCol, b.offset, bRow, bCol, biasParams[0]!, biasParams[1]!,
      biasParams[2]!, biasParams[3]!, ACTIVATION_ID[plan.activation], 0]);
    params.set(batchShape, 16);
    params.set(aBatch, 20);
    params.set(bBatch, 24);
    params.set(biasBatch, 28);
    ctx.launch({
      pipeline,
      buffers: [bufferOf(a), bufferOf(b), bias ? bufferOf(bias) : ctx.dummy, bufferOf(out)],
      params,
      workgroups: thin
        ? ctx.grid(Math.ceil((batch * m * n) / WEBGPU.WORKGROUP))
        : [Math.ceil(n / (4 * WEBGPU.GEMM_WG_X)), Math.ceil(m / (4 * WEBGPU.GEMM_WG_Y)), batch],
    });
  }
  ops.done();
  return out;
}
