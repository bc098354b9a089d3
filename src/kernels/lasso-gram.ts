/**
 * js lassoGram: many small lasso problems in Gram form, min ½xᵀGx − cᵀx + ½yy + λ‖x‖₁ (G = A_WᵀA_W,
 * c = A_Wᵀy, yy = ‖y‖²), each solved by FISTA with adaptive restart to a duality gap ≤ its target.
 * Per problem: the step 1/L from L = 1.01·λ_max(G) (Lanczos on G, at most 30 steps, to a relative
 * change of 1e-5: the Ritz value then lies within ~1e-5 of λ_max here, well inside the 1 % margin),
 * then one product G·z per iteration. The residual terms of the gap come from that product:
 * ‖A_W z − y‖² = zᵀGz − 2cᵀz + yy, (A_W z − y)ᵀy = cᵀz − yy and A_Wᵀ(A_W z − y) = Gz − c. The
 * native kernel (native/kernels/lasso_gram.cc) is the same algorithm, step for step.
 *
 * Rows of the range kernel are problems. Per problem the output holds x [k], the iterations run,
 * the gap at x (NaN: diverged, the iterate or objective stopped being finite or grew past 10⁶ times
 * its start) and the L used (0: G has no positive eigenvalue, x = 0 and no iteration ran).
 */
import type { TypedArray } from '../dtype.js';
import type { LassoGramPlan } from '../plans.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';

/** Lanczos steps at most, and the relative change of the top Ritz value that ends it. */
export const LANCZOS_STEPS = 30;
export const LANCZOS_RTOL = 1e-5;

/** A deterministic start vector in [−1, 1) (a 32-bit LCG), so estimates do not depend on Math.random. */
export function startVector(n: number): Float64Array {
  const v = new Float64Array(n);
  let state = 0x5eed1234;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    v[i] = state / 2 ** 31 - 1;
  }
  return v;
}

/**
 * The largest eigenvalue of the symmetric tridiagonal matrix with diagonal `alpha` and
 * off-diagonal `beta` (one shorter), by bisection on Sturm counts between the largest diagonal
 * entry (a lower bound) and Gershgorin's upper bound: O(n) per halving, where a dense
 * eigendecomposition of the Lanczos matrix at every step cost O(n³) (38 % of a small FISTA).
 */
