/**
 * js matmul: batched GEMM over broadcast batch dimensions, with the bias and activation applied to
 * each block of rows right after the GEMM wrote it (while it is still in cache).
 *
 * Range kernel: `matmulRange` computes output rows [rowBegin, rowEnd) of the flattened
 * [batch·m, n] output, so a pool can split C by rows and by batches.
 */
import type { FloatArray } from '../dtype.js';
import type { MatmulPlan } from '../plans.js';
import { broadcastStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { activateRange } from './activation.js';
import { gemm } from './gemm.js';

export function matmulRange(
  plan: MatmulPlan,
  [a, b, bias]: readonly [Tensor, Tensor, Tensor?],
  out: FloatArray,
  rowBegin: number,
  rowEnd: number,
): void {
  const { m, n, k, batchShape, transA, transB, activation } = plan;
  if (n === 0 || m === 0) return;
  const batchRank = batchShape.length;
  if (batchRank === 0 && !bias) {
    // A plain 2-D product (the common case): no batch walk, no stride arrays.
    const as = a.strides;
    const bs = b.strides;
    const aR = as[as.length - 2]!;
    const aC = as[as.length - 1]!;
    const bR = bs[bs.length - 2]!;
    const bC = bs[bs.length - 1]!;
    gemm({
      m, n, k,
      a: a.storage as FloatArray, aOffset: a.offset, aRowStride: transA ? aC : aR, aColStride: transA ? aR : aC,
      b: b.storage as FloatArray, bOffset: b.offset, bRowStride: transB ? bC : bR, bColStride: transB ? bR : bC,
      c: out, cOffset: 0, cRowStride: n, alpha: 1, beta: 0,
    }, rowBegin, rowEnd);
    activateRange(out, rowBegin * n, rowEnd * n, activation);
    return;
  }
  const aBatch = broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batchShape);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batchShape);
  const biasStrides = bias ? broadcastStrides(bias.shape, bias.strides, plan.outShape) : undefined;
  const [aR, aC] = a.strides.slice(-2) as [number, number];
  const [bR, bC] = b.strides.slice(-2) as [number, number];
  const index = new Array<number>(batchRank).fill(0);
  for (let row = rowBegin; row < rowEnd; ) {
    const batchIndex = Math.floor(row / m);
    const begin = row - batchIndex * m;
    const end = Math.min(m, begin + (rowEnd - row));
    // Multi-index of this batch entry, and the offsets it gives each operand.
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
    const cOffset = batchIndex * m * n;
    const g = {
      m, n, k,
      a: a.storage as FloatArray, aOffset, aRowStride: transA ? aC : aR, aColStride: transA ? aR : aC,
      b: b.storage as FloatArray, bOffset, bRowStride: transB ? bC : bR, bColStride: transB ? bR : bC,
      c: out, cOffset, cRowStride: n,
      alpha: 1, beta: 0,
    };
    gemm(g, begin, end);
    if (bias && biasStrides) {
      const storage = bias.storage;
      const rs = biasStrides[batchRank]!;
      const cs = biasStrides[batchRank + 1]!;
      for (let i = begin; i < end; i++) {
        const o = cOffset + i * n;
        const bo = biasOffset + i * rs;
        for (let j = 0; j < n; j++) out[o + j] += storage[bo + j * cs]!;
      }
    }
    activateRange(out, cOffset + begin * n, cOffset + end * n, activation);
    row += end - begin;
  }
}
