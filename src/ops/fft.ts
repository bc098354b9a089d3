/**
 * The discrete Fourier transform along one axis, as numpy.fft: fft, ifft, rfft, irfft.
 *
 * Complex values: lepton has no complex dtype, so a complex array of shape S is a float tensor of
 * shape [...S, 2] holding (re, im) pairs in its last dimension (what torch.view_as_real gives).
 * `axis` counts the complex dimensions (the trailing 2 excluded; negative from the end).
 * fft and ifft take and return complex; rfft takes real and returns the ⌊n/2⌋ + 1 non-negative
 * frequencies; irfft takes those and returns n real samples (n = 2·(m − 1) by default).
 * `n` zero-pads or truncates the input along the axis first; `norm` is numpy's: 'backward'
 * (default: 1/n on the inverse), 'ortho' (1/√n both ways) or 'forward' (1/n on the forward).
 * float32 and float64 inputs are transformed in float64 and returned in their dtype; O(n log n)
 * for every n (radix-2, Bluestein otherwise). Each call is one op of the op table (`fft`, its
 * plan naming the transform), dispatched as every op is; the kernel is the shared TypeScript FFT
 * on every CPU backend (native and wasm carry none of their own), and webgpu reads the input
 * back, transforms it on the CPU and uploads the result.
 */
import { dispatch } from '../dispatch.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { FftKind, FftPlan, OpOptions } from '../plans.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectMinRank, expectOneOf, expectTensor } from './checks.js';

/** Options of the fft ops. */
export interface FftOptions extends OpOptions {
  /** The axis to transform (of the complex shape for complex inputs); default −1. */
  readonly axis?: number;
  /** Length of the transform: the input is zero-padded or truncated to it (irfft: the output length). */
  readonly n?: number;
  /** Scaling: 'backward' (default), 'ortho' or 'forward', as numpy. */
  readonly norm?: 'backward' | 'ortho' | 'forward';
}

const NORMS = ['backward', 'ortho', 'forward'] as const;

interface Geometry {
  /** The (complex or real) logical shape, the axis and its split [outer, len, inner]. */
  readonly shape: readonly number[];
  readonly axis: number;
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
}

function geometry(op: string, shape: readonly number[], axisOption: unknown): Geometry {
  const rank = shape.length;
  const axisIn = axisOption === undefined ? -1 : axisOption;
  if (typeof axisIn !== 'number' || !Number.isInteger(axisIn) || axisIn < -rank || axisIn >= rank) {
    throw new InvalidArgumentError(
      op,
      `axis must be an integer in [${-rank}, ${rank - 1}]; received ${describe(axisIn)}`,
      `The input has ${rank} ${rank === 1 ? 'dimension' : 'dimensions'} to transform along`,
    );
  }
  const axis = axisIn < 0 ? axisIn + rank : axisIn;
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < rank; i++) inner *= shape[i]!;
  return { shape, axis, outer, len: shape[axis]!, inner };
}

function lengthOption(op: string, value: unknown, fallback: number): number {
  const n = value === undefined ? fallback : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(
      op,
      `the transform length must be a positive integer; received ${describe(n)}${value === undefined ? ' (from the input shape)' : ''}`,
      'Pass { n } ≥ 1, or an input with at least one element along the axis',
    );
  }
  return n;
}

function withAxis(shape: readonly number[], axis: number, len: number, complex: boolean): number[] {
  const s = [...shape];
  s[axis] = len;
  return complex ? [...s, 2] : s;
}

function scaleOf(norm: 'backward' | 'ortho' | 'forward', n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'forward') !== inverse ? 1 / n : 1;
}

function complexInput(op: string, value: unknown) {
  const x = expectTensor(op, 'x', value);
  const dtype = expectFloat(op, 'x', x);
  expectMinRank(op, 'x', x, 2);
  if (x.shape[x.rank - 1] !== 2) {
    throw new ShapeError(
      op,
      `x must be complex, with a last dimension of 2 holding (re, im); received ${formatShape(x.shape)}`,
      'Stack the real and imaginary parts on a new last axis (or use rfft for real input)',
    );
  }
  return { x, dtype, shape: x.shape.slice(0, -1) };
}

