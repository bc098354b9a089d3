/**
 * The js GEMM range kernel against a naive triple loop (float64 accumulation) written here.
 *
 * Every case checks the whole C array: the elements the call owns (rows rowBegin..rowEnd,
 * columns 0..n) against the reference, and every other element (rows outside the range, the
 * padding of cRowStride > n, the space before cOffset and after the matrix) bit for bit
 * against what was there before the call.
 *
 * Tolerance, for unit-scale inputs in [-1, 1) and k the depth (taken as 1 when k = 0):
 *   float64 C: |got − ref| ≤ 1e-12 · (1 + |ref|) · k
 *   float32 C: |got − ref| ≤ 2e-6 · (1 + |ref|) · √k + 1e-6
 * A float64 sum of k products errs by about 2⁻⁵³·k per unit of size, and storing into float32
 * adds 2⁻²⁴·|ref|, so both leave a wide margin for a correct kernel while a dropped, doubled or
 * misplaced term errs by O(1). Non-finite references are matched exactly: NaN where the
 * reference is NaN, the same infinity where it is infinite.
 */
import { describe, expect, it } from 'vitest';
import { gemm, type GemmArgs } from '../../src/kernels/gemm.js';
import { JS_GEMM } from '../../src/tuning.js';

type DType = 'float32' | 'float64';
type FloatArray = Float32Array | Float64Array;
/** How an operand sits in memory: row-major, column-major (a transpose), or both strides > 1. */
type Layout = 'row' | 'col' | 'strided';

interface Case {
  m: number;
  n: number;
  k: number;
  /** dtype of A and B; C has `cDtype` (default: the same). */
  dtype: DType;
  cDtype?: DType;
  aLayout?: Layout;
  bLayout?: Layout;
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
  /** cRowStride − n. */
  cPad?: number;
  alpha?: number;
  beta?: number;
  rowBegin?: number;
  rowEnd?: number;
  /** What C holds before the call. */
  cFill?: 'random' | 'nan';
  seed?: number;
}

const { MC, KC, NC, MR, NR } = JS_GEMM;

/** A small seeded generator (mulberry32) of values in [-1, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  };
}

function makeArray(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** (rowStride, colStride, elements spanned) of a rows×cols operand in the given layout. */
function strides(layout: Layout, rows: number, cols: number): [number, number, number] {
  if (layout === 'row') return [cols, 1, rows * cols];
  if (layout === 'col') return [1, rows, rows * cols];
  return [2 * cols + 3, 2, Math.max(0, (rows - 1) * (2 * cols + 3) + 2 * (cols - 1) + 1)];
}

/** Builds the arguments of a case, with every unused element of every array filled with noise. */
function build(tc: Case): { g: GemmArgs; c0: FloatArray; rowBegin: number; rowEnd: number } {
  const { m, n, k, dtype } = tc;
  const next = random(tc.seed ?? m * 7919 + n * 104729 + k * 13);
  const [aRowStride, aColStride, aSpan] = strides(tc.aLayout ?? 'row', m, k);
  const [bRowStride, bColStride, bSpan] = strides(tc.bLayout ?? 'row', k, n);
  const aOffset = tc.aOffset ?? 0;
  const bOffset = tc.bOffset ?? 0;
  const cOffset = tc.cOffset ?? 0;
  const cRowStride = n + (tc.cPad ?? 0);
  const a = makeArray(dtype, aOffset + aSpan + 5);
  const b = makeArray(dtype, bOffset + bSpan + 5);
  const c = makeArray(tc.cDtype ?? dtype, cOffset + m * cRowStride + 5);
  for (let i = 0; i < a.length; i++) a[i] = next();
  for (let i = 0; i < b.length; i++) b[i] = next();
  for (let i = 0; i < c.length; i++) c[i] = next();
  if (tc.cFill === 'nan') {
    for (let i = 0; i < m; i++) c.fill(NaN, cOffset + i * cRowStride, cOffset + i * cRowStride + n);
  }
  const g: GemmArgs = {
    m, n, k,
    a, aOffset, aRowStride, aColStride,
    b, bOffset, bRowStride, bColStride,
    c, cOffset, cRowStride,
    alpha: tc.alpha ?? 1,
    beta: tc.beta ?? 0,
  };
  return { g, c0: c.slice(), rowBegin: tc.rowBegin ?? 0, rowEnd: tc.rowEnd ?? m };
}

const aAt = (g: GemmArgs, i: number, p: number) => g.a[g.aOffset + i * g.aRowStride + p * g.aColStride]!;
const bAt = (g: GemmArgs, p: number, j: number) => g.b[g.bOffset + p * g.bRowStride + j * g.bColStride]!;

