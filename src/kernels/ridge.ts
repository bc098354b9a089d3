/**
 * js ridge, fused on the calling thread: the plan's Gram product (float64, blocked GEMM), the
 * diagonal shift, a Cholesky factorisation, then the plan's right-hand-side or back product and
 * the triangular solves. Cost: the Gram's 2·m·n·size flops dominate, then size³/3.
 */
import type { FloatArray, TypedArray } from '../dtype.js';
import type { MatmulPlan, RidgePlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky.js';
import { toFloat64Array } from './dense.js';
import { gemm } from './gemm.js';

export function ridge(plan: RidgePlan, [aIn, yIn]: readonly [Tensor, Tensor], out: TypedArray): void {
  const { n, size, lambda, form } = plan;
  const a = toFloat64Array(aIn);
  const y = toFloat64Array(yIn);
  const g = product(plan.gram, a, a);
  for (let i = 0; i < size; i++) g[i * size + i] += lambda;
  choleskyInPlace(g, size, ridgeContext(plan));
  if (form === 'primal') {
    const x = product(plan.product, a, y);
    choleskySolveInPlace(g, n, x, plan.signals);
    out.set(x);
  } else {
    choleskySolveInPlace(g, size, y, plan.signals);
    out.set(product(plan.product, a, y));
  }
}

/** What a non-positive pivot of ridge's system reports. */
export function ridgeContext(plan: RidgePlan): { op: string; matrix: string; hint: string } {
  const matrix = plan.form === 'primal' ? 'AᵀA + λI' : 'AAᵀ + λI';
  return {
    op: 'ridge',
    matrix: `${matrix} (${plan.form} form, λ = ${plan.lambda})`,
    hint: plan.lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda',
  };
}

/** op(A)·op(B) of a 2-D float64 plan over dense row-major A [rows, cols] and B. */
function product(p: MatmulPlan, a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(p.m * p.n);
  // Dense row-major operands: op(A) [m, k] is A [m, k] or A [k, m] transposed.
  const aCols = p.transA ? p.m : p.k;
  const bCols = p.transB ? p.k : p.n;
  gemm(
    {
      m: p.m, n: p.n, k: p.k,
      a: a as FloatArray, aOffset: 0, aRowStride: p.transA ? 1 : aCols, aColStride: p.transA ? aCols : 1,
      b: b as FloatArray, bOffset: 0, bRowStride: p.transB ? 1 : bCols, bColStride: p.transB ? bCols : 1,
      c, cOffset: 0, cRowStride: p.n, alpha: 1, beta: 0,
    },
    0,
    p.m,
  );
  return c;
}
