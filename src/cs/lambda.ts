/**
 * Choosing ridge's λ from the data: generalised cross-validation (Golub, Heath & Wahba 1979) or
 * the corner of the L-curve (Hansen 1992).
 *
 * Both need, for every λ, the residual ‖Ax̂_λ − y‖ and the norm ‖x̂_λ‖ of the ridge solution. With
 * the eigen-decomposition of the smaller Gram matrix (AAᵀ = UΣ²Uᵀ when m ≤ n, else AᵀA = VΣ²Vᵀ)
 * and p = Uᵀy, these are sums over the spectrum:
 *   ‖Ax̂ − y‖² = Σ (λ/(σᵢ² + λ))² pᵢ² (+ the part of y outside range(A)),
 *   ‖x̂‖² = Σ σᵢ²/(σᵢ² + λ)² pᵢ²,   trace(I − H) = Σ λ/(σᵢ² + λ) (+ m − n when m > n),
 * so one decomposition serves the whole λ grid: the Gram matrix by one float64 `matmul` (on the
 * native backend when it loads), then `eighProjectF64` (Householder + implicit QL, values and Uᵀy
 * only, ~(4/3)·s³ flops for s = min(m, n)).
 * GCV(λ) = m·‖Ax̂ − y‖² / trace(I − H)², minimised on a log grid then by golden section.
 * The L-curve corner is the point of largest curvature of (log‖Ax̂ − y‖, log‖x̂‖) over log λ,
 * searched for λ between the smallest and largest σᵢ² (the L-curve is a tool for ill-posed
 * problems; on a well-conditioned A it has no corner and the search ends at σ²_min).
 */
import { eighF64, eighProjectF64 } from '../kernels/eigh.js';
import { InvalidArgumentError } from '../errors.js';
import { matmul } from '../ops/matmul.js';
import { expectOneOf } from '../ops/checks.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../tensor.js';
import { expectFinite, readOptions, solverOptions, type SolverOptions } from './checks.js';
import { solverInputs } from './fista.js';
import { denseValues, fromFloat64, type LinearOperator } from './operators.js';

export interface ChooseLambdaOptions extends SolverOptions {
  /** 'gcv' (default) or 'lcurve'. */
  method?: 'gcv' | 'lcurve';
}

export interface ChooseLambdaResult {
  /** The chosen λ, ready for `ridge(A, y, { lambda })`. */
  lambda: number;
  method: 'gcv' | 'lcurve';
  /** The λ grid searched (ascending). */
  lambdas: number[];
  /** GCV(λ) on the grid, or the L-curve's curvature. */
  scores: number[];
  /**
   * Set when the best score lies at an end of the grid ('lower': the smallest λ, 'upper': the
   * largest): the curve is flat or still falling there, so the choice is not a true minimum (for
   * GCV on a well-determined problem this usually means "almost no regularisation needed").
   */
  onEdge?: 'lower' | 'upper';
}

/** A as a float64 Tensor (the matrix itself when it is float64, else a float64 copy). */
async function float64Matrix(op: string, a: LinearOperator, options: SolverOptions): Promise<{ t: Tensor; owned: boolean }> {
  if (a.kind === 'matrix' && a.matrix && a.matrix.dtype === 'float64') return { t: a.matrix, owned: false };
  const values = await denseValues(a, op, options);
  expectFinite(op, 'A', values, a.shape[1], 'column');
  return { t: fromFloat64(values, a.shape, 'float64'), owned: true };
}

/** The spectral data every λ needs: σᵢ², Σ_signals pᵢ², the energy outside range(A), and m − s. */
interface Spectrum {
  sigma2: Float64Array;
  p2: Float64Array;
  outside: number;
  extraTrace: number;
  m: number;
}

