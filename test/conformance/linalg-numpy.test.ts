/**
 * linalg.solve, lu, inv, det, slogdet, qr, lstsq, svd, svdvals, pinv, matrixRank and
 * triangularSolve against numpy/scipy (test/fixtures/linalg/matrices.json: Hilbert 8×8, singular,
 * rank-deficient, 1×1, empty, wide and tall, 7×13, 65×33) and against their identities
 * (QR = A, UΣVᵀ = A, orthogonality, A·inv(A) = I, the Moore–Penrose conditions), in float64 and
 * float32.
 *
 * Tolerances (C = 32, k = max(m, n), ε the dtype's epsilon, κ = s_max / s_rank from numpy):
 *   identities (backward error)      ≤ C·k·ε·‖A‖_F       (orthogonality: C·k·ε·√k)
 *   singular values (Weyl)           ≤ C·k·ε·‖A‖_F
 *   x, inv, pinv, Q, R vs numpy      ≤ C·k·ε·κ·‖ref‖_F   (lstsq with a residual: ·(1 + κ·‖r‖/(‖A‖‖x‖)))
 * float32 inputs are computed in float64 and rounded once, so ε = 2⁻²³ covers the input's and the
 * output's rounding; forward comparisons run only where κ·ε < 1e-2 (else there are no digits to
 * compare, and only the identities are checked).
 */
import { describe, expect, it } from 'vitest';
import { linalgExt as linalg } from '../../src/ops/linalg-ext.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import {
  EPS,
  expectLowerTriangular,
  expectNear,
  expectOrthonormalColumns,
  expectUpperTriangular,
  eye,
  frob,
  matmul,
  MATRICES,
  mFrom,
  mOf,
  toTensor,
  transpose,
  type FloatDType,
  type M,
  type MatrixFixture,
} from '../linalg/helpers.js';

const C = 32;
const NAMES = Object.keys(MATRICES);

function geometry(f: MatrixFixture, dtype: FloatDType) {
  const [m, n] = f.a.shape as [number, number];
  const k = Math.max(m, n, 1);
  const eps = EPS[dtype];
  const aF = frob(Float64Array.from(f.a.data));
  const kappa = f.rank > 0 ? f.s[0]! / f.s[f.rank - 1]! : 1;
  const back = C * k * eps * Math.max(aF, Number.MIN_VALUE);
  // A rank-deficient matrix rounded to float32 is full rank with σ ≈ ε₃₂·‖A‖: nothing to compare.
  const deficient = f.rank < Math.min(m, n);
  return { m, n, k, eps, aF, kappa, back, forward: kappa * eps < 1e-2 && !(dtype === 'float32' && deficient) };
}

function diagMatrix(s: M, rows: number, cols: number): M {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols, s.data.length); i++) data[i * cols + i] = s.data[i]!;
  return { rows, cols, data };
}

