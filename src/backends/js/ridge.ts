/**
 * js ridge in float64 scratch, whatever the input dtype:
 *   primal  G = AᵀA + λI (n×n),  x = G⁻¹(Aᵀy)
 *   dual    G = AAᵀ + λI (m×m),  x = Aᵀ(G⁻¹y)
 * The Gram product and the right-hand-side products are matmul range kernels (transposes are
 * strides), so the worker pool splits them by blocks of rows like any matmul; G is factored by
 * the blocked Cholesky, and all signals are solved at once.
 * Cost: primal m·n² + n³/3, dual n·m² + m³/3 flops (plus 2·m·n per signal).
 */
import { allocate } from '../../dtype.js';
import type { MatmulPlan } from '../../ops/matmul.js';
import type { RidgePlan } from '../../ops/ridge.js';
import { runRanges, type RunOptions } from '../../pool/split.js';
import { Tensor } from '../../tensor.js';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky.js';
import { toFloat64 } from './linalg.js';
import { matmulRange } from './matmul.js';

export async function ridge(plan: RidgePlan, [aIn, yIn]: readonly [Tensor, Tensor], options?: RunOptions): Promise<Tensor> {
  const { m, n, signals: k, lambda, form } = plan;
  const a = toFloat64(aIn, [m, n]);
  const y = toFloat64(yIn, [m, k]);
  const size = form === 'primal' ? n : m;
  // G = AᵀA (n×n) or AAᵀ (m×m).
  const g = await product(a, a, form === 'primal', form !== 'primal', options);
  const gs = g.storage as Float64Array;
  for (let i = 0; i < size; i++) gs[i * size + i] += lambda;
  const matrix = form === 'primal' ? 'AᵀA + λI' : 'AAᵀ + λI';
  choleskyInPlace(gs, size, {
    op: 'ridge',
    matrix: `${matrix} (${form} form, λ = ${lambda})`,
    hint: lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda',
  });
  let x: Tensor;
  if (form === 'primal') {
    // Solve G·x = Aᵀy.
    x = await product(a, y, true, false, options);
    choleskySolveInPlace(gs, n, x.storage as Float64Array, k);
  } else {
    // z = G⁻¹y (in y's scratch), then x = Aᵀz.
    choleskySolveInPlace(gs, m, y.storage as Float64Array, k);
    x = await product(a, y, true, false, options);
  }
  const out = allocate(plan.dtype, n * k);
  out.set(x.storage);
  return new Tensor(plan.dtype, plan.outShape, out);
}

/** op(a)·op(b) in float64 through the matmul range kernel (split by the pool when worth it). */
async function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean, options?: RunOptions): Promise<Tensor> {
  const [m, k] = transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const n = transB ? b.shape[0]! : b.shape[1]!;
  const plan: MatmulPlan = Object.freeze({
    dtype: 'float64',
    m,
    n,
    k,
    transA,
    transB,
    batchShape: [],
    outShape: [m, n],
    activation: 'none',
    hasBias: false,
  });
  const out = allocate('float64', m * n);
  await runRanges('js', 'matmul', plan, [a, b], out, (p, i, o, r0, r1) => matmulRange(p, i, o as Float64Array, r0, r1), options);
  return new Tensor('float64', [m, n], out);
}
