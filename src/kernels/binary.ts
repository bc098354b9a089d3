/**
 * js binary ops (arithmetic, maximum/minimum, numpy's mod, comparisons) with numpy broadcasting. The output is walked row by row (its last
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
  const op = kernelFor(plan.fn, plan.inDtype === 'int32');
  // Both operands row-major over the output's shape (the common case): one flat row, no strides.
  if (a.size === b.size && a.size === out.length && a.isContiguous && b.isContiguous && a.rank === shape.length && b.rank === shape.length) {
    op(out, 0, a.storage, a.offset, 1, b.storage, b.offset, 1, begin, end);
    return;
  }
  const rank = shape.length;
  const as = broadcastStrides(a.shape, a.strides, shape);
  const bs = broadcastStrides(b.shape, b.strides, shape);
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const aInner = rank === 0 ? 0 : as[rank - 1]!;
  const bInner = rank === 0 ? 0 : bs[rank - 1]!;
  const av = a.storage;
  const bv = b.storage;
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
  pow: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = powC(a[ao + j * as]!, b[bo + j * bs]!);
  },
  // Math.max and Math.min return NaN when either operand is NaN, as numpy.maximum does.
  maximum: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = Math.max(a[ao + j * as]!, b[bo + j * bs]!);
  },
  minimum: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = Math.min(a[ao + j * as]!, b[bo + j * bs]!);
  },
  mod: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = modFloat(a[ao + j * as]!, b[bo + j * bs]!);
  },
  equal: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! === b[bo + j * bs]! ? 1 : 0;
  },
  notEqual: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! !== b[bo + j * bs]! ? 1 : 0;
  },
  less: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! < b[bo + j * bs]! ? 1 : 0;
  },
  lessEqual: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! <= b[bo + j * bs]! ? 1 : 0;
  },
  greater: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! > b[bo + j * bs]! ? 1 : 0;
  },
  greaterEqual: (out, o, a, ao, as, b, bo, bs, j0, j1) => {
    for (let j = j0; j < j1; j++) out[o + j] = a[ao + j * as]! >= b[bo + j * bs]! ? 1 : 0;
  },
};

/** C's pow (and numpy's): 1ʸ = 1 and (−1)^±∞ = 1, where Math.pow gives NaN. */
function powC(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** numpy.mod for floats: the sign of the divisor; a zero result is ±0 by the divisor's sign; x mod 0 is NaN. */
function modFloat(x: number, y: number): number {
  let r = x % y;
  if (r !== 0) {
    if (r < 0 !== y < 0) r += y;
  } else {
    r = y < 0 ? -0 : 0;
  }
  return r;
}

/** numpy.mod for int32: the sign of the divisor; x mod 0 is 0 (numpy's result, without its warning). */
const intModRow: RowKernel = (out, o, a, ao, as, b, bo, bs, j0, j1) => {
  for (let j = j0; j < j1; j++) {
    const x = a[ao + j * as]!;
    const y = b[bo + j * bs]!;
    if (y === 0) {
      out[o + j] = 0;
      continue;
    }
    let r = x % y;
    if (r !== 0 && r < 0 !== y < 0) r += y;
    out[o + j] = r;
  }
};

const imulRow: RowKernel = (out, o, a, ao, as, b, bo, bs, j0, j1) => {
  for (let j = j0; j < j1; j++) out[o + j] = Math.imul(a[ao + j * as]!, b[bo + j * bs]!);
};

function kernelFor(fn: BinaryFn, int32: boolean): RowKernel {
  // int32 sums and differences are exact in float64 and wrap when stored; products need imul.
  if (int32 && fn === 'mul') return imulRow;
  if (int32 && fn === 'mod') return intModRow;
  return ROWS[fn];
}
