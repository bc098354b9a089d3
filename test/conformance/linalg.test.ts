/**
 * linalg.cholesky and linalg.solveSPD against the reference on random SPD matrices S = AᵀA + n·I
 * of n = 1, 2, 17, 64, 65, 130 (crossing the js 64-wide panel), with many right-hand sides.
 */
import { describe, expect, it } from 'vitest';
import { linalg, NotPositiveDefiniteError, tensor, type DType, type Tensor } from '../../src/index.js';
import { refCholesky, refSolveSPD } from '../reference/cholesky.js';
import type { Ref } from '../reference/nd.js';
import { expectClose, fromRef, seeded, seededView, seedOf, tol } from '../util/close.js';
import { backendMatrix, bestFloat, dtypesFor } from '../util/backends.js';
import { FLOAT_DTYPES, RHS_COUNTS, SPD_SIZES } from './cases.js';
import { failure, settled } from '../util/settled.js';

/**
 * S = AᵀA + n·I for a seeded N(0,1) A [n,n] (eigenvalues in about [n, 5n]: condition ≲ 5). With
 * `junkUpper`, the strict upper triangle holds unrelated values: only the lower one may be read.
 */
async function spd(n: number, seed: number, dtype: DType, junkUpper = false): Promise<{ t: Tensor; ref: Ref }> {
  const a = (await seeded([n, n], seed, 'float64')).ref.data;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let v = i === j ? n : 0;
      for (let r = 0; r < n; r++) v += a[r * n + i]! * a[r * n + j]!;
      data[i * n + j] = junkUpper && j > i ? 1e3 * Math.sin(i * 7 + j) : v;
    }
  return fromRef({ data, shape: [n, n] }, dtype);
}

const CHOL_CASES = SPD_SIZES.flatMap((n) => [false, true].map((junk) => ({ n, junk, label: `n = ${n}${junk ? ', junk in the upper triangle' : ''}` })));
const SOLVE_CASES = SPD_SIZES.flatMap((n) =>
  RHS_COUNTS.map((k) => ({ n, k, view: false, junk: false, label: `n = ${n}, B ${k === undefined ? `[${n}]` : `[${n},${k}]`}` })),
)
  .concat(SPD_SIZES.filter((n) => n > 1).map((n) => ({ n, k: 5, view: true, junk: false, label: `n = ${n}, B [${n},5] as a strided view` })))
  .concat([17, 65].map((n) => ({ n, k: 3, view: false, junk: true, label: `n = ${n}, B [${n},3], junk in the upper triangle of S` })));

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('cholesky'))(`linalg.cholesky [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      describe(dtype, () => {
        it.each(CHOL_CASES)('$label', async (c) => {
          const seed = seedOf(`cholesky ${c.label} ${dtype}`);
          const s = await spd(c.n, seed, dtype, c.junk);
          const got = await linalg.cholesky(s.t, { backend: b.name });
          expect(got.dtype).toBe(dtype);
          // Internally float64: a float32 result differs from the reference by its final rounding.
          await expectClose(got, refCholesky(s.ref), tol(dtype, c.n, 4), { op: 'cholesky', backend: b.name, dtype, case: c.label, seed });
        });
      });
    }

    it('hand-checked: [[4,2],[2,3]] → [[2,0],[1,√2]]', async () => {
      const L = await linalg.cholesky(tensor([[4, 2], [2, 3]], { dtype: bestFloat(b) }), { backend: b.name });
      await expectClose(L, { data: [2, 0, 1, Math.SQRT2], shape: [2, 2] }, tol(bestFloat(b), 2), 'cholesky 2×2');
    });

    it('an indefinite matrix throws NotPositiveDefiniteError', async () => {
      await expect(settled(() => linalg.cholesky(tensor([[1, 2], [2, 1]], { dtype: bestFloat(b) }), { backend: b.name }))).rejects.toThrow(NotPositiveDefiniteError);
      await expect(settled(() => linalg.solveSPD(tensor([[1, 0], [0, -1]]), tensor([1, 1]), { backend: b.name }))).rejects.toThrow(NotPositiveDefiniteError);
    });
  });

  describe.skipIf(!b.available || !b.ops.includes('solveSPD'))(`linalg.solveSPD [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      describe(dtype, () => {
        it.each(SOLVE_CASES)('$label', async (c) => {
          const seed = seedOf(`solveSPD ${c.label} ${dtype}`);
          const s = await spd(c.n, seed, dtype, c.junk);
          const shape = c.k === undefined ? [c.n] : [c.n, c.k];
          const rhs = c.view ? await seededView(shape, [1, 0], seed + 1, dtype) : await seeded(shape, seed + 1, dtype);
          if (c.view) expect(rhs.t.isContiguous).toBe(false);
          const got = await linalg.solveSPD(s.t, rhs.t, { backend: b.name });
          expect(got.dtype).toBe(dtype);
          await expectClose(got, refSolveSPD(s.ref, rhs.ref), tol(dtype, c.n, 8), { op: 'solveSPD', backend: b.name, dtype, case: c.label, seed });
        });
      });
    }

    it('hand-checked: [[4,2],[2,3]]·x = [2,1] → x = [0.5, 0]', async () => {
      const x = await linalg.solveSPD(tensor([[4, 2], [2, 3]], { dtype: bestFloat(b) }), tensor([2, 1], undefined, { dtype: bestFloat(b) }), { backend: b.name });
      await expectClose(x, { data: [0.5, 0], shape: [2] }, tol(bestFloat(b), 2), 'solveSPD 2×2');
    });
  });
}