/** The naive reference for C[i, j]: alpha·Σₚ A[i,p]·B[p,j] + beta·C0[i,j], summed in float64. */
function reference(g: GemmArgs, c0: FloatArray, i: number, j: number): number {
  let s = 0;
  for (let p = 0; p < g.k; p++) s += aAt(g, i, p) * bAt(g, p, j);
  const old = c0[g.cOffset + i * g.cRowStride + j]!;
  return g.alpha * s + (g.beta === 0 ? 0 : g.beta * old);
}

/** Checks all of C after a call on rows rowBegin..rowEnd; returns the number of elements compared. */
function check(g: GemmArgs, c0: FloatArray, rowBegin: number, rowEnd: number): number {
  const c = g.c;
  const depth = Math.max(g.k, 1);
  const f64 = c instanceof Float64Array;
  const owned = (idx: number): [number, number] | null => {
    const rel = idx - g.cOffset;
    if (rel < 0) return null;
    const i = Math.floor(rel / g.cRowStride);
    const j = rel - i * g.cRowStride;
    return i >= rowBegin && i < rowEnd && i < g.m && j < g.n ? [i, j] : null;
  };
  let compared = 0;
  for (let idx = 0; idx < c.length; idx++) {
    const got = c[idx]!;
    const at = owned(idx);
    if (at === null) {
      if (!Object.is(got, c0[idx]!)) {
        expect.fail(`C[${idx}] is outside rows ${rowBegin}..${rowEnd} × ${g.n} but changed: ${c0[idx]} → ${got}`);
      }
      continue;
    }
    const [i, j] = at;
    const ref = reference(g, c0, i, j);
    compared++;
    if (!Number.isFinite(ref)) {
      if (!Object.is(got, ref) && !(Number.isNaN(ref) && Number.isNaN(got))) {
        expect.fail(`C[${i},${j}] = ${got}, reference ${ref}`);
      }
      continue;
    }
    const bound = f64 ? 1e-12 * (1 + Math.abs(ref)) * depth : 2e-6 * (1 + Math.abs(ref)) * Math.sqrt(depth) + 1e-6;
    if (!(Math.abs(got - ref) <= bound)) {
      expect.fail(`C[${i},${j}] = ${got}, reference ${ref}, |diff| ${Math.abs(got - ref)} > ${bound}`);
    }
  }
  return compared;
}

function run(tc: Case): void {
  const { g, c0, rowBegin, rowEnd } = build(tc);
  if (tc.rowBegin === undefined && tc.rowEnd === undefined) gemm(g);
  else gemm(g, rowBegin, rowEnd);
  const compared = check(g, c0, rowBegin, rowEnd);
  expect(compared).toBe(Math.max(0, Math.min(rowEnd, g.m) - rowBegin) * g.n);
}

const name = (tc: Partial<Case>) =>
  Object.entries(tc)
    .filter(([key]) => key !== 'dtype')
    .map(([key, v]) => `${key}=${v}`)
    .join(' ');

