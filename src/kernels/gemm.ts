/**
 * GEMM range kernel: C[rowBegin:rowEnd, :] = alpha·A·B + beta·C over strided operands.
 *
 * Operands are read through (offset, rowStride, colStride), so a transposed operand (transA,
 * transB, or a `transpose()` view) is just swapped strides: no transposed copy is ever made.
 * C is row-major with row stride `cRowStride` and unit column stride. When `beta` is 0, C is not
 * read (it may hold garbage or NaN). Accumulation is in float64 (JavaScript numbers).
 *
 * Algorithm (the BLIS loop nest, blocks from JS_GEMM in src/tuning.ts):
 *
 *   for jc in steps of NC over the columns of C                     (B panel: KC×NC)
 *     for pc in steps of KC over the depth k
 *       pack B[pc:pc+KC, jc:jc+NC] into micro-panels of NR columns
 *       for ic in steps of MC over the rows rowBegin..rowEnd        (A block: MC×KC)
 *         pack A[ic:ic+MC, pc:pc+KC] into micro-panels of MR rows
 *         for jr in steps of NR: for ir in steps of MR:             (macro-kernel)
 *           micro-kernel: an MR×NR tile of A·B over depth KC, in registers
 *           update that tile of C (or of the float64 accumulator W, see below)
 *
 * Packed layout: both packed operands live in one Float64Array `packed`, the A block first, the
 * B panel after it. A micro-panel of A is MR rows × kc, stored depth-major (the MR values of
 * column p are adjacent); a micro-panel of B is kc × NR, stored depth-major too, so the
 * micro-kernel reads both with unit stride. Rows and columns beyond the edge of the matrix are
 * packed as zeros; the tiles they produce are computed and then dropped, never written to C.
 * Packing reads A and B through their strides, so a transposed operand costs nothing extra.
 *
 * Depth blocks: the first depth block writes C = alpha·AB₀ + beta·C and the later ones add
 * alpha·ABₚ. For a float64 C that is float64 accumulation already. For a float32 C with k > KC,
 * partial sums would be rounded to float32 between blocks, so the tiles go to a float64
 * accumulator W (rows × NC) instead and C = alpha·W + beta·C is written once per column panel.
 *
 * Vector shapes (m = 1 or n = 1) skip packing, which would copy a whole operand to use it once:
 * plain float64 dot products, or row updates when B is contiguous along its rows.
 *
 * Cost: 2·rows·n·k flops in the micro-kernel (about 5 GFLOP/s on one core; see tuning.ts); packing
 * reads A ⌈n/NC⌉ times and B once per call. Scratch is (MC×KC + KC×NC) doubles, plus W (rows × NC
 * doubles) for a float32 C with k > KC, all allocated per call: concurrent calls on disjoint row
 * ranges share no mutable state, and splitting C by rows does not change a single bit of it.
 *
 * Why 4×3: V8 keeps at most 16 doubles in registers. A 4×3 tile holds 12 accumulators and reads
 * 7 values per depth step for 24 flops; a 4×4 tile spills more than it saves.
 */
import type { FloatArray } from '../dtype.js';
import { JS_GEMM } from '../tuning.js';

export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  a: FloatArray;
  aOffset: number;
  aRowStride: number;
  aColStride: number;
  b: FloatArray;
  bOffset: number;
  bRowStride: number;
  bColStride: number;
  c: FloatArray;
  cOffset: number;
  cRowStride: number;
  alpha: number;
  beta: number;
}

/** The register tile the micro-kernel below is unrolled for. */
const MR = 4;
const NR = 3;
if (JS_GEMM.MR !== MR || JS_GEMM.NR !== NR) {
  throw new Error(`JS_GEMM asks for a ${JS_GEMM.MR}×${JS_GEMM.NR} tile; gemm.ts is unrolled for ${MR}×${NR}`);
}
const { MC, KC, NC } = JS_GEMM;
/** Products of at most this many multiply-adds skip packing (measured: 16³ is faster as dot products). */
const SMALL_GEMM = 16 * 16 * 16;

