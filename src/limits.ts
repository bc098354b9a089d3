/**
 * The size limits every op, plan and creation function checks before it allocates, so that an
 * absurd request ends in a typed error at the call instead of an engine abort or a RangeError
 * from deep inside a kernel.
 *
 * - A tensor holds at most `MAX_ELEMENTS` = 2³¹ − 1 elements (16 GiB of float64, 8 GiB of
 *   float32): the native kernels count elements in 32-bit integers per dimension product, and
 *   Node's typed arrays end at 2³² elements.
 * - A tensor has at most `MAX_RANK` = 32 dimensions (numpy 1.x's limit; the native addon's).
 * - Window geometry (padded image sizes, dilated kernel spans, strides) stays below
 *   `MAX_EXTENT` = 2³¹ − 1, so that every size derived from it is an exact integer.
 * - A buffer the machine cannot give (an allocation under the limits that still fails) is an
 *   `OutOfMemoryError`.
 */
import { OutOfMemoryError, ShapeError } from './errors.js';

/** The most elements one tensor may hold. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** The most dimensions one tensor may have. */
export const MAX_RANK = 32;

/** The largest padded image side, dilated window span or stride a sliding-window op accepts. */
export const MAX_EXTENT = 2 ** 31 - 1;

/** `n` with thousands separators (`25,000,000,000`) for messages about sizes. */
function count(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

/**
 * Throws a ShapeError when `elements` (an output, a scratch buffer: `what` says which) exceeds
 * MAX_ELEMENTS. `shape`, when given, is named in the message.
 */
export function checkElements(op: string | undefined, what: string, elements: number, shape?: readonly number[]): void {
  if (elements <= MAX_ELEMENTS) return; // false for NaN too
  const of = shape ? ` (shape [${shape.join(',')}])` : '';
  throw new ShapeError(op, `${what} would hold ${count(elements)} elements${of}, more than the limit of ${count(MAX_ELEMENTS)} (2^31 - 1) elements per tensor`,
    'Split the work into smaller pieces');
}

/** Throws a ShapeError when a shape has more than MAX_RANK dimensions. */
export function checkRank(op: string | undefined, what: string, rank: number): void {
  if (rank <= MAX_RANK) return;
  throw new ShapeError(op, `${what} has ${rank} dimensions, more than the limit of ${MAX_RANK}`,
    'Merge dimensions with reshape()');
}

/** Runs `allocate`, turning the engine's "Array buffer allocation failed" into an OutOfMemoryError. */
export function allocating<T>(op: string | undefined, bytes: number, allocate: () => T): T {
  try {
    return allocate();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new OutOfMemoryError(op, `could not allocate a buffer of ${count(bytes)} bytes (${e.message})`,
        'Free memory (dispose() tensors no longer needed) or split the work into smaller pieces');
    }
    throw e;
  }
}
