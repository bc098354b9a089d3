/**
 * js unary functions, elementwise over a row-major input (one loop per function, so each stays
 * monomorphic). int32 results wrap at 32 bits (`| 0`, Math.imul). erf has no Math builtin: below
 * |x| = 1 it sums the all-positive series erf(x) = 2/√π·e^(−x²)·Σ (2x²)ⁿ·x / (1·3·…·(2n+1)); from
 * 1 it takes 1 − erfc(x), erfc by Lentz's continued fraction (≤ ~190 terms); both within a few
 * float64 ulp. gelu uses erfc so that its far negative tail keeps its relative accuracy.
 */
import type { TypedArray } from '../dtype.js';
import type { UnaryPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';


const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;
const SQRT1_2 = Math.SQRT1_2;

/** erf(x) for |x| < 1 (or any x, less accurately beyond 3): the positive-term series. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let t = x;
  let s = x;
  for (let n = 1; n < 200; n++) {
    t *= (2 * x2) / (2 * n + 1);
    s += t;
    if (Math.abs(t) <= Math.abs(s) * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * s;
}

/** erfc(x) for x ≥ 1: e^(−x²)/√π / K(x), K(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))) by modified Lentz. */
function erfcFraction(x: number): number {
  if (x > 27) return 0;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 400; n++) {
    const a = n / 2;
    d = x + a * d;
    c = x + a / c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 2e-16) break;
  }
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

/** The error function in float64 (a few ulp). */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a < 1) return erfSeries(x);
  const r = 1 - erfcFraction(a);
  return x < 0 ? -r : r;
}

/** The complementary error function 1 − erf(x) in float64, accurate in both tails. */
export function erfc64(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 1) return 1 - erf64(x);
  return erfcFraction(x);
}

/** Exact GELU: x·Φ(x) = x/2·erfc(−x/√2); gelu(−∞) is its limit −0 (not −∞·0 = NaN). */
export function gelu64(x: number): number {
  if (x === -Infinity) return -0;
  return 0.5 * x * erfc64(-x * SQRT1_2);
}

/** log(1 + eˣ) without overflow: max(x, 0) + log1p(e^(−|x|)). */
export function softplus64(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

type Loop = (plan: UnaryPlan, xs: TypedArray, o: number, out: TypedArray, begin: number, end: number) => void;

const map =
  (f: (v: number) => number): Loop =>
  (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) out[i] = f(xs[o + i]!);
  };

const FLOAT: Record<UnaryPlan['fn'], Loop> = {
  // The hot ones as loops of their own: `map`'s shared loop calls its function through one call
  // site for every function, which V8 cannot inline (measured: relu of 64 Ki float32, 700 µs
  // through map, ~60 µs as a loop).
  // Keeps NaN, as numpy's maximum(x, 0) does.
  relu: (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) {
      const v = xs[o + i]!;
      out[i] = v < 0 ? 0 : v;
    }
  },
  sigmoid: (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) out[i] = 1 / (1 + Math.exp(-xs[o + i]!));
  },
  exp: (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) out[i] = Math.exp(xs[o + i]!);
  },
  log: map(Math.log),
  log1p: map(Math.log1p),
  expm1: map(Math.expm1),
  sqrt: map(Math.sqrt),
  rsqrt: map((v) => 1 / Math.sqrt(v)),
  abs: map(Math.abs),
  neg: (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) out[i] = -xs[o + i]!;
  },
  sign: map(Math.sign),
  square: (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) {
      const v = xs[o + i]!;
      out[i] = v * v;
    }
  },
  tanh: map(Math.tanh),
  sin: map(Math.sin),
  cos: map(Math.cos),
  erf: map(erf64),
  gelu: map(gelu64),
  softplus: map(softplus64),
  leakyRelu: (plan, xs, o, out, begin, end) => {
    const alpha = plan.alpha;
    for (let i = begin; i < end; i++) {
      const v = xs[o + i]!;
      out[i] = v < 0 ? alpha * v : v;
    }
  },
  clip: (plan, xs, o, out, begin, end) => {
    const lo = plan.min;
    const hi = plan.max;
    for (let i = begin; i < end; i++) {
      const v = xs[o + i]!;
      // NaN fails both tests and stays NaN (numpy.clip).
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
  },
};

// int32: stores into an Int32Array wrap modulo 2^32, so −(−2^31) and |−2^31| come back as −2^31.
const INT: Partial<Record<UnaryPlan['fn'], Loop>> = {
  relu: FLOAT.relu,
  abs: FLOAT.abs,
  neg: FLOAT.neg,
  sign: FLOAT.sign,
  square: (_plan, xs, o, out, begin, end) => {
    for (let i = begin; i < end; i++) out[i] = Math.imul(xs[o + i]!, xs[o + i]!);
  },
  clip: FLOAT.clip,
};

/** out[i] = f(x[i]) for row-major positions i in [begin, end); x must be contiguous. */
export function unaryRange(plan: UnaryPlan, [x]: readonly [Tensor], out: TypedArray, begin: number, end: number): void {
  const loop = plan.dtype === 'int32' ? INT[plan.fn]! : FLOAT[plan.fn];
  loop(plan, x.storage, x.offset, out, begin, end);
}