/** Runs a linalg op and reads every tensor it returns (one, or an object of several), so that deferred errors count. */
async function readAll(f: () => unknown): Promise<void> {
  const r = await f();
  const tensors = isTensor(r) ? [r] : Object.values(r as Record<string, unknown>).filter(isTensor);
  await Promise.all(tensors.map((t) => t.data()));
}
const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && typeof (v as Tensor).data === 'function';

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available)(`general linalg errors [${b.name}]`, () => {
    const dtype = bestFloat(b);
    const o = { backend: b.name };
    const m = (rows: number[][]) => tensor(rows, { dtype });
    const v = (values: number[]) => tensor(values, undefined, { dtype });

    it('a singular A: solve and inv refuse with INVALID_ARGUMENT naming the zero pivot; det is 0, slogdet (0, −∞)', async () => {
      const singular = m([[1, 2], [2, 4]]);
      for (const run of [() => linalg.solve(singular, v([1, 1]), o), () => linalg.inv(singular, o)]) {
        const message = await failure('INVALID_ARGUMENT', () => readAll(run));
        expect(message).toMatch(/A is singular: pivot 1 of its LU factorisation is 0; received a 2×2 matrix of rank < 2\. Check the matrix/);
      }
      expect(await linalg.det(singular, o).array()).toBe(0);
      const { sign, logAbsDet } = linalg.slogdet(singular, o);
      expect([await sign.array(), await logAbsDet.array()]).toEqual([0, -Infinity]);
      const tri = await failure('INVALID_ARGUMENT', () => readAll(() => linalg.triangularSolve(m([[1, 0], [3, 0]]), v([1, 1]), { lower: true, ...o })));
      expect(tri).toMatch(/its diagonal entry \[1, 1\] is 0/);
    });

    it('NaN or Infinity in A or B: INVALID_ARGUMENT from every factorisation', async () => {
      const bad = m([[1, NaN], [0, 1]]);
      const runs: Array<[string, () => unknown]> = [
        ['solve', () => linalg.solve(bad, v([1, 1]), o)],
        ['solve B', () => linalg.solve(m([[1, 0], [0, 1]]), v([Infinity, 1]), o)],
        ['lu', () => linalg.lu(bad, o)],
        ['inv', () => linalg.inv(bad, o)],
        ['det', () => linalg.det(bad, o)],
        ['qr', () => linalg.qr(bad, o)],
        ['svd', () => linalg.svd(bad, o)],
        ['svdvals', () => linalg.svdvals(bad, o)],
        ['eigh', () => linalg.eigh(bad, o)],
        ['lstsq', () => linalg.lstsq(bad, v([1, 1]), o)],
        ['pinv', () => linalg.pinv(bad, o)],
        ['matrixRank', () => linalg.matrixRank(bad, o)],
      ];
      for (const [name, run] of runs) {
        const message = await failure('INVALID_ARGUMENT', () => readAll(run));
        expect(message, name).toMatch(/must hold finite values; received (NaN|Infinity) at flat index \d of \[2(,2)?\]\. Replace NaN and Infinity/);
      }
    });

    it('non-square and mismatched shapes: SHAPE_MISMATCH at the call', async () => {
      const wide = m([[1, 2, 3], [4, 5, 6]]);
      for (const run of [() => linalg.solve(wide, v([1, 1]), o), () => linalg.inv(wide, o), () => linalg.det(wide, o), () => linalg.eigh(wide, o)]) {
        expect(await failure('SHAPE_MISMATCH', run)).toMatch(/A must be square; received \[2,3\]\. Pass an n×n matrix/);
      }
      expect(await failure('SHAPE_MISMATCH', () => linalg.solve(m([[1, 0], [0, 1]]), v([1, 2, 3]), o))).toMatch(/B must have 2 rows/);
    });

    it('results live where the inputs do and have their dtype (int32 pivots and ranks)', async () => {
      const a = m([[4, 3], [6, 3]]);
      const { p, l, u } = linalg.lu(a, o);
      expect([p.dtype, l.dtype, u.dtype]).toEqual(['int32', dtype, dtype]);
      expect(await p.array()).toEqual([1, 0]);
      const r = linalg.lstsq(m([[1, 0], [1, 1], [1, 2]]), v([1, 2, 4]), o);
      expect(r.rank.dtype).toBe('int32');
      expect(await r.rank.array()).toBe(2);
      expect(await linalg.matrixRank(m([[1, 2], [2, 4]]), o).array()).toBe(1);
    });
  });
}