describe.each(['float32', 'float64'] as const)('gemm (%s)', (dtype) => {
  const shapes: Omit<Case, 'dtype'>[] = [
    { m: 1, n: 1, k: 1 },
    { m: 7, n: 13, k: 17 },
    { m: 65, n: 33, k: 129 },
    { m: 1, n: 300, k: 5 },
    { m: 300, n: 1, k: 5 },
    { m: MR + 1, n: NR + 1, k: 3 },
    { m: MR - 1, n: NR - 1, k: 2 },
    { m: 2, n: 2, k: 9 },
  ];
  for (const s of shapes) it(`shape ${name(s)}`, () => run({ ...s, dtype }));

  describe('block boundaries', () => {
    const blocks: Omit<Case, 'dtype'>[] = [
      { m: MC + 1, n: 9, k: 11 },
      { m: MC, n: 9, k: 11 },
      { m: 2 * MC + 3, n: 5, k: 4 },
      { m: 6, n: 7, k: KC + 1 },
      { m: 6, n: 7, k: KC },
      { m: 9, n: 10, k: 2 * KC + 5 },
      { m: 5, n: NC + 1, k: 7 },
      { m: 5, n: NC, k: 7 },
      { m: 3, n: 2 * NC + 2, k: 3 },
      { m: MC + 1, n: NC + 1, k: KC + 1 },
    ];
    for (const s of blocks) it(name(s), () => run({ ...s, dtype }));
  });

  describe('strides, offsets and scaling', () => {
    const layouts: Omit<Case, 'dtype'>[] = [
      { m: 13, n: 11, k: 19, aLayout: 'col' },
      { m: 13, n: 11, k: 19, bLayout: 'col' },
      { m: 13, n: 11, k: 19, aLayout: 'col', bLayout: 'col' },
      { m: 13, n: 11, k: 19, aLayout: 'strided', bLayout: 'strided' },
      { m: 10, n: NC + 3, k: KC + 7, aLayout: 'col', bLayout: 'col' },
      { m: 13, n: 11, k: 19, aOffset: 7, bOffset: 3, cOffset: 5 },
      { m: 13, n: 11, k: 19, cPad: 6 },
      { m: 13, n: 11, k: 19, aLayout: 'strided', bLayout: 'col', aOffset: 4, bOffset: 9, cOffset: 2, cPad: 3 },
      { m: 13, n: 11, k: 19, alpha: -1, beta: 1 },
      { m: 13, n: 11, k: 19, alpha: 0.5, beta: -2 },
      { m: 13, n: 11, k: 19, beta: 0, cFill: 'nan' },
      { m: 13, n: 11, k: KC + 9, beta: 0, cFill: 'nan' },
      { m: 13, n: 11, k: 2 * KC + 1, alpha: -1, beta: 1, cPad: 2 },
    ];
    for (const s of layouts) it(name(s), () => run({ ...s, dtype }));
  });

  describe('vector shapes (m = 1 or n = 1)', () => {
    const thin: Omit<Case, 'dtype'>[] = [
      { m: 1, n: 300, k: KC + 5 },
      { m: 1, n: 300, k: 40, bLayout: 'col' },
      { m: 1, n: 300, k: 40, aLayout: 'strided', bLayout: 'strided', aOffset: 3, bOffset: 2, cOffset: 1 },
      { m: 300, n: 1, k: KC + 5, aLayout: 'col' },
      { m: 300, n: 1, k: 40, bLayout: 'strided', cPad: 2, alpha: -1, beta: 1 },
      { m: 1, n: 300, k: 40, beta: 0, cFill: 'nan' },
      { m: 300, n: 1, k: 40, beta: 0, cFill: 'nan' },
      { m: 1, n: 1, k: 1000, beta: 0.5 },
      { m: 50, n: 1, k: 7, rowBegin: 10, rowEnd: 11 },
      { m: 50, n: 1, k: 7, rowBegin: 20, rowEnd: 45 },
    ];
    for (const s of thin) it(name(s), () => run({ ...s, dtype }));
  });

  describe('k = 0, m = 0, n = 0', () => {
    it('k = 0 gives C = beta·C', () => run({ m: 5, n: 7, k: 0, dtype, beta: 0.5 }));
    it('k = 0 with beta = 0 zeroes C without reading it', () => run({ m: 5, n: 7, k: 0, dtype, cFill: 'nan' }));
    it('m = 0 writes nothing', () => run({ m: 0, n: 7, k: 3, dtype }));
    it('n = 0 writes nothing', () => run({ m: 5, n: 0, k: 3, dtype, cPad: 2 }));
    it('m = n = k = 0', () => run({ m: 0, n: 0, k: 0, dtype }));
  });

  describe('row ranges', () => {
    const ranges: Omit<Case, 'dtype'>[] = [
      { m: 37, n: 11, k: 9, rowBegin: 5, rowEnd: 23 },
      { m: 37, n: 11, k: 9, rowBegin: 36, rowEnd: 37 },
      { m: 37, n: 11, k: 9, rowBegin: 0, rowEnd: 1 },
      { m: 37, n: 11, k: 9, rowBegin: 12, rowEnd: 12 },
      { m: 2 * MC + 10, n: 6, k: KC + 3, rowBegin: 50, rowEnd: MC + 60, beta: 1, cPad: 1 },
      { m: 30, n: 8, k: 5, rowBegin: 3, rowEnd: 17, aLayout: 'col', cOffset: 4, beta: 0, cFill: 'nan' },
    ];
    for (const s of ranges) it(name(s), () => run({ ...s, dtype }));

    for (const n of [23, 1]) {
      it(`row ranges that tile C give the same bits as one call (n = ${n})`, () => {
        const tc: Case = { m: MC + 41, n, k: KC + 17, dtype, alpha: 0.75, beta: -0.5, aLayout: 'col' };
        const whole = build(tc);
        gemm(whole.g);
        const split = build(tc);
        for (const [lo, hi] of [[0, 1], [1, 30], [30, MC + 5], [MC + 5, MC + 41]] as const) gemm(split.g, lo, hi);
        expect(split.g.c).toEqual(whole.g.c);
      });
    }
  });

  describe('non-finite values propagate as IEEE arithmetic says', () => {
    it('NaN in A makes its row of C NaN, at every position of a micro-panel', () => {
      const { g, c0 } = build({ m: 9, n: 8, k: 6, dtype });
      const nanRows = [1, 6, 7, 8];
      for (const i of nanRows) g.a[g.aOffset + i * g.aRowStride + 2 * g.aColStride] = NaN;
      gemm(g);
      check(g, c0, 0, 9);
      for (const i of nanRows) for (let j = 0; j < g.n; j++) expect(g.c[i * g.cRowStride + j]).toBeNaN();
      expect(Number.isNaN(g.c[0]!)).toBe(false);
    });

    it('Infinity in B times a zero in A is NaN, not skipped', () => {
      const { g, c0 } = build({ m: 9, n: 8, k: 6, dtype, beta: 1 });
      g.b[g.bOffset + 3 * g.bRowStride + 5 * g.bColStride] = Infinity;
      g.a[g.aOffset + 2 * g.aRowStride + 3 * g.aColStride] = 0;
      for (let p = 0; p < g.k; p++) g.a[g.aOffset + 6 * g.aRowStride + p * g.aColStride] = 0;
      gemm(g);
      check(g, c0, 0, 9);
      expect(g.c[2 * g.cRowStride + 5]).toBeNaN();
      expect(g.c[6 * g.cRowStride + 5]).toBeNaN();
      expect(Math.abs(g.c[0 * g.cRowStride + 5]!)).toBe(Infinity);
    });

    const thin: Omit<Case, 'dtype'>[] = [
      { m: 1, n: 6, k: 5 },
      { m: 1, n: 6, k: 5, bLayout: 'col' },
      { m: 6, n: 1, k: 5 },
    ];
    for (const s of thin) {
      it(`in vector shapes: ${name(s)}`, () => {
        const { g, c0 } = build({ ...s, dtype });
        g.a[g.aOffset + 0 * g.aColStride] = 0;
        g.b[g.bOffset + 0 * g.bRowStride] = Infinity;
        g.b[g.bOffset + 2 * g.bRowStride] = NaN;
        gemm(g);
        check(g, c0, 0, g.m);
        expect(g.c[0]).toBeNaN();
      });
    }

    it('NaN in B, in the second depth block next to zeros, reaches every row of C', () => {
      const { g, c0 } = build({ m: 5, n: 7, k: KC + 2, dtype });
      const nanCols = [2, 4, 6];
      for (let j = 0; j < g.n; j++) g.b[g.bOffset + (KC + 1) * g.bRowStride + j * g.bColStride] = 0;
      for (const j of nanCols) g.b[g.bOffset + (KC + 1) * g.bRowStride + j * g.bColStride] = NaN;
      gemm(g);
      check(g, c0, 0, 5);
      for (let i = 0; i < g.m; i++) for (const j of nanCols) expect(g.c[i * g.cRowStride + j]).toBeNaN();
      expect(Number.isNaN(g.c[0]!)).toBe(false);
    });
  });
});

