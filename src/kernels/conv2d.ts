/**
 * js conv2d. Three paths, chosen per shape class:
 * - pointwise (1×1, stride 1, no padding): the input already is the GEMM operand, no copy;
 * - one input channel per group (depthwise and its channel multipliers): a direct loop, since
 *   im2col would copy kh·kw times the input for a GEMM of depth kh·kw;
 * - everything else: im2col of a block of output rows into scratch, then the blocked GEMM.
 * Bias and activation are applied to each block of output right after it is written.
 *
 * Range kernel: `conv2dRange` computes output rows [begin, end) of the flattened [batch·outH]
 * rows (every channel and column of those rows), so a pool can split by batch × output rows.
 * Cost: 2·batch·outC·outH·outW·(inC/groups)·kh·kw flops; scratch ≤ IM2COL_BUDGET elements.
 */
import { scratch, type FloatArray } from '../dtype.js';
import type { Conv2dPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';
import { JS_IM2COL_BUDGET } from '../tuning.js';
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
  for (let row = begin; row < end; ) {
    const image = Math.floor(row / outH);
    const r0 = row - image * outH;
    const r1 = Math.min(outH, r0 + (end - row), r0 + rowsPerBlock);
    if (inCg === 1) direct(plan, xs, xo, ws, wo, out, image, r0, r1);
    else if (pointwise) pointwiseGemm(plan, xs, xo, ws, wo, out, image, r0, r1);
    else im2colGemm(plan, xs, xo, ws, wo, out, cols!, image, r0, r1);
    epilogue(plan, bias, out, image, r0, r1);
    row += r1 - r0;
  }
}

/** out[image, rows r0..r1) = W · im2col(x) per group. */
function im2colGemm(
  p: Conv2dPlan, xs: FloatArray, xo: number, ws: FloatArray, wo: number,
  out: FloatArray, cols: FloatArray, image: number, r0: number, r1: number,
): void {
  const inCg = p.inC / p.groups;
  const outCg = p.outC / p.groups;
  const patch = inCg * p.kh * p.kw;
  const pixels = (r1 - r0) * p.outW;
  const outHW = p.outH * p.outW;
  for (let g = 0; g < p.groups; g++) {
    if (p.layout === 'NCHW') {
      // cols: [patch, pixels], row (c, ky, kx). C block: out[image, g·outCg + oc, r0.., :].
      fillColsNCHW(p, xs, xo + (image * p.inC + g * inCg) * p.inH * p.inW, cols, r0, r1);
      gemm({
        m: outCg, n: pixels, k: patch,
        a: ws, aOffset: wo + g * outCg * patch, aRowStride: patch, aColStride: 1,
        b: cols, bOffset: 0, bRowStride: pixels, bColStride: 1,
        c: out, cOffset: (image * p.outC + g * outCg) * outHW + r0 * p.outW, cRowStride: outHW,
        alpha: 1, beta: 0,
      });
    } else {
      // cols: [pixels, patch], column (ky, kx, c). C block: out[image, r0.., :, g·outCg + oc].
      fillColsNHWC(p, xs, xo + image * p.inH * p.inW * p.inC + g * inCg, cols, r0, r1);
      gemm({
        m: pixels, n: outCg, k: patch,
        a: cols, aOffset: 0, aRowStride: patch, aColStride: 1,
        b: ws, bOffset: wo + g * outCg, bRowStride: p.outC, bColStride: 1,
        c: out, cOffset: (image * outHW + r0 * p.outW) * p.outC + g * outCg, cRowStride: p.outC,
        alpha: 1, beta: 0,
      });
    }
  }
}

/** 1×1 convolution with stride 1 and no padding: a GEMM straight over the input. */
function pointwiseGemm(
  p: Conv2dPlan, xs: FloatArray, xo: number, ws: FloatArray, wo: number,
  out: FloatArray, image: number, r0: number, r1: number,
): void {
  const inCg = p.inC / p.groups;
  const outCg = p.outC / p.groups;
  const hw = p.outH * p.outW;
  const pixels = (r1 - r0) * p.outW;
  for (let g = 0; g < p.groups; g++) {
    if (p.layout === 'NCHW') {
      gemm({
        m: outCg, n: pixels, k: inCg,
        a: ws, aOffset: wo + g * outCg * inCg, aRowStride: inCg, aColStride: 1,
        b: xs, bOffset: xo + (image * p.inC + g * inCg) * hw + r0 * p.outW, bRowStride: hw, bColStride: 1,
        c: out, cOffset: (image * p.outC + g * outCg) * hw + r0 * p.outW, cRowStride: hw,
        alpha: 1, beta: 0,
      });
    } else {
      gemm({
        m: pixels, n: outCg, k: inCg,
        a: xs, aOffset: xo + (image * hw + r0 * p.outW) * p.inC + g * inCg, aRowStride: p.inC, aColStride: 1,
        b: ws, bOffset: wo + g * outCg, bRowStride: p.outC, bColStride: 1,
        c: out, cOffset: (image * hw + r0 * p.outW) * p.outC + g * outCg, cRowStride: p.outC,
        alpha: 1, beta: 0,
      });
    }
  }
}

/** One input channel per group: each output channel reads one input channel directly. */
function direct(
  p: Conv2dPlan, xs: FloatArray, xo: number, ws: FloatArray, wo: number,
  out: FloatArray, image: number, r0: number, r1: number,
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
  const oC = nchw ? p.outH * outW : 1;
  const oY = nchw ? outW : outW * p.outC;
  const oX = nchw ? 1 : p.outC;
  const xImage = xo + image * p.inC * inH * inW;
  const oImage = image * p.outC * p.outH * outW;
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

/** Adds the bias and applies the activation to output rows r0..r1 of one image. */
function epilogue(p: Conv2dPlan, bias: Tensor | undefined, out: FloatArray, image: number, r0: number, r1: number): void {
  const { outC, outH, outW, activation } = p;
  if (!bias && activation === 'none') return;
  const bs = bias ? (bias.storage as FloatArray) : undefined;
  const bo = bias ? bias.offset : 0;
  if (p.layout === 'NCHW') {
    for (let oc = 0; oc < outC; oc++) {
      const begin = ((image * outC + oc) * outH + r0) * outW;
      const endIdx = begin + (r1 - r0) * outW;
      if (bs) {
        const v = bs[bo + oc]!;
        for (let i = begin; i < endIdx; i++) out[i] += v;
      }
      activateRange(out, begin, endIdx, activation);
    }
  } else {
    const begin = (image * outH + r0) * outW * outC;
    const endIdx = begin + (r1 - r0) * outW * outC;
    if (bs) for (let i = begin; i < endIdx; i += outC) for (let oc = 0; oc < outC; oc++) out[i + oc] += bs[bo + oc]!;
    activateRange(out, begin, endIdx, activation);
  }
}
