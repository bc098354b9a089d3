/**
 * FISTA (Beck & Teboulle 2009) for the lasso, min_x ½‖Ax − y‖² + λ‖x‖₁, with adaptive restart
 * (O'Donoghue & Candès 2015, gradient scheme) and stopping on the relative change of x.
 *
 * The loop is built from the library's public ops (matmul through the operator, sub, mul, add,
 * relu), so it runs on the backend of its inputs (or the one named by `backend`), and every
 * intermediate is disposed inside the loop. Soft-thresholding is S_t(u) = relu(u − t) − relu(−u − t).
 * Only a few scalars per signal are read back, every `checkEvery` iterations; `signal` (an
 * AbortSignal, as for every op) cancels the run between iterations. The step 1/L uses
 * L ≈ ‖A‖² from a power iteration on AᵀA (times a 1.05 safety margin), never a fixed default.
 * Cost per iteration: one forward and one adjoint, plus ~10 elementwise ops of size n·signals.
 */
import { tensor, randn } from '../creation.js';
import type { OpOptions } from '../dispatch.js';
import { InvalidArgumentError } from '../errors.js';
import { add, mul, sub } from '../ops/binary.js';
import { relu } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { zeros } from '../creation.js';
import { describe, type Tensor } from '../tensor.js';
import {
  expectFunction,
  expectLikeSolution,
  expectMeasurements,
  expectNumber,
  expectOperand,
  expectOptionsObject,
} from './checks.js';
import type { LinearOperator } from './operators.js';

/** What `onIteration` is told every `checkEvery` iterations. */
export interface FistaProgress {
  iteration: number;
  /** max over signals of ‖x_k − x_{k−1}‖ / ‖x_k‖. */
  relativeChange: number;
  /** max over signals of ‖x_k − reference‖ / ‖reference‖, when `reference` was given. */
  error?: number;
}

export interface FistaOptions extends OpOptions {
  /** The ℓ1 weight λ > 0 of ½‖Ax − y‖² + λ‖x‖₁. Required: λ ≥ ‖Aᵀy‖∞ gives x = 0; 1e-3·‖Aᵀy‖∞ is a common start. */
  lambda: number;
  /** Iteration limit (default 1000). */
  maxIter?: number;
  /** Stop when the relative change of every signal falls below tol (default 1e-6). */
  tol?: number;
  /** Starting point, shaped like x (default 0). */
  x0?: Tensor;
  /** The true signal, shaped like x: `onIteration` then reports the relative error. */
  reference?: Tensor;
  /** Called every `checkEvery` iterations; return false to stop (reason 'callback'). */
  onIteration?: (progress: FistaProgress) => boolean | void | Promise<boolean | void>;
  /** Read back the stopping and restart scalars every this many iterations (default 5). */
  checkEvery?: number;
  /** L ≥ ‖A‖², when known (skips the power iteration; e.g. 1 for a partial DCT). */
  lipschitz?: number;
}

export interface FistaResult {
  /** [n] or [n, signals]. */
  x: Tensor;
  iterations: number;
  /** max over signals of ‖Ax − y‖ / ‖y‖. */
  residual: number;
  /** ‖Ax − y‖ / ‖y‖ per signal. */
  residuals: number[];
  /** True when the relative change fell below tol. */
  converged: boolean;
  reason: 'tolerance' | 'maxIter' | 'callback';
  /** The L used for the step 1/L. */
  lipschitz: number;
}

/** Per-column sums of squares (or sums of products) of [n] or [n, s] tensors, read back. */
async function columnDots(a: Tensor, b: Tensor, options: OpOptions): Promise<Float64Array> {
  const p = await mul(a, b, options);
  const s = await sum(p, { axis: 0, backend: options.backend });
  p.dispose();
  const out = Float64Array.from(await s.data());
  s.dispose();
  return out;
}

/**
 * An estimate of ‖A‖² (the largest eigenvalue of AᵀA) by power iteration from a fixed random
 * start, to a relative change of 1e-4 or 100 steps. The estimate never exceeds the true value.
 * @example
 * const L = await cs.normEstimate(cs.gaussian(64, 256, { seed: 1 }));
 */
export async function normEstimate(aIn: LinearOperator | Tensor, options: OpOptions = {}): Promise<number> {
  const op = 'cs.normEstimate';
  expectOptionsObject(op, options);
  const a = expectOperand(op, aIn);
  return powerIteration(a, options);
}

