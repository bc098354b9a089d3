/**
 * Every bad input gets a typed LeptonError with a stable code and a message that says what was
 * expected, what was received and how to fix it. Messages are UI: they are pinned here as inline
 * snapshots and reviewed when they change.
 */
import { describe, expect, it } from 'vitest';
import {
  arange,
  avgPool2d,
  backends,
  conv2d,
  div,
  eye,
  full,
  linalg,
  matmul,
  maxPool2d,
  mean,
  prepack,
  ones,
  rand,
  randn,
  relu,
  ridge,
  setBackend,
  sigmoid,
  sub,
  sum,
  tensor,
  zeros,
} from '../../src/index.js';
import { failure } from '../util/settled.js';


const f32 = (shape: number[]) => zeros(shape);
const f64 = (shape: number[]) => zeros(shape, { dtype: 'float64' });
const i32 = (shape: number[]) => zeros(shape, { dtype: 'int32' });

describe('tensor creation', () => {
  it('rejects data of the wrong type', async () => {
    expect(await failure('INVALID_ARGUMENT', () => tensor('abc' as never))).toMatchInlineSnapshot(`"tensor: data must be a TypedArray, an array of numbers, nested arrays or a number; received 'abc' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => tensor(null as never))).toMatchInlineSnapshot(`"tensor: data must be a TypedArray, an array of numbers, nested arrays or a number; received null"`);
    expect(await failure('INVALID_ARGUMENT', () => tensor({ a: 1 } as never))).toMatchInlineSnapshot(`"tensor: data must be a TypedArray, an array of numbers, nested arrays or a number; received a plain Object"`);
    expect(await failure('INVALID_ARGUMENT', () => tensor([1, 'a'] as never))).toMatchInlineSnapshot(`"tensor: data must hold only numbers; received 'a' (string) at data[1]"`);
    expect(await failure('INVALID_ARGUMENT', () => tensor(new Uint8Array(3) as never))).toMatchInlineSnapshot(`"tensor: data must be a Float32Array, Float64Array or Int32Array; received a Uint8Array. Convert it first, e.g. Float32Array.from(data)."`);
  });

  it('rejects ragged arrays and shapes that do not fit the data', async () => {
    expect(await failure('SHAPE_MISMATCH', () => tensor([[1, 2], [3]]))).toMatchInlineSnapshot(`"tensor: nested arrays are ragged: every row at a level must have the same length; received a different length or depth at data[1]. Expected a regular array of shape [2,2]."`);
    expect(await failure('SHAPE_MISMATCH', () => tensor([1, 2, 3], [2, 2]))).toMatchInlineSnapshot(`"tensor: shape [2,2] holds 4 elements but the data has 3. Pass a shape whose dimensions multiply to the data length."`);
    expect(await failure('INVALID_ARGUMENT', () => tensor([1, 2], [2, -1]))).toMatchInlineSnapshot(`"tensor: shape must be an array of non-negative integers; received [2,-1]. Pass e.g. [2, 3]."`);
  });

  it('rejects bad dtypes and non-integer int32 data', async () => {
    expect(await failure('DTYPE_MISMATCH', () => tensor([1], undefined, { dtype: 'float16' as never }))).toMatchInlineSnapshot(`"tensor: dtype must be 'float32', 'float64' or 'int32'; received 'float16' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => tensor([1.5], undefined, { dtype: 'int32' }))).toMatchInlineSnapshot(`"tensor: int32 data must hold 32-bit integers (in [-2^31, 2^31 - 1]); received 1.5 at index 0. Round the values first, keep them in range, or use a float dtype."`);
    expect(await failure('INVALID_ARGUMENT', () => tensor([NaN], { dtype: 'int32' }))).toMatchInlineSnapshot(`"tensor: int32 data must hold 32-bit integers (in [-2^31, 2^31 - 1]); received NaN at index 0. Round the values first, keep them in range, or use a float dtype."`);
  });

  it('rejects bad shapes and sizes in the creation functions', async () => {
    expect(await failure('INVALID_ARGUMENT', () => zeros([-1]))).toMatchInlineSnapshot(`"zeros: shape must be an array of non-negative integers; received [-1]. Pass e.g. [2, 3]."`);
    expect(await failure('INVALID_ARGUMENT', () => ones([1.5]))).toMatchInlineSnapshot(`"ones: shape must be an array of non-negative integers; received [1.5]. Pass e.g. [2, 3]."`);
    expect(await failure('INVALID_ARGUMENT', () => zeros('3' as never))).toMatchInlineSnapshot(`"zeros: shape must be an array of non-negative integers; received '3' (string). Pass e.g. [2, 3]."`);
    expect(await failure('INVALID_ARGUMENT', () => full([2], 0.5, { dtype: 'int32' }))).toMatchInlineSnapshot(`"full: int32 value must hold 32-bit integers (in [-2^31, 2^31 - 1]); received 0.5. Round the values first, keep them in range, or use a float dtype."`);
    expect(await failure('INVALID_ARGUMENT', () => eye(-1))).toMatchInlineSnapshot(`"eye: n must be a non-negative integer; received -1 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => arange(0, NaN))).toMatchInlineSnapshot(`"arange: stop must be a finite number; received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => arange(0, 1, 0))).toMatchInlineSnapshot(`"arange: step must not be 0; received 0. Pass a positive or negative step."`);
    expect(await failure('INVALID_ARGUMENT', () => randn([2], { seed: 1.5 }))).toMatchInlineSnapshot(`"randn: seed must be an integer; received 1.5 (number)"`);
    expect(await failure('DTYPE_MISMATCH', () => rand([2], { dtype: 'int32' as never }))).toMatchInlineSnapshot(`"rand: dtype must be 'float32' or 'float64'; received 'int32'. Random integers are not offered; round a float tensor."`);
  });

  it('rejects impossible reshapes and permutations', async () => {
    const t = zeros([2, 3]);
    expect(await failure('SHAPE_MISMATCH', () => t.reshape([4, 2]))).toMatchInlineSnapshot(`"reshape: cannot reshape [2,3] (6 elements) into [4,2] (8 elements). The sizes must match; use -1 for one dimension to infer it."`);
    expect(await failure('INVALID_ARGUMENT', () => t.reshape([-1, -1]))).toMatchInlineSnapshot(`"reshape: shape entries must be non-negative integers (one may be -1); received [-1,-1]"`);
    expect(await failure('SHAPE_MISMATCH', () => t.reshape([-1, 4]))).toMatchInlineSnapshot(`"reshape: cannot infer -1 in [-1,4] for 6 elements. The other dimensions must divide the size."`);
    expect(await failure('INVALID_ARGUMENT', () => t.transpose([0, 0]))).toMatchInlineSnapshot(`"transpose: perm must be a permutation of 0..1; received [0,0]. Pass one index per dimension of the rank-2 tensor, each once."`);
    expect(await failure('INVALID_ARGUMENT', () => t.transpose([0]))).toMatchInlineSnapshot(`"transpose: perm must be a permutation of 0..1; received [0]. Pass one index per dimension of the rank-2 tensor, each once."`);
  });

  it('rejects any use of a disposed tensor', async () => {
    const t = ones([2, 2]);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(await failure('DISPOSED_TENSOR', () => t.dataSync())).toMatchInlineSnapshot(`"dataSync: tensor [2,2] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
    expect(await failure('DISPOSED_TENSOR', () => t.data())).toMatchInlineSnapshot(`"data: tensor [2,2] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
    expect(await failure('DISPOSED_TENSOR', () => t.reshape([4]))).toMatchInlineSnapshot(`"reshape: tensor [2,2] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
    expect(await failure('DISPOSED_TENSOR', () => matmul(t, ones([2, 2])))).toMatchInlineSnapshot(`"matmul: tensor [2,2] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
    expect(await failure('DISPOSED_TENSOR', () => relu(t))).toMatchInlineSnapshot(`"relu: tensor [2,2] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
  });
});

describe('matmul', () => {
  it('names both shapes when the inner dimensions differ', async () => {
    expect(await failure('SHAPE_MISMATCH', () => matmul(f32([3, 4]), f32([5, 6])))).toMatchInlineSnapshot(`"matmul: inner dimensions differ: a is [3,4], b is [5,6] (4 ≠ 5). The last dimension of op(a) must equal the second-to-last of op(b); transpose one operand or swap the arguments."`);
    expect(await failure('SHAPE_MISMATCH', () => matmul(f32([3, 4]), f32([3, 4]), { transB: false }))).toMatchInlineSnapshot(`"matmul: inner dimensions differ: a is [3,4], b is [3,4] (4 ≠ 3). The last dimension of op(a) must equal the second-to-last of op(b); transpose one operand or swap the arguments."`);
    expect(await failure('SHAPE_MISMATCH', () => matmul(f32([4, 3]), f32([5, 6]), { transA: true }))).toMatchInlineSnapshot(`"matmul: inner dimensions differ: a is [4,3], b is [5,6] (4 ≠ 5, with transA). The last dimension of op(a) must equal the second-to-last of op(b); transpose one operand or swap the arguments."`);
    expect(await failure('SHAPE_MISMATCH', () => matmul(f32([2, 3, 4]), f32([3, 4, 5])))).toMatchInlineSnapshot(`"matmul: batch dimensions do not broadcast: [2] and [3] (dimension -1: 2 ≠ 3). Each dimension, aligned from the right, must be equal or 1; reshape one operand."`);
    expect(await failure('SHAPE_MISMATCH', () => matmul(f32([0]), f32([1, 2])))).toMatchInlineSnapshot(`"matmul: inner dimensions differ: a is [0], b is [1,2] (0 ≠ 1). The last dimension of op(a) must equal the second-to-last of op(b); transpose one operand or swap the arguments."`);
  });

  it('rejects things that are not tensors', async () => {
    expect(await failure('INVALID_ARGUMENT', () => matmul('a' as never, f32([2, 2])))).toMatchInlineSnapshot(`"matmul: a must be a Tensor; received 'a' (string). Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(f32([2, 2]), null as never))).toMatchInlineSnapshot(`"matmul: b must be a Tensor; received null. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
    expect(await failure('INVALID_ARGUMENT', () => matmul({ shape: [2, 2] } as never, f32([2, 2])))).toMatchInlineSnapshot(`"matmul: a must be a Tensor; received a plain Object. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
    expect(await failure('INVALID_ARGUMENT', () => matmul([[1]] as never, f32([1, 1])))).toMatchInlineSnapshot(`"matmul: a must be a Tensor; received [[1]]. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
  });

  it('rejects int32, mixed dtypes and rank 0', async () => {
    expect(await failure('DTYPE_MISMATCH', () => matmul(i32([2, 2]), i32([2, 2])))).toMatchInlineSnapshot(`"matmul: a must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('DTYPE_MISMATCH', () => matmul(f32([2, 2]), f64([2, 2])))).toMatchInlineSnapshot(`"matmul: dtypes differ: a is float32, b is float64. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('DTYPE_MISMATCH', () => matmul(f32([2, 2]), f32([2, 2]), { bias: f64([2]) }))).toMatchInlineSnapshot(`"matmul: dtypes differ: a is float32, bias is float64. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('SHAPE_MISMATCH', () => matmul(tensor(1), f32([2, 2])))).toMatchInlineSnapshot(`"matmul: a must have rank 1 or more; received rank 0 []"`);
  });

  it('rejects bad options', async () => {
    const a = f32([2, 3]);
    const b = f32([3, 4]);
    expect(await failure('SHAPE_MISMATCH', () => matmul(a, b, { bias: f32([3]) }))).toMatchInlineSnapshot(`"matmul: bias and the output do not broadcast: [2,4] and [3] (dimension -1: 4 ≠ 3). Each dimension, aligned from the right, must be equal or 1; reshape one operand."`);
    expect(await failure('SHAPE_MISMATCH', () => matmul(a, b, { bias: f32([5, 2, 4]) }))).toMatchInlineSnapshot(`"matmul: bias [5,2,4] does not broadcast to the output [2,4]. The bias may repeat over the output, not enlarge it; pass a bias of length n for a per-column bias."`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(a, b, { bias: [1, 2, 3, 4] as never }))).toMatchInlineSnapshot(`"matmul: bias must be a Tensor; received [1,2,3,4]. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(a, b, { activation: 'tanh' as never }))).toMatchInlineSnapshot(`"matmul: activation must be one of 'none', 'relu', 'sigmoid'; received 'tanh' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(a, b, { transA: 'yes' as never }))).toMatchInlineSnapshot(`"matmul: transA must be true or false; received 'yes' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(f32([3]), b, { transA: true }))).toMatchInlineSnapshot(`"matmul: transA needs a of rank 2 or more; received a of shape [3]. Reshape a to a matrix, or drop the flag."`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(a, b, 'fast' as never))).toMatchInlineSnapshot(`"matmul: options must be an object; received 'fast' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => matmul(a, b, { backend: 'cuda' as never }))).toMatchInlineSnapshot(`"matmul: backend must be one of 'auto', 'js', 'native', 'wasm', 'webgpu'; received 'cuda' (string)"`);
  });

  it('refuses a backend that is not available instead of falling back', async () => {
    // Which backends are unavailable depends on the machine (a GPU, a compiler): take them from
    // backends() and check each one's refusal carries its reason.
    for (const b of (await backends()).filter((r) => !r.available)) {
      const message = await failure('BACKEND_UNAVAILABLE', () => matmul(f32([2, 2]), f32([2, 2]), { backend: b.name }));
      expect(message).toBe(`matmul: backend '${b.name}' is unavailable: ${b.reason}. Call backends() to see which backends run here, or use another backend.`);
      expect(await failure('BACKEND_UNAVAILABLE', () => setBackend(b.name))).toContain(`setBackend: backend '${b.name}' is unavailable`);
    }
    expect(await failure('INVALID_ARGUMENT', () => setBackend('gpu' as never))).toMatchInlineSnapshot(`"setBackend: backend must be one of 'auto', 'js', 'native', 'wasm', 'webgpu'; received 'gpu' (string)"`);
  });
});

describe('conv2d', () => {
  const x = f32([1, 3, 8, 8]);
  const w = f32([4, 3, 3, 3]);
  it('rejects bad ranks, channel counts and groups', async () => {
    expect(await failure('SHAPE_MISMATCH', () => conv2d(f32([3, 8, 8]), w))).toMatchInlineSnapshot(`"conv2d: x must have rank 4; received rank 3 [3,8,8]"`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, f32([4, 2, 3, 3])))).toMatchInlineSnapshot(`"conv2d: w [outC, inC/groups, kh, kw] does not match x [batch, inC, inH, inW]: w is [4,2,3,3], x is [1,3,8,8] (inC/groups: 2 ≠ 3). Check the layout: pass layout: 'NHWC' for channels-last tensors."`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, w, { layout: 'NHWC' }))).toMatchInlineSnapshot(`"conv2d: w [kh, kw, inC/groups, outC] does not match x [batch, inH, inW, inC]: w is [4,3,3,3], x is [1,3,8,8] (inC/groups: 3 ≠ 8). Check the layout: NHWC weights are [kh, kw, inC/groups, outC]."`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, f32([4, 1, 3, 3]), { groups: 2 }))).toMatchInlineSnapshot(`"conv2d: groups must divide both channel counts; received groups 2 with inC 3 and outC 4. Pick groups among the common divisors of inC and outC (inC for depthwise)."`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, w, { bias: f32([3]) }))).toMatchInlineSnapshot(`"conv2d: bias must have shape [4] (one value per output channel); received [3]"`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(f32([1, 3, 0, 8]), w))).toMatchInlineSnapshot(`"conv2d: x [batch, inC, inH, inW] must have non-zero channels, height and width; received [1,3,0,8]"`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, f32([0, 3, 3, 3])))).toMatchInlineSnapshot(`"conv2d: w [outC, inC/groups, kh, kw] must have no zero dimension; received [0,3,3,3]"`);
  });

  it('rejects NaN, Infinity, negative and non-integer geometry', async () => {
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { stride: 0 }))).toMatchInlineSnapshot(`"conv2d: stride must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { stride: NaN }))).toMatchInlineSnapshot(`"conv2d: stride must be a positive integer; received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { stride: Infinity }))).toMatchInlineSnapshot(`"conv2d: stride must be a positive integer; received Infinity (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { stride: [1, -2] }))).toMatchInlineSnapshot(`"conv2d: stride[1] must be a positive integer; received -2 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { dilation: 1.5 }))).toMatchInlineSnapshot(`"conv2d: dilation must be a positive integer; received 1.5 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { groups: 0 }))).toMatchInlineSnapshot(`"conv2d: groups must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { padding: 'full' as never }))).toMatchInlineSnapshot(`"conv2d: padding must be 'valid', 'same', a non-negative integer or [top, bottom, left, right]; received 'full' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { padding: -1 }))).toMatchInlineSnapshot(`"conv2d: padding must be a non-negative integer; received -1 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { padding: [1, 2] as never }))).toMatchInlineSnapshot(`"conv2d: padding must be 'valid', 'same', a non-negative integer or [top, bottom, left, right]; received [1,2]"`);
    expect(await failure('INVALID_ARGUMENT', () => conv2d(x, w, { layout: 'CHWN' as never }))).toMatchInlineSnapshot(`"conv2d: layout must be one of 'NCHW', 'NHWC'; received 'CHWN' (string)"`);
  });

  it('rejects a window larger than the padded input', async () => {
    expect(await failure('SHAPE_MISMATCH', () => conv2d(f32([1, 3, 2, 2]), w))).toMatchInlineSnapshot(`"conv2d: the window (3×3) is larger than the padded input (2×2). Use a smaller kernel or dilation, or more padding (e.g. padding: 'same')."`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, w, { dilation: 4 }))).toMatchInlineSnapshot(`"conv2d: the window (9×9 after dilation) is larger than the padded input (8×8). Use a smaller kernel or dilation, or more padding (e.g. padding: 'same')."`);
  });

  it('rejects a bad pool option', async () => {
    const pool = (p: unknown) => () => conv2d(x, w, { pool: p as never });
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max', kernel: 2, size: 2 }))).toMatchInlineSnapshot(`"conv2d: unknown option 'pool.size'. Did you mean 'pool.kernel'? pool takes { type, kernel, stride }."`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max', size: 2 }))).toMatchInlineSnapshot(`"conv2d: unknown option 'pool.size'. Did you mean 'pool.kernel'? pool takes { type, kernel, stride }."`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max', kernel: 2, strid: 1 }))).toMatchInlineSnapshot(`"conv2d: unknown option 'pool.strid'. Did you mean 'pool.stride'? pool takes { type, kernel, stride }."`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max', kernel: 0 }))).toMatchInlineSnapshot(`"conv2d: pool.kernel must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max', kernel: NaN }))).toMatchInlineSnapshot(`"conv2d: pool.kernel must be a positive integer; received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max', kernel: [2, NaN] }))).toMatchInlineSnapshot(`"conv2d: pool.kernel[1] must be a positive integer; received NaN (number)"`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'avg', kernel: 2, stride: 0 }))).toMatchInlineSnapshot(`"conv2d: pool.stride must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'avg', kernel: 2, stride: 2 ** 31 }))).toMatchInlineSnapshot(`"conv2d: pool.stride must be at most 2147483647 (2^31 - 1); received 2147483648. Sliding-window geometry is limited to 2^31 - 1 pixels per side."`);
    expect(await failure('INVALID_ARGUMENT', pool({ kernel: 2 }))).toMatchInlineSnapshot(`"conv2d: pool.type must be one of 'max', 'avg'; received undefined"`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'min', kernel: 2 }))).toMatchInlineSnapshot(`"conv2d: pool.type must be one of 'max', 'avg'; received 'min' (string)"`);
    expect(await failure('INVALID_ARGUMENT', pool({ type: 'max' }))).toMatchInlineSnapshot(`"conv2d: pool.kernel must be a positive integer or [h, w]; received undefined"`);
    expect(await failure('INVALID_ARGUMENT', pool('max'))).toMatchInlineSnapshot(`"conv2d: pool must be an object { type, kernel, stride }; received 'max' (string)"`);
    expect(await failure('INVALID_ARGUMENT', pool([2, 2]))).toMatchInlineSnapshot(`"conv2d: pool must be an object { type, kernel, stride }; received [2,2]"`);
    expect(await failure('INVALID_ARGUMENT', pool(null))).toMatchInlineSnapshot(`"conv2d: pool must be an object { type, kernel, stride }; received null"`);
    expect(await failure('INVALID_ARGUMENT', pool(x))).toMatchInlineSnapshot(`"conv2d: pool must be an object { type, kernel, stride }; received a float32 tensor [1,3,8,8]"`);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(await failure('INVALID_ARGUMENT', pool(revoked.proxy))).toMatchInlineSnapshot(`"conv2d: pool could not be read (Cannot perform 'IsArray' on a proxy that has been revoked); received a revoked Proxy. Pass a plain object."`);
    const throwing = { type: 'max', get kernel(): number { throw new Error('boom'); } };
    expect(await failure('INVALID_ARGUMENT', pool(throwing))).toMatchInlineSnapshot(`"conv2d: pool could not be read (boom). Pass a plain object."`);
  });

  it('rejects a pool window larger than the convolution output', async () => {
    // x 8×8, w 3×3 valid: the convolution's output is 6×6.
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, w, { pool: { type: 'max', kernel: 7 } }))).toMatchInlineSnapshot(`"conv2d: the pool window (7×7) is larger than the convolution's output (6×6). Use a smaller pool.kernel, or a convolution with a larger output (more padding, a smaller stride)."`);
    expect(await failure('SHAPE_MISMATCH', () => conv2d(x, w, { stride: 2, pool: { type: 'avg', kernel: [2, 4] } }))).toMatchInlineSnapshot(`"conv2d: the pool window (2×4) is larger than the convolution's output (3×3). Use a smaller pool.kernel, or a convolution with a larger output (more padding, a smaller stride)."`);
  });
});