export function tridiagonalTop(alpha: readonly number[], beta: readonly number[], rtol = 1e-15, floor = -Infinity): number {
  // rtol: the bracket's relative width at the end; floor: a known lower bound, if any.
  const n = alpha.length;
  let lo = -Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const radius = (i > 0 ? Math.abs(beta[i - 1]!) : 0) + (i + 1 < n ? Math.abs(beta[i]!) : 0);
    lo = Math.max(lo, alpha[i]!);
    hi = Math.max(hi, alpha[i]! + radius);
  }
  if (floor > lo && floor < hi) lo = floor;
  // How many eigenvalues lie below x: the negative pivots of T − xI's LDLᵀ.
  const below = (x: number): number => {
    let count = 0;
    let d = 1;
    for (let i = 0; i < n; i++) {
      d = alpha[i]! - x - (i > 0 ? (beta[i - 1]! * beta[i - 1]!) / d : 0);
      if (d === 0) d = -Number.EPSILON * (Math.abs(x) + Number.MIN_VALUE);
      if (d < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 200 && hi - lo > rtol * Math.max(Math.abs(lo), Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (below(mid) === n) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The relative width to which the Lanczos steps bisect their tridiagonal's top eigenvalue. */
const BISECTION_RTOL = 1e-10;

/**
 * Lanczos with one pass of full reorthogonalisation, one step at a time, for callers whose
 * product is their own (a dense Gram here, an operator's two products in cs.fista): `start()`
 * gives the first vector, `next(w)` takes w = M·q and gives the next q, or undefined when done
 * (`estimate` is then the top Ritz value, which approaches λ_max from below; NaN when w was not
 * finite).
 */
export class Lanczos {
  estimate = 0;
  #basis: Float64Array[] = [];
  #alpha: number[] = [];
  #beta: number[] = [];
  #previous = 0;
  #q: Float64Array;

  constructor(readonly dim: number, readonly maxSteps: number, readonly rtol: number) {
    const q = startVector(dim);
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += q[i]! * q[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < dim; i++) q[i] /= norm;
    this.#q = q;
  }

  start(): Float64Array {
    return this.#q;
  }

  next(w: Float64Array): Float64Array | undefined {
    const dim = this.dim;
    const q = this.#q;
    for (let i = 0; i < dim; i++) {
      if (!Number.isFinite(w[i]!)) {
        this.estimate = NaN;
        return undefined;
      }
    }
    this.#basis.push(q);
    let a = 0;
    for (let i = 0; i < dim; i++) a += w[i]! * q[i]!;
    this.#alpha.push(a);
    // One pass of full reorthogonalisation against the basis: enough to keep ghost copies of the
    // top eigenvalue out, and the estimate needs nothing else of the basis.
    for (const b of this.#basis) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += w[i]! * b[i]!;
      for (let i = 0; i < dim; i++) w[i] -= dot * b[i]!;
    }
    // To 1e-10 (the convergence test needs ~1e-5, and L is taken 1 % above), from the last
    // estimate up: the top Ritz value does not decrease from one step to the next (interlacing),
    // so the last one, less its own tolerance, bounds this one from below.
    const last = this.#previous;
    const floor = this.#alpha.length > 1 ? last - 2 * BISECTION_RTOL * Math.abs(last) : -Infinity;
    const estimate = tridiagonalTop(this.#alpha, this.#beta, BISECTION_RTOL, floor);
    this.estimate = Math.max(0, estimate);
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += w[i]! * w[i]!;
    norm = Math.sqrt(norm);
    const step = this.#alpha.length - 1;
    if (step + 1 >= this.maxSteps || !(norm > 1e-12 * Math.sqrt(Math.max(estimate, 0))) || (step > 2 && Math.abs(estimate - this.#previous) <= this.rtol * estimate)) {
      return undefined;
    }
    this.#previous = estimate;
    this.#beta.push(norm);
    for (let i = 0; i < dim; i++) w[i] /= norm;
    this.#q = w;
    return w;
  }
}

/** out = G·v for a dense row-major k×k G at `at` in `g`. */
function product(g: TypedArray, at: number, k: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s0 = 0;
    let s1 = 0;
    let p = at + i * k;
    const end = p + k - 1;
    let j = 0;
    for (; p < end; p += 2, j += 2) {
      s0 += g[p]! * v[j]!;
      s1 += g[p + 1]! * v[j + 1]!;
    }
    if (p === end) s0 += g[p]! * v[j]!;
    out[i] = s0 + s1;
  }
}

/** The duality gap and the objective at v, from gv = G·v (see the header). */
function gapAt(v: Float64Array, gv: Float64Array, c: TypedArray, cAt: number, k: number, yy: number, lambda: number): { gap: number; objective: number } {
  let vgv = 0;
  let cv = 0;
  let l1 = 0;
  let gmax = 0;
  for (let j = 0; j < k; j++) {
    vgv += v[j]! * gv[j]!;
    cv += c[cAt + j]! * v[j]!;
    l1 += Math.abs(v[j]!);
    gmax = Math.max(gmax, Math.abs(gv[j]! - c[cAt + j]!));
  }
  const rr = Math.max(0, vgv - 2 * cv + yy);
  const s = gmax > lambda ? lambda / gmax : 1;
  return { gap: Math.max(0, 0.5 * rr * (1 + s * s) + lambda * l1 + s * (cv - yy)), objective: 0.5 * rr + lambda * l1 };
}

/**
 * Checks `columns` (int32 [batch, k]) against G's order n: each entry in [0, n) or −1 (padding),
 * and no column twice in one problem (the sub-problem would not be a lasso); throws INVALID_ARGUMENT
 * naming the first bad entry. Every backend calls it before its kernel reads G.
 */
export function checkColumns(plan: LassoGramPlan, columns: Tensor): void {
  const c = dense(columns);
  const { batch, k, n } = plan;
  const seen = new Int32Array(n).fill(-1);
  try {
    for (let p = 0; p < batch; p++) {
      for (let j = 0; j < k; j++) {
        const v = c.storage[c.offset + p * k + j]!;
        const at = plan.parts[1]!.shape.length === 0 ? `[${j}]` : `[${p},${j}]`;
        if (v === -1) continue;
        if (!(v >= 0 && v < n)) {
          throw new InvalidArgumentError('cs.lassoGram', `columns${at} is ${v}, outside [0, ${n}) for G of order ${n}`, 'Pass column indices of G, or −1 for an unused slot');
        }
        if (seen[v] === p) {
          throw new InvalidArgumentError('cs.lassoGram', `columns${at} is ${v}, which this problem already uses`, 'Pass each column at most once per problem');
        }
        seen[v] = p;
      }
    }
  } finally {
    if (c !== columns) c.dispose();
  }
}

/**
 * Problems [begin, end) of the plan: see the header. Inputs: G [b, k, k] (or, with `columns`, one
 * G [n, n] whose rows and columns columns[p] make problem p's), c [b, k], params [b, 3] (λ, yy,
 * target), x0 [b, k], columns int32 [b, k].
 */
export function lassoGramRange(plan: LassoGramPlan, inputs: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?], out: TypedArray, begin: number, end: number): void {
  const { k, n, maxIter, parts } = plan;
  if (inputs[4]) checkColumns(plan, inputs[4]);
  const gT = dense(inputs[0]);
  const cT = dense(inputs[1]);
  const pT = dense(inputs[2]);
  const xT = inputs[3] ? dense(inputs[3]) : undefined;
  const colT = inputs[4] ? dense(inputs[4]) : undefined;
  const [xPart, itPart, gapPart, lipPart] = parts as unknown as readonly [{ offset: number }, { offset: number }, { offset: number }, { offset: number }];
  const gz = new Float64Array(k);
  // Problem p's G and c: views of the inputs, or gathered through its columns (−1: a zero row and column).
  const local = colT ? new Float64Array(k * k) : undefined;
  const cLocal = new Float64Array(k);
  for (let p = begin; p < end; p++) {
    let g: TypedArray = gT.storage;
    let gAt = gT.offset + p * k * k;
    const cAt = cT.offset + p * k;
    for (let j = 0; j < k; j++) cLocal[j] = cT.storage[cAt + j]!;
    if (colT && local) {
      const cols = colT.storage;
      const at = colT.offset + p * k;
      for (let i = 0; i < k; i++) {
        const ci = cols[at + i]!;
        if (ci < 0) {
          local.fill(0, i * k, (i + 1) * k);
          cLocal[i] = 0;
          continue;
        }
        const row = gT.offset + ci * n;
        for (let j = 0; j < k; j++) {
          const cj = cols[at + j]!;
          local[i * k + j] = cj < 0 ? 0 : gT.storage[row + cj]!;
        }
      }
      g = local;
      gAt = 0;
    }
    const lambda = pT.storage[pT.offset + 3 * p]!;
    const yy = pT.storage[pT.offset + 3 * p + 1]!;
    const target = pT.storage[pT.offset + 3 * p + 2]!;
    let x: Float64Array = new Float64Array(k);
    if (xT) for (let j = 0; j < k; j++) x[j] = xT.storage[xT.offset + p * k + j]!;
    if (colT) for (let j = 0; j < k; j++) if (colT.storage[colT.offset + p * k + j]! < 0) x[j] = 0;
    // L = 1.01·λ_max(G) by Lanczos.
    let top = 0;
    if (k > 0) {
      const lanczos = new Lanczos(k, Math.min(k, LANCZOS_STEPS), LANCZOS_RTOL);
      for (let q: Float64Array | undefined = lanczos.start(); q; ) {
        const w = new Float64Array(k);
        product(g, gAt, k, q, w);
        q = lanczos.next(w);
      }
      top = lanczos.estimate;
    }
    let iterations = 0;
    let gap: number;
    let lipschitz = 0;
    if (!(top > 0)) {
      // No positive eigenvalue (G = 0, or not finite): x = 0, no iteration.
      x.fill(0);
      product(g, gAt, k, x, gz);
      gap = Number.isFinite(top) ? gapAt(x, gz, cLocal, 0, k, yy, lambda).gap : NaN;
    } else {
      lipschitz = 1.01 * top;
      const r = fista(g, gAt, cLocal, 0, k, yy, lambda, lipschitz, x, target, maxIter, gz);
      x = r.x;
      iterations = r.iterations;
      gap = r.gap;
    }
    const xAt = xPart.offset + p * k;
    for (let j = 0; j < k; j++) out[xAt + j] = x[j]!;
    out[itPart.offset + p] = iterations;
    out[gapPart.offset + p] = gap;
    out[lipPart.offset + p] = lipschitz;
  }
  for (const [d, t] of [[gT, inputs[0]], [cT, inputs[1]], [pT, inputs[2]], [xT, inputs[3]], [colT, inputs[4]]] as const) {
    if (d && d !== t) d.dispose();
  }
}

/** FISTA with adaptive restart on one problem, from x (copied); stops when the gap at x ≤ target. */
function fista(g: TypedArray, gAt: number, c: TypedArray, cAt: number, k: number, yy: number, lambda: number, lipschitz: number,
  x0: Float64Array, target: number, maxIter: number, gz: Float64Array): { x: Float64Array; iterations: number; gap: number } {
  const step = 1 / lipschitz;
  const threshold = lambda * step;
  let x: Float64Array = Float64Array.from(x0);
  let next: Float64Array = new Float64Array(k);
  const z = Float64Array.from(x0);
  let t = 1;
  let zIsX = true;
  let start = NaN;
  for (let it = 1; it <= maxIter; it++) {
    product(g, gAt, k, z, gz);
    const at = gapAt(z, gz, c, cAt, k, yy, lambda);
    let finite = Number.isFinite(at.objective);
    for (let j = 0; j < k && finite; j++) if (!Number.isFinite(gz[j]!)) finite = false;
    if (!finite) return { x, iterations: it, gap: NaN };
    if (Number.isNaN(start)) start = Math.max(at.objective, 0.5 * yy, 1e-300);
    if (at.objective > 1e6 * start) return { x, iterations: it, gap: NaN };
    if (zIsX && at.gap <= target) return { x, iterations: it, gap: at.gap };
    let uphill = 0;
    for (let j = 0; j < k; j++) {
      const u = z[j]! - step * (gz[j]! - c[cAt + j]!);
      const v = u > threshold ? u - threshold : u < -threshold ? u + threshold : 0;
      next[j] = v;
      uphill += (z[j]! - v) * (v - x[j]!);
    }
    const tn = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    let beta = (t - 1) / tn;
    t = tn;
    if (uphill > 0) {
      t = 1;
      beta = 0;
    }
    [x, next] = [next, x];
    zIsX = beta === 0;
    for (let j = 0; j < k; j++) z[j] = x[j]! + beta * (x[j]! - next[j]!);
    if (at.gap <= target && !zIsX) {
      // The extrapolated point is good enough: restart from x so that the next test is at x itself.
      z.set(x);
      t = 1;
      zIsX = true;
    }
  }
  // maxIter reached: the gap at the returned x (one more product).
  product(g, gAt, k, x, gz);
  return { x, iterations: maxIter, gap: gapAt(x, gz, c, cAt, k, yy, lambda).gap };
}
