/**
 * Shape arithmetic shared by the tensor core and the op planners: sizes, strides, numpy
 * broadcasting and message formatting. Pure functions over plain number arrays.
 */
import { ShapeError } from './errors.js';

export type Shape = readonly number[];

/** `[3,4]`: the form every message uses. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major (C order) strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The numpy broadcast of two shapes: aligned from the right, each pair equal or one of them 1.
 * Throws ShapeError naming both shapes.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape, what = 'operands'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `${what} do not broadcast: ${formatShape(a)} and ${formatShape(b)} (dimension ${i - rank}: ${da} ≠ ${db})`,
        'Each dimension, aligned from the right, must be equal or 1; reshape one operand',
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of `shape` (with element `strides`) as if it had `target` shape:
 * dimensions that broadcast get stride 0. `shape` must broadcast to `target`.
 */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const shift = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[i + shift] = shape[i] === 1 && target[i + shift] !== 1 ? 0 : strides[i]!;
  }
  return out;
}
