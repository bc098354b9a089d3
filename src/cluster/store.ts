/**
 * Where tensors and results live in Redis, and how values cross it.
 *
 * Keys (all under `lepton:<queue>:`, all with a TTL):
 *   t:<sha256>          a tensor payload (payload.ts), content-addressed: an operand shared by many
 *                       jobs is one key, uploaded once
 *   r:<callId>:<part>   a part's result record (JSON; tensors in it are references to t: keys) or
 *                       its error record; written once (SET NX), so a re-run writes nothing new
 *   c:<callId>          the call's record (op, parts, join axis), for resume()
 *   n:<callId>          how many parts have a result (incremented only by the write that created r:)
 *   x:<callId>          present when the call was cancelled: workers skip its jobs
 *   w:<callId>          the pub/sub channel of the connection collecting the call (resume()
 *                       points it at its own): the worker that writes a part's record publishes
 *                       a notice there, carrying the record and its small result payloads
 *   workers             hash: worker id → its JSON stats (jobs, cache hits and misses)
 */
import type { Redis } from 'ioredis';
import { InvalidArgumentError, Tensor } from '../index.js';
import { PayloadError } from './errors.js';
import { decodeTensor, encodeTensor, fromDense, sha256, toDense, type Dense, type TensorRef } from './payload.js';

/** A value as it travels in job data and result records: JSON, tensors by reference. */
export type Encoded =
  | null
  | boolean
  | number
  | string
  | { readonly $tensor: TensorRef }
  | { readonly $number: 'NaN' | 'Infinity' | '-Infinity' }
  | readonly Encoded[]
  | { readonly [key: string]: Encoded };

export class Keys {
  constructor(readonly queue: string) {}
  get base(): string {
    return `lepton:${this.queue}:`;
  }
  tensor(sha: string): string {
    return `${this.base}t:${sha}`;
  }
  result(callId: string, part: number): string {
    return `${this.base}r:${callId}:${part}`;
  }
  call(callId: string): string {
    return `${this.base}c:${callId}`;
  }
  done(callId: string): string {
    return `${this.base}n:${callId}`;
  }
  cancelled(callId: string): string {
    return `${this.base}x:${callId}`;
  }
  notify(callId: string): string {
    return `${this.base}w:${callId}`;
  }
  get workers(): string {
    return `${this.base}workers`;
  }
}

/** A payload ready to go: its bytes and its reference. */
export interface Upload {
  readonly ref: TensorRef;
  readonly bytes: Buffer;
}

export function prepare(keys: Keys, d: Dense): Upload {
  const bytes = encodeTensor(d);
  const sha = sha256(bytes);
  return { ref: { key: keys.tensor(sha), sha256: sha, bytes: bytes.byteLength }, bytes };
}

/** Payloads from this size on are sent only if Redis lacks them (one EXPIRE round trip first). */
export const PROBE_BYTES = 64 * 1024;

/**
 * Finds the payloads Redis does not hold yet and returns `send`, which issues their commands at
 * once, in order, on `redis` and resolves when Redis has answered them all (throwing the first
 * error). A caller can issue a command right behind `send()` on the same connection: Redis runs
 * one connection's commands in order. Small payloads are sent without asking; for large ones one
 * pipeline of EXPIRE first refreshes the TTL of those Redis holds (answering 0 for the others),
 * so a shared operand is sent once however many calls use it. `extra` string keys ride along
 * (with the same TTL). Large payloads go as commands of their own, not in the pipeline: ioredis
 * concatenates a pipeline's commands into one more buffer, a copy of every byte.
 */
