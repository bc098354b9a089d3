/**
 * Reference elementwise ops: relu and sigmoid; add, sub, mul, div with numpy broadcasting.
 * `int32: true` wraps every result to a signed 32-bit integer (two's complement, as C does),
 * computed exactly with BigInt so that products beyond 2^53 wrap correctly.
 */
import { activate, broadcastOffset, broadcastShape, sizeOf, unravel, type Ref } from './nd.js';

export type UnaryFn = 'relu' | 'sigmoid';
export type BinaryFn = 'add' | 'sub' | 'mul' | 'div';

/** Two's-complement wrap of an integer to 32 bits. */
export function wrap32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

export function refUnary(fn: UnaryFn, x: Ref): Ref {
  return { data: x.data.map((v) => activate(v, fn)), shape: [...x.shape] };
}

function apply(fn: BinaryFn, p: number, q: number, int32: boolean): number {
  if (int32) {
    const [bp, bq] = [BigInt(p), BigInt(q)];
    if (fn === 'add') return wrap32(bp + bq);
    if (fn === 'sub') return wrap32(bp - bq);
    if (fn === 'mul') return wrap32(bp * bq);
    throw new Error('reference: int32 div is not defined');
  }
  if (fn === 'add') return p + q;
  if (fn === 'sub') return p - q;
  if (fn === 'mul') return p * q;
  return p / q;
}

export function refBinary(fn: BinaryFn, a: Ref, b: Ref, int32 = false): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const data = new Float64Array(sizeOf(shape));
  for (let f = 0; f < data.length; f++) {
    const idx = unravel(f, shape);
    data[f] = apply(fn, a.data[broadcastOffset(idx, a.shape)]!, b.data[broadcastOffset(idx, b.shape)]!, int32);
  }
  return { data, shape };
}