/** The Gram matrix of the smaller side (AAᵀ when m ≤ n, else AᵀA), float64, by one matmul. */
async function gram(a: Tensor, m: number, n: number, options: SolverOptions): Promise<Float64Array> {
  const g = await matmul(a, a, m <= n ? { transB: true, backend: options.backend, signal: options.signal } : { transA: true, backend: options.backend, signal: options.signal });
  const values = await g.data();
  g.dispose();
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

async function spectrum(op: string, a: LinearOperator, y: Float64Array, k: number, options: SolverOptions): Promise<Spectrum> {
  const [m, n] = a.shape;
  const s = Math.min(m, n);
  const { t, owned } = await float64Matrix(op, a, options);
  try {
    const g = await gram(t, m, n, options);
    options.signal?.throwIfAborted();
    let rhs: Float64Array;
    if (m <= n) rhs = y;
    else {
      const yt = fromFloat64(y, [m, k], 'float64');
      const aty = await matmul(t, yt, { transA: true, backend: options.backend, signal: options.signal });
      yt.dispose();
      rhs = Float64Array.from(await aty.data());
      aty.dispose();
    }
    const { values, projections } = eighProjectF64(s, g, rhs, k);
    const sigma2 = values.map((v) => Math.max(0, v));
    const p2 = new Float64Array(s);
    const tiny = 1e-13 * Math.max(0, ...sigma2);
    let inside = 0;
    for (let i = 0; i < s; i++) {
      let v = 0;
      for (let q = 0; q < k; q++) v += projections[i * k + q]! ** 2;
      // When m > n, p = VᵀAᵀy = Σ·(Uᵀy): divide by σ² to get (Uᵀy)².
      if (m > n) v = sigma2[i]! > tiny ? v / sigma2[i]! : 0;
      p2[i] = v;
      inside += v;
    }
    let yy = 0;
    for (const v of y) yy += v * v;
    return { sigma2, p2, outside: m > n ? Math.max(0, yy - inside) : 0, extraTrace: m > n ? m - n : 0, m };
  } finally {
    if (owned) t.dispose();
  }
}

function evaluate(sp: Spectrum, lambda: number): { res2: number; x2: number; trace: number } {
  let res2 = sp.outside;
  let x2 = 0;
  let trace = sp.extraTrace;
  for (let i = 0; i < sp.sigma2.length; i++) {
    const s2 = sp.sigma2[i]!;
    const f = lambda / (s2 + lambda);
    res2 += f * f * sp.p2[i]!;
    x2 += (s2 / ((s2 + lambda) * (s2 + lambda))) * sp.p2[i]!;
    trace += f;
  }
  return { res2, x2, trace };
}

const gcv = (sp: Spectrum, lambda: number): number => {
  const { res2, trace } = evaluate(sp, lambda);
  return (sp.m * res2) / (trace * trace);
};

/**
 * A ridge λ for these data: by generalised cross-validation ('gcv', the default; needs no noise
 * level) or the corner of the L-curve ('lcurve'). y may hold many signals ([m, signals]): their
 * residuals are summed. A is a matrix or any cs operator (materialised once, column block by block).
 * @throws INVALID_ARGUMENT for an unknown method; SHAPE_MISMATCH / DTYPE_MISMATCH when y does not fit A.
 * @example
 * const { lambda } = await cs.chooseLambda(A, y, { method: 'gcv' });
 * const xHat = await ridge(A, y, { lambda });
 */
export async function chooseLambda(aIn: LinearOperator | Tensor, yIn: Tensor, options: ChooseLambdaOptions = {}): Promise<ChooseLambdaResult> {
  const op = 'cs.chooseLambda';
  const o = readOptions(op, options, ['method']);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const method = o.method === undefined ? 'gcv' : expectOneOf(op, 'method', o.method, ['gcv', 'lcurve'] as const);
  const { a, yv, signals } = await solverInputs(op, aIn, yIn, ops);
  const sp = await spectrum(op, a, yv, signals, ops);
  ops.signal?.throwIfAborted();
  const top = Math.max(0, ...sp.sigma2);
  const scaleTop = top > 0 ? top : 1;
  const count = method === 'gcv' ? 161 : 321;
  // GCV searches 14 decades around ‖A‖²; the L-curve only [σ²_min, σ²_max] (Hansen): outside it the
  // curve degenerates to a point whose tiny arcs have meaningless curvature.
  const smallest = Math.min(...Array.from(sp.sigma2).filter((v) => v > 1e-12 * scaleTop), scaleTop);
  const lo = Math.log(method === 'gcv' ? scaleTop * 1e-12 : Math.max(smallest, scaleTop * 1e-12));
  const hi = Math.log(method === 'gcv' ? scaleTop * 1e2 : scaleTop);
  const logs = Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
  const lambdas = logs.map(Math.exp);
  if (method === 'gcv') {
    const scores = lambdas.map((l) => gcv(sp, l));
    let best = 0;
    for (let i = 1; i < count; i++) if (scores[i]! < scores[best]!) best = i;
    // Golden-section refinement on log λ between the grid neighbours of the best point.
    let left = logs[Math.max(0, best - 1)]!;
    let right = logs[Math.min(count - 1, best + 1)]!;
    const ratio = (Math.sqrt(5) - 1) / 2;
    for (let it = 0; it < 60; it++) {
      const c = right - ratio * (right - left);
      const d = left + ratio * (right - left);
      if (gcv(sp, Math.exp(c)) < gcv(sp, Math.exp(d))) right = d;
      else left = c;
    }
    const out: ChooseLambdaResult = { lambda: Math.exp((left + right) / 2), method, lambdas, scores };
    if (best === 0) out.onEdge = 'lower';
    else if (best === count - 1) out.onEdge = 'upper';
    return out;
  }
  // L-curve: curvature of (ρ, η) = (log‖r‖, log‖x‖) as functions of t = log λ.
  const rho = lambdas.map((l) => 0.5 * Math.log(Math.max(evaluate(sp, l).res2, 1e-300)));
  const eta = lambdas.map((l) => 0.5 * Math.log(Math.max(evaluate(sp, l).x2, 1e-300)));
  const h = logs[1]! - logs[0]!;
  const scores = lambdas.map((_, i) => {
    if (i === 0 || i === count - 1) return 0;
    const r1 = (rho[i + 1]! - rho[i - 1]!) / (2 * h);
    const e1 = (eta[i + 1]! - eta[i - 1]!) / (2 * h);
    const r2 = (rho[i + 1]! - 2 * rho[i]! + rho[i - 1]!) / (h * h);
    const e2 = (eta[i + 1]! - 2 * eta[i]! + eta[i - 1]!) / (h * h);
    const speed = r1 * r1 + e1 * e1;
    return speed > 1e-24 ? (r1 * e2 - r2 * e1) / speed ** 1.5 : 0;
  });
  let best = 1;
  for (let i = 2; i < count - 1; i++) if (scores[i]! > scores[best]!) best = i;
  const out: ChooseLambdaResult = { lambda: lambdas[best]!, method, lambdas, scores };
  if (best === 1) out.onEdge = 'lower';
  else if (best === count - 2) out.onEdge = 'upper';
  return out;
}

export interface RidgePathOptions extends SolverOptions {
  /** The λ values (each ≥ 0; λ = 0 needs A of full rank on its smaller side). Required. */
  lambdas: readonly number[];
}

export interface RidgePathResult {
  lambdas: number[];
  /** x̂_λ = argmin ‖Ax − y‖² + λ‖x‖², one tensor per λ, shaped like the solution ([n] or [n, signals]). */
  x: Tensor[];
}

/**
 * Ridge solutions for many λ from one factorisation: the eigen-decomposition of the smaller Gram
 * matrix (AAᵀ = UΣ²Uᵀ when m ≤ n, then x̂ = Aᵀ·U·(Σ² + λ)⁻¹·Uᵀy; AᵀA = VΣ²Vᵀ otherwise, then
 * x̂ = V·(Σ² + λ)⁻¹·VᵀAᵀy), float64, shared by every λ. Each further λ costs O(s² + m·n).
 * @throws INVALID_ARGUMENT for a bad λ list, NaN/Infinity in A or y, or λ = 0 with a singular Gram.
 * @example
 * const { x } = await cs.ridgePath(A, y, { lambdas: [1e-3, 1e-2, 1e-1] });
 */
export async function ridgePath(aIn: LinearOperator | Tensor, yIn: Tensor, options: RidgePathOptions): Promise<RidgePathResult> {
  const op = 'cs.ridgePath';
  const o = readOptions(op, options, ['lambdas']);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  if (!Array.isArray(o.lambdas) || o.lambdas.length === 0) {
    throw new InvalidArgumentError(op, `lambdas must be a non-empty array of numbers ≥ 0; received ${describe(o.lambdas)}`, 'Pass e.g. { lambdas: [1e-3, 1e-2, 1e-1] }');
  }
  const list = (o.lambdas as unknown[]).map((l, i) => {
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0) {
      throw new InvalidArgumentError(op, `lambdas[${i}] must be a finite number ≥ 0; received ${describe(l)}`);
    }
    return l;
  });
  const { a, y, yv, signals: k } = await solverInputs(op, aIn, yIn, ops);
  const [m, n] = a.shape;
  const s = Math.min(m, n);
  const { t, owned } = await float64Matrix(op, a, ops);
  try {
    const g = await gram(t, m, n, ops);
    const { values, vectors } = eighF64(s, g);
    const top = Math.max(0, ...values);
    // b = Uᵀy (m ≤ n) or VᵀAᵀy (m > n), s × k.
    let rhs = yv;
    if (m > n) {
      const yt = fromFloat64(yv, [m, k], 'float64');
      const aty = await matmul(t, yt, { transA: true, backend: ops.backend, signal: ops.signal });
      yt.dispose();
      rhs = Float64Array.from(await aty.data());
      aty.dispose();
    }
    const proj = new Float64Array(s * k);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) {
      const u = vectors[i * s + j]!;
      if (u !== 0) for (let q = 0; q < k; q++) proj[j * k + q] += u * rhs[i * k + q]!;
    }
    const shape = y.rank === 1 ? [n] : [n, k];
    const out: Tensor[] = [];
    for (const lambda of list) {
      ops.signal?.throwIfAborted();
      // c = U·(Σ² + λ)⁻¹·b, s × k.
      const c = new Float64Array(s * k);
      for (let j = 0; j < s; j++) {
        const denom = Math.max(0, values[j]!) + lambda;
        if (!(denom > 1e-13 * top)) {
          if (lambda === 0) {
            throw new InvalidArgumentError(op, `λ = 0 needs a Gram matrix of full rank; received A whose ${m <= n ? 'AAᵀ' : 'AᵀA'} is singular (eigenvalue ${values[j]!.toExponential(2)})`,
              'Use a λ > 0');
          }
        }
        for (let i = 0; i < s; i++) {
          const f = vectors[i * s + j]! / denom;
          for (let q = 0; q < k; q++) c[i * k + q] += f * proj[j * k + q]!;
        }
      }
      if (m <= n) {
        const ct = fromFloat64(c, [m, k], 'float64');
        const x = await matmul(t, ct, { transA: true, backend: ops.backend, signal: ops.signal });
        ct.dispose();
        const xv = Float64Array.from(await x.data());
        x.dispose();
        out.push(fromFloat64(xv, shape, a.dtype));
      } else {
        out.push(fromFloat64(c, shape, a.dtype));
      }
    }
    return { lambdas: list, x: out };
  } finally {
    if (owned) t.dispose();
  }
}
