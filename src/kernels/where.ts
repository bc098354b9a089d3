/**
 * js where(cond, a, b): the output walked in row-major order, each operand read through its
 * broadcast strides (0 where it repeats), so views and broadcasts cost no copy. One pass.
 */
import type { TypedArray } from '../dtype.js';
import type { WherePlan } from '../plans.js';
import { broadcastStrides, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

export function where(plan: WherePlan, [cond, a, b]: readonly [Tensor, Tensor, Tensor], out: TypedArray): void {
  const shape = plan.outShape;
  const size = sizeOf(shape);
  const rank = shape.length;
  const cs = broadcastStrides(cond.shape, cond.strides, shape);
  const as = broadcastStrides(a.shape, a.strides, shape);
  const bs = broadcastStrides(b.shape, b.strides, shape);
  const c = cond.storage;
  const av = a.storage;
  const bv = b.storage;
  const index = new Array<number>(rank).fill(0);
  let co = cond.offset;
  let ao = a.offset;
  let bo = b.offset;
  for (let i = 0; i < size; i++) {
    out[i] = c[co]! !== 0 ? av[ao]! : bv[bo]!;
    // Odometer step over the output's dimensions, last fastest.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      co += cs[d]!;
      ao += as[d]!;
      bo += bs[d]!;
      if (index[d]! < shape[d]!) break;
      co -= cs[d]! * shape[d]!;
      ao -= as[d]! * shape[d]!;
      bo -= bs[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}