describe('prepack', () => {
  it('rejects what matmul could not read as B, and bad options', async () => {
    const w = f32([4, 3]);
    expect(await failure('DTYPE_MISMATCH', () => prepack(i32([4, 3])))).toMatchInlineSnapshot(`"prepack: w must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('SHAPE_MISMATCH', () => prepack(f32([2, 4, 3])))).toMatchInlineSnapshot(`"prepack: w must have rank 2; received rank 3 [2,4,3]"`);
    expect(await failure('SHAPE_MISMATCH', () => prepack(f32([4])))).toMatchInlineSnapshot(`"prepack: w must have rank 2; received rank 1 [4]"`);
    expect(await failure('INVALID_ARGUMENT', () => prepack([[1, 2]] as never))).toMatchInlineSnapshot(`"prepack: w must be a Tensor; received [[1,2]]. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
    expect(await failure('INVALID_ARGUMENT', () => prepack(w, { transB: 'yes' as never }))).toMatchInlineSnapshot(`"prepack: transB must be true or false; received 'yes' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => prepack(w, { transA: true } as never))).toMatchInlineSnapshot(`"prepack: unknown option 'transA'. Did you mean 'transB'? The options are { transB }."`);
    expect(await failure('INVALID_ARGUMENT', () => prepack(w, { backend: 'native' } as never))).toMatchInlineSnapshot(`"prepack: unknown option 'backend'. The options are { transB }."`);
    expect(await failure('INVALID_ARGUMENT', () => prepack(w, 'transB' as never))).toMatchInlineSnapshot(`"prepack: options must be an object { transB }; received 'transB' (string)"`);
    const gone = f32([2, 2]);
    gone.dispose();
    expect(await failure('DISPOSED_TENSOR', () => prepack(gone))).toMatchInlineSnapshot(`"prepack: tensor [2,2] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
  });
});

describe('pools', () => {
  const x = f32([1, 2, 4, 4]);
  it('rejects a missing or bad kernel and too much padding', async () => {
    expect(await failure('INVALID_ARGUMENT', () => maxPool2d(x, {} as never))).toMatchInlineSnapshot(`"maxPool2d: kernel must be a positive integer or [h, w]; received undefined"`);
    expect(await failure('INVALID_ARGUMENT', () => maxPool2d(x, undefined as never))).toMatchInlineSnapshot(`"maxPool2d: kernel must be a positive integer or [h, w]; received undefined"`);
    expect(await failure('INVALID_ARGUMENT', () => avgPool2d(x, { kernel: 0 }))).toMatchInlineSnapshot(`"avgPool2d: kernel must be a positive integer; received 0 (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => avgPool2d(x, { kernel: 2, padding: 2 }))).toMatchInlineSnapshot(`"avgPool2d: padding must be smaller than the kernel (2×2); received [2,2,2,2]. A window made only of padding has no value."`);
    expect(await failure('SHAPE_MISMATCH', () => maxPool2d(x, { kernel: 5 }))).toMatchInlineSnapshot(`"maxPool2d: the window (5×5) is larger than the padded input (4×4). Use a smaller kernel or dilation, or more padding (e.g. padding: 'same')."`);
    expect(await failure('DTYPE_MISMATCH', () => maxPool2d(i32([1, 1, 2, 2]), { kernel: 2 }))).toMatchInlineSnapshot(`"maxPool2d: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
  });
});

describe('elementwise and reductions', () => {
  it('rejects shapes that do not broadcast and dtypes that do not fit', async () => {
    expect(await failure('SHAPE_MISMATCH', () => sub(f32([2, 3]), f32([2])))).toMatchInlineSnapshot(`"sub: operands do not broadcast: [2,3] and [2] (dimension -1: 3 ≠ 2). Each dimension, aligned from the right, must be equal or 1; reshape one operand."`);
    expect(await failure('DTYPE_MISMATCH', () => sub(f32([2]), f64([2])))).toMatchInlineSnapshot(`"sub: dtypes differ: a is float32, b is float64. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('DTYPE_MISMATCH', () => div(i32([2]), i32([2])))).toMatchInlineSnapshot(`"div: a must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('DTYPE_MISMATCH', () => sigmoid(i32([2])))).toMatchInlineSnapshot(`"sigmoid: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
  });

  it('rejects bad axes', async () => {
    const x = f32([2, 3, 4]);
    expect(await failure('INVALID_ARGUMENT', () => sum(x, { axis: 3 }))).toMatchInlineSnapshot(`"sum: axis must be an integer in [-3, 2] for a rank-3 tensor; received 3 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => sum(x, { axis: [0, -3] }))).toMatchInlineSnapshot(`"sum: axis lists an axis twice; received [0,-3]"`);
    expect(await failure('INVALID_ARGUMENT', () => sum(x, { axis: 1.5 }))).toMatchInlineSnapshot(`"sum: axis must be an integer in [-3, 2] for a rank-3 tensor; received 1.5 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => sum(x, { keepDims: 1 as never }))).toMatchInlineSnapshot(`"sum: keepDims must be true or false; received 1 (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => mean(f32([2, 0]), { axis: 1 }))).toMatchInlineSnapshot(`"mean: the mean of an empty axis is undefined; x is [2,0], reducing axes [1]. Reduce over non-empty axes, or check the size first."`);
  });
});

describe('linalg and ridge', () => {
  it('rejects non-square and non-SPD matrices', async () => {
    expect(await failure('SHAPE_MISMATCH', () => linalg.cholesky(f64([2, 3])))).toMatchInlineSnapshot(`"linalg.cholesky: S must be square; received [2,3]. Pass an n×n symmetric positive definite matrix."`);
    expect(await failure('NOT_POSITIVE_DEFINITE', () => linalg.cholesky(tensor([[1, 2], [2, 1]])))).toMatchInlineSnapshot(`"linalg.cholesky: S is not positive definite: pivot 1 is -3 (tolerance 4.44e-16). Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)."`);
    expect(await failure('NOT_POSITIVE_DEFINITE', () => linalg.solveSPD(f64([3, 3]), f64([3])))).toMatchInlineSnapshot(`"linalg.solveSPD: S is not positive definite: pivot 0 is 0 (tolerance 0). Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)."`);
    expect(await failure('SHAPE_MISMATCH', () => linalg.solveSPD(eye(3), f32([4, 2])))).toMatchInlineSnapshot(`"linalg.solveSPD: B must have 3 rows to match S [3,3]; received B [4,2]. Pass B as [n] or [n, k] (one right-hand side per column)."`);
    expect(await failure('DTYPE_MISMATCH', () => linalg.solveSPD(eye(3), f64([3])))).toMatchInlineSnapshot(`"linalg.solveSPD: dtypes differ: S is float32, B is float64. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
  });

  it('rejects a lambda that is not a finite number ≥ 0', async () => {
    const A = f32([4, 3]);
    const y = f32([4]);
    expect(await failure('INVALID_ARGUMENT', () => ridge(A, y, { lambda: NaN }))).toMatchInlineSnapshot(`"ridge: lambda must be a finite number ≥ 0; received NaN (number). Pass e.g. { lambda: 0.1 }; larger values shrink x̂ towards 0."`);
    expect(await failure('INVALID_ARGUMENT', () => ridge(A, y, { lambda: -1 }))).toMatchInlineSnapshot(`"ridge: lambda must be a finite number ≥ 0; received -1 (number). Pass e.g. { lambda: 0.1 }; larger values shrink x̂ towards 0."`);
    expect(await failure('INVALID_ARGUMENT', () => ridge(A, y, { lambda: Infinity }))).toMatchInlineSnapshot(`"ridge: lambda must be a finite number ≥ 0; received Infinity (number). Pass e.g. { lambda: 0.1 }; larger values shrink x̂ towards 0."`);
    expect(await failure('INVALID_ARGUMENT', () => ridge(A, y, { lambda: '0.1' as never }))).toMatchInlineSnapshot(`"ridge: lambda must be a finite number ≥ 0; received '0.1' (string). Pass e.g. { lambda: 0.1 }; larger values shrink x̂ towards 0."`);
    expect(await failure('INVALID_ARGUMENT', () => ridge(A, y, {} as never))).toMatchInlineSnapshot(`"ridge: lambda must be a finite number ≥ 0; received undefined. Pass e.g. { lambda: 0.1 }; larger values shrink x̂ towards 0."`);
    expect(await failure('INVALID_ARGUMENT', () => ridge(A, y, { lambda: 1, form: 'both' as never }))).toMatchInlineSnapshot(`"ridge: form must be one of 'auto', 'primal', 'dual'; received 'both' (string)"`);
  });

  it('rejects mismatched shapes and a singular system at λ = 0', async () => {
    expect(await failure('SHAPE_MISMATCH', () => ridge(f32([4, 3]), f32([5]), { lambda: 1 }))).toMatchInlineSnapshot(`"ridge: y must have 4 rows, one per measurement (row of A); received A [4,3], y [5]. Pass y as [m] or [m, signals]."`);
    expect(await failure('SHAPE_MISMATCH', () => ridge(f32([4, 3]), f32([4, 2, 1]), { lambda: 1 }))).toMatchInlineSnapshot(`"ridge: y must have rank 1 or 2; received rank 3 [4,2,1]"`);
    expect(await failure('SHAPE_MISMATCH', () => ridge(f32([0, 3]), f32([0]), { lambda: 1 }))).toMatchInlineSnapshot(`"ridge: A must have at least one row and one column; received [0,3]"`);
    // Exact rank deficiency: AᵀA = diag(1, 1, 0), so the third pivot is exactly 0.
    const E = tensor([[1, 0, 0], [0, 1, 0]], undefined, { dtype: 'float64' });
    expect(await failure('NOT_POSITIVE_DEFINITE', () => ridge(E, tensor([1, 2], undefined, { dtype: 'float64' }), { lambda: 0, form: 'primal' }))).toMatchInlineSnapshot(`"ridge: AᵀA + λI (primal form, λ = 0) is not positive definite: pivot 2 is 0 (tolerance 6.66e-16). A is rank-deficient for this form; use lambda > 0."`);
    // 3 random measurements of 5 unknowns: AᵀA (5×5) has rank 3; rounding leaves tiny pivots.
    const A = randn([3, 5], { seed: 7, dtype: 'float64' });
    const y = randn([3], { seed: 8, dtype: 'float64' });
    await failure('NOT_POSITIVE_DEFINITE', () => ridge(A, y, { lambda: 0, form: 'primal' }));
    // Two equal rows: AAᵀ is singular.
    const B = tensor([[1, 2, 3], [1, 2, 3]], undefined, { dtype: 'float64' });
    expect(await failure('NOT_POSITIVE_DEFINITE', () => ridge(B, tensor([1, 1], undefined, { dtype: 'float64' }), { lambda: 0, form: 'dual' }))).toMatchInlineSnapshot(`"ridge: AAᵀ + λI (dual form, λ = 0) is not positive definite: pivot 1 is 0 (tolerance 6.22e-15). A is rank-deficient for this form; use lambda > 0."`);
  });
});
