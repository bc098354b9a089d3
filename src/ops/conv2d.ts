/**
 * conv2d: 2-D convolution (cross-correlation, as every deep-learning library computes it) with
 * stride, padding, dilation, groups, fused bias and activation, in NCHW (default) or NHWC.
 */
import { dispatch } from '../dispatch.js';
import { LAYOUTS, type Conv2dPlan, type Conv2dPoolPlan, type Layout, type OpOptions, type Padding } from '../plans.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { checkElements, MAX_EXTENT } from '../limits.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import {
  ACTIVATIONS,
  checkOptions,
  expectFloat,
  expectNonNegativeInt,
  expectOneOf,
  expectPair,
  expectPositiveInt,
  expectRank,
  expectSameDtype,
  expectTensor,
  readRecord,
  type Activation,
} from './checks.js';

export { LAYOUTS, type Conv2dPlan, type Conv2dPoolPlan, type Layout, type Padding };

const CONV2D_OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'activation', 'layout', 'pool'] as const;

/** The pooling epilogue of conv2d: the names of maxPool2d / avgPool2d's options, without padding. */
export interface Conv2dPool {
  type: 'max' | 'avg';
  /** Window size, a number or [h, w], as maxPool2d's `kernel`. Required. */
  kernel: number | readonly [number, number];
  /** Defaults to the kernel size (non-overlapping windows). */
  stride?: number | readonly [number, number];
}

const POOL_TYPES = ['max', 'avg'] as const;
const POOL_OPTIONS = ['type', 'kernel', 'stride'] as const;
/** Names other libraries give these fields, for the hint of an unknown one. */
const POOL_ALIASES: Readonly<Record<string, string>> = {
  size: 'kernel', poolSize: 'kernel', pool_size: 'kernel', kernelSize: 'kernel', kernel_size: 'kernel', window: 'kernel',
  strides: 'stride', kind: 'type', mode: 'type',
};

export interface Conv2dOptions extends OpOptions {
  stride?: number | readonly [number, number];
  padding?: Padding;
  dilation?: number | readonly [number, number];
  /** Input and output channels are split into this many groups (inC for depthwise). */
  groups?: number;
  /** One value per output channel, shape [outC]. */
  bias?: Tensor;
  activation?: Activation;
  /** NCHW: x [batch, inC, inH, inW], w [outC, inC/groups, kh, kw]. NHWC: x [batch, inH, inW, inC], w [kh, kw, inC/groups, outC]. */
  layout?: Layout;
  /**
   * Pools the activation in the same call: `maxPool2d/avgPool2d(activation(conv2d(x, w) + bias),
   * { kernel, stride })` without the full-size activation ever being stored. No padding: a window
   * that does not fit is dropped (floor), as maxPool2d's default `padding: 'valid'`.
   */
  pool?: Conv2dPool;
}

