/**
 * js conv2d. Three paths, chosen per shape class:
 * - pointwise (1×1, stride 1, no padding): the input already is the GEMM operand, no copy;
 * - one input channel per group (depthwise and its channel multipliers): a direct loop, since
 *   im2col would copy kh·kw times the input for a GEMM of depth kh·kw;
 * - everything else: im2col of a block of output rows into scratch, then the blocked GEMM.
 * Bias and activation are applied to each block of output right after it is written.
 *
 * Fused pooling (`plan.pool`): the convolution rows under a band of pooled rows are computed, with
 * bias and activation, into a scratch band of at most JS_POOL_BAND_BUDGET elements (the rows of at
 * least one pooled row), and max- or average-pooled from there into the output; the full-size
 * activation is never stored. Bands overlap by kh − strideH rows when windows do.
 *
 * Range kernel: `conv2dRange` computes output rows [begin, end) of the flattened [batch·outH]
 * rows (every channel and column of those rows), so a pool can split by batch × output rows; with
 * pooling, of the [batch·pool.outH] pooled rows.
 * Cost: 2·batch·outC·outH·outW·(inC/groups)·kh·kw flops (pooled: of the covered rows, plus
 * outC·kh·kw per pooled pixel); scratch ≤ IM2COL_BUDGET (+ JS_POOL_BAND_BUDGET) elements.
 */
