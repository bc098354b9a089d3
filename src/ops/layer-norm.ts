/**
 * layerNorm: y = (x − mean) / √(var + ε) · gamma + beta, with mean and (biased, ÷n) variance over
 * the trailing axes of each element (PyTorch's LayerNorm over its normalized_shape). Float
 * dtypes. The input is seen as [outer, n] with n the product of the normalised dimensions.
 */
import { dispatch } from '../dispatch.js';
import { type LayerNormPlan, type OpOptions } from '../plans.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape, sameShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectSameDtype, expectTensor } from './checks.js';

export { type LayerNormPlan } from '../plans.js';

const LAYER_NORM_OPTIONS = ['axis', 'gamma', 'beta', 'epsilon'];

export interface LayerNormOptions extends OpOptions {
  /**
   * The normalised axes: trailing and consecutive (e.g. −1, or [−2, −1]); default −1. Negative
   * counts from the end.
   */
  axis?: number | readonly number[];
  /** Multiplies the normalised value; the shape of the normalised dimensions (default 1). */
  gamma?: Tensor;
  /** Added last; the shape of the normalised dimensions (default 0). */
  beta?: Tensor;
  /** Added to the variance; default 1e-5 (PyTorch; tfjs's LayerNormalization uses 1e-3). */
  epsilon?: number;
}


export function planLayerNorm(xIn: unknown, options: LayerNormOptions = {}): LayerNormPlan {
  const op = 'layerNorm';
  const x = expectTensor(op, 'x', xIn);
  options = checkOptions<LayerNormOptions>(op, options, LAYER_NORM_OPTIONS);
  const dtype = expectFloat(op, 'x', x);
  const rank = x.rank;
  const raw = options.axis === undefined ? [-1] : typeof options.axis === 'number' ? [options.axis] : options.axis;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new InvalidArgumentError(op, `axis must be an integer or a non-empty array of integers; received ${describe(options.axis)}`);
  }
  const axes = raw.map((a: unknown) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new InvalidArgumentError(op, `axis must be an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor; received ${describe(a)}`);
    }
    return a < 0 ? a + rank : a;
  }).sort((p, q) => p - q);
  const first = rank - axes.length;
  if (!axes.every((a, i) => a === first + i)) {
    throw new InvalidArgumentError(op, `axis must name the trailing axes, each once (e.g. [${rank - 2}, ${rank - 1}]); received ${describe(raw)}`,
      'Transpose x so that the normalised axes come last');
  }
  const normShape = x.shape.slice(first);
  const named: [string, Tensor][] = [['x', x]];
  const gamma = options.gamma === undefined ? undefined : expectTensor(op, 'gamma', options.gamma);
  const beta = options.beta === undefined ? undefined : expectTensor(op, 'beta', options.beta);
  if (gamma) named.push(['gamma', gamma]);
  if (beta) named.push(['beta', beta]);
  expectSameDtype(op, named);
  for (const [name, t] of named.slice(1)) {
    if (!sameShape(t.shape, normShape)) {
      throw new ShapeError(op, `${name} must have the normalised shape ${formatShape(normShape)}; received ${formatShape(t.shape)}`);
    }
  }
  const epsilon = options.epsilon ?? 1e-5;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new InvalidArgumentError(op, `epsilon must be a finite number ≥ 0; received ${describe(epsilon)}`);
  }
  return Object.freeze({
    dtype, outShape: x.shape, outer: x.shape.slice(0, first).reduce((p, d) => p * d, 1),
    n: normShape.reduce((p, d) => p * d, 1), epsilon, hasGamma: gamma !== undefined, hasBeta: beta !== undefined,
  });
}

/**
 * (x − mean) / √(var + ε) · gamma + beta over the trailing `axis` (default −1).
 * @throws DTypeError for int32 or mixed dtypes; ShapeError when gamma or beta do not have the normalised shape.
 * @example
 * const y = await layerNorm(h, { gamma, beta }); // h: [batch, tokens, features], gamma, beta: [features]
 */
export function layerNorm(x: Tensor, options: LayerNormOptions = {}): Tensor {
  const o = checkOptions<LayerNormOptions>('layerNorm', options, LAYER_NORM_OPTIONS);
  const plan = planLayerNorm(x, o);
  return dispatch('layerNorm', plan, [x, o.gamma, o.beta], o, 'layerNorm');
}