export function gemm(g: GemmArgs, rowBegin = 0, rowEnd = g.m): void {
  const { n, k, c, cOffset, cRowStride, alpha, beta } = g;
  const rows = rowEnd - rowBegin;
  if (rows <= 0 || n <= 0) return;
  const cFirst = cOffset + rowBegin * cRowStride;
  if (k <= 0) {
    scaleRows(c, cFirst, cRowStride, rows, n, beta);
    return;
  }
  if (g.m * n * k <= SMALL_GEMM || (g.m <= MR && n <= NR)) {
    // Small products: packing and the blocked loops cost more than the work; dot products (four
    // partial sums each) are fastest. The test is on the whole product, not the row range, so any
    // split of C by rows gives the same bits.
    if (n === 1 && Math.abs(g.aColStride) > Math.abs(g.aRowStride)) gemvColumns(g, rowBegin, rowEnd);
    else gemmDots(g, rowBegin, rowEnd);
    return;
  }
  if (g.m === 1 || n === 1) {
    // A vector times a matrix or a matrix times a vector: packing would copy a whole operand for
    // one pass over it. Walk B along whichever of its axes has the smaller stride instead. (The
    // test is on m, not on the row range, so that any split of C by rows gives the same bits.)
    if (n === 1 && Math.abs(g.aColStride) > Math.abs(g.aRowStride)) gemvColumns(g, rowBegin, rowEnd);
    else if (n === 1 || Math.abs(g.bRowStride) <= Math.abs(g.bColStride)) gemmDots(g, rowBegin, rowEnd);
    else gemmRows(g, rowBegin, rowEnd);
    return;
  }

  // Scratch, sized for the largest block this call will see.
  const kcMax = Math.min(KC, k);
  const ncMax = Math.min(NC, n);
  const bPanelAt = roundUp(Math.min(MC, rows), MR) * kcMax;
  const packed = new Float64Array(bPanelAt + kcMax * roundUp(ncMax, NR));
  const tile = new Float64Array(MR * NR);
  const useW = k > KC && !(c instanceof Float64Array);
  const w = useW ? new Float64Array(rows * ncMax) : null;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // The first depth block applies beta to C; later ones add to what it wrote.
      const tileBeta = pc === 0 ? beta : 1;
      packB(g, pc, kc, jc, nc, packed, bPanelAt);
      for (let ic = 0; ic < rows; ic += MC) {
        const mc = Math.min(MC, rows - ic);
        packA(g, rowBegin + ic, mc, pc, kc, packed);
        // Macro-kernel: one B micro-panel stays in L1 while the A block streams from L2.
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bAt = bPanelAt + jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(kc, packed, ir * kc, bAt, tile);
            if (w !== null) updateTile(tile, mr, nr, w, (ic + ir) * ncMax + jr, ncMax, 1, pc === 0 ? 0 : 1);
            else updateTile(tile, mr, nr, c, cFirst + (ic + ir) * cRowStride + jc + jr, cRowStride, alpha, tileBeta);
          }
        }
      }
    }
    if (w !== null) flushAccumulator(w, ncMax, c, cFirst + jc, cRowStride, rows, nc, alpha, beta);
  }
}

function roundUp(x: number, step: number): number {
  return Math.ceil(x / step) * step;
}

/**
 * Packs A[row0:row0+mc, p0:p0+kc] at packed[0..]: micro-panels of MR rows, each kc steps of MR
 * adjacent values; rows past mc are zeros.
 */
function packA(g: GemmArgs, row0: number, mc: number, p0: number, kc: number, packed: Float64Array): void {
  const { a, aRowStride: rs, aColStride: cs } = g;
  let q = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const base = g.aOffset + (row0 + ir) * rs + p0 * cs;
    if (ir + MR <= mc) {
      // Full micro-panel: four row cursors walk the depth together.
      let i0 = base;
      let i1 = base + rs;
      let i2 = base + 2 * rs;
      let i3 = base + 3 * rs;
      for (let p = 0; p < kc; p++) {
        packed[q] = a[i0]!;
        packed[q + 1] = a[i1]!;
        packed[q + 2] = a[i2]!;
        packed[q + 3] = a[i3]!;
        q += MR;
        i0 += cs;
        i1 += cs;
        i2 += cs;
        i3 += cs;
      }
    } else {
      const valid = mc - ir;
      for (let p = 0; p < kc; p++) {
        const at = base + p * cs;
        for (let i = 0; i < MR; i++) packed[q + i] = i < valid ? a[at + i * rs]! : 0;
        q += MR;
      }
    }
  }
}

