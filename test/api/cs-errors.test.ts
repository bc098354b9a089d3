/**
 * Every bad argument to cs.* gets a typed LeptonError with a stable code and a pinned message.
 */
import { describe, expect, it } from 'vitest';
import { cs, tensor, zeros } from '../../src/index.js';
import { failure } from '../util/settled.js';


const A = cs.gaussian(4, 6, { seed: 1 });
const y = zeros([4]);

describe('cs operators', () => {
  it('rejects bad sizes, seeds and options', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.gaussian(0, 5))).toMatchInlineSnapshot(`"cs.gaussian: m must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.gaussian(3, 2.5))).toMatchInlineSnapshot(`"cs.gaussian: n must be a positive integer; received 2.5 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.gaussian(3, 5, { seed: 1.5 }))).toMatchInlineSnapshot(`"cs.gaussian: seed must be an integer; received 1.5 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.gaussian(3, 5, { normalize: 'yes' as never }))).toMatchInlineSnapshot(`"cs.gaussian: normalize must be true or false; received 'yes' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.bernoulli(3, 5, { dtype: 'int32' as never }))).toMatchInlineSnapshot(`"cs.bernoulli: dtype must be 'float32' or 'float64'; received 'int32' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.toeplitz(3, 5, null as never))).toMatchInlineSnapshot(`"cs.toeplitz: options must be an object; received null"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.partialDCT(10, 5))).toMatchInlineSnapshot(`"cs.partialDCT: m must be at most n (the DCT has n rows); received m = 10, n = 5"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.dct2d(8, 8, { block: 0 }))).toMatchInlineSnapshot(`"cs.dct2d: block must be a positive integer; received 0 (number)"`);
  });

  it('rejects what is not a float matrix', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.operator([[1, 2]] as never))).toMatchInlineSnapshot(`"cs.operator: A must be a Tensor; received [[1,2]]. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.operator(zeros([3])))).toMatchInlineSnapshot(`"cs.operator: A must have rank 2; received rank 1 [3]"`);
    expect(await failure('DTYPE_MISMATCH', () => cs.operator(zeros([2, 2], { dtype: 'int32' })))).toMatchInlineSnapshot(`"cs.operator: A must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.operator(zeros([0, 3])))).toMatchInlineSnapshot(`"cs.operator: A must have at least one row and one column; received [0,3]"`);
  });

  it('checks forward and adjoint inputs', async () => {
    const P = cs.partialDCT(4, 8, { seed: 1 });
    expect(await failure('SHAPE_MISMATCH', () => P.forward(zeros([7])))).toMatchInlineSnapshot(`"cs.partialDCT.forward: x must have 8 rows; received [7]. Pass x as [8] or [8, signals]."`);
    expect(await failure('SHAPE_MISMATCH', () => P.adjoint(zeros([4, 2, 1])))).toMatchInlineSnapshot(`"cs.partialDCT.adjoint: y must have rank 1 or 2; received rank 3 [4,2,1]"`);
    expect(await failure('DTYPE_MISMATCH', () => P.forward(zeros([8], { dtype: 'float64' })))).toMatchInlineSnapshot(`"cs.partialDCT.forward: x must be float32 like the operator; received float64. Create x with { dtype: 'float32' }."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.operator(A).forward(zeros([6]), { backend: 'cuda' as never }))).toMatchInlineSnapshot(`"cs.operator.forward: backend must be one of 'auto', 'js', 'native', 'wasm', 'webgpu'; received 'cuda' (string)"`);
    expect(await failure('DTYPE_MISMATCH', () => cs.dct(zeros([4], { dtype: 'int32' })))).toMatchInlineSnapshot(`"cs.dct: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
  });

  it('compose and transpose check their factors', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.compose())).toMatchInlineSnapshot(`"cs.compose: needs at least one operator; received none. Pass the factors left to right: compose(A, B) is A·B."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.compose(A, A))).toMatchInlineSnapshot(`"cs.compose: inner sizes differ: operators[0] is [4,6], operators[1] is [4,6]. Each factor must have as many columns as the next has rows."`);
    expect(await failure('DTYPE_MISMATCH', () => cs.compose(A, cs.gaussian(6, 2, { dtype: 'float64' })))).toMatchInlineSnapshot(`"cs.compose: dtypes differ: operators[0] is float32, operators[1] is float64. Create every factor with the same dtype."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.transpose(42 as never))).toMatchInlineSnapshot(`"cs.transpose: A must be a cs operator or a matrix Tensor; received 42 (number)"`);
  });
});

