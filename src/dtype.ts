/** The element types a tensor can hold. */
export type DType = 'float32' | 'float64' | 'int32';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** The TypedArray that stores each dtype. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
}
export type TypedArray = DTypeArrays[DType];
export type FloatArray = Float32Array | Float64Array;

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32';
}

export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype !== 'int32';
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };

/**
 * A zeroed array of `size` elements. It sits on a SharedArrayBuffer where one can be shared (always
 * in Node; in a browser only when the page is cross-origin isolated), so that worker threads can
 * read and write it without a copy.
 */
export function allocate<D extends DType>(dtype: D, size: number): DTypeArrays[D] {
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  const buffer = canShare() ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return viewOf(dtype, buffer, 0, size);
}

export function viewOf<D extends DType>(
  dtype: D,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): DTypeArrays[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length) as DTypeArrays[D];
    case 'float64':
      return new Float64Array(buffer, byteOffset, length) as DTypeArrays[D];
    default:
      return new Int32Array(buffer, byteOffset, length) as DTypeArrays[D];
  }
}

let shareable: boolean | undefined;
function canShare(): boolean {
  if (shareable === undefined) {
    const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
    shareable = typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
  }
  return shareable;
}

/** Private scratch for a kernel: a plain (never shared) array of the dtype. */
export function scratch(dtype: 'float32' | 'float64', size: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}
