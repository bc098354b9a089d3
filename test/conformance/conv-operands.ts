/**
 * The seeded operands of a conv2d conformance case (conv2d.test.ts, conv2d-pool.test.ts): x, w and
 * the optional bias in a layout, x as a strided view when the case asks for one.
 */
import { expect } from 'vitest';
import type { Layout } from '../../src/index.js';
import { seeded, seededView } from '../util/close.js';
import type { ConvCase } from './cases.js';

/** x and w shapes of a case in a layout. */
export function convShapes(c: ConvCase, layout: Layout): { x: number[]; w: number[] } {
  const cg = c.C / (c.groups ?? 1);
  return layout === 'NCHW'
    ? { x: [c.N, c.C, c.H, c.W], w: [c.outC, cg, c.kh, c.kw] }
    : { x: [c.N, c.H, c.W, c.C], w: [c.kh, c.kw, cg, c.outC] };
}

/** x (seed), w (seed + 1) and, when the case has one, the bias (seed + 2). */
export async function convOperands(c: ConvCase, layout: Layout, seed: number, dtype: 'float32' | 'float64') {
  const shapes = convShapes(c, layout);
  // A strided x: the other layout's contiguous tensor, transposed into this layout.
  const x = c.xView
    ? await seededView(shapes.x, layout === 'NCHW' ? [0, 3, 1, 2] : [0, 2, 3, 1], seed, dtype)
    : await seeded(shapes.x, seed, dtype);
  if (c.xView) expect(x.t.isContiguous).toBe(false);
  const w = await seeded(shapes.w, seed + 1, dtype);
  const bias = c.bias ? await seeded([c.outC], seed + 2, dtype) : undefined;
  return { x, w, bias };
}