export async function stageUploads(redis: Redis, uploads: readonly Upload[], ttlSeconds: number,
  extra: readonly (readonly [key: string, value: string])[] = []): Promise<{ send: () => Promise<void>; bytes: number }> {
  const unique = new Map<string, Upload>();
  for (const u of uploads) unique.set(u.ref.key, u);
  const list = [...unique.values()];
  const small = list.filter((u) => u.bytes.byteLength < PROBE_BYTES);
  let large = list.filter((u) => u.bytes.byteLength >= PROBE_BYTES);
  if (large.length > 0) {
    const probe = redis.pipeline();
    for (const u of large) probe.expire(u.ref.key, ttlSeconds);
    const answers = (await probe.exec()) ?? [];
    large = large.filter((_, i) => {
      const [err, held] = answers[i] ?? [null, 0];
      return Boolean(err) || held !== 1;
    });
  }
  const bytes = [...small, ...large].reduce((n, u) => n + u.bytes.byteLength, 0);
  const send = async (): Promise<void> => {
    const sent: Promise<unknown>[] = large.map((u) => redis.set(u.ref.key, u.bytes, 'EX', ttlSeconds));
    if (small.length + extra.length > 0) {
      const p = redis.pipeline();
      for (const u of small) p.set(u.ref.key, u.bytes, 'EX', ttlSeconds);
      for (const [key, value] of extra) p.set(key, value, 'EX', ttlSeconds);
      sent.push(p.exec().then((results) => {
        for (const [err] of results ?? []) if (err) throw err;
      }));
    }
    await Promise.all(sent);
  };
  return { send, bytes };
}

/** Sends the payloads Redis does not hold yet (see stageUploads). Returns the payload bytes sent. */
export async function uploadAll(redis: Redis, uploads: readonly Upload[], ttlSeconds: number,
  extra: readonly (readonly [key: string, value: string])[] = []): Promise<number> {
  const { send, bytes } = await stageUploads(redis, uploads, ttlSeconds, extra);
  await send();
  return bytes;
}

/** Reads one payload and checks its sha256 against the reference. */
export async function download(redis: Redis, ref: TensorRef, op: string): Promise<Dense> {
  const bytes = await redis.getBuffer(ref.key);
  if (bytes === null) {
    throw new PayloadError('PAYLOAD_MISSING', op, `tensor payload ${ref.key} is not in Redis; received nothing`,
      'Its TTL ran out or Redis lost it (persistence off?); submit the call again, or raise the payload TTL');
  }
  return verify(bytes, ref, op);
}

export function verify(bytes: Buffer, ref: TensorRef, op: string): Dense {
  const sha = sha256(bytes);
  if (sha !== ref.sha256) {
    throw new PayloadError('PAYLOAD_CORRUPT', op, `tensor payload ${ref.key} fails its checksum: expected sha256 ${ref.sha256}; received ${sha} (${bytes.byteLength} bytes)`,
      'Something overwrote the key; submit the call again');
  }
  return decodeTensor(bytes);
}

/** Turns a value into JSON with tensors as payloads (collected in `uploads`). */
export async function encodeValue(value: unknown, keys: Keys, uploads: Upload[], op: string, path = 'value'): Promise<Encoded> {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    return { $number: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
  }
  if (value instanceof Tensor) {
    const u = prepare(keys, await toDense(value));
    uploads.push(u);
    return { $tensor: u.ref };
  }
  if (Array.isArray(value)) {
    const out: Encoded[] = [];
    for (let i = 0; i < value.length; i++) out.push(await encodeValue(value[i], keys, uploads, op, `${path}[${i}]`));
    return out;
  }
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const out: Record<string, Encoded> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = await encodeValue(v, keys, uploads, op, `${path}.${k}`);
    }
    return out;
  }
  throw new InvalidArgumentError(op, `${path} cannot travel to a worker: only numbers, strings, booleans, plain objects, arrays and tensors can; received ${typeof value === 'function' ? 'a function' : Object.prototype.toString.call(value)}`,
    'Run it locally, or pass the data instead of the object');
}

function isTensorRef(v: object): v is { $tensor: TensorRef } {
  return '$tensor' in v;
}

function isSpecialNumber(v: object): v is { $number: 'NaN' | 'Infinity' | '-Infinity' } {
  return '$number' in v;
}

/** The value back, with each tensor reference read by `fetch`. */
export async function decodeValue(value: Encoded, fetch: (ref: TensorRef) => Promise<Tensor>): Promise<unknown> {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Promise.all(value.map((v: Encoded) => decodeValue(v, fetch)));
  if (isTensorRef(value)) return fetch(value.$tensor);
  if (isSpecialNumber(value)) return Number(value.$number);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await decodeValue(v, fetch);
  return out;
}

