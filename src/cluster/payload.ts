/**
 * Tensors as bytes: the wire format of every operand and result the cluster moves through Redis,
 * and the slicing / joining of a fan-out along one axis.
 *
 * Format (little-endian): 'LPT1' · dtype u8 (0 float32, 1 float64, 2 int32) · rank u8 · 2 zero
 * bytes · rank × u32 dims · zero padding to a multiple of 8 · the row-major elements. The sha256
 * of the whole buffer is its name: the Redis key and the checksum a job carries.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { InvalidArgumentError, tensor, type DType, type Tensor, type TypedArray } from '../index.js';
import { PayloadError } from './errors.js';

const MAGIC = 0x3154504c; // 'LPT1' read as a little-endian u32
const DTYPE_CODES: readonly DType[] = ['float32', 'float64', 'int32'];
const ELEMENT_BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };

/** A tensor's values, contiguous and row-major, with its dtype and shape. */
export interface Dense {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

/** How a job names a payload: the Redis key, the sha256 of its bytes and their count. */
export interface TensorRef {
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

function expectLittleEndian(): void {
  if (!LITTLE_ENDIAN) {
    // The format is written with typed-array views; a big-endian host would need byte swaps.
    throw new InvalidArgumentError('cluster', `the payload format is little-endian; received a ${endianness()}-endian host`,
      'Run the cluster on little-endian machines (x86-64, arm64)');
  }
}

function headerBytes(rank: number): number {
  return Math.ceil((8 + 4 * rank) / 8) * 8;
}

export function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Reads a tensor's values (any backend, any layout) into a dense host copy. */
export async function toDense(t: Tensor): Promise<Dense> {
  const data = await t.data();
  return { dtype: t.dtype, shape: [...t.shape], data };
}

/** The wire bytes of a dense tensor. */
export function encodeTensor(d: Dense): Buffer {
  expectLittleEndian();
  const rank = d.shape.length;
  if (rank > 255) throw new InvalidArgumentError('cluster', `a tensor may have at most 255 dimensions; received rank ${rank}`);
  for (const dim of d.shape) {
    if (dim > 0xffffffff) throw new InvalidArgumentError('cluster', `a dimension must be below 2^32; received ${dim}`);
  }
  const head = headerBytes(rank);
  const body = d.data.byteLength;
  const buf = Buffer.allocUnsafe(head + body);
  buf.fill(0, 0, head);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt8(DTYPE_CODES.indexOf(d.dtype), 4);
  buf.writeUInt8(rank, 5);
  d.shape.forEach((dim, i) => buf.writeUInt32LE(dim, 8 + 4 * i));
  buf.set(new Uint8Array(d.data.buffer, d.data.byteOffset, body), head);
  return buf;
}

function corrupt(what: string): PayloadError {
  return new PayloadError('PAYLOAD_CORRUPT', 'cluster', `a tensor payload is malformed: ${what}`,
    'The key was overwritten by something other than lepton-compute; submit the call again');
}

/** The dense tensor in wire bytes; checks the header against the body's length. */
export function decodeTensor(buf: Uint8Array): Dense {
  expectLittleEndian();
  if (buf.byteLength < 8) throw corrupt(`${buf.byteLength} bytes is shorter than the 8-byte header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw corrupt('the magic bytes are not LPT1');
  const dtype = DTYPE_CODES[view.getUint8(4)];
  if (dtype === undefined) throw corrupt(`dtype code ${view.getUint8(4)} is unknown`);
  const rank = view.getUint8(5);
  const head = headerBytes(rank);
  if (buf.byteLength < head) throw corrupt(`${buf.byteLength} bytes cannot hold a rank-${rank} header`);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(8 + 4 * i, true);
    shape.push(dim);
    size *= dim;
  }
  const expected = head + size * ELEMENT_BYTES[dtype];
  if (buf.byteLength !== expected) throw corrupt(`shape [${shape}] of ${dtype} needs ${expected} bytes; received ${buf.byteLength}`);
  // A view when the elements are aligned (a large Redis reply is a buffer of its own); else a
  // copy into a fresh buffer (small replies are slices of a socket buffer at any offset).
  const count = size;
  let source = buf.buffer;
  let offset = buf.byteOffset + head;
  if (offset % ELEMENT_BYTES[dtype] !== 0) {
    const body = new ArrayBuffer(expected - head);
    new Uint8Array(body).set(buf.subarray(head));
    source = body;
    offset = 0;
  }
  const data = dtype === 'float32' ? new Float32Array(source, offset, count) : dtype === 'float64' ? new Float64Array(source, offset, count) : new Int32Array(source, offset, count);
  return { dtype, shape, data };
}

/** A lepton tensor holding the dense values. */
export function fromDense(d: Dense): Tensor {
  return tensor(d.data, d.shape, { dtype: d.dtype });
}

function blocks(shape: readonly number[], axis: number): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, inner };
}

function allocateLike(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : new Int32Array(size);
}

/** Indices [begin, end) of `axis`: a dense copy. */
export function sliceAxis(d: Dense, axis: number, begin: number, end: number): Dense {
  const { outer, inner } = blocks(d.shape, axis);
  const len = d.shape[axis]!;
  const width = end - begin;
  const out = allocateLike(d.dtype, outer * width * inner);
  for (let o = 0; o < outer; o++) {
    const from = (o * len + begin) * inner;
    out.set(d.data.subarray(from, from + width * inner), o * width * inner);
  }
  const shape = [...d.shape];
  shape[axis] = width;
  return { dtype: d.dtype, shape, data: out };
}

/**
 * The parts joined along `axis`, in order (the inverse of slicing). Every part must have the
 * same dtype, rank and extents off the axis.
 */
export function concatAxis(parts: readonly Dense[], axis: number): Dense {
  const first = parts[0];
  if (!first) throw new InvalidArgumentError('cluster', 'nothing to join; received 0 parts');
  for (const p of parts) {
    const same = p.dtype === first.dtype && p.shape.length === first.shape.length &&
      p.shape.every((dim, i) => i === axis || dim === first.shape[i]);
    if (!same) {
      throw new InvalidArgumentError('cluster', `the parts of a call do not join along axis ${axis}: ${first.dtype} [${first.shape}] and ${p.dtype} [${p.shape}]`,
        'Give split.outputAxis: the axis of the result that the split input\'s axis becomes');
    }
  }
  if (axis >= first.shape.length) {
    throw new InvalidArgumentError('cluster', `the result has rank ${first.shape.length}; received outputAxis ${axis}`,
      'Give split.outputAxis: the axis of the result that the split input\'s axis becomes');
  }
  const { outer, inner } = blocks(first.shape, axis);
  const total = parts.reduce((acc, p) => acc + p.shape[axis]!, 0);
  const out = allocateLike(first.dtype, outer * total * inner);
  let at = 0;
  for (const p of parts) {
    const width = p.shape[axis]!;
    for (let o = 0; o < outer; o++) {
      out.set(p.data.subarray(o * width * inner, (o + 1) * width * inner), (o * total + at) * inner);
    }
    at += width;
  }
  const shape = [...first.shape];
  shape[axis] = total;
  return { dtype: first.dtype, shape, data: out };
}
