/**
 * Reference conv2d: direct cross-correlation with stride, padding, dilation and groups, then bias
 * and activation, in NCHW (w [outC, C/groups, kh, kw]) or NHWC (w [kh, kw, C/groups, outC]).
 * 'same' padding follows TensorFlow: out = ceil(in/stride), odd pixel at the bottom/right.
 */
import { activate, type Activation, type Ref } from './nd.js';

export type RefPadding = 'valid' | 'same' | number | readonly [number, number, number, number];
export type Pair = number | readonly [number, number];
export const pair = (v: Pair | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** [top, bottom, left, right] for a window of span (k−1)·dil+1 sliding with `stride`. */
export function padsFor(p: RefPadding, inH: number, inW: number, spanH: number, spanW: number, sH: number, sW: number) {
  if (p === 'valid') return [0, 0, 0, 0];
  if (typeof p === 'number') return [p, p, p, p];
  if (p !== 'same') return [...p];
  const total = (n: number, span: number, s: number) => Math.max((Math.ceil(n / s) - 1) * s + span - n, 0);
  const th = total(inH, spanH, sH);
  const tw = total(inW, spanW, sW);
  return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
}

export interface ConvRefOptions {
  stride?: Pair;
  dilation?: Pair;
  padding?: RefPadding;
  groups?: number;
  bias?: ArrayLike<number>;
  activation?: Activation;
  layout?: 'NCHW' | 'NHWC';
}

export function refConv2d(x: Ref, w: Ref, o: ConvRefOptions = {}): Ref {
  const nchw = (o.layout ?? 'NCHW') === 'NCHW';
  const [N, C, H, W] = nchw ? x.shape : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  const [O, Cg, KH, KW] = nchw ? w.shape : [w.shape[3]!, w.shape[2]!, w.shape[0]!, w.shape[1]!];
  const G = o.groups ?? 1;
  const [sH, sW] = pair(o.stride, 1);
  const [dH, dW] = pair(o.dilation, 1);
  const [pt, pb, pl, pr] = padsFor(o.padding ?? 'valid', H!, W!, (KH! - 1) * dH + 1, (KW! - 1) * dW + 1, sH, sW);
  const OH = Math.floor((H! + pt! + pb! - (KH! - 1) * dH - 1) / sH) + 1;
  const OW = Math.floor((W! + pl! + pr! - (KW! - 1) * dW - 1) / sW) + 1;
  const xAt = (n: number, c: number, h: number, v: number) =>
    x.data[nchw ? ((n * C! + c) * H! + h) * W! + v : ((n * H! + h) * W! + v) * C! + c]!;
  const wAt = (oc: number, c: number, i: number, j: number) =>
    w.data[nchw ? ((oc * Cg! + c) * KH! + i) * KW! + j : ((i * KW! + j) * Cg! + c) * O! + oc]!;
  const out = new Float64Array(N! * O! * OH * OW);
  for (let n = 0; n < N!; n++)
    for (let oc = 0; oc < O!; oc++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const g = Math.floor(oc / (O! / G));
          let s = 0;
          for (let c = 0; c < Cg!; c++)
            for (let i = 0; i < KH!; i++)
              for (let j = 0; j < KW!; j++) {
                const h = oh * sH - pt! + i * dH;
                const v = ow * sW - pl! + j * dW;
                if (h >= 0 && h < H! && v >= 0 && v < W!) s += xAt(n, g * Cg! + c, h, v) * wAt(oc, c, i, j);
              }
          const at = nchw ? ((n * O! + oc) * OH + oh) * OW + ow : ((n * OH + oh) * OW + ow) * O! + oc;
          out[at] = activate(s + (o.bias ? o.bias[oc]! : 0), o.activation);
        }
  return { data: out, shape: nchw ? [N!, O!, OH, OW] : [N!, OH, OW, O!] };
}
