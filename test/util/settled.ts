/**
 * Runs an op and waits for its values: resolves with the result, or rejects with the op's error
 * whether it was thrown at the call (argument errors, small work) or by its deferred work (a
 * pending tensor's read). Tests of errors use it as `await expect(settled(() => op(...))).rejects`.
 */
import { Tensor } from '../../src/index.js';

export async function settled(f: () => unknown): Promise<unknown> {
  const r = await f();
  if (Tensor.is(r)) await r.data();
  return r;
}
