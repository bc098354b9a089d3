/**
 * Shared validators for the op layer. Each throws a typed LeptonError whose message names the op,
 * the argument, what was expected and what was received.
 */
import { isFloat, type DType } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, Tensor } from '../tensor.js';

export function expectTensor(op: string, name: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) {
    throw new InvalidArgumentError(
      op,
      `${name} must be a Tensor; received ${describe(value)}`,
      'Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])',
    );
  }
  value.assertAlive(op);
  return value;
}

export function expectRank(op: string, name: string, t: Tensor, ranks: number | readonly number[]): void {
  const allowed = typeof ranks === 'number' ? [ranks] : ranks;
  if (!allowed.includes(t.rank)) {
    throw new ShapeError(
      op,
      `${name} must have rank ${allowed.join(' or ')}; received rank ${t.rank} ${formatShape(t.shape)}`,
    );
  }
}

export function expectMinRank(op: string, name: string, t: Tensor, min: number): void {
  if (t.rank < min) {
    throw new ShapeError(op, `${name} must have rank ${min} or more; received rank ${t.rank} ${formatShape(t.shape)}`);
  }
}

export function expectFloat(op: string, name: string, t: Tensor): 'float32' | 'float64' {
  if (!isFloat(t.dtype)) {
    throw new DTypeError(
      op,
      `${name} must be float32 or float64; received ${t.dtype}`,
      'Create the tensor with { dtype: "float32" } or "float64"',
    );
  }
  return t.dtype;
}

/** All tensors must share one dtype: there is no silent promotion. */
export function expectSameDtype(op: string, named: ReadonlyArray<readonly [string, Tensor]>): DType {
  const [firstName, first] = named[0]!;
  for (const [name, t] of named.slice(1)) {
    if (t.dtype !== first.dtype) {
      throw new DTypeError(
        op,
        `dtypes differ: ${firstName} is ${first.dtype}, ${name} is ${t.dtype}`,
        'Create both tensors with the same dtype; lepton-compute never promotes silently',
      );
    }
  }
  return first.dtype;
}

export function expectPositiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, `${name} must be a positive integer; received ${describe(value)}`);
  }
  return value;
}

export function expectNonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(op, `${name} must be a non-negative integer; received ${describe(value)}`);
  }
  return value;
}

export function expectOneOf<T extends string>(op: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(
      op,
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; received ${describe(value)}`,
    );
  }
  return value as T;
}

export function expectBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(op, `${name} must be true or false; received ${describe(value)}`);
  }
  return value;
}

/** A number or a pair `[h, w]` of positive integers (stride, dilation, kernel). */
export function expectPair(op: string, name: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    expectPositiveInt(op, name, value);
    return [value, value];
  }
  if (Array.isArray(value) && value.length === 2) {
    return [expectPositiveInt(op, `${name}[0]`, value[0]), expectPositiveInt(op, `${name}[1]`, value[1])];
  }
  throw new InvalidArgumentError(op, `${name} must be a positive integer or [h, w]; received ${describe(value)}`);
}

export type Activation = 'none' | 'relu' | 'sigmoid';
export const ACTIVATIONS: readonly Activation[] = ['none', 'relu', 'sigmoid'];
