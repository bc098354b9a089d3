/**
 * Option helpers of the linalg ops: a tolerance option (rcond, rtol, tol) checked once.
 */
import { InvalidArgumentError } from '../errors.js';
import { describe } from '../tensor.js';

/** A finite non-negative number option (tolerances), or undefined. */
export function expectTolerance(op: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(op, `${name} must be a finite number ≥ 0; received ${describe(value)}`);
  }
  return value;
}