describe('gemm with float32 inputs and a float64 C', () => {
  it('accumulates and stores in float64', () => run({ m: 21, n: 17, k: KC + 30, dtype: 'float32', cDtype: 'float64' }));
  it('with beta = 1 and a row range', () =>
    run({ m: 21, n: 17, k: 40, dtype: 'float32', cDtype: 'float64', beta: 1, rowBegin: 3, rowEnd: 19 }));
});

describe('gemm accumulates a float32 C in float64 across depth blocks', () => {
  it('sums that cancel are not rounded to float32 between blocks', () => {
    // Row 0 of A·B is 1e8 from the first depth block and 1 − 1e8 from the second: exact float64
    // gives 1, while rounding the partial sum 1e8 + 0.25 to float32 in between would lose the 0.25s.
    const k = 2 * KC;
    const a = new Float32Array(k).fill(1);
    const b = new Float32Array(k);
    b[0] = 1e8;
    for (let p = 1; p < KC; p++) b[p] = 0.25 / (KC - 1);
    b[KC] = -1e8;
    for (let p = KC + 1; p < k; p++) b[p] = 0.75 / (KC - 1);
    let exact = 0;
    for (let p = 0; p < k; p++) exact += b[p]!;
    const c = new Float32Array(1);
    gemm({
      m: 1, n: 1, k,
      a, aOffset: 0, aRowStride: k, aColStride: 1,
      b, bOffset: 0, bRowStride: 1, bColStride: 1,
      c, cOffset: 0, cRowStride: 1,
      alpha: 1, beta: 0,
    });
    expect(Math.abs(c[0]! - exact)).toBeLessThan(1e-6);
  });
});
