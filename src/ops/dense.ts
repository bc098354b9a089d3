/**
 * Helpers for the ops that compute on a dense float64 copy of their inputs (linalg-ext, fft):
 * the copy (with the CPU and finiteness checks), the result wrapped back in the input's dtype, and
 * option objects checked key by key.
 */
import { InvalidArgumentError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, Tensor } from '../tensor.js';
import { isArrayOrRevoked } from './checks.js';

/**
 * A row-major float64 copy of `t` (a new array the caller owns). `finite`: NaN or ±Infinity is
 * refused (the factorisations would silently give garbage).
 */
export function denseF64(op: string, name: string, t: Tensor, finite: boolean): Float64Array {
  if (t.device !== 'cpu') {
    throw new InvalidArgumentError(
      op,
      `${name} lives on ${t.device}; this op runs on the CPU`,
      "Move the tensor with await t.to('cpu') first",
    );
  }
  const values = t.dataSync();
  const out = values instanceof Float64Array ? values : Float64Array.from(values);
  if (finite) {
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i]!)) {
        throw new InvalidArgumentError(
          op,
          `${name} must hold finite values; received ${out[i]} at flat index ${i} of ${formatShape(t.shape)}`,
          'Replace NaN and Infinity before factorising (the result would be meaningless)',
        );
      }
    }
  }
  return out;
}

/** A tensor of `dtype` holding `data` (float64, rounded to float32 when dtype is float32). */
export function wrap(dtype: 'float32' | 'float64', shape: readonly number[], data: Float64Array): Tensor {
  if (dtype === 'float64') return new Tensor('float64', shape, data);
  return new Tensor('float32', shape, Float32Array.from(data));
}

/** A rank-0 tensor. */
export function scalar(dtype: 'float32' | 'float64' | 'int32', value: number): Tensor {
  if (dtype === 'int32') return new Tensor('int32', [], Int32Array.of(value));
  return wrap(dtype, [], Float64Array.of(value));
}

/**
 * The options object of `op` (undefined → {}), read once as own data (nothing inherited from
 * Object.prototype; each getter called once): a record whose keys are all in `allowed`, so that a
 * misspelt option is an error rather than silently ignored.
 */
export function expectOptions<T extends object>(op: string, options: unknown, allowed: readonly (keyof T & string)[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || isArrayOrRevoked(op, options)) {
    throw new InvalidArgumentError(op, `options must be an object; received ${describe(options)}`);
  }
  const out = Object.create(null) as Record<string, unknown>;
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch (e) {
    throw new InvalidArgumentError(op, `options could not be read (${(e as Error).message})`, 'Pass a plain object');
  }
  for (const key of keys) {
    if (!(allowed as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(
        op,
        `unknown option '${key}'; received an options object with keys ${keys.map((k) => `'${k}'`).join(', ')}`,
        allowed.length ? `The options are ${allowed.map((k) => `'${k}'`).join(', ')}` : 'This op takes no options',
      );
    }
    try {
      out[key] = (options as Record<string, unknown>)[key];
    } catch (e) {
      throw new InvalidArgumentError(op, `option '${key}' could not be read (${(e as Error).message})`);
    }
  }
  return out as Partial<T>;
}

/** A finite non-negative number option (tolerances), or undefined. */
export function expectTolerance(op: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(op, `${name} must be a finite number ≥ 0; received ${describe(value)}`);
  }
  return value;
}
