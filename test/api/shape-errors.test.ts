/**
 * The error messages of the shape ops, pinned as inline snapshots (messages are UI): each names
 * the op, what was expected, what was received and how to fix it, under a stable code.
 */
import { describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import { tensor, zeros } from '../../src/index.js';
import { failure } from '../util/settled.js';

const f32 = (shape: number[]) => zeros(shape);
const i32 = (values: number[]) => tensor(values, undefined, { dtype: 'int32' });

describe('views', () => {
  it('slice and at', async () => {
    expect(await failure('INVALID_ARGUMENT', () => L.slice(f32([4]), [0], [4], [0]))).toMatchInlineSnapshot(`"slice: step must not be 0; received step [0]. Use 1 to take every element, -1 to reverse."`);
    expect(await failure('INVALID_ARGUMENT', () => L.slice(f32([4]), [0, 1]))).toMatchInlineSnapshot(`"slice: begin, end and step have 2 entries but x has 1 axis; received x [4]. Pass at most one entry per axis."`);
    expect(await failure('INVALID_ARGUMENT', () => L.slice(f32([4]), [1.5]))).toMatchInlineSnapshot(`"slice: begin entries must be integers or null; received [1.5]"`);
    expect(await failure('INVALID_ARGUMENT', () => L.slice(f32([4]), [0], undefined, undefined, { mode: 1 } as never))).toMatchInlineSnapshot(`"slice: unknown option 'mode'. The options are backend, signal."`);
    expect(await failure('INVALID_ARGUMENT', () => L.at(f32([2, 3]), 0, 3))).toMatchInlineSnapshot(`"at: index 1 must be an integer in [-3, 2] for axis 1 of length 3; received 3 (number). Negative indices count from the end."`);
    expect(await failure('INVALID_ARGUMENT', () => L.at(f32([2]), 0, 0))).toMatchInlineSnapshot(`"at: 2 indices for a rank-1 tensor [2]. Pass at most one index per axis."`);
  });

  it('split, squeeze, expandDims, broadcastTo', async () => {
    expect(await failure('SHAPE_MISMATCH', () => L.split(f32([7]), 2))).toMatchInlineSnapshot(`"split: axis 0 of length 7 does not divide into 2 equal parts; received x [7]. Pass the split points instead, e.g. [2, 5]."`);
    expect(await failure('INVALID_ARGUMENT', () => L.split(f32([7]), 0))).toMatchInlineSnapshot(`"split: sections must be a positive integer or an array of split points; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.split(f32([2, 3]), 1, 2))).toMatchInlineSnapshot(`"split: axis must be an integer in [-2, 1] for a rank-2 tensor; received 2 (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => L.squeeze(f32([1, 3]), 1))).toMatchInlineSnapshot(`"squeeze: axis 1 has length 3, and only axes of length 1 can be squeezed; received x [1,3]. Name only axes of length 1, or call squeeze(x) to drop all of them."`);
    expect(await failure('INVALID_ARGUMENT', () => L.squeeze(f32([1, 1]), [0, -2]))).toMatchInlineSnapshot(`"squeeze: axis names axis 0 twice; received [0,-2]. Name each axis once."`);
    expect(await failure('INVALID_ARGUMENT', () => L.expandDims(f32([3]), 2))).toMatchInlineSnapshot(`"expandDims: axis must be an integer in [-2, 1] for the rank-2 result (axis counts positions in the result); received 2 (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => L.broadcastTo(f32([2, 3]), [3, 3]))).toMatchInlineSnapshot(`"broadcastTo: x [2,3] does not broadcast to [3,3]. Each dimension of x, aligned from the right, must equal the target's or be 1."`);
    expect(await failure('SHAPE_MISMATCH', () => L.broadcastTo(f32([2, 3]), [3]))).toMatchInlineSnapshot(`"broadcastTo: x [2,3] does not broadcast to [3]. The target needs at least as many dimensions as x."`);
    expect(await failure('INVALID_ARGUMENT', () => L.broadcastTo(f32([1]), [2 ** 20, 2 ** 12]))).toMatchInlineSnapshot(`"broadcastTo: the result [1048576,4096] would hold 4294967296 elements; a tensor holds at most 2147483647. Work on smaller pieces."`);
  });
});

describe('copies', () => {
  it('concat and stack', async () => {
    expect(await failure('SHAPE_MISMATCH', () => L.concat([f32([2, 3]), f32([2, 4])], 0))).toMatchInlineSnapshot(`"concat: tensors[1] is [2,4] and tensors[0] is [2,3]: all dimensions but axis 0 must match. Reshape or slice the inputs so that only the joined axis differs."`);
    expect(await failure('SHAPE_MISMATCH', () => L.concat([f32([2, 3]), f32([3])], 0))).toMatchInlineSnapshot(`"concat: tensors[1] is [3] and tensors[0] is [2,3]: all dimensions but axis 0 must match. Reshape or slice the inputs so that only the joined axis differs."`);
    expect(await failure('DTYPE_MISMATCH', () => L.concat([f32([2]), i32([1, 2])]))).toMatchInlineSnapshot(`"concat: dtypes differ: tensors[0] is float32, tensors[1] is int32. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('INVALID_ARGUMENT', () => L.concat([]))).toMatchInlineSnapshot(`"concat: tensors must hold at least one Tensor; received []"`);
    expect(await failure('SHAPE_MISMATCH', () => L.concat([tensor(1), tensor(2)]))).toMatchInlineSnapshot(`"concat: rank-0 tensors have no axis to join along; received tensors[0] []. Use stack, or expandDims first."`);
    expect(await failure('INVALID_ARGUMENT', () => L.concat([f32([2])], 1))).toMatchInlineSnapshot(`"concat: axis must be an integer in [-1, 0] for a rank-1 tensor; received 1 (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => L.stack([f32([2, 3]), f32([3, 2])]))).toMatchInlineSnapshot(`"stack: tensors[1] is [3,2] and tensors[0] is [2,3]: stack needs one shape. Reshape the inputs to one shape, or use concat to join along an existing axis."`);
    expect(await failure('INVALID_ARGUMENT', () => L.stack([f32([2])], 2))).toMatchInlineSnapshot(`"stack: axis must be an integer in [-2, 1] for the rank-2 result; received 2 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.stack(f32([2]) as never))).toMatchInlineSnapshot(`"stack: tensors must be an array of Tensors; received a float32 tensor [2]. e.g. stack([a, b], 0)."`);
  });

  it('pad, tile, flip', async () => {
    expect(await failure('INVALID_ARGUMENT', () => L.pad(f32([3]), -1))).toMatchInlineSnapshot(`"pad: widths must be a non-negative integer, [before, after], or one [before, after] per axis (1); received -1 (number). e.g. pad(x, 1), pad(x, [1, 2]) or pad(x, [[0, 0], [1, 2]])."`);
    expect(await failure('SHAPE_MISMATCH', () => L.pad(f32([3, 2]), [[1, 1], [1, 1], [1, 1]]))).toMatchInlineSnapshot(`"pad: widths has 3 entries and x has 2 axes; received [[1,1],[1,1],[1,1]]. Pass one [before, after] per axis, or one pair for all of them."`);
    expect(await failure('INVALID_ARGUMENT', () => L.pad(f32([3]), 1, { mode: 'symmetric' as never }))).toMatchInlineSnapshot(`"pad: mode must be one of 'constant', 'reflect', 'edge', 'wrap'; received 'symmetric' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => L.pad(f32([3]), 1, { mode: 'edge', value: 1 }))).toMatchInlineSnapshot(`"pad: value is the constant of mode 'constant'; received value 1 (number) with mode 'edge'. Drop value, or use mode 'constant'."`);
    expect(await failure('INVALID_ARGUMENT', () => L.pad(i32([3]), 1, { value: 0.5 }))).toMatchInlineSnapshot(`"pad: value must be a number (an integer in the int32 range for an int32 tensor); received 0.5 (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => L.pad(f32([0, 2]), 1, { mode: 'reflect' }))).toMatchInlineSnapshot(`"pad: mode 'reflect' cannot extend axis 0, which is empty; received x [0,2]. Use mode 'constant' for an empty axis, or pad it by 0."`);
    expect(await failure('INVALID_ARGUMENT', () => L.pad(f32([2]), 1, { modes: 'edge' } as never))).toMatchInlineSnapshot(`"pad: unknown option 'modes'. Did you mean 'mode'? The options are mode, value, backend, signal."`);
    expect(await failure('INVALID_ARGUMENT', () => L.tile(f32([2]), [-1]))).toMatchInlineSnapshot(`"tile: reps must be non-negative integers; received [-1]"`);
    expect(await failure('INVALID_ARGUMENT', () => L.flip(f32([2, 2]), [0, 0]))).toMatchInlineSnapshot(`"flip: axis names axis 0 twice; received [0,0]. Name each axis once."`);
    expect(await failure('INVALID_ARGUMENT', () => L.flip(tensor(3), 0))).toMatchInlineSnapshot(`"flip: x has rank 0 and no axes; received axis 0 (number). Leave axis out for a rank-0 tensor."`);
  });

  it('gather', async () => {
    expect(await failure('DTYPE_MISMATCH', () => L.gather(f32([3]), f32([1])))).toMatchInlineSnapshot(`"gather: indices must be int32; received float32. Create them with { dtype: 'int32' }."`);
    expect(await failure('INVALID_ARGUMENT', () => L.gather(f32([3]), i32([3])))).toMatchInlineSnapshot(`"gather: indices[0] is 3, outside [-3, 3) for axis 0 of length 3; received indices of shape [1]. Pass indices in [-3, 2] (negative ones count from the end)."`);
    expect(await failure('INVALID_ARGUMENT', () => L.gather(f32([2, 0]), i32([0]), 1))).toMatchInlineSnapshot(`"gather: indices[0] is 0, outside [0, 0) for axis 1 of length 0; received indices of shape [1]. An empty axis has no elements to take; pass empty indices."`);
    expect(await failure('SHAPE_MISMATCH', () => L.gather(tensor(1), i32([0])))).toMatchInlineSnapshot(`"gather: x has rank 0 and no axis to gather along; received x []. Reshape x to rank 1 first."`);
    expect(await failure('INVALID_ARGUMENT', () => L.gather(f32([3]), i32([0]), -2))).toMatchInlineSnapshot(`"gather: axis must be an integer in [-1, 0] for a rank-1 tensor; received -2 (number)"`);
  });
});