describe('cs.fista', () => {
  it('requires a λ ≥ 0 (one, or one per signal)', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, {} as never))).toMatchInlineSnapshot(`"cs.fista: lambda is required; received undefined. Pass e.g. { lambda: 1e-3 * max|Aᵀy| } (λ ≥ max|Aᵀy| gives x = 0), or one λ per signal."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: -1 }))).toMatchInlineSnapshot(`"cs.fista: lambda must be a finite number ≥ 0; received -1 (number). Pass e.g. { lambda: 1e-3 * max|Aᵀy| } (λ ≥ max|Aᵀy| gives x = 0), or one λ per signal."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: NaN }))).toMatchInlineSnapshot(`"cs.fista: lambda must be a finite number ≥ 0; received NaN (number). Pass e.g. { lambda: 1e-3 * max|Aᵀy| } (λ ≥ max|Aᵀy| gives x = 0), or one λ per signal."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.fista(A, zeros([4, 3]), { lambda: [1, 2] }))).toMatchInlineSnapshot(`"cs.fista: lambda as an array must hold one λ per signal (3); received 2 values"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, zeros([4, 2]), { lambda: [1, -2] }))).toMatchInlineSnapshot(`"cs.fista: lambda must be a finite number ≥ 0 for every signal; received -2 (number) for signal 1. Pass e.g. { lambda: 1e-3 * max|Aᵀy| } (λ ≥ max|Aᵀy| gives x = 0), or one λ per signal."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.fista(A, zeros([4, 2]), { lambda: zeros([3]) }))).toMatchInlineSnapshot(`"cs.fista: lambda as a tensor must have shape [2], one λ per signal; received [3]"`);
  });

  it('checks its options', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, maxIter: 0 }))).toMatchInlineSnapshot(`"cs.fista: maxIter must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, tol: -1 }))).toMatchInlineSnapshot(`"cs.fista: tol must be a finite number ≥ 0; received -1 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, checkEvery: 1.5 }))).toMatchInlineSnapshot(`"cs.fista: checkEvery must be a positive integer; received 1.5 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, lipschitz: -2 }))).toMatchInlineSnapshot(`"cs.fista: lipschitz must be a finite number > 0; received -2 (number). Pass L ≥ ‖A‖² (e.g. 1 for a partial DCT), or leave it out to have it estimated."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, criterion: 'kkt' as never }))).toMatchInlineSnapshot(`"cs.fista: criterion must be one of 'change', 'gap'; received 'kkt' (string)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, maxIters: 10 } as never))).toMatchInlineSnapshot(`"cs.fista: unknown option 'maxIters'; received { maxIters: 10 (number) }. The nearest known option is 'maxIter'."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.omp(A, y, { sparsty: 2 } as never))).toMatchInlineSnapshot(`"cs.omp: unknown option 'sparsty'; received { sparsty: 2 (number) }. The nearest known option is 'sparsity'."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, onIteration: 'log' as never }))).toMatchInlineSnapshot(`"cs.fista: onIteration must be a function; received 'log' (string)"`);
    expect(await failure('SHAPE_MISMATCH', () => cs.fista(A, y, { lambda: 1, x0: zeros([5]) }))).toMatchInlineSnapshot(`"cs.fista: x0 must have shape [6] to match A and y; received [5]"`);
    expect(await failure('DTYPE_MISMATCH', () => cs.fista(A, y, { lambda: 1, reference: zeros([6], { dtype: 'float64' }) }))).toMatchInlineSnapshot(`"cs.fista: dtypes differ: y is float32, reference is float64. Create both tensors with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, signal: 'stop' as never }))).toMatchInlineSnapshot(`"cs.fista: signal must be an AbortSignal; received 'stop' (string). Pass e.g. AbortSignal.timeout(1000) or an AbortController's signal."`);
  });

  it('checks A and y', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.fista('A' as never, y, { lambda: 1 }))).toMatchInlineSnapshot(`"cs.fista: A must be a Tensor [m, n] or a cs operator; received 'A' (string). Pass a matrix (e.g. cs.gaussian(m, n)) or an operator (e.g. cs.partialDCT(m, n))."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.fista(A, zeros([5]), { lambda: 1 }))).toMatchInlineSnapshot(`"cs.fista: y must have 4 rows, one per measurement (row of A); received A [4,6], y [5]. Pass y as [m] or [m, signals]."`);
    expect(await failure('SHAPE_MISMATCH', () => cs.fista(A, zeros([4, 1, 1]), { lambda: 1 }))).toMatchInlineSnapshot(`"cs.fista: y must have rank 1 or 2; received rank 3 [4,1,1]"`);
    expect(await failure('DTYPE_MISMATCH', () => cs.fista(A, zeros([4], { dtype: 'float64' }), { lambda: 1 }))).toMatchInlineSnapshot(`"cs.fista: dtypes differ: A is float32, y is float64. Create both with the same dtype; lepton-compute never promotes silently."`);
    expect(await failure('DTYPE_MISMATCH', () => cs.fista(A, zeros([4], { dtype: 'int32' }), { lambda: 1 }))).toMatchInlineSnapshot(`"cs.fista: y must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
    const dead = cs.gaussian(4, 6);
    dead.dispose();
    expect(await failure('DISPOSED_TENSOR', () => cs.fista(dead, y, { lambda: 1 }))).toMatchInlineSnapshot(`"cs.fista: tensor [4,6] float32 was used after dispose(). Keep the tensor alive until its last use, or create a new one."`);
  });
});