for (const b of await backendMatrix()) {
for (const dtype of dtypesFor(b, ['float64', 'float32'] as const)) {
  const o = { backend: b.name };
  describe.skipIf(!b.available)(`linalg on numpy's fixtures [${b.name}, ${dtype}]`, () => {
    describe.each(NAMES)('%s', (name) => {
      const f = MATRICES[name]!;
      const g = geometry(f, dtype);
      const A = mFrom(f.a);
      const a = toTensor(f.a, dtype);

      it('svd (full and thin): s as numpy, U·diag(s)·Vᵀ = A, U and V orthonormal', async () => {
        for (const fullMatrices of [true, false]) {
          const { u, s, vt } = linalg.svd(a, { fullMatrices, ...o });
          const kk = Math.min(g.m, g.n);
          expect(u.shape).toEqual([g.m, fullMatrices ? g.m : kk]);
          expect(s.shape).toEqual([kk]);
          expect(vt.shape).toEqual([fullMatrices ? g.n : kk, g.n]);
          expect(u.dtype).toBe(dtype);
          const S = await mOf(s);
          for (let i = 1; i < kk; i++) expect(S.data[i]!).toBeLessThanOrEqual(S.data[i - 1]!);
          for (const v of S.data) expect(v).toBeGreaterThanOrEqual(0);
          expectNear('s', S, mFrom({ shape: [kk], data: f.s }), g.back);
          const U = await mOf(u);
          const Vt = await mOf(vt);
          expectNear('U·Σ·Vᵀ', matmul(matmul(U, diagMatrix(S, U.cols, Vt.rows)), Vt), A, g.back);
          const orth = C * g.k * g.eps * Math.sqrt(g.k);
          expectOrthonormalColumns('U', U, orth);
          expectOrthonormalColumns('V', transpose(Vt), orth);
        }
        expectNear('svdvals', await mOf(linalg.svdvals(a, o)), mFrom({ shape: [f.s.length], data: f.s }), g.back);
      });

      it('qr (reduced and complete): Q·R = A, Q orthonormal, R upper; Q and R as numpy', async () => {
        for (const mode of ['reduced', 'complete'] as const) {
          const { q, r } = linalg.qr(a, { mode, ...o });
          const ref = mode === 'reduced' ? f.qrReduced : f.qrComplete;
          expect(q.shape).toEqual(ref.q.shape);
          expect(r.shape).toEqual(ref.r.shape);
          const Q = await mOf(q);
          const R = await mOf(r);
          expectUpperTriangular('R', R);
          expectNear('Q·R', matmul(Q, R), A, g.back);
          expectOrthonormalColumns('Q', Q, C * g.k * g.eps * Math.sqrt(g.k));
          // Q and R are unique (numpy's signs) where A has full column rank (Q's first n columns).
          if (g.forward && f.rank === Math.min(g.m, g.n) && f.rank === g.n) {
            expectNear('R vs numpy', R, mFrom(ref.r), C * g.k * g.eps * g.kappa * frob(mFrom(ref.r)));
            const cols = Math.min(g.n, Q.cols);
            const pick = (x: M): M => ({ rows: x.rows, cols, data: Float64Array.from({ length: x.rows * cols }, (_, i) => x.data[Math.floor(i / cols) * x.cols + (i % cols)]!) });
            expectNear('Q vs numpy', pick(Q), pick(mFrom(ref.q)), C * g.k * g.eps * g.kappa * Math.sqrt(g.k));
          }
        }
      });

      it('lu: P·A = L·U with L unit lower and U upper; P, L, U as scipy', async () => {
        const { p, l, u } = linalg.lu(a, o);
        const kk = Math.min(g.m, g.n);
        expect(p.dtype).toBe('int32');
        expect(l.shape).toEqual([g.m, kk]);
        expect(u.shape).toEqual([kk, g.n]);
        const perm = Array.from(await p.data());
        expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: g.m }, (_, i) => i));
        const L = await mOf(l);
        const U = await mOf(u);
        expectLowerTriangular('L', L, true);
        expectUpperTriangular('U', U);
        const PA: M = { rows: g.m, cols: g.n, data: new Float64Array(g.m * g.n) };
        for (let i = 0; i < g.m; i++) for (let j = 0; j < g.n; j++) PA.data[i * g.n + j] = A.data[perm[i]! * g.n + j]!;
        expectNear('L·U = P·A', matmul(L, U), PA, g.back);
        if (f.lu && g.forward && f.rank === kk) {
          // scipy: A = P·L·U, so row i of L·U is the row j of A with P[j][i] = 1.
          const P = mFrom(f.lu.p);
          const scipyPerm = Array.from({ length: g.m }, (_, i) => P.data.findIndex((v, idx) => v === 1 && idx % g.m === i) / g.m);
          expect(perm).toEqual(scipyPerm.map(Math.floor));
          expectNear('U vs scipy', U, mFrom(f.lu.u), C * g.k * g.eps * g.kappa * frob(mFrom(f.lu.u)));
          expectNear('L vs scipy', L, mFrom(f.lu.l), C * g.k * g.eps * g.kappa * frob(mFrom(f.lu.l)));
        }
      });

      it('lstsq: x, residuals, rank and s as numpy', async () => {
        const b = toTensor(f.b, dtype);
        const r = linalg.lstsq(a, b, o);
        const X = await mOf(r.x);
        expect(r.x.shape).toEqual(f.lstsq.x.shape);
        if (dtype === 'float64' || g.forward) expect(await r.rank.array()).toBe(f.lstsq.rank);
        expectNear('lstsq s', await mOf(r.s), mFrom({ shape: [f.lstsq.s.length], data: f.lstsq.s }), g.back);
        if (g.forward) {
          const ref = mFrom(f.lstsq.x);
          const xF = frob(ref);
          const res = Math.sqrt(f.lstsq.residuals.reduce((s, v) => s + v, 0));
          const amp = 1 + (g.kappa * res) / Math.max(g.aF * xF, Number.MIN_VALUE);
          expectNear('lstsq x', X, ref, C * g.k * g.eps * g.kappa * amp * Math.max(xF, 1));
          // numpy gives residuals only for a full-rank tall A; lepton for every tall A (checked below).
          if (f.lstsq.residuals.length > 0) {
            expect(r.residuals.shape).toEqual([f.lstsq.residuals.length]);
            const R = await mOf(r.residuals);
            for (let i = 0; i < f.lstsq.residuals.length; i++) {
              expect(Math.abs(R.data[i]! - f.lstsq.residuals[i]!)).toBeLessThanOrEqual(C * g.k * g.eps * g.kappa * (f.lstsq.residuals[i]! + g.aF * xF));
            }
          }
        }
        // residuals: [k] = ‖A·x − b‖² per column when m > n (any rank), else [0].
        const cols = f.b.shape.length === 1 ? 1 : f.b.shape[1]!;
        expect(r.residuals.shape).toEqual([g.m > g.n ? cols : 0]);
        if (g.m > g.n) {
          const AX = matmul(A, X);
          const Bm = mFrom(f.b);
          const R = await mOf(r.residuals);
          for (let c = 0; c < cols; c++) {
            let want = 0;
            for (let i = 0; i < g.m; i++) want += (AX.data[i * cols + c]! - Bm.data[i * cols + c]!) ** 2;
            expect(Math.abs(R.data[c]! - want), `residual ${c}`).toBeLessThanOrEqual(C * g.k * g.eps * (want + g.aF * g.aF * frob(X) ** 2 + frob(Bm) ** 2));
          }
        }
        // The normal equations hold whatever the rank: Aᵀ(A·x − b) = 0.
        const resid = matmul(A, X);
        const B = mFrom(f.b);
        for (let i = 0; i < resid.data.length; i++) resid.data[i] = resid.data[i]! - B.data[i]!;
        const normal = matmul(transpose(A), resid);
        expectNear('Aᵀ(Ax − b)', normal, { ...normal, data: new Float64Array(normal.data.length) }, C * g.k * g.eps * g.kappa * g.aF * (g.aF * frob(X) + frob(B)));
      });

      it('pinv: the Moore–Penrose conditions; as numpy', async () => {
        const X = await mOf(linalg.pinv(a, o));
        expect([X.rows, X.cols]).toEqual([g.n, g.m]);
        if (g.m === 0 || g.n === 0) return;
        const xF = frob(X);
        const bound = C * g.k * g.eps * g.kappa * Math.max(g.aF * xF, 1);
        const AX = matmul(A, X);
        const XA = matmul(X, A);
        expectNear('A·X·A = A', matmul(AX, A), A, bound * g.aF);
        expectNear('X·A·X = X', matmul(XA, X), X, bound * xF);
        expectNear('(A·X)ᵀ = A·X', transpose(AX), AX, bound);
        expectNear('(X·A)ᵀ = X·A', transpose(XA), XA, bound);
        if (g.forward) expectNear('pinv vs numpy', X, mFrom(f.pinv), C * g.k * g.eps * g.kappa * g.kappa * Math.max(xF, 1));
      });

      it('matrixRank as numpy', async () => {
        if (dtype === 'float64' || g.forward) expect(await linalg.matrixRank(a, o).array()).toBe(f.rank);
      });

      if (g.m === g.n) {
        it('det and slogdet as numpy (det of a singular matrix is 0 or rounding-small)', async () => {
          const d = (await linalg.det(a, o).array()) as number;
          const { sign, logAbsDet } = linalg.slogdet(a, o);
          const sg = (await sign.array()) as number;
          const ld = (await logAbsDet.array()) as number;
          const refLog = f.slogdet!.logAbsDet as number;
          if (f.rank < g.n) {
            // numpy's det is rounding noise here (or 0): ours must be as small.
            expect(Math.abs(d)).toBeLessThanOrEqual(C * g.k * g.eps * g.aF ** g.n);
            if (sg === 0) expect(ld).toBe(-Infinity);
            else expect(ld).toBeLessThanOrEqual(Math.log(C * g.k * g.eps * g.aF ** g.n));
            if (name === 'exactsingular') {
              // An exactly-zero pivot: det is exactly 0 and slogdet is (0, −∞), as numpy.
              expect(Object.is(d, 0)).toBe(true);
              expect([sg, ld]).toEqual([f.slogdet!.sign, -Infinity]);
            }
            return;
          }
          if (!g.forward) return;
          expect(sg).toBe(f.slogdet!.sign);
          expect(Math.abs(ld - refLog)).toBeLessThanOrEqual(C * g.k * g.eps * g.kappa);
          expect(Math.abs(d - f.det!)).toBeLessThanOrEqual(C * g.k * g.eps * g.kappa * Math.abs(f.det!));
          // det = ± the product of U's diagonal.
          const U = await mOf(linalg.lu(a, o).u);
          let prod = 1;
          for (let i = 0; i < g.n; i++) prod *= U.data[i * g.n + i]!;
          expect(Math.abs(Math.abs(d) - Math.abs(prod))).toBeLessThanOrEqual(C * g.k * g.eps * Math.abs(prod));
        });

        if (f.inv) {
          it('inv: A·inv(A) = I; as numpy. solve: residual, as numpy, vector and matrix B', async () => {
            const X = await mOf(linalg.inv(a, o));
            const xF = frob(X);
            expectNear('A·inv(A) = I', matmul(A, X), eye(g.n), C * g.k * g.eps * g.kappa * Math.sqrt(g.n));
            if (g.forward) expectNear('inv vs numpy', X, mFrom(f.inv!), C * g.k * g.eps * g.kappa * xF);
            const b = toTensor(f.b, dtype);
            const x = linalg.solve(a, b, o);
            expect(x.shape).toEqual([g.n, 3]);
            const Xs = await mOf(x);
            const B = mFrom(f.b);
            const AX = matmul(A, Xs);
            expectNear('A·x = b', AX, B, C * g.k * g.eps * g.aF * frob(Xs) + C * g.k * g.eps * frob(B));
            if (g.forward) expectNear('solve vs numpy', Xs, mFrom(f.solve!), C * g.k * g.eps * g.kappa * frob(mFrom(f.solve!)));
            // One right-hand side as a vector: the first column.
            const b0 = toTensor({ shape: [g.n], data: Array.from({ length: g.n }, (_, i) => f.b.data[i * 3]!) }, dtype);
            const x0 = await mOf(linalg.solve(a, b0, o));
            expectNear('solve with a vector', x0, { rows: g.n, cols: 1, data: Float64Array.from({ length: g.n }, (_, i) => Xs.data[i * 3]!) }, C * g.k * g.eps * g.kappa * frob(Xs));
          });
        }

        it('triangularSolve: lower/upper, transposed, unit diagonal, against a plain substitution', async () => {
          if (g.n === 0) return;
          // A well-conditioned triangle from A: its own triangle plus n on the diagonal.
          const T = new Float64Array(g.n * g.n);
          for (let i = 0; i < g.n; i++) for (let j = 0; j < g.n; j++) T[i * g.n + j] = A.data[i * g.n + j]! + (i === j ? Math.abs(A.data[i * g.n + j]!) + g.n + 1 - A.data[i * g.n + j]! : 0);
          const t = toTensor({ shape: [g.n, g.n], data: Array.from(T) }, dtype);
          const b = toTensor(f.b, dtype);
          for (const lower of [true, false])
            for (const trans of [false, true])
              for (const unitDiagonal of [false, true]) {
                const x = await mOf(linalg.triangularSolve(t, b, { lower, transpose: trans, unitDiagonal, ...o }));
                // op(A) with the unused triangle zeroed and the diagonal set to 1 when unit.
                const opA: M = { rows: g.n, cols: g.n, data: new Float64Array(g.n * g.n) };
                for (let i = 0; i < g.n; i++)
                  for (let j = 0; j < g.n; j++) {
                    const keep = lower ? j <= i : j >= i;
                    const v = i === j && unitDiagonal ? 1 : keep ? (dtype === 'float32' ? Math.fround(T[i * g.n + j]!) : T[i * g.n + j]!) : 0;
                    opA.data[trans ? j * g.n + i : i * g.n + j] = v;
                  }
                const B = mFrom(f.b);
                if (dtype === 'float32') for (let i = 0; i < B.data.length; i++) B.data[i] = Math.fround(B.data[i]!);
                expectNear(`op(A)·x = b (lower ${lower}, transpose ${trans}, unit ${unitDiagonal})`, matmul(opA, x), B,
                  C * g.k * g.eps * (frob(opA) * frob(x) + frob(B)) * (unitDiagonal ? 1e3 : 1));
              }
        });
      }
    });
  });
}
}
