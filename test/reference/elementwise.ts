/**
 * Reference elementwise ops: the unary functions; add, sub, mul, div, pow, maximum, minimum, mod
 * and the comparisons with numpy broadcasting. erf is computed by 10-point Gauss–Legendre
 * quadrature of 2/√π·e^(−t²) (over [0, x] for |x| ≤ 1, over [|x|, |x| + 9] for erfc beyond), a
 * method shared with no kernel.
 * `int32: true` wraps every result to a signed 32-bit integer (two's complement, as C does),
 * computed exactly with BigInt so that products beyond 2^53 wrap correctly.
 */
import { broadcastOffset, broadcastShape, sizeOf, unravel, type Ref } from './nd.js';

export type UnaryFn =
  | 'relu' | 'sigmoid' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'abs' | 'neg' | 'sign' | 'square'
  | 'tanh' | 'sin' | 'cos' | 'erf' | 'gelu' | 'softplus' | 'leakyRelu' | 'clip';
export type BinaryFn =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'mod'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

// Gauss–Legendre nodes and weights on [−1, 1], 10 points (the positive half).
const GL_X = [0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL_W = [0.2955242247147529, 0.2692667193099963, 0.2190863625159820, 0.1494513491505806, 0.0666713443086881];

/** ∫ 2/√π·e^(−t²) dt over [a, b] by composite 10-point Gauss–Legendre on `parts` panels. */
function gaussIntegral(a: number, b: number, parts: number): number {
  const h = (b - a) / parts;
  let s = 0;
  for (let p = 0; p < parts; p++) {
    const mid = a + (p + 0.5) * h;
    for (let k = 0; k < 5; k++) {
      const d = (GL_X[k]! * h) / 2;
      s += GL_W[k]! * (Math.exp(-(mid - d) * (mid - d)) + Math.exp(-(mid + d) * (mid + d)));
    }
  }
  return (s * h) / 2 / Math.sqrt(Math.PI) * 2;
}

/** erfc(x) = 1 − erf(x), accurate in the upper tail. */
export function refErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 1) return 1 - refErf(x);
  if (x > 27) return 0;
  return gaussIntegral(x, x + 9, 360);
}

export function refErf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) <= 1) return gaussIntegral(0, x, 8);
  const r = 1 - refErfc(Math.abs(x));
  return x < 0 ? -r : r;
}

export interface UnaryScalars {
  alpha?: number;
  min?: number;
  max?: number;
}

/** One unary function of one value (float64; `int32` wraps the results that can overflow). */
export function refUnaryValue(fn: UnaryFn, v: number, s: UnaryScalars = {}, int32 = false): number {
  switch (fn) {
    case 'relu': return v < 0 ? 0 : v; // NaN stays NaN (numpy.maximum(x, 0))
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'exp': return Math.exp(v);
    case 'log': return Math.log(v);
    case 'log1p': return Math.log1p(v);
    case 'expm1': return Math.expm1(v);
    case 'sqrt': return Math.sqrt(v);
    case 'rsqrt': return 1 / Math.sqrt(v);
    case 'abs': return int32 ? wrap32(BigInt(Math.abs(v))) : Math.abs(v);
    case 'neg': return int32 ? wrap32(-BigInt(v)) : -v;
    case 'sign': return v > 0 ? 1 : v < 0 ? -1 : v;
    case 'square': return int32 ? wrap32(BigInt(v) * BigInt(v)) : v * v;
    case 'tanh': return Math.tanh(v);
    case 'sin': return Math.sin(v);
    case 'cos': return Math.cos(v);
    case 'erf': return refErf(v);
    case 'gelu': return v === -Infinity ? -0 : 0.5 * v * refErfc(-v / Math.SQRT2); // the limit at −∞
    case 'softplus': return v > 30 ? v + Math.exp(-v) : Math.log(1 + Math.exp(v)) || Math.exp(v);
    case 'leakyRelu': return v < 0 ? (s.alpha ?? 0.01) * v : v;
    case 'clip': return Number.isNaN(v) ? v : Math.min(Math.max(v, s.min ?? -Infinity), s.max ?? Infinity);
  }
}

/** Two's-complement wrap of an integer to 32 bits. */
export function wrap32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

export function refUnary(fn: UnaryFn, x: Ref, scalars: UnaryScalars = {}, int32 = false): Ref {
  return { data: x.data.map((v) => refUnaryValue(fn, v, scalars, int32)), shape: [...x.shape] };
}

/** numpy.mod: the remainder with the divisor's sign (Python's %); int32 x mod 0 is 0. */
function refMod(p: number, q: number, int32: boolean): number {
  if (int32) {
    if (q === 0) return 0;
    const r = Number(BigInt(p) - BigInt(q) * BigInt(Math.floor(p / q)));
    return wrap32(BigInt(r));
  }
  if (q === 0 || !Number.isFinite(p) || Number.isNaN(q)) return NaN;
  if (!Number.isFinite(q)) return p === 0 || p < 0 === q < 0 ? p : q;
  // The exact IEEE fmod (JavaScript's %), then moved into the divisor's sign.
  const r = p % q;
  if (r === 0) return q < 0 ? -0 : 0;
  return r < 0 !== q < 0 ? r + q : r;
}

function apply(fn: BinaryFn, p: number, q: number, int32: boolean): number {
  if (int32) {
    const [bp, bq] = [BigInt(p), BigInt(q)];
    if (fn === 'add') return wrap32(bp + bq);
    if (fn === 'sub') return wrap32(bp - bq);
    if (fn === 'mul') return wrap32(bp * bq);
    if (fn === 'div' || fn === 'pow') throw new Error(`reference: int32 ${fn} is not defined`);
  }
  switch (fn) {
    case 'add': return p + q;
    case 'sub': return p - q;
    case 'mul': return p * q;
    case 'div': return p / q;
    case 'pow': return p === 1 || (p === -1 && !Number.isFinite(q) && !Number.isNaN(q)) ? 1 : p ** q;
    case 'maximum': return Number.isNaN(p) || Number.isNaN(q) ? NaN : p > q ? p : q;
    case 'minimum': return Number.isNaN(p) || Number.isNaN(q) ? NaN : p < q ? p : q;
    case 'mod': return refMod(p, q, int32);
    case 'equal': return p === q ? 1 : 0;
    case 'notEqual': return p !== q ? 1 : 0;
    case 'less': return p < q ? 1 : 0;
    case 'lessEqual': return p <= q ? 1 : 0;
    case 'greater': return p > q ? 1 : 0;
    case 'greaterEqual': return p >= q ? 1 : 0;
  }
}

export function refBinary(fn: BinaryFn, a: Ref, b: Ref, int32 = false): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const data = new Float64Array(sizeOf(shape));
  for (let f = 0; f < data.length; f++) {
    const idx = unravel(f, shape);
    data[f] = apply(fn, a.data[broadcastOffset(idx, a.shape)]!, b.data[broadcastOffset(idx, b.shape)]!, int32);
  }
  return { data, shape };
}
