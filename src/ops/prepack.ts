/**
 * prepack: a matmul operand that is used call after call (a dense layer's weights, a sensing
 * matrix on the right of a product) packed once instead of on every call.
 *
 * `prepack(w)` returns a new tensor equal to `w` (same dtype, shape and values; a copy the library
 * owns, so nothing the caller does to `w` or to an array under it can reach it) that carries a
 * packed form of itself as matmul's B operand, `op(B) = w` (or `wᵀ` with `{ transB: true }`).
 * Use it wherever `w` was used: every op takes it like any tensor; a matmul that has it as `b`
 * with the same `transB` reads the packed form where its backend has one (native: the addon's
 * prepackB panels, made on the first such product and reused), and computes exactly what it
 * computes with `w`. `dispose()` frees the packed form with the tensor.
 */
import { markPacked } from '../prepacked.js';
import type { Tensor } from '../tensor.js';
import { expectBoolean, expectFloat, expectRank, expectTensor, readRecord } from './checks.js';
import { pad } from './shape.js';

export interface PrepackOptions {
  /** Pack wᵀ: for `matmul(a, p, { transB: true })` (a dense layer's weights stored [out, in]). */
  transB?: boolean;
}

/**
 * A copy of the 2-D float tensor `w` that matmul reads as a pre-packed B operand. The packing
 * itself happens on the first product that can use it (the backend is chosen per product).
 *
 * @throws SHAPE_MISMATCH when w is not 2-D. @throws DTYPE_MISMATCH for int32.
 * @throws INVALID_ARGUMENT for a non-tensor or a bad option.
 * @example
 * const W = prepack(randn([784, 128], { seed: 1 }));           // once
 * const h = matmul(x, W, { bias: b, activation: 'relu' });     // every batch: B is not packed again
 * W.dispose();                                                  // frees the packed form too
 */
export function prepack(w: Tensor, options?: PrepackOptions): Tensor {
  const op = 'prepack';
  const t = expectTensor(op, 'w', w);
  // No backend or signal: each matmul that reads the tensor chooses its backend (and packs for it there).
  const o = options === undefined ? {} : readRecord(op, 'options', options, ['transB']);
  const transB = o.transB === undefined ? false : expectBoolean(op, 'transB', o.transB);
  expectFloat(op, 'w', t);
  expectRank(op, 'w', t, 2);
  // A copy through dispatch (the remap kernel): the library's own storage, written once, and it
  // waits for a pending w like any op instead of blocking here.
  const copy = pad(t, 0);
  markPacked(copy, transB);
  return copy;
}