describe('cs.omp, cs.chooseLambda, metrics', () => {
  it('omp checks sparsity and tol', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.omp(A, y, { sparsity: 0 }))).toMatchInlineSnapshot(`"cs.omp: sparsity must be a positive integer; received 0 (number)"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.omp(A, y, { sparsity: 5 }))).toMatchInlineSnapshot(`"cs.omp: sparsity must be at most min(m, n) = 4 for A [4,6]; received 5. OMP cannot select more columns than there are measurements."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.omp(A, y, { tol: Infinity }))).toMatchInlineSnapshot(`"cs.omp: tol must be a finite number ≥ 0; received Infinity (number)"`);
    expect(await failure('SHAPE_MISMATCH', () => cs.omp(A, zeros([6])))).toMatchInlineSnapshot(`"cs.omp: y must have 4 rows, one per measurement (row of A); received A [4,6], y [6]. Pass y as [m] or [m, signals]."`);
  });

  it('chooseLambda checks the method', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.chooseLambda(A, y, { method: 'aic' as never }))).toMatchInlineSnapshot(`"cs.chooseLambda: method must be one of 'gcv', 'lcurve'; received 'aic' (string)"`);
  });

  it('metrics check shapes and the peak', async () => {
    const a = tensor([1, 2, 3]);
    expect(await failure('SHAPE_MISMATCH', () => cs.snr(a, tensor([1, 2])))).toMatchInlineSnapshot(`"cs.snr: xTrue and xHat must have the same shape; received [3] and [2]"`);
    expect(await failure('SHAPE_MISMATCH', () => cs.relativeError(zeros([0]), zeros([0])))).toMatchInlineSnapshot(`"cs.relativeError: xTrue must not be empty; received [0]"`);
    expect(await failure('INVALID_ARGUMENT', () => cs.psnr(a, a, { peak: 0 }))).toMatchInlineSnapshot(`"cs.psnr: peak must be a finite number > 0; received 0 (number). Pass the data range, e.g. { peak: 255 }."`);
    expect(await failure('INVALID_ARGUMENT', () => cs.psnr(a, zeros([3])))).toMatchInlineSnapshot(`"cs.psnr: the reference is all zeros, so the default peak (max |reference|) is 0; received no peak. Pass { peak } explicitly."`);
    expect(await failure('DTYPE_MISMATCH', () => cs.relativeError(zeros([2], { dtype: 'int32' }), a))).toMatchInlineSnapshot(`"cs.relativeError: xTrue must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64"."`);
  });
});
