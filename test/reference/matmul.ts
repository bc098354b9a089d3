/**
 * Reference matmul: numpy.matmul semantics (1-D operands promoted then dropped, batch dimensions
 * broadcast), optional transposes of the last two dimensions, a bias that broadcasts to the
 * result shape, then the activation. Triple loop, float64 accumulation.
 */
import { activate, broadcastOffset, broadcastShape, sizeOf, unravel, type Activation, type Ref } from './nd.js';

export interface MatmulRefOptions {
  transA?: boolean;
  transB?: boolean;
  bias?: Ref;
  activation?: Activation;
}

export function refMatmul(a: Ref, b: Ref, o: MatmulRefOptions = {}): Ref {
  const aVec = a.shape.length === 1;
  const bVec = b.shape.length === 1;
  const aS = aVec ? [1, a.shape[0]!] : a.shape;
  const bS = bVec ? [b.shape[0]!, 1] : b.shape;
  const [ar, ac] = aS.slice(-2) as [number, number];
  const [br, bc] = bS.slice(-2) as [number, number];
  const m = o.transA ? ac : ar;
  const k = o.transA ? ar : ac;
  const n = o.transB ? br : bc;
  if ((o.transB ? bc : br) !== k) throw new Error('reference matmul: inner dimensions differ');
  const aBatch = aS.slice(0, -2);
  const bBatch = bS.slice(0, -2);
  const batch = broadcastShape(aBatch, bBatch);
  const shape = [...batch, ...(aVec ? [] : [m]), ...(bVec ? [] : [n])];
  const out = new Float64Array(sizeOf(batch) * m * n);
  // A(i, p) and B(p, j) of op(A), op(B) inside one batch matrix starting at aOff / bOff.
  const A = (aOff: number, i: number, p: number) => a.data[aOff + (o.transA ? p * ac + i : i * ac + p)]!;
  const B = (bOff: number, p: number, j: number) => b.data[bOff + (o.transB ? j * bc + p : p * bc + j)]!;
  for (let t = 0; t < sizeOf(batch); t++) {
    const idx = unravel(t, batch);
    const aOff = broadcastOffset(idx, aBatch) * ar * ac;
    const bOff = broadcastOffset(idx, bBatch) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A(aOff, i, p) * B(bOff, p, j);
        out[(t * m + i) * n + j] = s;
      }
    }
  }
  // [...batch, m, n] and the result shape (size-1 dims dropped) share one row-major order.
  for (let f = 0; f < out.length; f++) {
    const bias = o.bias ? o.bias.data[broadcastOffset(unravel(f, shape), o.bias.shape)]! : 0;
    out[f] = activate(out[f]! + bias, o.activation);
  }
  return { data: out, shape };
}
