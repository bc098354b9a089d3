/**
 * Shared validators for the op layer. Each throws a typed LeptonError whose message names the op,
 * the argument, what was expected and what was received.
 */
import { isFloat, type DType } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { BACKEND_NAMES, type OpOptions } from '../plans.js';
import { describe, Tensor } from '../tensor.js';

export function expectTensor(op: string, name: string, value: unknown): Tensor {
  if (!Tensor.is(value)) {
    throw new InvalidArgumentError(
      op,
      `${name} must be a Tensor; received ${describe(value)}`,
      'Create one with tensor(), e.g. tensor([[1, 2], [3, 4]])',
    );
  }
  value.assertAlive(op);
  return value;
}

export function expectRank(op: string, name: string, t: Tensor, ranks: number | readonly number[]): void {
  const allowed = typeof ranks === 'number' ? [ranks] : ranks;
  if (!allowed.includes(t.rank)) {
    throw new ShapeError(
      op,
      `${name} must have rank ${allowed.join(' or ')}; received rank ${t.rank} ${formatShape(t.shape)}`,
    );
  }
}

export function expectMinRank(op: string, name: string, t: Tensor, min: number): void {
  if (t.rank < min) {
    throw new ShapeError(op, `${name} must have rank ${min} or more; received rank ${t.rank} ${formatShape(t.shape)}`);
  }
}

export function expectFloat(op: string, name: string, t: Tensor): 'float32' | 'float64' {
  if (!isFloat(t.dtype)) {
    throw new DTypeError(
      op,
      `${name} must be float32 or float64; received ${t.dtype}`,
      'Create the tensor with { dtype: "float32" } or "float64"',
    );
  }
  return t.dtype;
}

/** All tensors must share one dtype: there is no silent promotion. */
export function expectSameDtype(op: string, named: ReadonlyArray<readonly [string, Tensor]>): DType {
  const [firstName, first] = named[0]!;
  for (const [name, t] of named.slice(1)) {
    if (t.dtype !== first.dtype) {
      throw new DTypeError(
        op,
        `dtypes differ: ${firstName} is ${first.dtype}, ${name} is ${t.dtype}`,
        'Create both tensors with the same dtype; lepton-compute never promotes silently',
      );
    }
  }
  return first.dtype;
}

export function expectPositiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, `${name} must be a positive integer; received ${describe(value)}`);
  }
  return value;
}

export function expectNonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(op, `${name} must be a non-negative integer; received ${describe(value)}`);
  }
  return value;
}