/** Every tensor reference in a value. */
export function refsIn(value: Encoded, into: TensorRef[] = []): TensorRef[] {
  if (value === null || typeof value !== 'object') return into;
  if (Array.isArray(value)) {
    for (const v of value as readonly Encoded[]) refsIn(v, into);
  } else if (isTensorRef(value)) {
    into.push(value.$tensor);
  } else if (!isSpecialNumber(value)) {
    for (const v of Object.values(value)) refsIn(v, into);
  }
  return into;
}

/** Reads many payloads in one pipeline (those not already in `have`), each checked. */
export async function downloadAll(redis: Redis, refs: readonly TensorRef[], op: string, have: ReadonlyMap<string, Buffer> = new Map()): Promise<Map<string, Tensor>> {
  const out = new Map<string, Tensor>();
  const unique = [...new Map(refs.map((r) => [r.key, r])).values()].filter((r) => {
    const bytes = have.get(r.key);
    if (bytes) out.set(r.key, fromDense(verify(bytes, r, op)));
    return !bytes;
  });
  if (unique.length === 0) return out;
  const p = redis.pipeline();
  for (const r of unique) p.getBuffer(r.key);
  const answers = (await p.exec()) ?? [];
  unique.forEach((r, i) => {
    const [err, bytes] = answers[i] ?? [null, null];
    if (err) throw err;
    if (!(bytes instanceof Buffer)) {
      throw new PayloadError('PAYLOAD_MISSING', op, `tensor payload ${r.key} is not in Redis; received nothing`,
        'Its TTL ran out or Redis lost it (persistence off?); submit the call again, or raise the payload TTL');
    }
    out.set(r.key, fromDense(verify(bytes, r, op)));
  });
  return out;
}

/**
 * What a worker publishes on the collecting connection's channel when it has written a part's
 * record (or when the part failed for good without one): the record itself and its small result
 * payloads, so that the caller needs no further round trip for a small result.
 * Bytes: a JSON header (callId, part, record or failure, the keys of the inlined payloads), a
 * newline (JSON.stringify never writes a raw one), then the payloads back to back.
 */
export interface Notice {
  readonly callId: string;
  readonly part: number;
  /** The part's record; absent when the part failed without one (`failed` says why). */
  readonly record?: PartRecord;
  readonly failed?: string;
  /** Payload bytes that came with the notice, by key (each still checked by verify()). */
  readonly inline: ReadonlyMap<string, Buffer>;
}

export function encodeNotice(callId: string, part: number, body: { record: PartRecord } | { failed: string }, inline: readonly Upload[] = []): Buffer {
  const head = Buffer.from(JSON.stringify({ callId, part, ...body, inline: inline.map((u) => u.ref.key) }) + '\n');
  return Buffer.concat([head, ...inline.map((u) => u.bytes)]);
}

/** The notice in a message, or undefined for a message that is not one (never trusted blindly). */
export function decodeNotice(message: Buffer): Notice | undefined {
  const end = message.indexOf(10);
  if (end < 0) return undefined;
  let head: { callId?: unknown; part?: unknown; record?: PartRecord; failed?: unknown; inline?: unknown };
  try {
    head = JSON.parse(message.toString('utf8', 0, end)) as typeof head;
  } catch {
    return undefined;
  }
  if (typeof head.callId !== 'string' || typeof head.part !== 'number' || !Array.isArray(head.inline)) return undefined;
  const inline = new Map<string, Buffer>();
  const refs = head.record?.ok ? refsIn(head.record.value) : [];
  let at = end + 1;
  for (const key of head.inline) {
    const ref = refs.find((r) => r.key === key);
    if (!ref || at + ref.bytes > message.byteLength) return undefined;
    inline.set(key, message.subarray(at, at + ref.bytes));
    at += ref.bytes;
  }
  return { callId: head.callId, part: head.part, record: head.record, failed: typeof head.failed === 'string' ? head.failed : undefined, inline };
}

/** The result record of one part, as workers write it. */
export type PartRecord =
  | { readonly ok: true; readonly value: Encoded; readonly worker: string }
  | { readonly ok: false; readonly error: { name: string; code: string; op: string | undefined; message: string }; readonly worker: string };

export function parseRecord(text: string): PartRecord {
  return JSON.parse(text) as PartRecord;
}
