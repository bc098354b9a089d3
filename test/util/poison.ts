/**
 * Leaves the CPU memory pool's free list for `size` elements of `dtype` holding NaN: the next
 * outputs of that size reuse those buffers, so an op whose kernels are trusted to write every
 * output element (dispatch's writesAll: its storage is not zeroed first) shows NaN wherever one
 * is missed. Several buffers, in case the op takes some scratch of the same size first.
 */
import { full } from '../../src/index.js';

export function poisonReused(dtype: 'float32' | 'float64', size: number): void {
  if (size === 0) return;
  const held = Array.from({ length: 3 }, () => full([size], NaN, { dtype }));
  for (const t of held) t.dispose();
}
