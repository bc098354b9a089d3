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
  forEachBatchBlock(plan, a, b, bias, rowBegin, rowEnd, (batchIndex, begin, end, w) => {
    const cOffset = batchIndex * m * n;
    const g = {
      m, n, k,
      a: a.storage as FloatArray, aOffset: w.aOffset, aRowStride: w.aRowStride, aColStride: w.aColStride,
      b: b.storage as FloatArray, bOffset: w.bOffset, bRowStride: w.bRowStride, bColStride: w.bColStride,
      c: out, cOffset, cRowStride: n,
      alpha: 1, beta: 0,
    };
    gemm(g, begin, end);
    if (bias) {
      const storage = bias.storage;
      for (let i = begin; i < end; i++) {
        const o = cOffset + i * n;
        const bo = w.biasOffset + i * w.biasRowStride;
        for (let j = 0; j < n; j++) out[o + j] += storage[bo + j * w.biasColStride]!;
      }
    }
    activateRange(out, cOffset + begin * n, cOffset + end * n, activation);
  });
}

/** Where one batch entry of a matmul's operands starts, and op(A)'s, op(B)'s and the bias's element strides. */
export interface BatchBlock {
  aOffset: number;
  aRowStride: number;
  aColStride: number;
  bOffset: number;
  bRowStride: number;
  bColStride: number;
  biasOffset: number;
  biasRowStride: number;
  biasColStride: number;
}

/**
 * Walks output rows [rowBegin, rowEnd) of a (batched) matmul, flattened to [batch·m, n], one batch
 * entry at a time: `visit(batchIndex, begin, end, block)` gets the rows [begin, end) of entry
 * `batchIndex` (within its m rows) and where that entry's operands start, with broadcast batch
 * dimensions resolved (stride 0). Every backend that runs matmul row ranges on strided operands
 * walks the batch this way; `block` is reused between calls.
 */
export function forEachBatchBlock(
  plan: MatmulPlan,
  a: Tensor,
  b: Tensor,
  bias: Tensor | undefined,
  rowBegin: number,
  rowEnd: number,
  visit: (batchIndex: number, begin: number, end: number, block: BatchBlock) => void,
): void {
  const { m, batchShape, transA, transB } = plan;
  const batchRank = batchShape.length;
  const aBatch = broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batchShape);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batchShape);
  const biasStrides = bias ? broadcastStrides(bias.shape, bias.strides, plan.outShape) : undefined;
  const [aR, aC] = a.strides.slice(-2) as [number, number];
  const [bR, bC] = b.strides.slice(-2) as [number, number];
  const block: BatchBlock = {
    aOffset: 0, aRowStride: transA ? aC : aR, aColStride: transA ? aR : aC,
    bOffset: 0, bRowStride: transB ? bC : bR, bColStride: transB ? bR : bC,
    biasOffset: 0, biasRowStride: biasStrides ? biasStrides[batchRank]! : 0, biasColStride: biasStrides ? biasStrides[batchRank + 1]! : 0,
  };
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
    block.aOffset = a.offset;
    block.bOffset = b.offset;
    block.biasOffset = bias ? bias.offset : 0;
    for (let d = 0; d < batchRank; d++) {
      block.aOffset += index[d]! * aBatch[d]!;
      block.bOffset += index[d]! * bBatch[d]!;
      if (biasStrides) block.biasOffset += index[d]! * biasStrides[d]!;
    }
    visit(batchIndex, begin, end, block);
    row += end - begin;
  }
}
