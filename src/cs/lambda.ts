/**
 * Choosing ridge's λ from the data: generalised cross-validation (Golub, Heath & Wahba 1979) or
 * the corner of the L-curve (Hansen 1992).
 *
 * Both need, for every λ, the residual ‖Ax̂_λ − y‖ and the norm ‖x̂_λ‖ of the ridge solution. With
 * the eigen-decomposition of the smaller Gram matrix (AAᵀ = UΣ²Uᵀ when m ≤ n, else AᵀA = VΣ²Vᵀ)
 * and p = Uᵀy, these are sums over the spectrum:
 *   ‖Ax̂ − y‖² = Σ (λ/(σᵢ² + λ))² pᵢ² (+ the part of y outside range(A)),
 *   ‖x̂‖² = Σ σᵢ²/(σᵢ² + λ)² pᵢ²,   trace(I − H) = Σ λ/(σᵢ² + λ) (+ m − n when m > n),
 * so one decomposition (cyclic Jacobi, O(s³) for s = min(m, n)) serves the whole λ grid.
 * GCV(λ) = m·‖Ax̂ − y‖² / trace(I − H)², minimised on a log grid then by golden section.
 * The L-curve corner is the point of largest curvature of (log‖Ax̂ − y‖, log‖x̂‖) over log λ,
 * searched for λ between the smallest and largest σᵢ² (the L-curve is a tool for ill-posed
 * problems; on a well-conditioned A it has no corner and the search ends at σ²_min).
 */
import type { OpOptions } from '../dispatch.js';
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { expectMeasurements, expectOperand, expectOptionsObject } from './checks.js';
import { expectOneOf } from '../ops/checks.js';
import type { LinearOperator } from './operators.js';

export interface ChooseLambdaOptions extends OpOptions {
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
}

/** A as a dense float64 row-major array (operators are applied to blocks of the identity). */
async function dense(a: LinearOperator, options: OpOptions): Promise<Float64Array> {
  const [m, n] = a.shape;
  if (a.kind === 'matrix' && a.matrix) return Float64Array.from(await a.matrix.data());
  const out = new Float64Array(m * n);
  const block = 64;
  for (let j0 = 0; j0 < n; j0 += block) {
    const width = Math.min(block, n - j0);
    const e = allocate(a.dtype, n * width);
    for (let j = 0; j < width; j++) e[(j0 + j) * width + j] = 1;
    const cols = await a.forward(new Tensor(a.dtype, [n, width], e), options);
    const v = await cols.data();
    cols.dispose();
    for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) out[i * n + j0 + j] = v[i * width + j]!;
  }
  return out;
}

/**
 * Eigenvalues of the symmetric s×s matrix g (destroyed) by cyclic Jacobi rotations; the same
 * rotations are applied to the s×k block p, which becomes Uᵀp.
 */
function jacobi(g: Float64Array, s: number, p: Float64Array, k: number): Float64Array {
  let total = 0;
  for (let i = 0; i < s * s; i++) total += g[i]! * g[i]!;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < s; i++) for (let j = i + 1; j < s; j++) off += g[i * s + j]! ** 2;
    if (off <= 1e-30 * total) break;
    for (let i = 0; i < s - 1; i++) {
      for (let j = i + 1; j < s; j++) {
        const gij = g[i * s + j]!;
        if (Math.abs(gij) <= 1e-300) continue;
        const theta = (g[j * s + j]! - g[i * s + i]!) / (2 * gij);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let r = 0; r < s; r++) {
          const a = g[r * s + i]!;
          const b = g[r * s + j]!;
          g[r * s + i] = c * a - sn * b;
          g[r * s + j] = sn * a + c * b;
        }
        for (let r = 0; r < s; r++) {
          const a = g[i * s + r]!;
          const b = g[j * s + r]!;
          g[i * s + r] = c * a - sn * b;
          g[j * s + r] = sn * a + c * b;
        }
        for (let q = 0; q < k; q++) {
          const a = p[i * k + q]!;
          const b = p[j * k + q]!;
          p[i * k + q] = c * a - sn * b;
          p[j * k + q] = sn * a + c * b;
        }
      }
    }
  }
  const eig = new Float64Array(s);
  for (let i = 0; i < s; i++) eig[i] = Math.max(0, g[i * s + i]!);
  return eig;
}

/** The spectral data every λ needs: σᵢ², Σ_signals pᵢ², the energy outside range(A), and m − s. */
interface Spectrum {
  sigma2: Float64Array;
  p2: Float64Array;
  outside: number;
  extraTrace: number;
  m: number;
}

function spectrum(a: Float64Array, m: number, n: number, y: Float64Array, k: number): Spectrum {
  const s = Math.min(m, n);
  const g = new Float64Array(s * s);
  let p: Float64Array;
  if (m <= n) {
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        let v = 0;
        for (let l = 0; l < n; l++) v += a[i * n + l]! * a[j * n + l]!;
        g[i * m + j] = g[j * m + i] = v;
      }
    }
    p = Float64Array.from(y);
  } else {
    for (let l = 0; l < m; l++) {
      const row = l * n;
      for (let i = 0; i < n; i++) {
        const ai = a[row + i]!;
        if (ai === 0) continue;
        for (let j = i; j < n; j++) g[i * n + j] += ai * a[row + j]!;
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = g[j * n + i]!;
    p = new Float64Array(n * k); // Aᵀy
    for (let l = 0; l < m; l++) for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) p[i * k + q] += a[l * n + i]! * y[l * k + q]!;
  }
  const sigma2 = jacobi(g, s, p, k);
  const p2 = new Float64Array(s);
  const tiny = 1e-13 * Math.max(...sigma2, 0);
  let inside = 0;
  for (let i = 0; i < s; i++) {
    let v = 0;
    for (let q = 0; q < k; q++) v += p[i * k + q]! ** 2;
    // When m > n, p = VᵀAᵀy = Σ·(Uᵀy): divide by σ² to get (Uᵀy)².
    if (m > n) v = sigma2[i]! > tiny ? v / sigma2[i]! : 0;
    p2[i] = v;
    inside += v;
  }
  let yy = 0;
  for (const v of y) yy += v * v;
  return { sigma2, p2, outside: m > n ? Math.max(0, yy - inside) : 0, extraTrace: m > n ? m - n : 0, m };
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
  const o = expectOptionsObject(op, options);
  const a = expectOperand(op, aIn);
  const { y, signals } = expectMeasurements(op, a, yIn);
  const method = o.method === undefined ? 'gcv' : expectOneOf(op, 'method', o.method, ['gcv', 'lcurve'] as const);
  const [m, n] = a.shape;
  const values = await dense(a, { backend: options.backend });
  const sp = spectrum(values, m, n, Float64Array.from(await y.data()), signals);
  const top = Math.max(...sp.sigma2);
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
    return { lambda: Math.exp((left + right) / 2), method, lambdas, scores };
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
  return { lambda: lambdas[best]!, method, lambdas, scores };
}
