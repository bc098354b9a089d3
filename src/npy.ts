/**
 * numpy's `.npy` format on bytes, so that Node and browsers share it: `fromNpy(bytes)` reads an
 * array numpy wrote with `np.save`, `toNpy(t)` writes one that `np.load` reads. (Node's
 * `load(path)` / `save(path, t)` wrap these with the file system.)
 *
 * The format (numpy's `lib/format.py` documents it): the magic `\x93NUMPY`, a version byte pair
 * (1.0, 2.0 or 3.0), the header's length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0),
 * the header (a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`,
 * latin-1 in 1.0/2.0, UTF-8 in 3.0, padded with spaces and a newline to a multiple of 64 bytes),
 * then the raw elements. Read: float32 (`f4`), float64 (`f8`) and int32 (`i4`), either byte order,
 * C or Fortran order (Fortran data is transposed into row-major on the way in). Written: version
 * 1.0 (2.0 when the header needs it), little-endian, C order.
 */
import type { DType, TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { tensor } from './creation.js';
import type { Tensor } from './tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const KINDS: Record<string, { dtype: DType; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  i4: { dtype: 'int32', bytes: 4 },
};

const DESCR: Record<DType, string> = { float32: '<f4', float64: '<f8', int32: '<i4' };

/** The header of an .npy file, as read. */
export interface NpyHeader {
  /** The format version, `[major, minor]`. */
  version: [number, number];
  dtype: DType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

const FIX_WRITE = 'Save it from numpy with np.save(path, arr) (arr.astype(np.float32), np.float64 or np.int32 as needed)';

function bad(message: string, hint = FIX_WRITE): InvalidArgumentError {
  return new InvalidArgumentError('fromNpy', message, hint);
}

/**
 * Reads and checks the header of an `.npy` file.
 * @throws INVALID_ARGUMENT when the bytes are not an .npy file of float32, float64 or int32.
 */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError('fromNpy', `bytes must be a Uint8Array; received ${describeValue(bytes)}`,
      'Pass the file\'s contents, e.g. new Uint8Array(await (await fetch(url)).arrayBuffer()) or fs.readFileSync(path)');
  }
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw bad(`the bytes are not an .npy file (no \\x93NUMPY magic at the start); received ${bytes.length} bytes`,
      'Pass the contents of a file np.save wrote (.npz archives hold several .npy files: unzip them first)');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw bad(`unknown .npy format version ${major}.${minor}; this reader knows 1.0, 2.0 and 3.0`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw bad(`the file ends inside its header; received ${bytes.length} bytes`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  const dataOffset = start + headerLength;
  if (dataOffset > bytes.length) {
    throw bad(`the header says it is ${headerLength} bytes long but the file ends after ${bytes.length - start}`);
  }
  const raw = bytes.subarray(start, dataOffset);
  let text = '';
  if (major === 3) text = new TextDecoder('utf-8').decode(raw);
  else for (const b of raw) text += String.fromCharCode(b);
  const dict = parseDict(text);
  const descr = dict['descr'];
  if (typeof descr !== 'string') {
    throw bad(`the array has a structured dtype (descr ${JSON.stringify(text.trim())}); only plain float32, float64 and int32 arrays are read`);
  }
  const order = descr[0];
  const kind = KINDS[descr.slice(1)];
  if (!kind || (order !== '<' && order !== '>' && order !== '|' && order !== '=')) {
    throw bad(`dtype '${descr}' is not float32, float64 or int32 (numpy writes those as '<f4', '<f8', '<i4')`);
  }
  const fortran = dict['fortran_order'];
  if (typeof fortran !== 'boolean') throw bad(`the header's 'fortran_order' is not True or False: ${text.trim()}`);
  const shape = dict['shape'];
  if (!Array.isArray(shape) || !shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`the header's 'shape' is not a tuple of sizes: ${text.trim()}`);
  }
  return {
    version: [major, minor],
    dtype: kind.dtype,
    // '=' is the writer's native order; every platform numpy writes on today is little-endian.
    littleEndian: order !== '>',
    fortranOrder: fortran,
    shape,
    dataOffset,
  };
}

/**
 * A tensor holding the array in an `.npy` file's bytes (what `np.save` writes).
 *
 * @param bytes The file's contents.
 * @returns A CPU tensor of the file's dtype (float32, float64 or int32) and shape, row-major.
 * @throws INVALID_ARGUMENT when the bytes are not such a file, or are cut short.
 * @example
 * const t = fromNpy(new Uint8Array(await (await fetch('/weights.npy')).arrayBuffer()));
 * console.log(t.shape, t.dtype);
 */
