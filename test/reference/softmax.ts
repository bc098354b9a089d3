/**
 * Reference softmax / logSoftmax along one axis: for each line, the plain float64 definition
 * shifted by the line's maximum (exp(x − m) / Σ exp(x − m); log form x − m − log Σ exp(x − m)).
 */
import { sizeOf, stridesOf, unravel, type Ref } from './nd.js';

export function refSoftmax(x: Ref, axis = -1, log = false): Ref {
  const rank = x.shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  const n = x.shape[ax]!;
  const stride = stridesOf(x.shape)[ax]!;
  const data = new Float64Array(sizeOf(x.shape));
  for (let f = 0; f < data.length; f++) {
    const idx = unravel(f, x.shape);
    if (idx[ax] !== 0) continue; // each line once, from its first element
    const line = Array.from({ length: n }, (_, j) => x.data[f + j * stride]!);
    const m = line.some(Number.isNaN) ? NaN : Math.max(...line);
    const s = line.reduce((acc, v) => acc + Math.exp(v - m), 0);
    line.forEach((v, j) => (data[f + j * stride] = log ? v - m - Math.log(s) : Math.exp(v - m) / s));
  }
  return { data, shape: [...x.shape] };
}
