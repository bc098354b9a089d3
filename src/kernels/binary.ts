/**
 * js add, sub, mul, div with numpy broadcasting. The output is walked row by row (its last
 * dimension); each operand is read through broadcast strides (0 where it repeats), so views and
 * broadcasts cost no copy. int32 results wrap at 32 bits (Math.imul for products).
 */
import type { TypedArray } from '../dtype.js';
import type { BinaryFn, BinaryPlan } from '../plans.js';
import { broadcastStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Writes out[begin, end) (row-major output indices); `begin` and `end` need not align with rows. */
export function binaryRange(plan: BinaryPlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray, begin: number, end: number): void {
  const shape = plan.outShape;
  const rank = shape.length;
  const as = broadcastStrides(a.shape, a.strides, shape);
  const bs = broadcastStrides(b.shape, b.strides, shape);
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const aInner = rank === 0 ? 0 : as[rank - 1]!;
  const bInner = rank === 0 ? 0 : bs[rank - 1]!;
  const av = a.storage;
  const bv = b.storage;
  const op = kernelFor(plan.fn, out instanceof Int32Array);
  for (let i = begin; i < end; ) {
    // Offsets of output element i in each operand.
    let rem = Math.floor(i / inner);
    let ao = a.offset;
    let bo = b.offset;
    for (let d = rank - 2; d >= 0; d--) {
      const idx = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      ao += idx * as[d]!;
      bo += idx * bs[d]!;
    }
    const j0 = i % inner;
    const j1 = Math.min(inner, j0 + (end - i));
    op(out, i - j0, av, ao, aInner, bv, bo, bInner, j0, j1);
    i += j1 - j0;
  }
}

type RowKernel = (
  out: TypedArray, o: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, j0: number, j1: number,
) => void;

// One small loop per function keeps each call site monomorphic in its arithmetic.
const ROWS: Record<BinaryFn, RowKernel> = {
  add: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! + b[bo + j * bs]!;
  },
  sub: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! - b[bo + j * bs]!;
  },
  mul: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! * b[bo + j * bs]!;
  },
  div: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! / b[bo + j * bs]!;
  },
};

const imulRow: RowKernel = (out, o, a, ao, as, b, bo, bs, j0, j1) => {
  for (let j = j0; j < j1; j++) out[o + j] = Math.imul(a[ao + j * as]!, b[bo + j * bs]!);
};

function kernelFor(fn: BinaryFn, int32: boolean): RowKernel {
  // int32 sums and differences are exact in float64 and wrap when stored; products need imul.
  return int32 && fn === 'mul' ? imulRow : ROWS[fn];
}
