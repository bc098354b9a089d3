/**
 * Reconstruction quality: relative error, SNR and PSNR, computed in float64 over all elements,
 * or per signal (per column of a batch [n, signals]) with `{ perSignal: true }`.
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { expectFloat, expectTensor } from '../ops/checks.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { readOptions } from './checks.js';

export interface MetricOptions {
  /** One figure per signal (column of a [n, signals] batch; one for a vector) instead of one overall. */
  perSignal?: boolean;
}

export interface PsnrOptions extends MetricOptions {
  /** The largest possible value (e.g. 1 or 255); max |reference| when absent (per signal with perSignal). */
  peak?: number;
}

function perSignalFlag(op: string, o: Record<string, unknown>): boolean {
  if (o.perSignal === undefined) return false;
  if (typeof o.perSignal !== 'boolean') throw new InvalidArgumentError(op, `perSignal must be true or false; received ${describe(o.perSignal)}`);
  return o.perSignal;
}

/** The columns of row-major [n, b] values (one column for a vector) as separate arrays. */
function split(values: Float64Array, shape: readonly number[]): Float64Array[] {
  if (shape.length !== 2) return [values];
  const [n, b] = shape as [number, number];
  return Array.from({ length: b }, (_, c) => Float64Array.from({ length: n }, (_, i) => values[i * b + c]!));
}

async function pair(op: string, aName: string, aIn: unknown, bName: string, bIn: unknown): Promise<[Float64Array, Float64Array]> {
  const a = expectTensor(op, aName, aIn);
  const b = expectTensor(op, bName, bIn);
  expectFloat(op, aName, a);
  expectFloat(op, bName, b);
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, `${aName} and ${bName} must have the same shape; received ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  if (a.size === 0) throw new ShapeError(op, `${aName} must not be empty; received ${formatShape(a.shape)}`);
  return [Float64Array.from(await a.data()), Float64Array.from(await b.data())];
}

function sums(x: Float64Array, y: Float64Array): { xx: number; dd: number } {
  let xx = 0;
  let dd = 0;
  for (let i = 0; i < x.length; i++) {
    xx += x[i]! * x[i]!;
    dd += (x[i]! - y[i]!) ** 2;
  }
  return { xx, dd };
}

/**
 * ‖x̂ − x‖ / ‖x‖ (Infinity when x = 0 ≠ x̂, 0 when both are 0).
 * @throws SHAPE_MISMATCH when the shapes differ; INVALID_ARGUMENT / DTYPE_MISMATCH for non-float tensors.
 * @example
 * const e = await cs.relativeError(xTrue, result.x);   // e.g. 3.1e-7
 */
export function relativeError(xTrue: Tensor, xHat: Tensor, options: MetricOptions & { perSignal: true }): Promise<number[]>;
export function relativeError(xTrue: Tensor, xHat: Tensor, options?: MetricOptions): Promise<number>;
export async function relativeError(xTrue: Tensor, xHat: Tensor, options: MetricOptions = {}): Promise<number | number[]> {
  const op = 'cs.relativeError';
  const per = perSignalFlag(op, readOptions(op, options, ['perSignal']));
  const [x, y] = await pair(op, 'xTrue', xTrue, 'xHat', xHat);
  const one = (p: Float64Array, q: Float64Array) => {
    const { xx, dd } = sums(p, q);
    if (xx === 0) return dd === 0 ? 0 : Infinity;
    return Math.sqrt(dd / xx);
  };
  if (!per) return one(x, y);
  const xs = split(x, xTrue.shape);
  const ys = split(y, xTrue.shape);
  return xs.map((p, c) => one(p, ys[c]!));
}

/**
 * Signal-to-noise ratio of a reconstruction in dB: 20·log10(‖x‖ / ‖x̂ − x‖) (Infinity when exact).
 * @throws SHAPE_MISMATCH when the shapes differ; INVALID_ARGUMENT / DTYPE_MISMATCH for non-float tensors.
 * @example
 * const db = await cs.snr(xTrue, result.x);             // 40 dB = 1 % relative error
 */
export function snr(xTrue: Tensor, xHat: Tensor, options: MetricOptions & { perSignal: true }): Promise<number[]>;
export function snr(xTrue: Tensor, xHat: Tensor, options?: MetricOptions): Promise<number>;
export async function snr(xTrue: Tensor, xHat: Tensor, options: MetricOptions = {}): Promise<number | number[]> {
  const op = 'cs.snr';
  const per = perSignalFlag(op, readOptions(op, options, ['perSignal']));
  const [x, y] = await pair(op, 'xTrue', xTrue, 'xHat', xHat);
  const one = (p: Float64Array, q: Float64Array) => {
    const { xx, dd } = sums(p, q);
    return 10 * Math.log10(xx / dd);
  };
  if (!per) return one(x, y);
  const ys = split(y, xTrue.shape);
  return split(x, xTrue.shape).map((p, c) => one(p, ys[c]!));
}

/**
 * Peak signal-to-noise ratio in dB: 10·log10(peak² / MSE), with `peak` the largest possible value
 * (default: max |reference|). Infinity when the image equals the reference.
 * @throws SHAPE_MISMATCH when the shapes differ; INVALID_ARGUMENT for a bad peak or a zero reference without one.
 * @example
 * const db = await cs.psnr(reconstructed, original, { peak: 1 });
 */
export function psnr(image: Tensor, reference: Tensor, options: PsnrOptions & { perSignal: true }): Promise<number[]>;
export function psnr(image: Tensor, reference: Tensor, options?: PsnrOptions): Promise<number>;
export async function psnr(image: Tensor, reference: Tensor, options: PsnrOptions = {}): Promise<number | number[]> {
  const op = 'cs.psnr';
  const o = readOptions(op, options, ['peak', 'perSignal']);
  const per = perSignalFlag(op, o);
  if (o.peak !== undefined && (typeof o.peak !== 'number' || !Number.isFinite(o.peak) || o.peak <= 0)) {
    throw new InvalidArgumentError(op, `peak must be a finite number > 0; received ${describe(o.peak)}`, 'Pass the data range, e.g. { peak: 255 }');
  }
  const [img, ref] = await pair(op, 'image', image, 'reference', reference);
  const one = (im: Float64Array, rf: Float64Array) => {
    let peak = o.peak as number | undefined;
    if (peak === undefined) {
      peak = 0;
      for (const v of rf) peak = Math.max(peak, Math.abs(v));
      if (peak === 0) {
        throw new InvalidArgumentError(op, 'the reference is all zeros, so the default peak (max |reference|) is 0; received no peak', 'Pass { peak } explicitly');
      }
    }
    const { dd } = sums(rf, im);
    return 10 * Math.log10((peak * peak) / (dd / rf.length));
  };
  if (!per) return one(img, ref);
  const refs = split(ref, reference.shape);
  return split(img, image.shape).map((p, c) => one(p, refs[c]!));
}
