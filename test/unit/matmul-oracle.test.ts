/**
 * A second, independent oracle: matmul and linalg.solveSPD agree with ml-matrix (Matrix.mmul,
 * solve, CholeskyDecomposition) on several shapes, in float64.
 */
import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { describe, it } from 'vitest';
import { linalg, matmul, tensor } from '../../src/index.js';
import { expectClose, seeded, tol } from '../util/close.js';

const toMatrix = (data: Float64Array, rows: number, cols: number) => Matrix.from1DArray(rows, cols, data);
const fromMatrix = (m: Matrix) => ({ data: Float64Array.from(m.to1DArray()), shape: [m.rows, m.columns] });

const MMUL_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 17],
  [65, 33, 129],
  [100, 3, 5],
  [3, 200, 4],
  [128, 128, 128],
];

describe('matmul agrees with ml-matrix', () => {
  it.each(MMUL_SHAPES)('%i×%i×%i', async (m, k, n) => {
    const a = await seeded([m, k], 11 * m + k, 'float64');
    const b = await seeded([k, n], 13 * n + k, 'float64');
    const expected = fromMatrix(toMatrix(a.ref.data, m, k).mmul(toMatrix(b.ref.data, k, n)));
    await expectClose(await matmul(a.t, b.t), expected, tol('float64', k), `matmul vs ml-matrix ${m}×${k}×${n}`);
    // And with transposes: Aᵀ·Bᵀ from [k,m] and [n,k] operands.
    const at = tensor(toMatrix(a.ref.data, m, k).transpose().to1DArray(), [k, m], { dtype: 'float64' });
    const bt = tensor(toMatrix(b.ref.data, k, n).transpose().to1DArray(), [n, k], { dtype: 'float64' });
    await expectClose(await matmul(at, bt, { transA: true, transB: true }), expected, tol('float64', k), `transposed ${m}×${k}×${n}`);
  });
});

describe('linalg.solveSPD and cholesky agree with ml-matrix', () => {
  it.each([
    [1, 1],
    [5, 1],
    [17, 3],
    [64, 2],
    [65, 5],
    [130, 4],
  ])('n = %i, %i right-hand sides', async (n, k) => {
    const g = toMatrix((await seeded([n, n], 17 * n, 'float64')).ref.data, n, n);
    const S = g.transpose().mmul(g).add(Matrix.eye(n, n).mul(n));
    const B = toMatrix((await seeded([n, k], 19 * n + k, 'float64')).ref.data, n, k);
    const st = tensor(Float64Array.from(S.to1DArray()), [n, n], { dtype: 'float64' });
    const bt = tensor(Float64Array.from(B.to1DArray()), [n, k], { dtype: 'float64' });
    const x = await linalg.solveSPD(st, bt);
    await expectClose(x, fromMatrix(new CholeskyDecomposition(S).solve(B)), tol('float64', n, 16), `solveSPD vs ml-matrix Cholesky n=${n}`);
    await expectClose(x, fromMatrix(solve(S, B)), tol('float64', n, 16), `solveSPD vs ml-matrix LU solve n=${n}`);
    const L = await linalg.cholesky(st);
    await expectClose(L, fromMatrix(new CholeskyDecomposition(S).lowerTriangularMatrix), tol('float64', n, 16), `cholesky vs ml-matrix n=${n}`);
  });
});