/**
 * Packs B[p0:p0+kc, col0:col0+nc] at packed[at..]: micro-panels of NR columns, each kc steps of NR
 * adjacent values; columns past nc are zeros.
 */
function packB(g: GemmArgs, p0: number, kc: number, col0: number, nc: number, packed: Float64Array, at: number): void {
  const { b, bRowStride: rs, bColStride: cs } = g;
  let q = at;
  for (let jr = 0; jr < nc; jr += NR) {
    let base = g.bOffset + p0 * rs + (col0 + jr) * cs;
    if (jr + NR <= nc) {
      for (let p = 0; p < kc; p++) {
        packed[q] = b[base]!;
        packed[q + 1] = b[base + cs]!;
        packed[q + 2] = b[base + 2 * cs]!;
        q += NR;
        base += rs;
      }
    } else {
      const valid = nc - jr;
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) packed[q + j] = j < valid ? b[base + j * cs]! : 0;
        q += NR;
        base += rs;
      }
    }
  }
}

/**
 * The 4×3 register tile: tile = Ã·B̃ over kc depth steps, Ã the A micro-panel at packed[aAt..],
 * B̃ the B micro-panel at packed[bAt..]. The twelve accumulators are locals so that V8 keeps them
 * in registers; indices stay int32 (`| 0`) because the scratch is far below 2³¹ elements.
 */
function microKernel(kc: number, packed: Float64Array, aAt: number, bAt: number, tile: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0;
  let c10 = 0, c11 = 0, c12 = 0;
  let c20 = 0, c21 = 0, c22 = 0;
  let c30 = 0, c31 = 0, c32 = 0;
  let ai = aAt | 0;
  let bi = bAt | 0;
  const aEnd = (aAt + kc * MR) | 0;
  while (ai < aEnd) {
    const a0 = packed[ai]!;
    const a1 = packed[(ai + 1) | 0]!;
    const a2 = packed[(ai + 2) | 0]!;
    const a3 = packed[(ai + 3) | 0]!;
    const b0 = packed[bi]!;
    const b1 = packed[(bi + 1) | 0]!;
    const b2 = packed[(bi + 2) | 0]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    ai = (ai + 4) | 0;
    bi = (bi + 3) | 0;
  }
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c10;
  tile[4] = c11;
  tile[5] = c12;
  tile[6] = c20;
  tile[7] = c21;
  tile[8] = c22;
  tile[9] = c30;
  tile[10] = c31;
  tile[11] = c32;
}

/** dst[mr×nr at `at`, row stride ld] = alpha·tile + beta·dst; dst is not read when beta is 0. */
function updateTile(
  tile: Float64Array,
  mr: number,
  nr: number,
  dst: FloatArray,
  at: number,
  ld: number,
  alpha: number,
  beta: number,
): void {
  if (nr === NR) {
    // Full-width tiles, nearly all of them: the three columns unrolled (≈10% at k ≤ 32).
    for (let i = 0; i < mr; i++) {
      const row = at + i * ld;
      const t = i * NR;
      if (beta === 0) {
        dst[row] = alpha * tile[t]!;
        dst[row + 1] = alpha * tile[t + 1]!;
        dst[row + 2] = alpha * tile[t + 2]!;
      } else {
        dst[row] = alpha * tile[t]! + beta * dst[row]!;
        dst[row + 1] = alpha * tile[t + 1]! + beta * dst[row + 1]!;
        dst[row + 2] = alpha * tile[t + 2]! + beta * dst[row + 2]!;
      }
    }
    return;
  }
  for (let i = 0; i < mr; i++) {
    const row = at + i * ld;
    const t = i * NR;
    if (beta === 0) for (let j = 0; j < nr; j++) dst[row + j] = alpha * tile[t + j]!;
    else for (let j = 0; j < nr; j++) dst[row + j] = alpha * tile[t + j]! + beta * dst[row + j]!;
  }
}