export function expectOneOf<T extends string>(op: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(
      op,
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; received ${describe(value)}`,
    );
  }
  return value as T;
}

export function expectBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(op, `${name} must be true or false; received ${describe(value)}`);
  }
  return value;
}

/** A number or a pair `[h, w]` of positive integers (stride, dilation, kernel). */
export function expectPair(op: string, name: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    expectPositiveInt(op, name, value);
    return [value, value];
  }
  if (Array.isArray(value) && value.length === 2) {
    return [expectPositiveInt(op, `${name}[0]`, value[0]), expectPositiveInt(op, `${name}[1]`, value[1])];
  }
  throw new InvalidArgumentError(op, `${name} must be a positive integer or [h, w]; received ${describe(value)}`);
}

export { ACTIVATIONS, type Activation } from '../plans.js';

/**
 * Reads a nested option object (e.g. conv2d's `pool`) once, as own data: a null-prototype record of
 * its own enumerable properties, each getter called once. Anything but a plain object, and a name
 * outside `known`, is an InvalidArgumentError naming the option (`pool.size`); `aliases` maps names
 * a user may bring from other libraries to the one this option uses, for the hint. With `name`
 * 'options' it reads an op's own options that take neither `backend` nor `signal` (checkOptions
 * is for the rest).
 */
export function readRecord(
  op: string,
  name: string,
  value: unknown,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  const shape = `{ ${known.join(', ')} }`;
  const unreadable = (e: unknown, received = '') =>
    new InvalidArgumentError(op, `${name} could not be read (${(e as Error).message})${received}`, 'Pass a plain object');
  let array: boolean;
  try {
    array = Array.isArray(value);
  } catch (e) {
    throw unreadable(e, '; received a revoked Proxy');
  }
  if (value === null || typeof value !== 'object' || array || Tensor.is(value)) {
    throw new InvalidArgumentError(op, `${name} must be an object ${shape}; received ${describe(value)}`);
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (e) {
    throw unreadable(e);
  }
  const top = name === 'options';
  const path = (key: string) => (top ? key : `${name}.${key}`);
  for (const key of keys) {
    if (known.includes(key)) continue;
    const alias = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
    const near = alias ?? nearest(key, known);
    const takes = top ? `The options are ${shape}` : `${name} takes ${shape}`;
    throw new InvalidArgumentError(op, `unknown option '${path(key)}'`, near ? `Did you mean '${path(near)}'? ${takes}` : takes);
  }
  const out = Object.create(null) as Record<string, unknown>;
  try {
    for (const key of keys) out[key] = (value as Record<string, unknown>)[key];
  } catch (e) {
    throw unreadable(e);
  }
  return out;
}

/**
 * Reads an op's options once, as own data: a null-prototype record of the caller's own enumerable
 * properties (each getter called once; nothing inherited from Object.prototype), with `backend`
 * and `signal` checked. An option name the op does not know is an InvalidArgumentError that
 * suggests the nearest known one.
 */
export function checkOptions<T extends object = OpOptions>(label: string, options: unknown, known: readonly string[] = []): Readonly<Partial<T>> {
  if (options === undefined) return NO_OPTIONS as Partial<T>;
  // The record this function made last (an op passing its checked options on to its plan) is
  // read already; records never leave the library, so a caller cannot hand one in.
  if (options === lastRecord) return options as Partial<T>;
  if (options === null || typeof options !== 'object' || isArrayOrRevoked(label, options)) {
    throw new InvalidArgumentError(label, `options must be an object; received ${describe(options)}`);
  }
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch (e) {
    throw new InvalidArgumentError(label, `options could not be read (${(e as Error).message})`, 'Pass a plain object');
  }
  if (keys.length === 1 && keys[0] === 'backend') {
    // `{ backend }` alone (the common case): one shared record per backend name.
    const backend = readOption(label, options, 'backend');
    const record = typeof backend === 'string' ? BACKEND_RECORDS.get(backend) : undefined;
    if (record) return (lastRecord = record) as Partial<T>;
    return (lastRecord = checkCommon(label, Object.assign(Object.create(null) as Record<string, unknown>, { backend }))) as Partial<T>;
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    if (!COMMON_OPTIONS.includes(key) && !known.includes(key)) {
      const all = [...known, ...COMMON_OPTIONS];
      const near = nearest(key, all);
      throw new InvalidArgumentError(label, `unknown option '${key}'`,
        near ? `Did you mean '${near}'? The options are ${all.join(', ')}` : `The options are ${all.join(', ')}`);
    }
    out[key] = readOption(label, options, key);
  }
  return (lastRecord = checkCommon(label, out)) as Partial<T>;
}

function readOption(label: string, options: object, key: string): unknown {
  try {
    return (options as Record<string, unknown>)[key];
  } catch (e) {
    throw new InvalidArgumentError(label, `option '${key}' could not be read (${(e as Error).message})`);
  }
}

/** Checks `backend` and `signal` of an options record read as own data; returns it. */
export function checkCommon(label: string, out: Record<string, unknown>): object {
  const { backend, signal } = out as OpOptions;
  if (backend !== undefined && backend !== 'auto' && !BACKEND_NAMES.includes(backend)) {
    throw new InvalidArgumentError(
      label,
      `backend must be one of 'auto', ${BACKEND_NAMES.map((n) => `'${n}'`).join(', ')}; received ${describe(backend)}`,
    );
  }
  if (signal !== undefined && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(label, `signal must be an AbortSignal; received ${describe(signal)}`,
      'Pass e.g. AbortSignal.timeout(1000) or an AbortController\'s signal');
  }
  // Not frozen (freezing costs more than the rest of a tiny op's checks): the record is the
  // library's own, typed read-only, and no code outside it ever sees it.
  return out;
}

let lastRecord: object | undefined;
const NO_OPTIONS: object = Object.freeze(Object.create(null) as object);
const BACKEND_RECORDS: ReadonlyMap<string, object> = new Map(
  [...BACKEND_NAMES, 'auto'].map((name) => [name, Object.freeze(Object.assign(Object.create(null) as object, { backend: name }))]),
);

/** Array.isArray, with a revoked Proxy (on which it throws a TypeError) turned into a typed error. */
export function isArrayOrRevoked(label: string, value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch (e) {
    throw new InvalidArgumentError(label, `options could not be read (${(e as Error).message}); received a revoked Proxy`, 'Pass a plain object');
  }
}
const COMMON_OPTIONS: readonly string[] = ['backend', 'signal'];

/** The known name closest to `name` (edit distance ≤ 2, or one contains the other), if any. */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance || (best === undefined && (k.includes(name) || name.includes(k)))) {
      best = k;
      bestDistance = Math.min(d, bestDistance);
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions), for suggesting an option name. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
