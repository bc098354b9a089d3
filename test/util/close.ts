/**
 * Comparing a library result with a reference, and the seeded inputs the tests feed to both.
 */
import { expect } from 'vitest';
import { randn, tensor, type DType, type Tensor } from '../../src/index.js';
import { permute, unravel, type Ref } from '../reference/nd.js';

export interface Tol {
  atol: number;
  rtol: number;
}

/** Unit roundoff (half an ulp at 1) of each float dtype. */
export const UNIT_ROUNDOFF = { float32: 2 ** -24, float64: 2 ** -53 } as const;

/**
 * Tolerance for a result each of whose elements folds `len` products of unit-scale inputs
 * (len = 1 for elementwise ops, k for matmul, C/groups·kh·kw for conv2d, the count for a reduction,
 * n for a solve). With u the unit roundoff of the dtype and f an optional extra factor (e.g. a
 * condition-number allowance for solves):
 *
 *   rtol = f · u · (16·√len + 4)        atol = f · u · 4·len
 *
 * Recursive or blocked float summation of `len` unit-scale terms errs by about u·len in absolute
 * terms (u·√len relative to a typical result of size √len), so these leave a margin of roughly
 * 10× for a correct kernel while any real bug (a dropped or doubled term, a wrong pad offset, a
 * stale bias) errs by O(1). float32: len 1 → rtol 1.2e-6, atol 2.4e-7; len 256 → rtol 1.6e-5,
 * atol 6.1e-5. float64: len 256 → rtol 2.9e-14, atol 1.1e-13. int32 results must be exact.
 */
export function tol(dtype: DType, len = 1, factor = 1): Tol {
  if (dtype === 'int32') return { atol: 0, rtol: 0 };
  const u = UNIT_ROUNDOFF[dtype];
  const l = Math.max(len, 1);
  return { rtol: factor * u * (16 * Math.sqrt(l) + 4), atol: factor * u * 4 * l };
}

function describeContext(context: string | Record<string, unknown>): string {
  return typeof context === 'string' ? context : JSON.stringify(context);
}

/**
 * Asserts got.shape equals ref.shape and |got − ref| ≤ atol + rtol·|ref| elementwise (NaN must
 * meet NaN and ±Infinity the same infinity). On failure names the worst element: its index, got,
 * ref, the error and the allowance, the number of bad elements, and the context (seed, case).
 */
export async function expectClose(
  got: Tensor,
  ref: { data: ArrayLike<number>; shape: readonly number[] },
  t: Tol,
  context: string | Record<string, unknown>,
): Promise<void> {
  const where = describeContext(context);
  expect([...got.shape], `shape of ${where}`).toEqual([...ref.shape]);
  const data = await got.data();
  expect(data.length, `size of ${where}`).toBe(ref.data.length);
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < data.length; i++) {
    const g = data[i]!;
    const r = ref.data[i]!;
    let excess: number;
    if (Number.isNaN(r) || !Number.isFinite(r)) excess = Object.is(g, r) || (Number.isNaN(g) && Number.isNaN(r)) ? 0 : Infinity;
    else if (!Number.isFinite(g)) excess = Infinity;
    else excess = Math.abs(g - r) - (t.atol + t.rtol * Math.abs(r));
    if (excess > 0) {
      bad++;
      if (worst < 0 || excess > worstExcess) [worst, worstExcess] = [i, excess];
    }
  }
  if (bad > 0) {
    const g = data[worst]!;
    const r = ref.data[worst]!;
    const idx = unravel(worst, ref.shape);
    expect.fail(
      `${where}: ${bad} of ${data.length} elements out of tolerance; worst at [${idx.join(',')}] (flat ${worst}): ` +
        `got ${g}, ref ${r}, |diff| ${Math.abs(g - r)} > allowed ${t.atol + t.rtol * Math.abs(r)} ` +
        `(atol ${t.atol}, rtol ${t.rtol}, dtype ${got.dtype})`,
    );
  }
}

/** A float64 copy of a tensor's values, as a reference input. */
export async function toRef(t: Tensor): Promise<Ref> {
  return { data: Float64Array.from(await t.data()), shape: [...t.shape] };
}

/** A tensor of `dtype` holding the reference's values, and the reference re-read (rounded to the dtype). */
export async function fromRef(ref: Ref, dtype: DType): Promise<{ t: Tensor; ref: Ref }> {
  const typed =
    dtype === 'float32' ? Float32Array.from(ref.data) : dtype === 'float64' ? Float64Array.from(ref.data) : Int32Array.from(ref.data);
  const t = tensor(typed, ref.shape);
  return { t, ref: await toRef(t) };
}

export interface DataOptions {
  /** Multiplies the standard normal values (int32: the values are rounded after scaling). */
  scale?: number;
  /** Added after scaling (e.g. to make positive denominators). */
  shift?: number;
}

/**
 * Seeded inputs: a tensor of `shape` and its float64 reference copy. Floats are N(0,1)·scale;
 * int32 values are round(N(0,1)·scale) with scale 1000 by default, clamped to the int32 range.
 */
export async function seeded(
  shape: readonly number[],
  seed: number,
  dtype: DType,
  { scale, shift = 0 }: DataOptions = {},
): Promise<{ t: Tensor; ref: Ref }> {
  if (dtype !== 'int32' && scale === undefined && shift === 0) {
    const t = randn(shape, { seed, dtype });
    return { t, ref: await toRef(t) };
  }
  const base = await randn(shape, { seed, dtype: 'float64' }).data();
  const s = scale ?? (dtype === 'int32' ? 1000 : 1);
  const data = Float64Array.from(base, (v) => {
    const x = v * s + shift;
    return dtype === 'int32' ? Math.min(2 ** 31 - 1, Math.max(-(2 ** 31), Math.round(x))) : x;
  });
  return fromRef({ data, shape: [...shape] }, dtype);
}

/**
 * Seeded inputs given as a strided VIEW: a contiguous tensor is created with the dimensions
 * permuted and `.transpose(perm)` brings it back to `shape`, so the op reads it through strides.
 * The reference is the same values laid out row-major (permuted by the test's own code).
 */
export async function seededView(
  shape: readonly number[],
  perm: readonly number[],
  seed: number,
  dtype: DType,
  options: DataOptions = {},
): Promise<{ t: Tensor; ref: Ref }> {
  // base dimension perm[i] has size shape[i]; transpose(perm) then has dimension i = base perm[i].
  const baseShape = new Array<number>(shape.length);
  perm.forEach((p, i) => (baseShape[p] = shape[i]!));
  const base = await seeded(baseShape, seed, dtype, options);
  return { t: base.t.transpose(perm), ref: permute(base.ref, perm) };
}

/** The transpose of the last two dimensions (for rank ≥ 2). */
export function swapLast(rank: number): number[] {
  const p = Array.from({ length: rank }, (_, i) => i);
  [p[rank - 2], p[rank - 1]] = [p[rank - 1]!, p[rank - 2]!];
  return p;
}

/** A deterministic seed from a case label (FNV-1a), so every case gets its own inputs. */
export function seedOf(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h % 1_000_000;
}
