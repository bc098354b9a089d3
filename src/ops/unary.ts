/**
 * Elementwise unary functions. Float dtypes run every function; int32 runs relu, abs, neg, sign,
 * square and clip (int32 abs, neg and square wrap at 32 bits like C and numpy: abs(−2³¹) = −2³¹);
 * the others on int32 are a DTypeError (numpy would change the dtype to float64, and
 * lepton-compute never changes one silently). NaN goes through every function as NaN.
 * gelu is the exact form x·Φ(x) = x/2·(1 + erf(x/√2)) (PyTorch's default), not the tanh
 * approximation (tfjs's and jax's default); gelu(−∞) is its limit −0.
 */
import { dispatch } from '../dispatch.js';
import { type UnaryFn, INT_UNARY_FNS, type UnaryPlan, type OpOptions } from '../plans.js';
import { InvalidArgumentError } from '../errors.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectTensor } from './checks.js';

export { UNARY_FNS, type UnaryFn, INT_UNARY_FNS, type UnaryPlan } from '../plans.js';





export interface LeakyReluOptions extends OpOptions {
  /** The slope for x < 0; default 0.01 (PyTorch's and jax's default; tfjs uses 0.2). */
  alpha?: number;
}

export interface ClipOptions extends OpOptions {
  /** The lower bound (default −Infinity). */
  min?: number;
  /** The upper bound (default Infinity). */
  max?: number;
}

type Scalars = { alpha?: number; min?: number; max?: number };

export function planUnary(fn: UnaryFn, xIn: unknown, options?: OpOptions & Scalars): UnaryPlan {
  const x = expectTensor(fn, 'x', xIn);
  options = checkOptions<OpOptions & Scalars>(fn, options, fn === 'leakyRelu' ? ['alpha'] : fn === 'clip' ? ['min', 'max'] : []);
  if (!INT_UNARY_FNS.includes(fn)) expectFloat(fn, 'x', x);
  let alpha = 0;
  let min = -Infinity;
  let max = Infinity;
  if (fn === 'leakyRelu') {
    alpha = options?.alpha === undefined ? 0.01 : finite(fn, 'alpha', options.alpha);
  } else if (fn === 'clip') {
    const int = x.dtype === 'int32';
    if (options?.min !== undefined) min = bound(fn, 'min', options.min, int);
    if (options?.max !== undefined) max = bound(fn, 'max', options.max, int);
    if (min > max) {
      throw new InvalidArgumentError(fn, `min must not exceed max; received min ${min}, max ${max}`, 'Swap the bounds');
    }
  }
  return Object.freeze({ fn, dtype: x.dtype, outShape: x.shape, alpha, min, max });
}

function finite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(op, `${name} must be a finite number; received ${describe(v)}`);
  }
  return v;
}

function bound(op: string, name: string, v: unknown, int: boolean): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new InvalidArgumentError(op, `${name} must be a number (not NaN); received ${describe(v)}`);
  }
  if (int && Number.isFinite(v) && (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1)) {
    throw new InvalidArgumentError(op, `${name} must be an int32 integer to clip an int32 tensor; received ${v}`,
      'Round the bound, or convert x to a float dtype');
  }
  return v;
}

/** The options are read once (planUnary makes the record) and the record goes on to dispatch. */
const run = (fn: UnaryFn, x: Tensor, options?: OpOptions & Scalars): Tensor => {
  const o = options === undefined ? undefined : checkOptions<OpOptions & Scalars>(fn, options, fn === 'leakyRelu' ? ['alpha'] : fn === 'clip' ? ['min', 'max'] : []);
  return dispatch('unary', planUnary(fn, x, o), [x], o, fn);
};

/** max(x, 0), elementwise (float or int32; NaN stays NaN). */
export function relu(x: Tensor, options?: OpOptions): Tensor {
  return run('relu', x, options);
}

