/**
 * Reductions over axes (all of them by default), with keepDims:
 * - sum, prod: int32 stays int32 (wrapping at 32 bits); empty → 0 and 1.
 * - mean, variance, std: the int32 ones are float64, as numpy gives them; variance and std take
 *   `ddof` (divisor count − ddof, default 0).
 * - max, min: NaN propagates (numpy.max); an empty reduction has no identity and throws.
 * - argmax, argmin: int32 indices of the first occurrence (NaN counts as the extreme, as numpy);
 *   over one axis, or over all (the index into the flattened tensor), never several.
 * - logSumExp: log Σ eˣ, max-shifted so that large inputs do not overflow; float dtypes; empty → −Infinity.
 * - norm: `ord` 2 (default; 'euclidean' is a synonym), 1 or Infinity as a vector norm of the
 *   reduced elements (tfjs's reading when several or all axes reduce; numpy reads ord 1 / ∞ over
 *   two axes as matrix norms, which are not provided here and throw), or 'fro' over exactly two
 *   axes (or a rank-2 tensor with no axis). int32 → float64.
 */
import { dispatch } from '../dispatch.js';
import { type ReduceFn, type ReducePlan, type OpOptions } from '../plans.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectBoolean, expectFloat, expectTensor } from './checks.js';

export { REDUCE_FNS, type ReduceFn, type ReducePlan } from '../plans.js';



/** A vector norm's order (`'fro'` for the Frobenius norm over two axes). */
export type NormOrd = 1 | 2 | typeof Infinity | 'euclidean' | 'fro';

export interface ReduceOptions extends OpOptions {
  /** One axis or several; negative counts from the end. All axes when absent. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1. */
  keepDims?: boolean;
}

export interface VarianceOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is count − ddof (default 0; 1 gives the sample variance). */
  ddof?: number;
}

export interface NormOptions extends ReduceOptions {
  /** 2 (default), 'euclidean' (= 2), 1, Infinity, or 'fro' (two axes). */
  ord?: NormOrd;
}

export interface ArgReduceOptions extends OpOptions {
  /** One axis (negative counts from the end); absent: the index into the flattened tensor. */
  axis?: number;
  keepDims?: boolean;
}


const FLOAT_RESULT: readonly ReduceFn[] = ['mean', 'variance', 'std', 'norm'];

