/**
 * The native general linear algebra: the addon's C++ kernels where it has them, composites over
 * them for the rest, the shared js kernels where there is no C++ one.
 *   solve, lu, qr, svd (and svdvals), eigh   one addon entry each (native/linalg_entries.h), which
 *                                            writes the plan's packed output itself
 *   inv                                      the solve entry with B = I
 *   det, slogdet                             the lu entry, then the diagonal of U
 *   lstsq, pinv, matrixRank                  the thin SVD of the svd entry (the js assembly)
 *   triangularSolve, fft                     the shared js kernels (O(n²) and O(n log n) work)
 * Inputs arrive dense (dispatch makes them so). NaN/Infinity is refused before the addon is called,
 * and a zero pivot of solve or inv is the same INVALID_ARGUMENT error as on the other backends.
 * float32 runs in double inside the addon and is rounded once.
 */
import type { TypedArray } from '../../dtype.js';
import {
  engineKernels, expectFinite, linalgKernels, singularError, type LinalgEngine,
} from '../../kernels/linalg/ops.js';
import type { EighPlan, LuPlan, QrPlan, SolvePlan, SquarePlan, SvdPlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import type { AddonArgs } from './load.js';

/** The addon entries used here. */
export interface LinalgAddon {
  solveSync(args: AddonArgs): void;
  luSync(args: AddonArgs): void;
  qrSync(args: AddonArgs): void;
  svdSync(args: AddonArgs): void;
  eighSync(args: AddonArgs): void;
}

/** A dense input's values (no copy). */
function values(t: Tensor): TypedArray {
  return t.storage.subarray(t.offset, t.offset + t.size);
}

function finite(op: string, name: string, t: Tensor): TypedArray {
  const v = values(t);
  expectFinite(op, name, v, t.shape);
  return v;
}

/** [first zero pivot or −1]. Reused: one call at a time per thread. */
const info = new Float64Array(1);

const solveArgs = (plan: SolvePlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray): AddonArgs => {
  info[0] = -1;
  return { a: finite('linalg.solve', 'A', a), b: finite('linalg.solve', 'B', b), out, n: plan.n, nrhs: plan.nrhs, info };
};
const luArgs = (plan: LuPlan, [a]: readonly [Tensor], out: TypedArray): AddonArgs => ({ a: finite('linalg.lu', 'A', a), out, m: plan.m, n: plan.n });
const qrArgs = (plan: QrPlan, [a]: readonly [Tensor], out: TypedArray): AddonArgs => ({
  a: finite('linalg.qr', 'A', a), out, m: plan.m, n: plan.n, rows: plan.rows,
});
const svdArgs = (plan: SvdPlan, [a]: readonly [Tensor], out: TypedArray): AddonArgs => ({
  a: finite(plan.vectors ? 'linalg.svd' : 'linalg.svdvals', 'A', a), out, m: plan.m, n: plan.n,
  vectors: plan.vectors ? (plan.full ? 'full' : 'thin') : 'none',
});
const eighArgs = (plan: EighPlan, [a]: readonly [Tensor], out: TypedArray): AddonArgs => ({ a: finite('linalg.eigh', 'A', a), out, n: plan.n });

/** LAPACK-style swaps (piv[k]: the row swapped with row k at step k) that produce the permutation `perm`. */
function swapsOf(perm: Float64Array, k: number): Int32Array {
  const m = perm.length;
  const at = new Int32Array(m); // at[row] = where row sits now
  const rows = new Int32Array(m); // rows[i] = the row at position i now
  for (let i = 0; i < m; i++) {
    at[i] = i;
    rows[i] = i;
  }
  const piv = new Int32Array(k);
  for (let s = 0; s < k; s++) {
    const want = perm[s]!;
    const j = at[want]!;
    piv[s] = j;
    const moved = rows[s]!;
    rows[j] = moved;
    at[moved] = j;
    rows[s] = want;
    at[want] = s;
  }
  return piv;
}

/** The engine of the composites: the addon's LU and thin SVD, in float64. */
function engine(addon: () => LinalgAddon): LinalgEngine {
  return {
    lu(m, n, a, piv) {
      const k = Math.min(m, n);
      const out = new Float64Array(m + m * k + k * n);
      addon().luSync({ a, out, m, n });
      const perm = out.subarray(0, m);
      piv.set(swapsOf(perm, k));
      // Back to LAPACK's in-place form: L strictly below the diagonal, U on and above it.
      let first = -1;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          a[i * n + j] = j < i ? (j < k ? out[m + i * k + j]! : 0) : i < k ? out[m + m * k + i * n + j]! : 0;
        }
      }
      for (let i = 0; i < k; i++) if (first < 0 && a[i * n + i] === 0) first = i;
      return first;
    },
    thinSvd(m, n, a, wantVectors) {
      const k = Math.min(m, n);
      const ucols = wantVectors ? k : 0;
      const out = new Float64Array(m * ucols + k + ucols * n);
      addon().svdSync({ a, out, m, n, vectors: wantVectors ? 'thin' : 'none' });
      return {
        u: out.subarray(0, m * ucols),
        ucols,
        s: out.subarray(m * ucols, m * ucols + k),
        vt: out.subarray(m * ucols + k),
        vrows: ucols,
      };
    },
  };
}

function kernels(addon: () => LinalgAddon) {
  return {
    solve: (plan: SolvePlan, inputs: readonly [Tensor, Tensor], out: TypedArray) => {
      addon().solveSync(solveArgs(plan, inputs, out));
      if (info[0]! >= 0) throw singularError('linalg.solve', info[0]!, plan.n);
    },
    inv: (plan: SquarePlan, [a]: readonly [Tensor], out: TypedArray) => {
      const n = plan.n;
      const eye = new (out.constructor as new (length: number) => TypedArray)(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      info[0] = -1;
      addon().solveSync({ a: finite('linalg.inv', 'A', a), b: eye, out, n, nrhs: n, info });
      if (info[0]! >= 0) throw singularError('linalg.inv', info[0]!, n);
    },
    lu: (plan: LuPlan, inputs: readonly [Tensor], out: TypedArray) => addon().luSync(luArgs(plan, inputs, out)),
    qr: (plan: QrPlan, inputs: readonly [Tensor], out: TypedArray) => addon().qrSync(qrArgs(plan, inputs, out)),
    svd: (plan: SvdPlan, inputs: readonly [Tensor], out: TypedArray) => addon().svdSync(svdArgs(plan, inputs, out)),
    eigh: (plan: EighPlan, inputs: readonly [Tensor], out: TypedArray) => addon().eighSync(eighArgs(plan, inputs, out)),
    ...engineKernels(engine(addon)),
    triangularSolve: linalgKernels.triangularSolve,
    fft: linalgKernels.fft,
  };
}

/** The argument builders of the linalg entries (for the ARGS table) and the kernels over an addon. */
export const nativeLinalgKernels = Object.freeze({
  args: Object.freeze({ solve: solveArgs, lu: luArgs, qr: qrArgs, svd: svdArgs, eigh: eighArgs }),
  kernels,
});
