/**
 * wasm matmul: the shared C++ GEMM (native/kernels/gemm.h: BLIS loops, packing that absorbs
 * strides and transposes, bias and activation fused into the write-out) on the SIMD128
 * micro-kernel, one module call per batch entry touched.
 *
 * Range kernel: output rows [rowBegin, rowEnd) of the flattened [batch·m, n] output, as the js
 * backend's matmulRange. Cost: 2·rows·n·k flops.
 */
import type { FloatArray } from '../../dtype.js';
import type { MatmulPlan } from '../../plans.js';
import { broadcastStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { WasmRuntime } from './runtime.js';
import { bytesOf, inMemory, Stage, viewAt } from './stage.js';

/** The module's activation codes (gemm.h `Activation`). */
export const ACTIVATION_CODE = { none: 0, relu: 1, sigmoid: 2 } as const;

export function matmulRange(
  rt: WasmRuntime,
  plan: MatmulPlan,
  [a, b, bias]: readonly [Tensor, Tensor, Tensor?],
  out: FloatArray,
  rowBegin: number,
  rowEnd: number,
): void {
  const { m, n, k, batchShape, transA, transB, dtype } = plan;
  if (n === 0 || m === 0 || rowEnd <= rowBegin) return;
  const bpe = bytesOf(dtype);
  const batchRank = batchShape.length;
  const aBatch = broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batchShape);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batchShape);
  const biasStrides = bias ? broadcastStrides(bias.shape, bias.strides, plan.outShape) : undefined;
  const [aR, aC] = a.strides.slice(-2) as [number, number];
  const [bR, bC] = b.strides.slice(-2) as [number, number];

  const stage = new Stage(rt);
  const aBase = k > 0 ? stage.tensor(a) : () => 0;
  const bBase = k > 0 ? stage.tensor(b) : () => 0;
  const biasBase = bias ? stage.tensor(bias) : () => 0;
  const direct = inMemory(rt, out);
  const rows = rowEnd - rowBegin;
  // Pointer of output row rowBegin.
  const outPtr = direct ? ((p: number) => () => p)(out.byteOffset + rowBegin * n * bpe) : stage.region(rows * n * bpe);
  stage.commit();

  const gemm = dtype === 'float32' ? rt.exports.lp_gemm_f32 : rt.exports.lp_gemm_f64;
  const act = ACTIVATION_CODE[plan.activation];
  const index = new Array<number>(batchRank).fill(0);
  for (let row = rowBegin; row < rowEnd; ) {
    const batchIndex = Math.floor(row / m);
    const begin = row - batchIndex * m;
    const end = Math.min(m, begin + (rowEnd - row));
    let rem = batchIndex;
    for (let d = batchRank - 1; d >= 0; d--) {
      index[d] = rem % batchShape[d]!;
      rem = Math.floor(rem / batchShape[d]!);
    }
    let aOffset = a.offset;
    let bOffset = b.offset;
    let biasOffset = bias ? bias.offset : 0;
    for (let d = 0; d < batchRank; d++) {
      aOffset += index[d]! * aBatch[d]!;
      bOffset += index[d]! * bBatch[d]!;
      if (biasStrides) biasOffset += index[d]! * biasStrides[d]!;
    }
    const aRs = transA ? aC : aR;
    const aCs = transA ? aR : aC;
    const bRs = transB ? bC : bR;
    const bCs = transB ? bR : bC;
    const biasRs = biasStrides ? biasStrides[batchRank]! : 0;
    const biasCs = biasStrides ? biasStrides[batchRank + 1]! : 0;
    const c = outPtr() + (row - rowBegin) * n * bpe;
    rt.check('matmul', gemm(
      end - begin, n, k,
      k > 0 ? aBase() + (aOffset + begin * aRs) * bpe : 0, aRs, aCs,
      k > 0 ? bBase() + bOffset * bpe : 0, bRs, bCs,
      c, n,
      bias ? biasBase() + (biasOffset + begin * biasRs) * bpe : 0, biasRs, biasCs,
      act,
    ));
    row += end - begin;
  }
  if (!direct) out.set(viewAt(rt, dtype, outPtr(), rows * n), rowBegin * n);
}