/** 1 / (1 + e^(−x)), elementwise. */
export function sigmoid(x: Tensor, options?: OpOptions): Tensor {
  return run('sigmoid', x, options);
}

/** eˣ, elementwise (float dtypes). */
export function exp(x: Tensor, options?: OpOptions): Tensor {
  return run('exp', x, options);
}

/** The natural logarithm, elementwise: log(0) = −Infinity, log(x < 0) = NaN (float dtypes). */
export function log(x: Tensor, options?: OpOptions): Tensor {
  return run('log', x, options);
}

/** log(1 + x), accurate for small x (float dtypes). */
export function log1p(x: Tensor, options?: OpOptions): Tensor {
  return run('log1p', x, options);
}

/** eˣ − 1, accurate for small x (float dtypes). */
export function expm1(x: Tensor, options?: OpOptions): Tensor {
  return run('expm1', x, options);
}

/** √x, elementwise; NaN for x < 0 (float dtypes). */
export function sqrt(x: Tensor, options?: OpOptions): Tensor {
  return run('sqrt', x, options);
}

/** 1/√x, elementwise; Infinity at 0 (float dtypes). */
export function rsqrt(x: Tensor, options?: OpOptions): Tensor {
  return run('rsqrt', x, options);
}

/** |x|, elementwise (float or int32; int32 abs(−2³¹) wraps to −2³¹ as in numpy). */
export function abs(x: Tensor, options?: OpOptions): Tensor {
  return run('abs', x, options);
}

/** −x, elementwise (float or int32, wrapping). */
export function neg(x: Tensor, options?: OpOptions): Tensor {
  return run('neg', x, options);
}

/** −1, 0 or 1 by the sign of x (±0 stays ±0 and NaN stays NaN for floats); float or int32. */
export function sign(x: Tensor, options?: OpOptions): Tensor {
  return run('sign', x, options);
}

/** x², elementwise (float or int32, wrapping). */
export function square(x: Tensor, options?: OpOptions): Tensor {
  return run('square', x, options);
}

/** The hyperbolic tangent, elementwise (float dtypes). */
export function tanh(x: Tensor, options?: OpOptions): Tensor {
  return run('tanh', x, options);
}

/** sin x, elementwise (float dtypes). */
export function sin(x: Tensor, options?: OpOptions): Tensor {
  return run('sin', x, options);
}

/** cos x, elementwise (float dtypes). */
export function cos(x: Tensor, options?: OpOptions): Tensor {
  return run('cos', x, options);
}

/** The error function 2/√π ∫₀ˣ e^(−t²) dt, elementwise (float dtypes). */
export function erf(x: Tensor, options?: OpOptions): Tensor {
  return run('erf', x, options);
}

/**
 * GELU in its exact form x/2·(1 + erf(x/√2)), as PyTorch's default (`approximate='none'`); tfjs
 * and jax default to the tanh approximation, which differs by up to about 5e-4 (float dtypes).
 */
export function gelu(x: Tensor, options?: OpOptions): Tensor {
  return run('gelu', x, options);
}

/** log(1 + eˣ), computed stably as max(x, 0) + log1p(e^(−|x|)) (float dtypes). */
export function softplus(x: Tensor, options?: OpOptions): Tensor {
  return run('softplus', x, options);
}

/**
 * x for x ≥ 0, alpha·x for x < 0 (float dtypes; alpha finite, default 0.01).
 * @throws InvalidArgumentError when alpha is not a finite number.
 */
export function leakyRelu(x: Tensor, options?: LeakyReluOptions): Tensor {
  return run('leakyRelu', x, options);
}

/**
 * min(max(x, min), max), elementwise; NaN stays NaN (numpy.clip). Float or int32 (int32 bounds
 * must be integers).
 * @throws InvalidArgumentError when a bound is NaN, min > max, or an int32 bound is not an integer.
 */
export function clip(x: Tensor, options?: ClipOptions): Tensor {
  return run('clip', x, options);
}
