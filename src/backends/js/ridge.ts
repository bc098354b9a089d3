/**
 * js ridge in float64 scratch, whatever the input dtype:
 *   primal  G = AᵀA + λI (n×n),  x = G⁻¹(Aᵀy)
 *   dual    G = AAᵀ + λI (m×m),  x = Aᵀ(G⁻¹y)
 * The Gram product and the right-hand sides are blocked GEMMs (transposes are strides), G is
 * factored by the blocked Cholesky, and all signals are solved at once.
 * Cost: primal m·n² + n³/3, dual n·m² + m³/3 flops (plus 2·m·n per signal).
 */
import { allocate } from '../../dtype.js';
import type { RidgePlan } from '../../ops/ridge.js';
import { Tensor } from '../../tensor.js';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky.js';
import { gemm } from './gemm.js';
import { toFloat64 } from './linalg.js';

export async function ridge(plan: RidgePlan, [aIn, yIn]: readonly [Tensor, Tensor]): Promise<Tensor> {
  const { m, n, signals: k, lambda, form } = plan;
  const a = toFloat64(aIn); // m×n
  const y = toFloat64(yIn); // m×k
  const size = form === 'primal' ? n : m;
  const g = new Float64Array(size * size);
  // G = AᵀA (n×n) or AAᵀ (m×m); as a GEMM, the transposed operand is the same array read by columns.
  if (form === 'primal') {
    gemm({ m: n, n, k: m, a, aOffset: 0, aRowStride: 1, aColStride: n, b: a, bOffset: 0, bRowStride: n, bColStride: 1, c: g, cOffset: 0, cRowStride: n, alpha: 1, beta: 0 });
  } else {
    gemm({ m, n: m, k: n, a, aOffset: 0, aRowStride: n, aColStride: 1, b: a, bOffset: 0, bRowStride: 1, bColStride: n, c: g, cOffset: 0, cRowStride: m, alpha: 1, beta: 0 });
  }
  for (let i = 0; i < size; i++) g[i * size + i] += lambda;
  const matrix = form === 'primal' ? 'AᵀA + λI' : 'AAᵀ + λI';
  choleskyInPlace(g, size, {
    op: 'ridge',
    matrix: `${matrix} (${form} form, λ = ${lambda})`,
    hint: lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda',
  });
  const x = new Float64Array(n * k);
  if (form === 'primal') {
    // x = Aᵀy, then solve G·x = Aᵀy.
    gemm({ m: n, n: k, k: m, a, aOffset: 0, aRowStride: 1, aColStride: n, b: y, bOffset: 0, bRowStride: k, bColStride: 1, c: x, cOffset: 0, cRowStride: k, alpha: 1, beta: 0 });
    choleskySolveInPlace(g, n, x, k);
  } else {
    // z = G⁻¹y (in y), then x = Aᵀz.
    choleskySolveInPlace(g, m, y, k);
    gemm({ m: n, n: k, k: m, a, aOffset: 0, aRowStride: 1, aColStride: n, b: y, bOffset: 0, bRowStride: k, bColStride: 1, c: x, cOffset: 0, cRowStride: k, alpha: 1, beta: 0 });
  }
  const out = allocate(plan.dtype, x.length);
  out.set(x);
  return new Tensor(plan.dtype, plan.outShape, out);
}