export function planReduce(fn: ReduceFn, xIn: unknown, options: (VarianceOptions & NormOptions) | ArgReduceOptions = {}): ReducePlan {
  const x = expectTensor(fn, 'x', xIn);
  options = checkOptions<VarianceOptions & NormOptions>(fn, options, ['axis', 'keepDims', ...(fn === 'variance' || fn === 'std' ? ['ddof'] : []), ...(fn === 'norm' ? ['ord'] : [])]);
  const keepDims = options.keepDims === undefined ? false : expectBoolean(fn, 'keepDims', options.keepDims);
  const rank = x.rank;
  const raw = options.axis === undefined ? [...x.shape.keys()] : typeof options.axis === 'number' ? [options.axis] : options.axis;
  if (!Array.isArray(raw) || ((fn === 'argmax' || fn === 'argmin') && typeof options.axis === 'object')) {
    const what = fn === 'argmax' || fn === 'argmin' ? 'an integer (one axis) or absent (the flattened tensor)' : 'an integer or an array of integers';
    throw new InvalidArgumentError(fn, `axis must be ${what}; received ${describe(options.axis)}`);
  }
  const axes = raw.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new InvalidArgumentError(
        fn,
        `axis must be an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor; received ${describe(a)}`,
      );
    }
    return a < 0 ? a + rank : a;
  });
  const unique = [...new Set(axes)].sort((p, q) => p - q);
  if (unique.length !== axes.length) {
    throw new InvalidArgumentError(fn, `axis lists an axis twice; received ${describe(raw)}`);
  }
  const count = unique.reduce((c, a) => c * x.shape[a]!, 1);
  const where = `x is ${formatShape(x.shape)}, reducing axes [${unique.join(',')}]`;
  if (count === 0 && (fn === 'mean' || fn === 'max' || fn === 'min' || fn === 'argmax' || fn === 'argmin' || fn === 'variance' || fn === 'std')) {
    throw new ShapeError(fn, `the ${fn} of an empty axis is undefined; ${where}`,
      'Reduce over non-empty axes, or check the size first');
  }
  if (fn === 'logSumExp') expectFloat(fn, 'x', x);
  let ddof = 0;
  if (fn === 'variance' || fn === 'std') {
    const d = (options as VarianceOptions).ddof;
    if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
      throw new InvalidArgumentError(fn, `ddof must be a non-negative integer; received ${describe(d)}`);
    }
    ddof = d ?? 0;
    if (count - ddof <= 0) {
      throw new ShapeError(fn, `ddof ${ddof} leaves no degrees of freedom: ${count} element(s) per output; ${where}`,
        'Use a smaller ddof or reduce over more elements (numpy returns NaN or Infinity here)');
    }
  }
  let ord = 0;
  if (fn === 'norm') {
    const o = (options as NormOptions).ord ?? 2;
    if (o === 'fro') {
      if (unique.length !== 2) {
        throw new InvalidArgumentError(fn, `ord 'fro' needs exactly two axes; ${where}`,
          "Pass axis: [-2, -1], or use ord 2 for a vector norm");
      }
      ord = 2;
    } else if (o === 2 || o === 'euclidean') {
      ord = 2;
    } else if (o === 1 || o === Infinity) {
      if (options.axis !== undefined && unique.length === 2) {
        throw new InvalidArgumentError(fn, `ord ${o} over two axes would be a matrix norm (numpy), which is not implemented; ${where}`,
          "Use ord 'fro', reduce over one axis, or omit axis for the vector norm of all elements");
      }
      ord = o;
    } else {
      throw new InvalidArgumentError(fn, `ord must be 1, 2, Infinity, 'euclidean' or 'fro'; received ${describe(o)}`);
    }
  }
  const outShape = keepDims
    ? x.shape.map((d, i) => (unique.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !unique.includes(i));
  const dtype: DType =
    fn === 'argmax' || fn === 'argmin' ? 'int32' : FLOAT_RESULT.includes(fn) && x.dtype === 'int32' ? 'float64' : x.dtype;
  return Object.freeze({ fn, dtype, axes: Object.freeze(unique), count, outShape: Object.freeze(outShape), ddof, ord });
}

const run = (fn: ReduceFn, x: Tensor, options: (VarianceOptions & NormOptions) | ArgReduceOptions): Tensor =>
  dispatch('reduce', planReduce(fn, x, options), [x], options, fn);

/** The sum over `axis` (all axes by default). */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return run('sum', x, options);
}

/** The mean over `axis` (all axes by default). */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  return run('mean', x, options);
}

/** The largest element over `axis`; NaN if any is NaN. @throws ShapeError on an empty reduction. */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return run('max', x, options);
}

/** The smallest element over `axis`; NaN if any is NaN. @throws ShapeError on an empty reduction. */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return run('min', x, options);
}

/** The product over `axis` (int32 wraps at 32 bits; empty → 1). */
export function prod(x: Tensor, options: ReduceOptions = {}): Tensor {
  return run('prod', x, options);
}

/** int32 index of the first largest element along `axis` (or into the flattened tensor). */
export function argmax(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return run('argmax', x, options);
}

/** int32 index of the first smallest element along `axis` (or into the flattened tensor). */
export function argmin(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return run('argmin', x, options);
}

/** log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the maximum (float dtypes). */
export function logSumExp(x: Tensor, options: ReduceOptions = {}): Tensor {
  return run('logSumExp', x, options);
}

/** Σ (x − mean)² / (count − ddof) over `axis` (two passes: the mean, then the squares). */
export function variance(x: Tensor, options: VarianceOptions = {}): Tensor {
  return run('variance', x, options);
}

/** √variance over `axis`, with `ddof`. */
export function std(x: Tensor, options: VarianceOptions = {}): Tensor {
  return run('std', x, options);
}

/**
 * The vector norm of the reduced elements (ord 1: Σ|x|, 2: √Σx² (scaled against overflow),
 * Infinity: max |x|), or the Frobenius norm (ord 'fro') over two axes.
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  return run('norm', x, options);
}