function parseOptions(op: string, value: unknown) {
  const o = checkOptions<FftOptions>(op, value, ['axis', 'n', 'norm']);
  const norm = o.norm === undefined ? 'backward' : expectOneOf(op, 'norm', o.norm, NORMS);
  return { o, norm };
}

function run(kind: FftKind, x: Tensor, options: unknown, g: Geometry, n: number, scale: number, dtype: 'float32' | 'float64', outShape: number[]): Tensor {
  const plan: FftPlan = Object.freeze({ kind, dtype, outer: g.outer, len: g.len, inner: g.inner, n, scale, outShape: Object.freeze(outShape) });
  return dispatch('fft', plan, [x], options as OpOptions | undefined, kind);
}

function complexTransform(op: 'fft' | 'ifft', value: unknown, opts: unknown, inverse: boolean): Tensor {
  const { x, dtype, shape } = complexInput(op, value);
  const { o, norm } = parseOptions(op, opts);
  const g = geometry(op, shape, o.axis);
  const n = lengthOption(op, o.n, g.len);
  return run(op, x, opts, g, n, scaleOf(norm, n, inverse), dtype, withAxis(shape, g.axis, n, true));
}

/**
 * The complex DFT X[k] = Σ_j x[j]·e^{−2πijk/n} along an axis. x is complex ([..., 2]).
 * @throws SHAPE_MISMATCH when x's last dimension is not 2; INVALID_ARGUMENT for a bad axis, n or norm.
 * @example
 * const X = fft(tensor([[1, 0], [0, 0], [0, 0], [0, 0]]));   // four (1, 0) pairs
 */
export function fft(x: Tensor, options?: FftOptions): Tensor {
  return complexTransform('fft', x, options, false);
}

/**
 * The inverse DFT x[j] = (1/n)·Σ_k X[k]·e^{2πijk/n} along an axis (complex in, complex out).
 * @example
 * const x = ifft(fft(z));   // z again, to rounding
 */
export function ifft(x: Tensor, options?: FftOptions): Tensor {
  return complexTransform('ifft', x, options, true);
}

/**
 * The DFT of real input: the ⌊n/2⌋ + 1 non-negative frequencies, complex ([..., m, ..., 2]).
 * @example
 * const X = rfft(tensor([1, 2, 3, 4]));   // [[10, 0], [-2, 2], [-2, 0]]
 */
export function rfft(x: Tensor, options?: FftOptions): Tensor {
  const op = 'rfft';
  const t = expectTensor(op, 'x', x);
  const dtype = expectFloat(op, 'x', t);
  expectMinRank(op, 'x', t, 1);
  const { o, norm } = parseOptions(op, options);
  const g = geometry(op, t.shape, o.axis);
  const n = lengthOption(op, o.n, g.len);
  return run(op, t, options, g, n, scaleOf(norm, n, false), dtype, withAxis(t.shape, g.axis, (n >> 1) + 1, true));
}

/**
 * The inverse of rfft: n real samples (default n = 2·(m − 1)) from m non-negative frequencies
 * (complex input; the imaginary parts at frequency 0 and n/2 are ignored, as numpy).
 * @example
 * const x = irfft(rfft(tensor([1, 2, 3, 4])));   // [1, 2, 3, 4]
 */
export function irfft(x: Tensor, options?: FftOptions): Tensor {
  const op = 'irfft';
  const { x: t, dtype, shape } = complexInput(op, x);
  const { o, norm } = parseOptions(op, options);
  const g = geometry(op, shape, o.axis);
  const n = lengthOption(op, o.n, 2 * (g.len - 1));
  return run(op, t, options, g, n, scaleOf(norm, n, true), dtype, withAxis(shape, g.axis, n, false));
}

/** The fft ops, to be exported beside the others (numpy.fft's names). */
export const fftOps = Object.freeze({ fft, ifft, rfft, irfft });
