/**
 * Reference max and average pooling over 2-D windows, NCHW or NHWC. Padded cells are ignored:
 * the max is over real cells, the average divides by the number of real cells (TensorFlow).
 */
import { padsFor, pair, type Pair, type RefPadding } from './conv2d.js';
import type { Ref } from './nd.js';

export interface PoolRefOptions {
  kernel: Pair;
  stride?: Pair;
  padding?: RefPadding;
  layout?: 'NCHW' | 'NHWC';
}

export function refPool2d(kind: 'max' | 'avg', x: Ref, o: PoolRefOptions): Ref {
  const nchw = (o.layout ?? 'NCHW') === 'NCHW';
  const [N, C, H, W] = nchw ? x.shape : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  const [KH, KW] = pair(o.kernel, 1);
  const [sH, sW] = o.stride === undefined ? [KH, KW] : pair(o.stride, 1);
  const [pt, pb, pl, pr] = padsFor(o.padding ?? 'valid', H!, W!, KH, KW, sH, sW);
  const OH = Math.floor((H! + pt! + pb! - KH) / sH) + 1;
  const OW = Math.floor((W! + pl! + pr! - KW) / sW) + 1;
  const at = (n: number, c: number, h: number, v: number, hh: number, ww: number) =>
    nchw ? ((n * C! + c) * hh + h) * ww + v : ((n * hh + h) * ww + v) * C! + c;
  const out = new Float64Array(N! * C! * OH * OW);
  for (let n = 0; n < N!; n++)
    for (let c = 0; c < C!; c++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let i = 0; i < KH; i++)
            for (let j = 0; j < KW; j++) {
              const h = oh * sH - pt! + i;
              const v = ow * sW - pl! + j;
              if (h < 0 || h >= H! || v < 0 || v >= W!) continue;
              const val = x.data[at(n, c, h, v, H!, W!)]!;
              best = Math.max(best, val);
              sum += val;
              count++;
            }
          out[at(n, c, oh, ow, OH, OW)] = kind === 'max' ? best : sum / count;
        }
  return { data: out, shape: nchw ? [N!, C!, OH, OW] : [N!, OH, OW, C!] };
}
