/**
 * maxPool2d and avgPool2d: a reduction over 2-D windows of each channel. Padded cells are left out
 * of both (max ignores them; the average divides by the count of real cells, as TensorFlow does).
 */
import { dispatch } from '../dispatch.js';
import { LAYOUTS, type Layout, type OpOptions, type Padding, type Pool2dPlan } from '../plans.js';
import { ShapeError } from '../errors.js';
import { checkElements } from '../limits.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectOneOf, expectPair, expectRank, expectTensor } from './checks.js';
import { windowGeometry } from './conv2d.js';

export type { Pool2dPlan };

export interface Pool2dOptions extends OpOptions {
  /** Window size, a number or [h, w]. Required. */
  kernel: number | readonly [number, number];
  /** Defaults to the kernel size (non-overlapping windows). */
  stride?: number | readonly [number, number];
  padding?: Padding;
  layout?: Layout;
}

/** Validates a pool's arguments and returns its frozen plan. */
export function planPool2d(kind: 'max' | 'avg', xIn: unknown, options: Pool2dOptions): Pool2dPlan {
  const op = kind === 'max' ? 'maxPool2d' : 'avgPool2d';
  const x = expectTensor(op, 'x', xIn);
  options = checkOptions<Pool2dOptions>(op, options, ['kernel', 'stride', 'padding', 'layout']) as Pool2dOptions;
  const dtype = expectFloat(op, 'x', x);
  expectRank(op, 'x', x, 4);
  const layout = options?.layout === undefined ? 'NCHW' : expectOneOf(op, 'layout', options.layout, LAYOUTS);
  const [kh, kw] = expectPair(op, 'kernel', options?.kernel);
  const stride = expectPair(op, 'stride', options.stride ?? [kh, kw]);
  const nchw = layout === 'NCHW';
  const [batch, channels, inH, inW] = nchw ? x.shape : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  if (channels === 0 || inH === 0 || inW === 0) {
    throw new ShapeError(op, `x must have non-zero channels, height and width; received ${formatShape(x.shape)}`);
  }
  const g = windowGeometry(op, options.padding ?? 'valid', inH!, inW!, kh, kw, stride, [1, 1]);
  if (g.padTop >= kh || g.padBottom >= kh || g.padLeft >= kw || g.padRight >= kw) {
    throw new ShapeError(op, `padding must be smaller than the kernel (${kh}×${kw}); received [${g.padTop},${g.padBottom},${g.padLeft},${g.padRight}]`,
      'A window made only of padding has no value');
  }
  const outShape = Object.freeze(nchw ? [batch!, channels!, g.outH, g.outW] : [batch!, g.outH, g.outW, channels!]);
  checkElements(op, 'the output', batch! * channels! * g.outH * g.outW, outShape);
  return Object.freeze({
    kind,
    dtype,
    layout,
    batch: batch!,
    channels: channels!,
    inH: inH!,
    inW: inW!,
    outH: g.outH,
    outW: g.outW,
    kh,
    kw,
    strideH: stride[0],
    strideW: stride[1],
    padTop: g.padTop,
    padLeft: g.padLeft,
    outShape,
  });
}

/**
 * The maximum over each window.
 * @example
 * const y = await maxPool2d(x, { kernel: 2 });                 // [n,c,h,w] → [n,c,h/2,w/2]
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  return dispatch('pool2d', planPool2d('max', x, options), [x], options, 'maxPool2d');
}

/**
 * The mean over each window (padded cells not counted).
 * @example
 * const y = await avgPool2d(x, { kernel: 3, stride: 1, padding: 'same' });
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  return dispatch('pool2d', planPool2d('avg', x, options), [x], options, 'avgPool2d');
}