async function powerIteration(a: LinearOperator, options: OpOptions): Promise<number> {
  const n = a.shape[1];
  const o = { backend: options.backend };
  let v = randn([n], { seed: 0x5eed, dtype: a.dtype });
  let norm = Math.sqrt((await columnDots(v, v, o))[0]!);
  let scaled = await scaleBy(v, 1 / norm, o);
  v.dispose();
  v = scaled;
  let estimate = 0;
  for (let it = 0; it < 100; it++) {
    const av = await a.forward(v, o);
    const w = await a.adjoint(av, o);
    av.dispose();
    norm = Math.sqrt((await columnDots(w, w, o))[0]!);
    v.dispose();
    if (!(norm > 0)) {
      w.dispose();
      return 0;
    }
    scaled = await scaleBy(w, 1 / norm, o);
    w.dispose();
    v = scaled;
    const previous = estimate;
    estimate = norm;
    if (it > 2 && Math.abs(estimate - previous) <= 1e-4 * estimate) break;
  }
  v.dispose();
  return estimate;
}

/**
 * Sparse recovery by FISTA: x̂ = argmin ½‖Ax − y‖² + λ‖x‖₁ for one signal (y [m]) or many at
 * once (y [m, signals]; each column gets its own momentum and restart). A is a matrix or any
 * cs operator. The loop runs on the backend of its inputs (or `backend`).
 * @throws INVALID_ARGUMENT for a missing or non-positive λ, bad options or operands.
 * @throws SHAPE_MISMATCH / DTYPE_MISMATCH when y, x0 or signal do not fit A.
 * @example
 * const A = cs.gaussian(128, 256, { seed: 1 });
 * const { x, converged } = await cs.fista(A, y, { lambda: 1e-3, maxIter: 2000 });
 * console.log(await cs.relativeError(xTrue, x));
 */
