/**
 * Reconstruction quality: relative error, SNR and PSNR, computed in float64 over all elements
 * (a batch [n, signals] counts as one signal; slice it for per-signal figures).
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { expectFloat, expectTensor } from '../ops/checks.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { expectOptionsObject } from './checks.js';

export interface PsnrOptions {
  /** The largest possible value (e.g. 1 or 255); max |reference| when absent. */
  peak?: number;
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
export async function relativeError(xTrue: Tensor, xHat: Tensor): Promise<number> {
  const [x, y] = await pair('cs.relativeError', 'xTrue', xTrue, 'xHat', xHat);
  const { xx, dd } = sums(x, y);
  if (xx === 0) return dd === 0 ? 0 : Infinity;
  return Math.sqrt(dd / xx);
}

/**
 * Signal-to-noise ratio of a reconstruction in dB: 20·log10(‖x‖ / ‖x̂ − x‖) (Infinity when exact).
 * @throws SHAPE_MISMATCH when the shapes differ; INVALID_ARGUMENT / DTYPE_MISMATCH for non-float tensors.
 * @example
 * const db = await cs.snr(xTrue, result.x);             // 40 dB = 1 % relative error
 */
export async function snr(xTrue: Tensor, xHat: Tensor): Promise<number> {
  const [x, y] = await pair('cs.snr', 'xTrue', xTrue, 'xHat', xHat);
  const { xx, dd } = sums(x, y);
  return 10 * Math.log10(xx / dd);
}

/**
 * Peak signal-to-noise ratio in dB: 10·log10(peak² / MSE), with `peak` the largest possible value
 * (default: max |reference|). Infinity when the image equals the reference.
 * @throws SHAPE_MISMATCH when the shapes differ; INVALID_ARGUMENT for a bad peak or a zero reference without one.
 * @example
 * const db = await cs.psnr(reconstructed, original, { peak: 1 });
 */
export async function psnr(image: Tensor, reference: Tensor, options: PsnrOptions = {}): Promise<number> {
  const op = 'cs.psnr';
  const o = expectOptionsObject(op, options);
  if (o.peak !== undefined && (typeof o.peak !== 'number' || !Number.isFinite(o.peak) || o.peak <= 0)) {
    throw new InvalidArgumentError(op, `peak must be a finite number > 0; received ${describe(o.peak)}`, 'Pass the data range, e.g. { peak: 255 }');
  }
  const [img, ref] = await pair(op, 'image', image, 'reference', reference);
  let peak = o.peak as number | undefined;
  if (peak === undefined) {
    peak = 0;
    for (const v of ref) peak = Math.max(peak, Math.abs(v));
    if (peak === 0) {
      throw new InvalidArgumentError(op, 'the reference is all zeros, so the default peak (max |reference|) is 0; received no peak', 'Pass { peak } explicitly');
    }
  }
  const { dd } = sums(ref, img);
  return 10 * Math.log10((peak * peak) / (dd / ref.length));
}