import { scratch, type FloatArray } from '../dtype.js';
import type { Conv2dPlan, Conv2dPoolPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';
import { JS_IM2COL_BUDGET, JS_POOL_BAND_BUDGET } from '../tuning.js';
import { activateRange } from './activation.js';
import { gemm } from './gemm.js';

export function conv2dRange(
  plan: Conv2dPlan,
  inputs: readonly [Tensor, Tensor, Tensor?],
  out: FloatArray,
  begin: number,
  end: number,
): void {
  // Dense inputs (dispatch passes them so; a direct caller may not).
  const x = dense(inputs[0]);
  const w = dense(inputs[1]);
  const bias = inputs[2] && dense(inputs[2]);
  const xs = x.storage as FloatArray;
  const ws = w.storage as FloatArray;
  const xo = x.offset;
  const wo = w.offset;
  const { outH } = plan;
  const inCg = plan.inC / plan.groups;
  const pointwise =
    plan.kh === 1 && plan.kw === 1 && plan.strideH === 1 && plan.strideW === 1 &&
    plan.padTop + plan.padBottom + plan.padLeft + plan.padRight === 0;
  // Work image by image; inside an image, in blocks of output rows that keep im2col scratch small.
  const patch = inCg * plan.kh * plan.kw;
  const rowsPerBlock = Math.max(1, Math.floor(JS_IM2COL_BUDGET / Math.max(1, patch * plan.outW)));
  const cols = pointwise || inCg === 1 ? undefined : scratch(plan.dtype, Math.min(outH, rowsPerBlock) * plan.outW * patch);
  /** Convolution rows [r0, r1) of one image into `dest`, in blocks that fit the im2col scratch. */
  const convRows = (image: number, r0: number, r1: number, dest: Dest) => {
    for (let a = r0; a < r1; ) {
      const b = Math.min(r1, a + rowsPerBlock);
      if (inCg === 1) direct(plan, xs, xo, ws, wo, dest, image, a, b);
      else if (pointwise) pointwiseGemm(plan, xs, xo, ws, wo, dest, image, a, b);
      else im2colGemm(plan, xs, xo, ws, wo, dest, cols!, image, a, b);
      epilogue(plan, bias, dest, a, b);
      a = b;
    }
  };
  if (plan.pool) {
    pooledRows(plan, plan.pool, convRows, out, begin, end);
    return;
  }
  for (let row = begin; row < end; ) {
    const image = Math.floor(row / outH);
    const r0 = row - image * outH;
    const r1 = Math.min(outH, r0 + (end - row));
    convRows(image, r0, r1, outputDest(plan, out, image));
    row += r1 - r0;
  }
}

/**
 * Where convolution rows go: NCHW element (oc, oy, ox) at base + oc·chan + (oy − row0)·outW + ox,
 * NHWC (oy, ox, oc) at base + ((oy − row0)·outW + ox)·outC + oc. The output itself (one image), or
 * the fused pooling's scratch band (its first row row0).
 */
interface Dest {
  readonly out: FloatArray;
  readonly base: number;
  /** NCHW: elements from one channel to the next. */
  readonly chan: number;
  readonly row0: number;
}

function outputDest(p: Conv2dPlan, out: FloatArray, image: number): Dest {
  const outHW = p.outH * p.outW;
  return { out, base: image * p.outC * outHW, chan: outHW, row0: 0 };
}

/** Index in `d` of pixel (row oy, column 0) of output channel oc (NCHW) or of channel 0 (NHWC). */
function rowAt(p: Conv2dPlan, d: Dest, oy: number): number {
  return p.layout === 'NCHW' ? d.base + (oy - d.row0) * p.outW : d.base + (oy - d.row0) * p.outW * p.outC;
}

/**
 * Pooled rows [begin, end) of the flattened [batch·pool.outH]: band by band, the convolution rows
 * the band's windows cover (with bias and activation) into scratch, then pooled into `out`.
 */
function pooledRows(
  p: Conv2dPlan, q: Conv2dPoolPlan, convRows: (image: number, r0: number, r1: number, dest: Dest) => void,
  out: FloatArray, begin: number, end: number,
): void {
  if (end <= begin) return;
  const convRow = p.outC * p.outW;
  // Pooled rows per band: as many as the budget holds, at least one (kh convolution rows).
  const perBand = Math.max(1, Math.floor((Math.floor(JS_POOL_BAND_BUDGET / convRow) - q.kh) / q.strideH) + 1);
  const bandRows = Math.min(perBand, end - begin, q.outH);
  const band = scratch(p.dtype, ((bandRows - 1) * q.strideH + q.kh) * convRow);
  for (let row = begin; row < end; ) {
    const image = Math.floor(row / q.outH);
    const q0 = row - image * q.outH;
    const q1 = Math.min(q.outH, q0 + (end - row), q0 + bandRows);
    const cr0 = q0 * q.strideH;
    const cr1 = (q1 - 1) * q.strideH + q.kh;
    const dest: Dest = { out: band, base: 0, chan: (cr1 - cr0) * p.outW, row0: cr0 };
    convRows(image, cr0, cr1, dest);
    poolBand(p, q, dest, out, image, q0, q1);
    row += q1 - q0;
  }
}

/**
 * Pools pooled rows [q0, q1) of one image from the band in `d`: the max (NaN propagates) or the
 * mean over kh·kw cells, in the order maxPool2d / avgPool2d visit them.
 */
function poolBand(p: Conv2dPlan, q: Conv2dPoolPlan, d: Dest, out: FloatArray, image: number, q0: number, q1: number): void {
  const { outC, outW } = p;
  const { kh, kw, strideH, strideW } = q;
  const nchw = p.layout === 'NCHW';
  const s = d.out;
  // Element strides of the band (channel, row, column) and of the pooled output.
  const sC = nchw ? d.chan : 1;
  const sY = nchw ? outW : outW * outC;
  const sX = nchw ? 1 : outC;
  const oC = nchw ? q.outH * q.outW : 1;
  const oY = nchw ? q.outW : q.outW * outC;
  const oX = nchw ? 1 : outC;
  const oImage = image * outC * q.outH * q.outW;
  const isMax = q.kind === 'max';
  const count = kh * kw;
  for (let qy = q0; qy < q1; qy++) {
    const y0 = d.base + (qy * strideH - d.row0) * sY;
    for (let c = 0; c < outC; c++) {
      const cBase = y0 + c * sC;
      const o = oImage + c * oC + qy * oY;
      for (let qx = 0; qx < q.outW; qx++) {
        const at = cBase + qx * strideW * sX;
        let acc = isMax ? -Infinity : 0;
        let nan = false;
        for (let ky = 0; ky < kh; ky++) {
          const r = at + ky * sY;
          for (let kx = 0; kx < kw; kx++) {
            const v = s[r + kx * sX]!;
            if (isMax) {
              if (v > acc) acc = v;
              else if (v !== v) nan = true;
            } else {
              acc += v;
            }
          }
        }
        out[o + qx * oX] = nan ? NaN : isMax ? acc : acc / count;
      }
    }
  }
}

/** dest rows r0..r1 of one image = W · im2col(x) per group. */
function im2colGemm(
  p: Conv2dPlan, xs: FloatArray, xo: number, ws: FloatArray, wo: number,
  d: Dest, cols: FloatArray, image: number, r0: number, r1: number,
): void {
  const inCg = p.inC / p.groups;
  const outCg = p.outC / p.groups;
  const patch = inCg * p.kh * p.kw;
  const pixels = (r1 - r0) * p.outW;
  const c0 = rowAt(p, d, r0);
  for (let g = 0; g < p.groups; g++) {
    if (p.layout === 'NCHW') {
      // cols: [patch, pixels], row (c, ky, kx). C block: out[image, g·outCg + oc, r0.., :].
      fillColsNCHW(p, xs, xo + (image * p.inC + g * inCg) * p.inH * p.inW, cols, r0, r1);
      gemm({
        m: outCg, n: pixels, k: patch,
        a: ws, aOffset: wo + g * outCg * patch, aRowStride: patch, aColStride: 1,
        b: cols, bOffset: 0, bRowStride: pixels, bColStride: 1,
        c: d.out, cOffset: c0 + g * outCg * d.chan, cRowStride: d.chan,
        alpha: 1, beta: 0,
      });
    } else {
      // cols: [pixels, patch], column (ky, kx, c). C block: out[image, r0.., :, g·outCg + oc].
      fillColsNHWC(p, xs, xo + image * p.inH * p.inW * p.inC + g * inCg, cols, r0, r1);
      gemm({
        m: pixels, n: outCg, k: patch,
        a: cols, aOffset: 0, aRowStride: patch, aColStride: 1,
        b: ws, bOffset: wo + g * outCg, bRowStride: p.outC, bColStride: 1,
        c: d.out, cOffset: c0 + g * outCg, cRowStride: p.outC,
        alpha: 1, beta: 0,
      });
    }
  }
}

/** 1×1 convolution with stride 1 and no padding: a GEMM straight over the input. */
function pointwiseGemm(
  p: Conv2dPlan, xs: FloatArray, xo: number, ws: FloatArray, wo: number,
  d: Dest, image: number, r0: number, r1: number,
): void {
  const inCg = p.inC / p.groups;
  const outCg = p.outC / p.groups;
  const hw = p.outH * p.outW;
  const pixels = (r1 - r0) * p.outW;
  const c0 = rowAt(p, d, r0);
  for (let g = 0; g < p.groups; g++) {
    if (p.layout === 'NCHW') {
      gemm({
        m: outCg, n: pixels, k: inCg,
        a: ws, aOffset: wo + g * outCg * inCg, aRowStride: inCg, aColStride: 1,
        b: xs, bOffset: xo + (image * p.inC + g * inCg) * hw + r0 * p.outW, bRowStride: hw, bColStride: 1,
        c: d.out, cOffset: c0 + g * outCg * d.chan, cRowStride: d.chan,
        alpha: 1, beta: 0,
      });
    } else {
      gemm({
        m: pixels, n: outCg, k: inCg,
        a: xs, aOffset: xo + (image * hw + r0 * p.outW) * p.inC + g * inCg, aRowStride: p.inC, aColStride: 1,
        b: ws, bOffset: wo + g * outCg, bRowStride: p.outC, bColStride: 1,
        c: d.out, cOffset: c0 + g * outCg, cRowStride: p.outC,
        alpha: 1, beta: 0,
      });
    }
  }
}

/** One input channel per group: each output channel reads one input channel directly. */
function direct(
  p: Conv2dPlan, xs: FloatArray, xo: number, ws: FloatArray, wo: number,
  d: Dest, image: number, r0: number, r1: number,
): void {
  const { inH, inW, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft } = p;
  const multiplier = p.outC / p.groups;
  const nchw = p.layout === 'NCHW';
  // Element strides of x (channel, row, column) and w (output channel, ky, kx) in either layout.
  const xC = nchw ? inH * inW : 1;
  const xY = nchw ? inW : inW * p.inC;
  const xX = nchw ? 1 : p.inC;
  const wOC = nchw ? kh * kw : 1;
  const wY = nchw ? kw : kw * p.outC;
  const wX = nchw ? 1 : p.outC;
  const oC = nchw ? d.chan : 1;
  const oY = nchw ? outW : outW * p.outC;
  const oX = nchw ? 1 : p.outC;
  const xImage = xo + image * p.inC * inH * inW;
  const out = d.out;
  const oImage = d.base - d.row0 * oY;
  for (let oc = 0; oc < p.outC; oc++) {
    const xBase = xImage + Math.floor(oc / multiplier) * xC;
    const wBase = wo + oc * wOC;
    for (let oy = r0; oy < r1; oy++) {
      const iy0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        let acc = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dilationW;
            if (ix < 0 || ix >= inW) continue;
            acc += xs[xBase + iy * xY + ix * xX]! * ws[wBase + ky * wY + kx * wX]!;
          }
        }
        out[oImage + oc * oC + oy * oY + ox * oX] = acc;
      }
    }
  }
}