export async function fista(aIn: LinearOperator | Tensor, yIn: Tensor, options: FistaOptions): Promise<FistaResult> {
  const op = 'cs.fista';
  const o = expectOptionsObject(op, options);
  const a = expectOperand(op, aIn);
  const { y, signals } = expectMeasurements(op, a, yIn);
  if (o.lambda === undefined) {
    throw new InvalidArgumentError(op, 'lambda is required; received undefined',
      'Pass e.g. { lambda: 1e-3 * max|Aᵀy| }: λ ≥ max|Aᵀy| gives x = 0, smaller λ fits y more closely');
  }
  const lambda = expectNumber(op, 'lambda', o.lambda, 0, true);
  const maxIter = o.maxIter === undefined ? 1000 : positiveInt(op, 'maxIter', o.maxIter);
  const tol = o.tol === undefined ? 1e-6 : expectNumber(op, 'tol', o.tol, 0, false);
  const checkEvery = o.checkEvery === undefined ? 5 : positiveInt(op, 'checkEvery', o.checkEvery);
  const x0 = o.x0 === undefined ? undefined : expectLikeSolution(op, 'x0', o.x0, a, y);
  const reference = o.reference === undefined ? undefined : expectLikeSolution(op, 'reference', o.reference, a, y);
  const onIteration = expectFunction(op, 'onIteration', o.onIteration) as FistaOptions['onIteration'];
  const given = o.lipschitz === undefined ? undefined : expectNumber(op, 'lipschitz', o.lipschitz, 0, true);

  const ops: OpOptions = { backend: options.backend, signal: options.signal };
  const dtype = a.dtype;
  const n = a.shape[1];
  const scalar = (v: number) => tensor(v, [], { dtype });
  const lipschitz = given ?? 1.05 * (await powerIteration(a, ops));
  const xShape = y.rank === 1 ? [n] : [n, signals];
  if (!(lipschitz > 0)) {
    // A = 0: every x fits equally; the minimiser of λ‖x‖₁ is 0.
    return finish(a, y, zeros(xShape, { dtype }), 0, true, 'tolerance', lipschitz, ops);
  }
  const step = scalar(1 / lipschitz);
  const threshold = scalar(lambda / lipschitz);
  const negThreshold = scalar(-lambda / lipschitz);
  const referenceNorms = reference ? (await columnDots(reference, reference, ops)).map(Math.sqrt) : undefined;

  let x = x0 ? await scaleBy(x0, 1, ops) : zeros(xShape, { dtype });
  let z = await scaleBy(x, 1, ops);
  const t = new Float64Array(signals).fill(1);
  let iterations = 0;
  let reason: FistaResult['reason'] = 'maxIter';
  let converged = false;
  for (let it = 1; it <= maxIter; it++) {
    iterations = it;
    options.signal?.throwIfAborted();
    // u = z − (1/L)·Aᵀ(Az − y)
    const az = await a.forward(z, ops);
    const r = await sub(az, y, ops);
    az.dispose();
    const g = await a.adjoint(r, ops);
    r.dispose();
    const gs = await mul(g, step, ops);
    g.dispose();
    const u = await sub(z, gs, ops);
    gs.dispose();
    // x⁺ = S_t(u) = relu(u − t) − relu(−t − u)
    const up = await sub(u, threshold, ops);
    const pos = await relu(up, ops);
    up.dispose();
    const un = await sub(negThreshold, u, ops);
    u.dispose();
    const neg = await relu(un, ops);
    un.dispose();
    const xNext = await sub(pos, neg, ops);
    pos.dispose();
    neg.dispose();
    const d = await sub(xNext, x, ops);

    // Momentum per signal: t⁺ = (1 + √(1 + 4t²))/2, β = (t − 1)/t⁺.
    const beta = new Float64Array(signals);
    for (let c = 0; c < signals; c++) {
      const tn = (1 + Math.sqrt(1 + 4 * t[c]! * t[c]!)) / 2;
      beta[c] = (t[c]! - 1) / tn;
      t[c] = tn;
    }
    let stop = false;
    if (it % checkEvery === 0 || it === maxIter) {
      const dd = await columnDots(d, d, ops);
      const xx = await columnDots(xNext, xNext, ops);
      // Gradient restart: (z − x⁺)·(x⁺ − x) > 0 means the momentum points uphill.
      const zx = await sub(z, xNext, ops);
      const uphill = await columnDots(zx, d, ops);
      zx.dispose();
      let change = 0;
      for (let c = 0; c < signals; c++) {
        const rel = xx[c]! > 0 ? Math.sqrt(dd[c]! / xx[c]!) : dd[c]! > 0 ? Infinity : 0;
        change = Math.max(change, rel);
        if (uphill[c]! > 0) {
          t[c] = 1;
          beta[c] = 0;
        }
      }
      if (change <= tol) {
        converged = true;
        reason = 'tolerance';
        stop = true;
      }
      if (onIteration) {
        const progress: FistaProgress = { iteration: it, relativeChange: change };
        if (reference && referenceNorms) {
          const e = await sub(xNext, reference, ops);
          const ee = await columnDots(e, e, ops);
          e.dispose();
          progress.error = Math.max(...Array.from(ee, (v, c) => Math.sqrt(v) / (referenceNorms[c]! || 1)));
        }
        if ((await onIteration(progress)) === false && !stop) {
          reason = 'callback';
          stop = true;
        }
      }
    }
    z.dispose();
    x.dispose();
    x = xNext;
    if (stop || it === maxIter) {
      d.dispose();
      break;
    }
    // z = x⁺ + β·(x⁺ − x)
    const betaT = signals === 1 && y.rank === 1 ? scalar(beta[0]!) : tensor(Float64Array.from(beta), [signals], { dtype });
    const md = await mul(d, betaT, ops);
    betaT.dispose();
    d.dispose();
    z = await add(x, md, ops);
    md.dispose();
  }
  for (const s of [step, threshold, negThreshold]) s.dispose();
  return finish(a, y, x, iterations, converged, reason, lipschitz, ops);
}

/** s·t as a new tensor (s = 1 copies t), disposing the scalar it uploads. */
async function scaleBy(t: Tensor, s: number, options: OpOptions): Promise<Tensor> {
  const factor = tensor(s, [], { dtype: t.dtype });
  const out = await mul(t, factor, options);
  factor.dispose();
  return out;
}

async function finish(
  a: LinearOperator,
  y: Tensor,
  x: Tensor,
  iterations: number,
  converged: boolean,
  reason: FistaResult['reason'],
  lipschitz: number,
  ops: OpOptions,
): Promise<FistaResult> {
  const ax = await a.forward(x, ops);
  const r = await sub(ax, y, ops);
  ax.dispose();
  const rr = await columnDots(r, r, ops);
  r.dispose();
  const yy = await columnDots(y, y, ops);
  const residuals = Array.from(rr, (v, c) => (yy[c]! > 0 ? Math.sqrt(v / yy[c]!) : Math.sqrt(v)));
  return { x, iterations, residual: Math.max(...residuals), residuals, converged, reason, lipschitz };
}

function positiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, `${name} must be a positive integer; received ${describe(value)}`);
  }
  return value;
}
