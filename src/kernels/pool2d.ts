/**
 * js maxPool2d / avgPool2d: direct loops over each window, padded cells skipped (max ignores
 * them, avg divides by the number of real cells). Range kernel over the flattened [batch·outH]
 * output rows. Cost: batch·channels·outH·outW·kh·kw comparisons or additions.
 */
import type { FloatArray } from '../dtype.js';
import type { Pool2dPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';

export function pool2dRange(p: Pool2dPlan, [input]: readonly [Tensor], out: FloatArray, begin: number, end: number): void {
  const x = dense(input);
  const xs = x.storage as FloatArray;
  const { channels, inH, inW, outH, outW, kh, kw, strideH, strideW, padTop, padLeft } = p;
  const nchw = p.layout === 'NCHW';
  const xC = nchw ? inH * inW : 1;
  const xY = nchw ? inW : inW * channels;
  const xX = nchw ? 1 : channels;
  const oC = nchw ? outH * outW : 1;
  const oY = nchw ? outW : outW * channels;
  const oX = nchw ? 1 : channels;
  const isMax = p.kind === 'max';
  for (let row = begin; row < end; row++) {
    const image = Math.floor(row / outH);
    const oy = row - image * outH;
    const y0 = oy * strideH - padTop;
    const yBegin = Math.max(0, y0);
    const yEnd = Math.min(inH, y0 + kh);
    const xImage = x.offset + image * channels * inH * inW;
    const oImage = image * channels * outH * outW + oy * oY;
    for (let c = 0; c < channels; c++) {
      const xBase = xImage + c * xC;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padLeft;
        const xBegin = Math.max(0, x0);
        const xEnd = Math.min(inW, x0 + kw);
        let acc = isMax ? -Infinity : 0;
        let nan = false;
        for (let iy = yBegin; iy < yEnd; iy++) {
          for (let ix = xBegin; ix < xEnd; ix++) {
            const v = xs[xBase + iy * xY + ix * xX]!;
            if (isMax) {
              if (v > acc) acc = v;
              else if (v !== v) nan = true;
            } else {
              acc += v;
            }
          }
        }
        out[oImage + c * oC + ox * oX] = nan ? NaN : isMax ? acc : acc / ((yEnd - yBegin) * (xEnd - xBegin));
      }
    }
  }
}
