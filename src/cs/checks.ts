/**
 * Validators shared by the cs module: the sensing operand (a matrix or a LinearOperator), the
 * measurements, seeds and numeric options. Each throws a typed LeptonError naming the op.
 */
import { checkOptions } from '../ops/checks.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import { expectFloat, expectRank, expectSameDtype, expectTensor } from '../ops/checks.js';
import { formatShape } from '../shape.js';
import { describe, Tensor } from '../tensor.js';
import { isLinearOperator, matrixOperator, type LinearOperator } from './operators.js';

/** A Tensor [m, n] or a LinearOperator, as a LinearOperator. */
export function expectOperand(op: string, value: unknown): LinearOperator {
  if (isLinearOperator(value)) return value;
  if (!(value instanceof Tensor)) {
    throw new InvalidArgumentError(
      op,
      `A must be a Tensor [m, n] or a cs operator; received ${describe(value)}`,
      'Pass a matrix (e.g. cs.gaussian(m, n)) or an operator (e.g. cs.partialDCT(m, n))',
    );
  }
  return matrixOperator(op, value);
}

/** y must be float, of A's dtype, [m] or [m, signals]. Returns the number of signals. */
export function expectMeasurements(op: string, a: LinearOperator, yIn: unknown, name = 'y'): { y: Tensor; signals: number } {
  const y = expectTensor(op, name, yIn);
  expectFloat(op, name, y);
  if (y.dtype !== a.dtype) {
    throw new DTypeError(op, `dtypes differ: A is ${a.dtype}, ${name} is ${y.dtype}`,
      'Create both with the same dtype; lepton-compute never promotes silently');
  }
  expectRank(op, name, y, [1, 2]);
  const [m] = a.shape;
  if (y.shape[0] !== m) {
    throw new ShapeError(
      op,
      `${name} must have ${m} rows, one per measurement (row of A); received A [${a.shape.join(',')}], ${name} ${formatShape(y.shape)}`,
      `Pass ${name} as [m] or [m, signals]`,
    );
  }
  return { y, signals: y.rank === 1 ? 1 : y.shape[1]! };
}

/** A tensor shaped like the solution x: [n] for a vector y, [n, signals] for a batch. */
export function expectLikeSolution(op: string, name: string, value: unknown, a: LinearOperator, y: Tensor): Tensor {
  const t = expectTensor(op, name, value);
  expectSameDtype(op, [['y', y], [name, t]]);
  const n = a.shape[1];
  const want = y.rank === 1 ? [n] : [n, y.shape[1]!];
  if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(op, `${name} must have shape ${formatShape(want)} to match A and y; received ${formatShape(t.shape)}`);
  }
  return t;
}

export function expectOptionsObject(op: string, options: unknown): Record<string, unknown> {
  const known = options !== null && typeof options === 'object' ? Object.keys(options) : [];
  return checkOptions<Record<string, unknown>>(op, options, known) as Record<string, unknown>;
}

export function expectSeed(op: string, seed: unknown): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(op, `seed must be an integer; received ${describe(seed)}`);
  }
  return seed;
}

/** A finite number in [min, ∞) (or (min, ∞) when `strict`). */
export function expectNumber(op: string, name: string, value: unknown, min: number, strict: boolean, hint?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (strict && value === min)) {
    throw new InvalidArgumentError(op, `${name} must be a finite number ${strict ? '>' : '≥'} ${min}; received ${describe(value)}`, hint);
  }
  return value;
}

export function expectFloatDtype(op: string, value: unknown): 'float32' | 'float64' {
  if (value === undefined) return 'float32';
  if (value !== 'float32' && value !== 'float64') {
    throw new InvalidArgumentError(op, `dtype must be 'float32' or 'float64'; received ${describe(value)}`);
  }
  return value;
}

/** Sizes of sensing matrices: positive integers. */
export function expectDim(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, `${name} must be a positive integer; received ${describe(value)}`);
  }
  return value;
}

export function expectFunction(op: string, name: string, value: unknown): ((...args: never[]) => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(op, `${name} must be a function; received ${describe(value)}`);
  }
  return value as (...args: never[]) => unknown;
}
