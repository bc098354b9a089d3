/**
 * Runs an op and waits for its values: resolves with the result, or rejects with the op's error
 * whether it was thrown at the call (argument errors, small work) or by its deferred work (a
 * pending tensor's read). Tests of errors use it as `await expect(settled(() => op(...))).rejects`.
 */
import { expect } from 'vitest';
import { LeptonError, Tensor, type ErrorCode } from '../../src/index.js';

export async function settled(f: () => unknown): Promise<unknown> {
  const r = await f();
  if (Tensor.is(r)) await r.data();
  return r;
}

/**
 * Runs `fn` (sync or async; a returned tensor is read, so deferred work counts too), asserts that
 * it fails with a LeptonError of `code` (a subclass, not a plain Error renamed), and returns the
 * message for the caller's snapshot.
 */
export async function failure(code: ErrorCode, fn: () => unknown): Promise<string> {
  let caught: unknown;
  try {
    await settled(fn);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a LeptonError').toBeInstanceOf(LeptonError);
  const err = caught as LeptonError;
  expect(err.code).toBe(code);
  expect(err.name).not.toBe('Error');
  return err.message;
}