/** Window geometry shared by conv2d and the pools. */
export interface WindowGeometry {
  outH: number;
  outW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/**
 * Output size and padding of a sliding window over an inH × inW image. Throws when the window
 * does not fit the padded input.
 */
export function windowGeometry(
  op: string,
  padding: unknown,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  [strideH, strideW]: readonly [number, number],
  [dilationH, dilationW]: readonly [number, number],
): WindowGeometry {
  // Every size below stays under MAX_EXTENT (2^31 - 1), so the arithmetic on it is exact.
  const extent = (name: string, v: number) => {
    if (v > MAX_EXTENT) {
      throw new InvalidArgumentError(op, `${name} must be at most ${MAX_EXTENT} (2^31 - 1); received ${v}`,
        'Sliding-window geometry is limited to 2^31 - 1 pixels per side');
    }
  };
  extent('stride[0]', strideH);
  extent('stride[1]', strideW);
  extent('dilation[0]', dilationH);
  extent('dilation[1]', dilationW);
  const spanH = (kh - 1) * dilationH + 1;
  const spanW = (kw - 1) * dilationW + 1;
  if (spanH > MAX_EXTENT || spanW > MAX_EXTENT) {
    throw new ShapeError(op, `the dilated window spans ${spanH}×${spanW} pixels, more than ${MAX_EXTENT} (2^31 - 1) per side`,
      'Use a smaller dilation');
  }
  let pads: [number, number, number, number];
  if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else if (padding === 'same') {
    const total = (size: number, stride: number, span: number) =>
      Math.max((Math.ceil(size / stride) - 1) * stride + span - size, 0);
    const th = total(inH, strideH, spanH);
    const tw = total(inW, strideW, spanW);
    pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else if (typeof padding === 'number') {
    const p = expectNonNegativeInt(op, 'padding', padding);
    pads = [p, p, p, p];
  } else if (Array.isArray(padding) && padding.length === 4) {
    pads = padding.map((p, i) => expectNonNegativeInt(op, `padding[${i}]`, p)) as [number, number, number, number];
  } else {
    throw new InvalidArgumentError(
      op,
      `padding must be 'valid', 'same', a non-negative integer or [top, bottom, left, right]; received ${describe(padding)}`,
    );
  }
  pads.forEach((p, i) => extent(`padding[${i}]`, p));
  const [padTop, padBottom, padLeft, padRight] = pads;
  if (inH + padTop + padBottom > MAX_EXTENT || inW + padLeft + padRight > MAX_EXTENT) {
    throw new ShapeError(op, `the padded input is ${inH + padTop + padBottom}×${inW + padLeft + padRight} pixels, more than ${MAX_EXTENT} (2^31 - 1) per side`,
      'Use less padding');
  }
  const outH = Math.floor((inH + padTop + padBottom - spanH) / strideH) + 1;
  const outW = Math.floor((inW + padLeft + padRight - spanW) / strideW) + 1;
  if (inH + padTop + padBottom < spanH || inW + padLeft + padRight < spanW) {
    throw new ShapeError(
      op,
      `the window (${spanH}×${spanW}${spanH !== kh || spanW !== kw ? ' after dilation' : ''}) is larger than the padded input (${inH + padTop + padBottom}×${inW + padLeft + padRight})`,
      "Use a smaller kernel or dilation, or more padding (e.g. padding: 'same')",
    );
  }
  return { outH, outW, padTop, padBottom, padLeft, padRight };
}

/** Validates conv2d's arguments and returns its frozen plan. Pure; exported for tests and benches. */
export function planConv2d(xIn: unknown, wIn: unknown, options: Conv2dOptions = {}): Conv2dPlan {
  const op = 'conv2d';
  const x = expectTensor(op, 'x', xIn);
  const w = expectTensor(op, 'w', wIn);
  options = checkOptions<Conv2dOptions>(op, options, CONV2D_OPTIONS);
  const layout = options.layout === undefined ? 'NCHW' : expectOneOf(op, 'layout', options.layout, LAYOUTS);
  const activation = options.activation === undefined ? 'none' : expectOneOf(op, 'activation', options.activation, ACTIVATIONS);
  const stride = expectPair(op, 'stride', options.stride ?? 1);
  const dilation = expectPair(op, 'dilation', options.dilation ?? 1);
  const groups = expectPositiveInt(op, 'groups', options.groups ?? 1);
  const bias = options.bias === undefined ? undefined : expectTensor(op, 'bias', options.bias);
  expectFloat(op, 'x', x);
  const dtype = expectSameDtype(op, [['x', x], ['w', w], ...(bias ? [['bias', bias] as const] : [])]) as
    | 'float32'
    | 'float64';
  expectRank(op, 'x', x, 4);
  expectRank(op, 'w', w, 4);
  const nchw = layout === 'NCHW';
  const [batch, inC, inH, inW] = nchw ? x.shape : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  const [outC, wInC, kh, kw] = nchw ? w.shape : [w.shape[3]!, w.shape[2]!, w.shape[0]!, w.shape[1]!];
  const xLayout = nchw ? '[batch, inC, inH, inW]' : '[batch, inH, inW, inC]';
  const wLayout = nchw ? '[outC, inC/groups, kh, kw]' : '[kh, kw, inC/groups, outC]';
  if (inC === 0 || inH === 0 || inW === 0) {
    throw new ShapeError(op, `x ${xLayout} must have non-zero channels, height and width; received ${formatShape(x.shape)}`);
  }
  if (outC === 0 || kh === 0 || kw === 0 || wInC === 0) {
    throw new ShapeError(op, `w ${wLayout} must have no zero dimension; received ${formatShape(w.shape)}`);
  }
  if (inC! % groups !== 0 || outC! % groups !== 0) {
    throw new ShapeError(
      op,
      `groups must divide both channel counts; received groups ${groups} with inC ${inC} and outC ${outC}`,
      'Pick groups among the common divisors of inC and outC (inC for depthwise)',
    );
  }
  if (wInC !== inC! / groups) {
    throw new ShapeError(
      op,
      `w ${wLayout} does not match x ${xLayout}: w is ${formatShape(w.shape)}, x is ${formatShape(x.shape)} (inC/groups: ${wInC} ≠ ${inC! / groups})`,
      layout === 'NCHW'
        ? "Check the layout: pass layout: 'NHWC' for channels-last tensors"
        : 'Check the layout: NHWC weights are [kh, kw, inC/groups, outC]',
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outC)) {
    throw new ShapeError(op, `bias must have shape [${outC}] (one value per output channel); received ${formatShape(bias.shape)}`);
  }
  const g = windowGeometry(op, options.padding ?? 'valid', inH!, inW!, kh!, kw!, stride, dilation);
  const pool = options.pool === undefined ? undefined : planPool(op, options.pool, g.outH, g.outW);
  const [outH, outW] = pool ? [pool.outH, pool.outW] : [g.outH, g.outW];
  const outShape = Object.freeze(nchw ? [batch!, outC!, outH, outW] : [batch!, outH, outW, outC!]);
  checkElements(op, 'the output', batch! * outC! * outH * outW, outShape);
  // The js kernel's im2col scratch holds at least one output row's patches.
  checkElements(op, 'one output row of im2col scratch', (inC! / groups) * kh! * kw! * g.outW);
  // The fused pooling's band of convolution rows holds at least one pooled row's windows.
  if (pool) checkElements(op, "one pooled row's band of convolution rows", pool.kh * outC! * g.outW);
  return Object.freeze({
    dtype,
    layout,
    batch: batch!,
    inC: inC!,
    inH: inH!,
    inW: inW!,
    outC: outC!,
    outH: g.outH,
    outW: g.outW,
    kh: kh!,
    kw: kw!,
    strideH: stride[0],
    strideW: stride[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    padTop: g.padTop,
    padBottom: g.padBottom,
    padLeft: g.padLeft,
    padRight: g.padRight,
    groups,
    activation,
    hasBias: bias !== undefined,
    ...(pool ? { pool } : {}),
    outShape,
  });
}

/**
 * The `pool` option over a convOutH × convOutW activation: its type, window and stride (default:
 * the window), and the pooled size ⌊(convOut − kernel)/stride⌋ + 1 per side (no padding, floor).
 */
function planPool(op: string, value: unknown, convOutH: number, convOutW: number): Conv2dPoolPlan {
  const o = readRecord(op, 'pool', value, POOL_OPTIONS, POOL_ALIASES);
  const kind = expectOneOf(op, 'pool.type', o.type, POOL_TYPES);
  const [kh, kw] = expectPair(op, 'pool.kernel', o.kernel);
  const [strideH, strideW] = expectPair(op, 'pool.stride', o.stride ?? [kh, kw]);
  const pair = typeof o.stride !== 'number';
  for (const [axis, v] of [[pair ? 'pool.stride[0]' : 'pool.stride', strideH], [pair ? 'pool.stride[1]' : 'pool.stride', strideW]] as const) {
    if (v > MAX_EXTENT) {
      throw new InvalidArgumentError(op, `${axis} must be at most ${MAX_EXTENT} (2^31 - 1); received ${v}`,
        'Sliding-window geometry is limited to 2^31 - 1 pixels per side');
    }
  }
  if (kh > convOutH || kw > convOutW) {
    throw new ShapeError(op, `the pool window (${kh}×${kw}) is larger than the convolution's output (${convOutH}×${convOutW})`,
      'Use a smaller pool.kernel, or a convolution with a larger output (more padding, a smaller stride)');
  }
  return Object.freeze({
    kind,
    kh,
    kw,
    strideH,
    strideW,
    outH: Math.floor((convOutH - kh) / strideH) + 1,
    outW: Math.floor((convOutW - kw) / strideW) + 1,
  });
}

/**
 * 2-D convolution with fused bias, activation and (optionally) pooling.
 *
 * @throws SHAPE_MISMATCH when x and w disagree on channels, groups do not divide them, the
 *   window does not fit, or the pool window is larger than the convolution's output.
 * @throws INVALID_ARGUMENT for a bad stride, padding, dilation, layout or pool.
 * @example
 * const x = randn([1, 3, 32, 32], { seed: 1 }), w = randn([16, 3, 3, 3], { seed: 2 });
 * const y = conv2d(x, w, { padding: 'same', activation: 'relu' });   // [1,16,32,32]
 * const p = conv2d(x, w, { padding: 'same', activation: 'relu', pool: { type: 'max', kernel: 2 } }); // [1,16,16,16]
 * const d = conv2d(x, randn([3, 1, 3, 3]), { groups: 3 });           // depthwise
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  const o = checkOptions<Conv2dOptions>('conv2d', options, CONV2D_OPTIONS);
  const plan = planConv2d(x, w, o);
  return dispatch('conv2d', plan, o.bias ? [x, w, o.bias] : [x, w], o);
}
