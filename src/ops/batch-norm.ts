/**
 * batchNorm, the inference form: y = (x − mean) / √(variance + ε) · scale + offset, with mean,
 * variance, offset and scale vectors over one channel axis of x (default 1, the C of NCHW as in
 * PyTorch's BatchNorm; 0 for a rank-1 x). Float dtypes; all tensors share x's dtype. The input is
 * seen as [outer, channels, inner] around the axis.
 */
import { dispatch } from '../dispatch.js';
import { type BatchNormPlan, type OpOptions } from '../plans.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectSameDtype, expectTensor } from './checks.js';
import { resolveAxis } from './softmax.js';

export { type BatchNormPlan } from '../plans.js';

const BATCH_NORM_OPTIONS = ['axis', 'offset', 'scale', 'epsilon'];

export interface BatchNormOptions extends OpOptions {
  /** β, added after scaling: a vector of x.shape[axis] (default 0). */
  offset?: Tensor;
  /** γ, multiplying the normalised value: a vector of x.shape[axis] (default 1). */
  scale?: Tensor;
  /** Added to the variance; default 1e-5 (PyTorch; tfjs uses 1e-3). Finite and ≥ 0. */
  epsilon?: number;
  /** The channel axis; default 1 (0 for a rank-1 x). */
  axis?: number;
}


export function planBatchNorm(xIn: unknown, meanIn: unknown, varianceIn: unknown, options: BatchNormOptions = {}): BatchNormPlan {
  const op = 'batchNorm';
  const x = expectTensor(op, 'x', xIn);
  const mean = expectTensor(op, 'mean', meanIn);
  const variance = expectTensor(op, 'variance', varianceIn);
  options = checkOptions<BatchNormOptions>(op, options, BATCH_NORM_OPTIONS);
  const dtype = expectFloat(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(op, 'x must have rank 1 or more; received a scalar (rank 0)');
  const axis = resolveAxis(op, options.axis ?? (x.rank > 1 ? 1 : 0), x.rank);
  const channels = x.shape[axis]!;
  const named: [string, Tensor][] = [['x', x], ['mean', mean], ['variance', variance]];
  const offset = options.offset === undefined ? undefined : expectTensor(op, 'offset', options.offset);
  const scale = options.scale === undefined ? undefined : expectTensor(op, 'scale', options.scale);
  if (offset) named.push(['offset', offset]);
  if (scale) named.push(['scale', scale]);
  expectSameDtype(op, named);
  for (const [name, t] of named.slice(1)) {
    if (t.rank !== 1 || t.shape[0] !== channels) {
      throw new ShapeError(op, `${name} must be a vector of x.shape[${axis}] = ${channels} elements; received ${formatShape(t.shape)}`,
        `Pass one value per channel, or set axis to the channel axis of x ${formatShape(x.shape)}`);
    }
  }
  const epsilon = options.epsilon ?? 1e-5;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new InvalidArgumentError(op, `epsilon must be a finite number ≥ 0; received ${describe(epsilon)}`);
  }
  return Object.freeze({
    dtype, outShape: x.shape, channels, epsilon, hasOffset: offset !== undefined, hasScale: scale !== undefined,
    outer: x.shape.slice(0, axis).reduce((p, d) => p * d, 1), inner: x.shape.slice(axis + 1).reduce((p, d) => p * d, 1),
  });
}

/**
 * (x − mean) / √(variance + ε) · scale + offset, per channel along `axis` (inference form).
 * @throws DTypeError for int32 or mixed dtypes; ShapeError when a vector's length is not x.shape[axis].
 * @example
 * const y = await batchNorm(x, runningMean, runningVar, { scale: gamma, offset: beta }); // x: [N, C, H, W]
 */
export function batchNorm(x: Tensor, mean: Tensor, variance: Tensor, options: BatchNormOptions = {}): Tensor {
  const o = checkOptions<BatchNormOptions>('batchNorm', options, BATCH_NORM_OPTIONS);
  const plan = planBatchNorm(x, mean, variance, o);
  const inputs = [x, mean, variance, o.offset, o.scale] as const;
  return dispatch('batchNorm', plan, inputs, o, 'batchNorm');
}
