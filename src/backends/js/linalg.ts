/**
 * js linalg.cholesky and linalg.solveSPD: the input is copied into float64 scratch (the
 * factorisation always runs in float64), factored by the blocked Cholesky, and the result is
 * written in the input's dtype.
 */
import { allocate } from '../../dtype.js';
import type { CholeskyPlan, SolveSpdPlan } from '../../ops/linalg.js';
import { Tensor } from '../../tensor.js';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky.js';

/**
 * A row-major float64 copy of a (possibly strided) tensor, viewed with `shape` (default its own),
 * on shared memory so that pool workers can read it. Solvers run on such copies.
 */
export function toFloat64(t: Tensor, shape: readonly number[] = t.shape): Tensor<'float64'> {
  const c = t.contiguous();
  const data = allocate('float64', t.size);
  data.set(c.storage.subarray(c.offset, c.offset + t.size));
  return new Tensor('float64', shape, data);
}

const SPD_HINT = 'Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)';

export async function cholesky(plan: CholeskyPlan, [s]: readonly [Tensor]): Promise<Tensor> {
  const l = toFloat64(s).storage;
  choleskyInPlace(l, plan.n, { op: 'linalg.cholesky', matrix: 'S', hint: SPD_HINT });
  const out = allocate(plan.dtype, l.length);
  out.set(l);
  return new Tensor(plan.dtype, [plan.n, plan.n], out);
}

export async function solveSPD(plan: SolveSpdPlan, [s, b]: readonly [Tensor, Tensor]): Promise<Tensor> {
  const l = toFloat64(s).storage;
  choleskyInPlace(l, plan.n, { op: 'linalg.solveSPD', matrix: 'S', hint: SPD_HINT });
  const x = toFloat64(b).storage;
  choleskySolveInPlace(l, plan.n, x, plan.nrhs);
  const out = allocate(plan.dtype, x.length);
  out.set(x);
  return new Tensor(plan.dtype, plan.outShape, out);
}
