/**
 * webgpu matmul variants beyond the conformance cases: the vec4 kernel (rows contiguous, k and n
 * multiples of 4) on shapes that are not multiples of the 64×64 tile, batched and broadcast, and
 * falling back to the scalar kernel for misaligned views. Compared with the float64 reference.
 */
import { describe, it } from 'vitest';
import { matmul } from '../../src/index.js';
import { refMatmul } from '../reference/matmul.js';
import { expectClose, seeded, seedOf, tol } from '../util/close.js';
import { hasGpu } from './gpu.js';

const CASES: { label: string; a: number[]; b: number[]; transA?: boolean; transB?: boolean; bias?: number[] }[] = [
  { label: 'vec4 68×36×132 (off-tile)', a: [68, 36], b: [36, 132] },
  { label: 'vec4 batched broadcast [3,1,20,8]·[2,8,12] + bias', a: [3, 1, 20, 8], b: [2, 8, 12], bias: [12] },
  { label: 'vec4 A, scalar B (transB) 20×8×12', a: [20, 8], b: [12, 8], transB: true },
  { label: 'scalar: n not a multiple of 4, 20×8×13', a: [20, 8], b: [8, 13] },
  { label: 'vec4 130×4×4', a: [130, 4], b: [4, 4] },
];

describe.skipIf(!hasGpu)('webgpu matmul variants', () => {
  it.each(CASES)('$label', async (c) => {
    const seed = seedOf(`webgpu matmul ${c.label}`);
    const a = await seeded(c.a, seed, 'float32');
    const b = await seeded(c.b, seed + 1, 'float32');
    const bias = c.bias ? await seeded(c.bias, seed + 2, 'float32') : undefined;
    const got = await matmul(a.t, b.t, { transA: c.transA, transB: c.transB, bias: bias?.t, backend: 'webgpu' });
    const k = c.transA ? c.a[c.a.length - 2]! : c.a[c.a.length - 1]!;
    await expectClose(got, refMatmul(a.ref, b.ref, { transA: c.transA, transB: c.transB, bias: bias?.ref }), tol('float32', k + 1), c.label);
  });
});