export function fromNpy(bytes: Uint8Array): Tensor {
  const header = readNpyHeader(bytes);
  const { dtype, shape, littleEndian, fortranOrder, dataOffset } = header;
  const itemBytes = dtype === 'float64' ? 8 : 4;
  const size = shape.reduce((a, b) => a * b, 1);
  const need = size * itemBytes;
  if (bytes.length - dataOffset < need) {
    throw bad(`shape [${shape.join(', ')}] of ${dtype} needs ${need} bytes of data but the file holds ${bytes.length - dataOffset}`,
      'The file is cut short: save it again');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, need);
  const out: TypedArray = dtype === 'float64' ? new Float64Array(size) : dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
  const get =
    dtype === 'float64'
      ? (i: number) => view.getFloat64(i * 8, littleEndian)
      : dtype === 'float32'
        ? (i: number) => view.getFloat32(i * 4, littleEndian)
        : (i: number) => view.getInt32(i * 4, littleEndian);
  if (!fortranOrder || shape.length < 2) {
    for (let i = 0; i < size; i++) out[i] = get(i);
  } else {
    // Fortran order: element [i0, i1, …] sits at i0 + n0·(i1 + n1·(…)). Walk the row-major
    // output in order, keeping the Fortran offset of the current index.
    const rank = shape.length;
    const fStride = new Array<number>(rank);
    for (let d = 0, s = 1; d < rank; d++) {
      fStride[d] = s;
      s *= shape[d]!;
    }
    const index = new Array<number>(rank).fill(0);
    let src = 0;
    for (let o = 0; o < size; o++) {
      out[o] = get(src);
      for (let d = rank - 1; d >= 0; d--) {
        index[d]!++;
        src += fStride[d]!;
        if (index[d]! < shape[d]!) break;
        src -= index[d]! * fStride[d]!;
        index[d] = 0;
      }
    }
  }
  return tensor(out, shape, { dtype });
}

/**
 * The `.npy` bytes of a tensor (format 1.0, little-endian, C order), for `np.load` or `fromNpy`.
 *
 * @param t A CPU tensor of float32, float64 or int32 (a GPU tensor: `toNpy(await t.to('cpu'))`).
 * @throws INVALID_ARGUMENT when `t` is not a tensor; what `t.dataSync()` throws for a GPU tensor.
 * @example
 * const bytes = toNpy(tensor([[1, 2], [3, 4]]));
 * // Python: np.load(io.BytesIO(bytes)) → array([[1., 2.], [3., 4.]], dtype=float32)
 */
export function toNpy(t: Tensor): Uint8Array {
  if (t === null || typeof t !== 'object' || typeof (t as { dataSync?: unknown }).dataSync !== 'function') {
    throw new InvalidArgumentError('toNpy', `t must be a Tensor; received ${describeValue(t)}`, 'Create one with tensor(values)');
  }
  const values = t.dataSync();
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2 or 4) + header + '\n' is a multiple of 64.
  let major = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const itemBytes = t.dtype === 'float64' ? 8 : 4;
  const out = new Uint8Array(total + values.length * itemBytes);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (t.dtype === 'float64') view.setFloat64(total + i * 8, v, true);
    else if (t.dtype === 'float32') view.setFloat32(total + i * 4, v, true);
    else view.setInt32(total + i * 4, v, true);
  }
  return out;
}

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Parses the Python literal of an .npy header: a dict of strings, booleans, ints and tuples. */
function parseDict(text: string): Record<string, PyValue> {
  let i = 0;
  const fail = (what: string): never => {
    throw bad(`the header is not a Python dict literal (${what} at character ${i}): ${JSON.stringify(text.trim())}`);
  };
  const space = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): PyValue => {
    space();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('an unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        space();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`'${close}' or ',' expected`);
      }
    }
    if (c === '{') {
      i++;
      const dict: Record<string, PyValue> = {};
      for (;;) {
        space();
        if (text[i] === '}') {
          i++;
          return dict;
        }
        const key = value();
        if (typeof key !== 'string') fail('a string key expected');
        space();
        if (text[i] !== ':') fail("':' expected");
        i++;
        dict[key as string] = value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("'}' or ',' expected");
      }
    }
    const word = /^(True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (!word) return fail('a value expected');
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', ''));
  };
  const result = value();
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return fail('a dict expected');
  return result;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer (wrap it: new Uint8Array(buffer))';
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${String(v)} (${typeof v})`;
}
