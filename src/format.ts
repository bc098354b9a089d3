/**
 * How a tensor prints: `console.log(t)` in Node (through `util.inspect.custom`), `String(t)` and
 * `t.toString()` everywhere, and `JSON.stringify(t)` (through `toJSON()`). Tensor's three methods
 * call the two functions here and hold no formatting of their own.
 *
 * The layout follows numpy and TensorFlow.js: a header line with dtype, shape and device, then the
 * values as nested brackets, one innermost row per line, blocks of higher rank separated by blank
 * lines, every number of a tensor printed in one common format and right-aligned to one width.
 * Past `threshold` elements (1000, as numpy) every axis longer than 2·`edgeItems` shows its first
 * and last `edgeItems` entries around a `…`.
 *
 * ```
 * Tensor float32 [2, 2] on cpu
 * [[1, 2],
 *  [3, 4]]
 * ```
 */
import type { DType } from './dtype.js';

/** Anything indexable by position that holds a tensor's values, row-major. */
export interface Values {
  readonly length: number;
  readonly [index: number]: number;
}

/** Knobs of {@link formatTensor}; the defaults are numpy's. */
export interface FormatOptions {
  /** Summarise (with `…`) when the tensor has more elements than this. Default 1000. */
  threshold?: number;
  /** Entries kept at each end of a summarised axis. Default 3. */
  edgeItems?: number;
  /** Wrap an innermost row longer than this many characters. Default 75. */
  lineWidth?: number;
  /** Digits after the point, at most, for float values. Default 4. */
  precision?: number;
  /** The tensor was disposed: no values exist any more. */
  disposed?: boolean;
}

/** The JSON form of a tensor: `tensor(j.data, j.shape, { dtype: j.dtype })` re-creates it. */
export interface TensorJson {
  dtype: DType;
  shape: number[];
  /**
   * The values, row-major. JSON has no NaN or Infinity: `JSON.stringify` writes those as `null`
   * (save with `toNpy` to keep them).
   */
  data: number[];
}

const SHOWN = '…';

/** `[2, 3]`, `[]` for a scalar. */
function header(dtype: DType, shape: readonly number[], device: string): string {
  return `Tensor ${dtype} [${shape.join(', ')}] on ${device}`;
}

/**
 * The printed form of a tensor. `values` are its elements in row-major order; without them (a
 * tensor still being computed, or one whose values live on the GPU, or a disposed one) the text
 * says where the values are and how to get them.
 *
 * @example
 * formatTensor('float32', [2, 2], new Float32Array([1, 2, 3, 4]), 'cpu');
 * // 'Tensor float32 [2, 2] on cpu\n[[1, 2],\n [3, 4]]'
 */
export function formatTensor(
  dtype: DType,
  shape: readonly number[],
  values: Values | undefined,
  device: string,
  options: FormatOptions = {},
): string {
  const head = header(dtype, shape, device);
  if (options.disposed) return `${head} (disposed)`;
  if (values === undefined) {
    return device === 'cpu'
      ? `${head} (values pending: await t.data() to read them)`
      : `${head} (values on ${device}: await t.data() to read them)`;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const threshold = options.threshold ?? 1000;
  const edge = Math.max(1, options.edgeItems ?? 3);
  const summarise = size > threshold;
  // The indices shown along each axis (with -1 where the `…` goes).
  const axes = shape.map((n) => {
    if (!summarise || n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
    return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
  });
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }

  // One number format for the whole tensor, chosen from the values that are shown.
  const shown: number[] = [];
  const collect = (d: number, base: number): void => {
    if (d === shape.length) {
      shown.push(values[base]!);
      return;
    }
    for (const i of axes[d]!) if (i >= 0) collect(d + 1, base + i * strides[d]!);
  };
  if (size > 0) collect(0, 0);
  const format = numberFormat(dtype, shown, options.precision ?? 4);
  const width = shown.reduce((w, v) => Math.max(w, format(v).length), 1);
  const cell = (v: number): string => format(v).padStart(width);
  const lineWidth = options.lineWidth ?? 75;

  const render = (d: number, base: number, indent: number): string => {
    if (d === shape.length) return cell(values[base]!);
    const items = axes[d]!.map((i) => (i < 0 ? SHOWN : render(d + 1, base + i * strides[d]!, indent + 1)));
    if (d === shape.length - 1) return `[${wrap(items, indent + 1, lineWidth)}]`;
    const gap = ',' + '\n'.repeat(shape.length - d - 1) + ' '.repeat(indent + 1);
    return `[${items.join(gap)}]`;
  };
  return `${head}\n${size === 0 ? emptyBrackets(shape) : render(0, 0, 0)}`;
}

/** `[]`, `[[]]`, … for an empty tensor: brackets down to the first zero-length axis. */
function emptyBrackets(shape: readonly number[]): string {
  const depth = shape.findIndex((n) => n === 0) + 1;
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** The items of one innermost row, `, `-separated, wrapped onto lines of at most `lineWidth`. */
function wrap(items: string[], indent: number, lineWidth: number): string {
  let out = '';
  let line = indent;
  items.forEach((item, i) => {
    const piece = i === 0 ? item : `, ${item}`;
    if (i > 0 && line + piece.length + 1 > lineWidth) {
      out += `,\n${' '.repeat(indent)}${item}`;
      line = indent + item.length;
    } else {
      out += piece;
      line += piece.length;
    }
  });
  return out;
}

/**
 * The printer of one tensor's numbers. int32, and floats that are all whole and not huge, print
 * as integers; floats with magnitudes in [1e-4, 1e8) print in fixed point with the fewest digits
 * after the point (at most `precision`) that show every value; others in exponent notation.
 */
function numberFormat(dtype: DType, shown: readonly number[], precision: number): (v: number) => string {
  const special = (v: number): string | undefined =>
    Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Inf' : v === -Infinity ? '-Inf' : undefined;
  if (dtype === 'int32') return (v) => String(v);
  const finite = shown.filter((v) => Number.isFinite(v));
  const max = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minNonZero = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Infinity);
  const signZero = (s: string): string => (/^-0(\.0*)?(e.*)?$/.test(s) ? s.slice(1) : s);
  if (finite.every((v) => Number.isInteger(v)) && max < 1e16) {
    return (v) => special(v) ?? signZero(v.toFixed(0));
  }
  if (max >= 1e8 || minNonZero < 1e-4) {
    return (v) => special(v) ?? signZero(v.toExponential(precision));
  }
  // The fewest decimals, up to `precision`, at which every shown value is written as it rounds.
  let digits = 1;
  for (const v of finite) {
    const s = v.toFixed(precision).replace(/0+$/, '');
    digits = Math.max(digits, s.length - s.indexOf('.') - 1);
  }
  return (v) => special(v) ?? signZero(v.toFixed(digits));
}

/**
 * The JSON form of a tensor (see {@link TensorJson}): dtype, shape and the values as a flat
 * row-major list of numbers.
 */
export function tensorJson(dtype: DType, shape: readonly number[], values: Values): TensorJson {
  return { dtype, shape: [...shape], data: Array.from({ length: values.length }, (_, i) => values[i]!) };
}