/** cols[(c·kh + ky)·kw + kx, pixel] for output rows r0..r1 of one image and one group (NCHW). */
function fillColsNCHW(p: Conv2dPlan, xs: FloatArray, base: number, cols: FloatArray, r0: number, r1: number): void {
  const { inH, inW, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft } = p;
  const inCg = p.inC / p.groups;
  const pixels = (r1 - r0) * outW;
  let row = 0;
  for (let c = 0; c < inCg; c++) {
    const channel = base + c * inH * inW;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++, row++) {
        let o = row * pixels;
        for (let oy = r0; oy < r1; oy++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, o, o + outW);
            o += outW;
            continue;
          }
          const src = channel + iy * inW;
          let ix = kx * dilationW - padLeft;
          for (let ox = 0; ox < outW; ox++, ix += strideW) cols[o++] = ix >= 0 && ix < inW ? xs[src + ix]! : 0;
        }
      }
    }
  }
}

/** cols[pixel, (ky·kw + kx)·inCg + c] for output rows r0..r1 of one image and one group (NHWC). */
function fillColsNHWC(p: Conv2dPlan, xs: FloatArray, base: number, cols: FloatArray, r0: number, r1: number): void {
  const { inH, inW, inC, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft } = p;
  const inCg = inC / p.groups;
  let o = 0;
  for (let oy = r0; oy < r1; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * strideH - padTop + ky * dilationH;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * strideW - padLeft + kx * dilationW;
          if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
            cols.fill(0, o, o + inCg);
          } else {
            const src = base + (iy * inW + ix) * inC;
            for (let c = 0; c < inCg; c++) cols[o + c] = xs[src + c]!;
          }
          o += inCg;
        }
      }
    }
  }
}

/** Adds the bias and applies the activation to rows r0..r1 of one image in `d`. */
function epilogue(p: Conv2dPlan, bias: Tensor | undefined, d: Dest, r0: number, r1: number): void {
  const { outC, outW, activation } = p;
  if (!bias && activation === 'none') return;
  const out = d.out;
  const bs = bias ? (bias.storage as FloatArray) : undefined;
  const bo = bias ? bias.offset : 0;
  const row = rowAt(p, d, r0);
  if (p.layout === 'NCHW') {
    for (let oc = 0; oc < outC; oc++) {
      const begin = row + oc * d.chan;
      const endIdx = begin + (r1 - r0) * outW;
      if (bs) {
        const v = bs[bo + oc]!;
        for (let i = begin; i < endIdx; i++) out[i] += v;
      }
      activateRange(out, begin, endIdx, activation);
    }
  } else {
    const begin = row;
    const endIdx = begin + (r1 - r0) * outW * outC;
    if (bs) for (let i = begin; i < endIdx; i += outC) for (let oc = 0; oc < outC; oc++) out[i + oc] += bs[bo + oc]!;
    activateRange(out, begin, endIdx, activation);
  }
}
