/**
 * The error messages of the elementwise, comparison, where, reduction and neural-network ops,
 * pinned as inline snapshots (messages are UI): each names the op, what was expected, what was
 * received and how to fix it, under a stable code.
 */
import { describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import { tensor, zeros } from '../../src/index.js';
import { failure } from '../util/settled.js';


const f32 = (shape: number[]) => zeros(shape);
const i32 = (shape: number[]) => zeros(shape, { dtype: 'int32' });

describe('unary', () => {
  it('float-only functions on int32, and bad scalars', async () => {
    expect(await failure('DTYPE_MISMATCH', () => L.exp(i32([2])))).toMatchInlineSnapshot(`"exp: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('DTYPE_MISMATCH', () => L.gelu(i32([2])))).toMatchInlineSnapshot(`"gelu: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('INVALID_ARGUMENT', () => L.clip(f32([2]), { min: 3, max: 1 }))).toMatchInlineSnapshot(`"clip: min must not exceed max; received min 3, max 1. Swap the bounds."`);
    expect(await failure('INVALID_ARGUMENT', () => L.clip(f32([2]), { min: NaN }))).toMatchInlineSnapshot(`"clip: min must be a number (not NaN); received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.clip(i32([2]), { max: 2.5 }))).toMatchInlineSnapshot(`"clip: max must be an int32 integer to clip an int32 tensor; received 2.5. Round the bound, or convert x to a float dtype."`);
    expect(await failure('INVALID_ARGUMENT', () => L.leakyRelu(f32([2]), { alpha: NaN }))).toMatchInlineSnapshot(`"leakyRelu: alpha must be a finite number; received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.sqrt([1, 2] as never))).toMatchInlineSnapshot(`"sqrt: x must be a Tensor; received [1,2]. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
  });
});

describe('binary and comparisons', () => {
  it('dtypes and shapes', async () => {
    expect(await failure('DTYPE_MISMATCH', () => L.pow(i32([2]), i32([2])))).toMatchInlineSnapshot(`"pow: a must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('DTYPE_MISMATCH', () => L.less(i32([2]), f32([2])))).toMatchInlineSnapshot(`"less: dtypes differ: a is int32, b is float32. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('SHAPE_MISMATCH', () => L.maximum(f32([2, 3]), f32([4])))).toMatchInlineSnapshot(`"maximum: operands do not broadcast: [2,3] and [4] (dimension -1: 3 ≠ 4). Each dimension, aligned from the right, must be equal or 1; reshape one operand."`);
  });
});

describe('where', () => {
  it('cond dtype, a/b dtypes, shapes', async () => {
    expect(await failure('DTYPE_MISMATCH', () => L.where(f32([2]), f32([2]), f32([2])))).toMatchInlineSnapshot(`"where: cond must be int32 (nonzero is true); received float32. Make a mask with a comparison, e.g. notEqual(x, zeros(x.shape, { dtype: x.dtype }))."`);
    expect(await failure('DTYPE_MISMATCH', () => L.where(i32([2]), f32([2]), i32([2])))).toMatchInlineSnapshot(`"where: dtypes differ: a is float32, b is int32. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('SHAPE_MISMATCH', () => L.where(i32([3]), f32([2]), f32([2])))).toMatchInlineSnapshot(`"where: cond and the broadcast of a and b do not broadcast: [3] and [2] (dimension -1: 3 ≠ 2). Each dimension, aligned from the right, must be equal or 1; reshape one operand."`);
  });
});

describe('reductions', () => {
  it('empty reductions, ddof, axes, ord', async () => {
    expect(await failure('SHAPE_MISMATCH', () => L.max(f32([0, 3]), { axis: 0 }))).toMatchInlineSnapshot(`"max: the max of an empty axis is undefined; x is [0,3], reducing axes [0]. Reduce over non-empty axes, or check the size first."`);
    expect(await failure('SHAPE_MISMATCH', () => L.argmin(f32([0])))).toMatchInlineSnapshot(`"argmin: the argmin of an empty axis is undefined; x is [0], reducing axes [0]. Reduce over non-empty axes, or check the size first."`);
    expect(await failure('INVALID_ARGUMENT', () => L.argmax(f32([2, 3]), { axis: [0, 1] as never }))).toMatchInlineSnapshot(`"argmax: axis must be an integer (one axis) or absent (the flattened tensor); received [0,1]"`);
    expect(await failure('SHAPE_MISMATCH', () => L.variance(f32([3, 1]), { axis: 1, ddof: 1 }))).toMatchInlineSnapshot(`"variance: ddof 1 leaves no degrees of freedom: 1 element(s) per output; x is [3,1], reducing axes [1]. Use a smaller ddof or reduce over more elements (numpy returns NaN or Infinity here)."`);
    expect(await failure('INVALID_ARGUMENT', () => L.std(f32([3]), { ddof: -1 }))).toMatchInlineSnapshot(`"std: ddof must be a non-negative integer; received -1 (number)"`);
    expect(await failure('DTYPE_MISMATCH', () => L.logSumExp(i32([3])))).toMatchInlineSnapshot(`"logSumExp: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('INVALID_ARGUMENT', () => L.norm(f32([3]), { ord: 3 as never }))).toMatchInlineSnapshot(`"norm: ord must be 1, 2, Infinity, 'euclidean' or 'fro'; received 3 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.norm(f32([3, 3]), { ord: 'fro', axis: 0 }))).toMatchInlineSnapshot(`"norm: ord 'fro' needs exactly two axes; x is [3,3], reducing axes [0]. Pass axis: [-2, -1], or use ord 2 for a vector norm."`);
    expect(await failure('INVALID_ARGUMENT', () => L.norm(f32([3, 3]), { ord: 1, axis: [0, 1] }))).toMatchInlineSnapshot(`"norm: ord 1 over two axes would be a matrix norm (numpy), which is not implemented; x is [3,3], reducing axes [0,1]. Use ord 'fro', reduce over one axis, or omit axis for the vector norm of all elements."`);
    expect(await failure('INVALID_ARGUMENT', () => L.prod(f32([3]), { axis: 1 }))).toMatchInlineSnapshot(`"prod: axis must be an integer in [-1, 0] for a rank-1 tensor; received 1 (number)"`);
  });
});

describe('neural-network ops', () => {
  it('softmax, batchNorm, layerNorm', async () => {
    expect(await failure('DTYPE_MISMATCH', () => L.softmax(i32([3])))).toMatchInlineSnapshot(`"softmax: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('INVALID_ARGUMENT', () => L.logSoftmax(f32([3]), { axis: 2 }))).toMatchInlineSnapshot(`"logSoftmax: axis must be an integer in [-1, 0] for a rank-1 tensor; received 2 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.softmax(tensor(1)))).toMatchInlineSnapshot(`"softmax: x must have rank 1 or more; received a scalar (rank 0). Reshape it to [1]."`);
    expect(await failure('SHAPE_MISMATCH', () => L.batchNorm(f32([2, 3, 4]), f32([4]), f32([3])))).toMatchInlineSnapshot(`"batchNorm: mean must be a vector of x.shape[1] = 3 elements; received [4]. Pass one value per channel, or set axis to the channel axis of x [2,3,4]."`);
    expect(await failure('INVALID_ARGUMENT', () => L.batchNorm(f32([2, 3]), f32([3]), f32([3]), { epsilon: NaN }))).toMatchInlineSnapshot(`"batchNorm: epsilon must be a finite number ≥ 0; received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.layerNorm(f32([2, 3, 4]), { axis: [0, 2] }))).toMatchInlineSnapshot(`"layerNorm: axis must name the trailing axes, each once (e.g. [1, 2]); received [0,2]. Transpose x so that the normalised axes come last."`);
    expect(await failure('SHAPE_MISMATCH', () => L.layerNorm(f32([2, 3]), { gamma: f32([2]) }))).toMatchInlineSnapshot(`"layerNorm: gamma must have the normalised shape [3]; received [2]"`);
  });
});