/** C[rows × nc at cAt] = alpha·W + beta·C, W row-major with row stride ldw. */
function flushAccumulator(
  w: Float64Array,
  ldw: number,
  c: FloatArray,
  cAt: number,
  cRowStride: number,
  rows: number,
  nc: number,
  alpha: number,
  beta: number,
): void {
  for (let i = 0; i < rows; i++) {
    const row = cAt + i * cRowStride;
    const wRow = i * ldw;
    if (beta === 0) for (let j = 0; j < nc; j++) c[row + j] = alpha * w[wRow + j]!;
    else for (let j = 0; j < nc; j++) c[row + j] = alpha * w[wRow + j]! + beta * c[row + j]!;
  }
}

/** Thin products, B walked along the depth: one float64 dot product per element of C. */
function gemmDots(g: GemmArgs, rowBegin: number, rowEnd: number): void {
  const { n, k, a, b, c, alpha, beta } = g;
  const { aRowStride, aColStride, bRowStride, bColStride } = g;
  for (let i = rowBegin; i < rowEnd; i++) {
    const cRow = g.cOffset + i * g.cRowStride;
    for (let j = 0; j < n; j++) {
      let ia = g.aOffset + i * aRowStride;
      let ib = g.bOffset + j * bColStride;
      // Four partial sums: a single one would wait on the previous add's latency every step.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += a[ia]! * b[ib]!;
        s1 += a[ia + aColStride]! * b[ib + bRowStride]!;
        s2 += a[ia + 2 * aColStride]! * b[ib + 2 * bRowStride]!;
        s3 += a[ia + 3 * aColStride]! * b[ib + 3 * bRowStride]!;
        ia += 4 * aColStride;
        ib += 4 * bRowStride;
      }
      for (; p < k; p++) {
        s0 += a[ia]! * b[ib]!;
        ia += aColStride;
        ib += bRowStride;
      }
      const s = s0 + s1 + (s2 + s3);
      c[cRow + j] = beta === 0 ? alpha * s : alpha * s + beta * c[cRow + j]!;
    }
  }
}

/**
 * Matrix times vector with A's columns contiguous (Aᵀ·y of a row-major A): axpys down the columns
 * into a float64 accumulator, so A is read in order. Each C element sums over p in the same order
 * as a dot product would.
 */
function gemvColumns(g: GemmArgs, rowBegin: number, rowEnd: number): void {
  const { k, a, b, c, alpha, beta, aRowStride, aColStride, bRowStride } = g;
  const acc = new Float64Array(rowEnd - rowBegin);
  for (let p = 0; p < k; p++) {
    const v = b[g.bOffset + p * bRowStride]!;
    let ia = g.aOffset + rowBegin * aRowStride + p * aColStride;
    for (let i = 0; i < acc.length; i++, ia += aRowStride) acc[i] += a[ia]! * v;
  }
  for (let i = 0; i < acc.length; i++) {
    const at = g.cOffset + (rowBegin + i) * g.cRowStride;
    c[at] = beta === 0 ? alpha * acc[i]! : alpha * acc[i]! + beta * c[at]!;
  }
}

/**
 * Thin products, B walked along its rows: each row of C accumulates in a float64 row, one row of B
 * times one element of A per depth step.
 */
function gemmRows(g: GemmArgs, rowBegin: number, rowEnd: number): void {
  const { n, k, a, b, c, alpha, beta } = g;
  const { aRowStride, aColStride, bRowStride, bColStride } = g;
  const acc = new Float64Array(n);
  for (let i = rowBegin; i < rowEnd; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[g.aOffset + i * aRowStride + p * aColStride]!;
      let ib = g.bOffset + p * bRowStride;
      for (let j = 0; j < n; j++) {
        acc[j] += av * b[ib]!;
        ib += bColStride;
      }
    }
    const cRow = g.cOffset + i * g.cRowStride;
    if (beta === 0) for (let j = 0; j < n; j++) c[cRow + j] = alpha * acc[j]!;
    else for (let j = 0; j < n; j++) c[cRow + j] = alpha * acc[j]! + beta * c[cRow + j]!;
  }
}

/** C = beta·C over rows × n (k = 0: A·B is empty); C is not read when beta is 0. */
function scaleRows(c: FloatArray, at: number, cRowStride: number, rows: number, n: number, beta: number): void {
  for (let i = 0; i < rows; i++) {
    const row = at + i * cRowStride;
    if (beta === 0) c.fill(0, row, row + n);
    else for (let j = 0; j < n; j++) c[row + j] = beta * c[row + j]!;
  }
}
