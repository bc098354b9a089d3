/**
 * The caller's side of the cluster: `connect()` and the `Cluster` it returns.
 *
 * With a Redis URL, a call is cut into parts (`split`), its tensors go to Redis as bytes
 * (content-addressed, with a TTL), one BullMQ job per part references them, and the call resolves
 * when every part has a result record; the results are read back (checksummed) and joined in
 * order. Without one, the same API runs the same parts in this process.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidArgumentError, Tensor, WorkerCrashedError } from '../index.js';
import { PayloadError, fromErrorRecord } from './errors.js';
import { OPS, OP_NAMES, isClusterOp, type ClusterOpName, type ClusterOps, type OptionsBag } from './ops.js';
import { concatAxis, fromDense, sliceAxis, toDense, type Dense, type TensorRef } from './payload.js';
import {
  Keys,
  decodeNotice,
  decodeValue,
  downloadAll,
  encodeValue,
  parseRecord,
  prepare,
  refsIn,
  stageUploads,
  type Encoded,
  type PartRecord,
  type Upload,
} from './store.js';
import type { JobData, WorkerStats } from './worker.js';

/** How a call fans out: `input`'s `axis` is cut into blocks of `size`, one job each. */
export interface Split {
  /** Which input is cut (0-based). */
  readonly input: number;
  /** Along which of its axes. */
  readonly axis: number;
  /** Indices per job (the last job takes the rest). */
  readonly size: number;
  /** The axis of the result along which the parts' results are joined. Default: `axis`. */
  readonly outputAxis?: number;
}

/** Options of one call (beside the op's own options). */
export interface CallOptions {
  /** Fan the call out; without it the call is one job. */
  readonly split?: Split;
  /** Cancels the call: its queued jobs are removed and the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** The call's id (letters, digits, `_`, `-`, `.`), for `resume()`; default a random UUID. */
  readonly callId?: string;
}

/** A `progress` event: parts of the call with a result, of all its parts. */
export interface Progress {
  readonly callId: string;
  readonly done: number;
  readonly total: number;
}

/** Job counts of the queue, and the workers' own figures. */
export interface ClusterStats {
  /** Waiting, delayed (backing off) or prioritized jobs. */
  readonly queued: number;
  readonly active: number;
  readonly completed: number;
  readonly failed: number;
  /** What each worker published after its last job (operand cache hits and misses among it). */
  readonly workers: readonly WorkerStats[];
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Redis URL (`redis://host:port/db`). Absent: the embedded cluster, in this process. */
  readonly redis?: string;
  /** BullMQ queue name (no `:`). Default 'lepton'. */
  readonly queue?: string;
  /** TTL of payloads, results and call records in Redis, in seconds. Default 6 h. */
  readonly ttlSeconds?: number;
  /** Tries per job when a worker throws something other than a LeptonError. Default 3. */
  readonly attempts?: number;
  /** First backoff delay in ms (then doubled per try). Default 500. */
  readonly backoffMs?: number;
  /** How often a waiting call also polls Redis for results and failures it got no event for, in ms. Default 1000. */
  readonly sweepMs?: number;
}

/** A connection to a cluster (or the embedded one). Every method is safe to call concurrently. */
export interface Cluster {
  /** 'redis' for a real cluster, 'embedded' for the in-process one. */
  readonly mode: 'redis' | 'embedded';
  /**
   * Runs one op by name, as one job or (with `split`) as many, and resolves to what the local op
   * returns. @throws the op's own LeptonError (same class, code and message); WORKER_CRASHED when
   * a part's workers crashed more than `attempts` times; PAYLOAD_CORRUPT / PAYLOAD_MISSING.
   */
  run<K extends ClusterOpName>(op: K, inputs: ClusterOps[K]['inputs'], options?: ClusterOps[K]['options'], call?: CallOptions): Promise<ClusterOps[K]['result']>;
  /** `run` with a required `split`: the fan-out / fan-in form. */
  map<K extends ClusterOpName>(op: K, inputs: ClusterOps[K]['inputs'], options: ClusterOps[K]['options'] | undefined, call: CallOptions & { split: Split }): Promise<ClusterOps[K]['result']>;
  /** Collects a call started earlier, possibly by another process, by its id. */
  resume(callId: string, options?: { signal?: AbortSignal }): Promise<unknown>;
  on(event: 'progress', listener: (p: Progress) => void): this;
  off(event: 'progress', listener: (p: Progress) => void): this;
  stats(): Promise<ClusterStats>;
  close(): Promise<void>;
}

const CALL_ID = /^[A-Za-z0-9_.-]{1,128}$/;

function fail(message: string, hint?: string): InvalidArgumentError {
  return new InvalidArgumentError('cluster', message, hint);
}

function describeValue(value: unknown): string {
  if (value instanceof Tensor) return `a ${value.dtype} tensor [${value.shape}]`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** What a checked call will do. */
interface Plan {
  readonly op: ClusterOpName;
  readonly callId: string;
  /** Per part, its inputs. */
  readonly parts: readonly (readonly Dense[])[];
  /** The join axis of the results, or undefined when the call is one unsplit job. */
  readonly joinAxis: number | undefined;
}

async function planCall(opIn: unknown, inputsIn: unknown, call: CallOptions | undefined, requireSplit: boolean): Promise<Plan> {
  if (!isClusterOp(opIn)) {
    throw fail(`op must be one of ${OP_NAMES.join(', ')}; received ${describeValue(opIn)}`, 'Use the public name of the op, e.g. \'cs.omp\'');
  }
  const op = opIn;
  const entry = OPS[op];
  if (!Array.isArray(inputsIn) || inputsIn.length !== entry.arity || !inputsIn.every((t) => t instanceof Tensor)) {
    throw fail(`${op} takes an array of ${entry.arity} tensor${entry.arity === 1 ? '' : 's'}; received ${Array.isArray(inputsIn) ? `[${inputsIn.map(describeValue).join(', ')}]` : describeValue(inputsIn)}`);
  }
  const inputs = inputsIn as Tensor[];
  const callId = call?.callId ?? randomUUID();
  if (typeof callId !== 'string' || !CALL_ID.test(callId)) {
    throw fail(`callId must be 1 to 128 letters, digits, '_', '-' or '.'; received ${describeValue(callId)}`);
  }
  const split = call?.split;
  if (split === undefined) {
    if (requireSplit) throw fail('map needs call.split; received none', 'Pass { split: { input, axis, size } }, or use run()');
    return { op, callId, parts: [await Promise.all(inputs.map(toDense))], joinAxis: undefined };
  }
  if (!entry.join) throw fail(`${op}'s results do not join, so it cannot be split; received a split`, 'Run it without split');
  if (!isInt(split.input) || split.input < 0 || split.input >= entry.arity) {
    throw fail(`split.input must be an integer in [0, ${entry.arity}); received ${describeValue(split.input)}`);
  }
  const target = inputs[split.input]!;
  if (!isInt(split.axis) || split.axis < 0 || split.axis >= target.rank) {
    throw fail(`split.axis must be an integer in [0, ${target.rank}) for input ${split.input} [${target.shape}]; received ${describeValue(split.axis)}`);
  }
  if (!isInt(split.size) || split.size < 1) throw fail(`split.size must be a positive integer; received ${describeValue(split.size)}`);
  if (split.outputAxis !== undefined && (!isInt(split.outputAxis) || split.outputAxis < 0)) {
    throw fail(`split.outputAxis must be a non-negative integer; received ${describeValue(split.outputAxis)}`);
  }
  const dense = await Promise.all(inputs.map(toDense));
  const length = target.shape[split.axis]!;
  const parts: Dense[][] = [];
  for (let begin = 0; begin < length; begin += split.size) {
    const end = Math.min(length, begin + split.size);
    parts.push(dense.map((d, i) => (i === split.input ? sliceAxis(d, split.axis, begin, end) : d)));
  }
  // An empty axis: one job on the empty input, as a local call would be.
  if (parts.length === 0) parts.push(dense);
  return { op, callId, parts, joinAxis: split.outputAxis ?? split.axis };
}

async function joinResults(op: ClusterOpName, values: readonly unknown[], joinAxis: number | undefined): Promise<unknown> {
  if (joinAxis === undefined || values.length === 1) return values[0];
  const join = OPS[op].join;
  if (!join) throw fail(`${op}'s results do not join; received ${values.length} parts`);
  return join(values, async (xs) => fromDense(concatAxis(await Promise.all(xs.map(toDense)), joinAxis)));
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The call was aborted', 'AbortError');
}

/** Connects to a cluster on Redis, or (no `redis`) starts the embedded one in this process. */
export async function connect(options: ConnectOptions = {}): Promise<Cluster> {
  if (options.redis === undefined) return new EmbeddedCluster();
  const cluster = new RedisCluster(options.redis, options);
  await cluster.ready();
  return cluster;
}

/** The embedded cluster: the same parts, run one after another on this process's backends and pool. */
class EmbeddedCluster extends EventEmitter implements Cluster {
  readonly mode = 'embedded';
  private readonly calls = new Map<string, Promise<unknown>>();
  private counts = { queued: 0, active: 0, completed: 0, failed: 0 };

  run<K extends ClusterOpName>(op: K, inputs: ClusterOps[K]['inputs'], options?: ClusterOps[K]['options'], call?: CallOptions): Promise<ClusterOps[K]['result']> {
    return this.start(op, inputs, options, call, false) as Promise<ClusterOps[K]['result']>;
  }

  map<K extends ClusterOpName>(op: K, inputs: ClusterOps[K]['inputs'], options: ClusterOps[K]['options'] | undefined, call: CallOptions & { split: Split }): Promise<ClusterOps[K]['result']> {
    return this.start(op, inputs, options, call, true) as Promise<ClusterOps[K]['result']>;
  }

  private start(op: unknown, inputs: unknown, options: unknown, call: CallOptions | undefined, requireSplit: boolean): Promise<unknown> {
    const promise = this.execute(op, inputs, options, call, requireSplit);
    if (call?.callId !== undefined) this.calls.set(call.callId, promise);
    return promise;
  }

  private async execute(opIn: unknown, inputs: unknown, optionsIn: unknown, call: CallOptions | undefined, requireSplit: boolean): Promise<unknown> {
    const plan = await planCall(opIn, inputs, call, requireSplit);
    const options: OptionsBag = { ...(typeof optionsIn === 'object' && optionsIn !== null ? optionsIn : {}) };
    if (call?.signal && options.signal === undefined) options.signal = call.signal;
    const total = plan.parts.length;
    const values: unknown[] = [];
    this.counts.queued += total;
    let started = 0;
    try {
      for (const part of plan.parts) {
        call?.signal?.throwIfAborted();
        this.counts.queued--;
        this.counts.active++;
        started++;
        try {
          values.push(await OPS[plan.op].run(part.map(fromDense), options));
          this.counts.completed++;
        } catch (err) {
          this.counts.failed++;
          throw err;
        } finally {
          this.counts.active--;
        }
        this.emit('progress', { callId: plan.callId, done: values.length, total });
      }
    } finally {
      this.counts.queued -= total - started;
    }
    return joinResults(plan.op, values, plan.joinAxis);
  }

  async resume(callId: string): Promise<unknown> {
    const found = this.calls.get(callId);
    if (!found) throw fail(`no call with id '${callId}' was started in this process; received an unknown id`, 'The embedded cluster keeps its calls in memory only');
    return found;
  }

  async stats(): Promise<ClusterStats> {
    return { ...this.counts, workers: [] };
  }

  async close(): Promise<void> {
    this.calls.clear();
  }
}

/** The record of a call, for resume(). */
interface CallRecord {
  readonly op: ClusterOpName;
  readonly total: number;
  readonly joinAxis: number | null;
  readonly createdAt: number;
}

/** A call being collected. */
class Pending {
  readonly records: (PartRecord | undefined)[];
  /** Result payload bytes that came with the parts' notices, by key. */
  readonly inline = new Map<string, Buffer>();
  done = 0;
  settled = false;
  readonly promise: Promise<PartRecord[]>;
  resolve!: (records: PartRecord[]) => void;
  reject!: (err: unknown) => void;
  constructor(readonly callId: string, readonly op: string, readonly total: number) {
    this.records = new Array<PartRecord | undefined>(total).fill(undefined);
    this.promise = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // The call may fail (an event, a sweep) before collect() awaits it: not an unhandled rejection.
    this.promise.catch(() => undefined);
  }
}

export function jobId(callId: string, part: number): string {
  // BullMQ refuses ':' in custom job ids, so the part index follows a '-'.
  return `${callId}-${part}`;
}

class RedisCluster extends EventEmitter implements Cluster {
  readonly mode = 'redis';
  private readonly keys: Keys;
  private readonly redis: Redis;
  private readonly queue: Queue<JobData>;
  /** Subscribed to `channel`, where workers publish the notices of this connection's calls. */
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly bullConnection: Redis;
  private readonly ttl: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly sweepMs: number;
  /** jobId → its call. */
  private readonly byJob = new Map<string, { pending: Pending; part: number }>();
  private readonly pendings = new Set<Pending>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeps = 0;
  private closed = false;

  constructor(url: string, options: ConnectOptions) {
    super();
    const queueName = options.queue ?? 'lepton';
    if (typeof queueName !== 'string' || queueName.length === 0 || queueName.includes(':')) {
      throw fail(`queue must be a non-empty name without ':'; received ${describeValue(queueName)}`);
    }
    const positive = (name: string, v: number | undefined, fallback: number) => {
      if (v === undefined) return fallback;
      if (!isInt(v) || v < 1) throw fail(`${name} must be a positive integer; received ${describeValue(v)}`);
      return v;
    };
    this.ttl = positive('ttlSeconds', options.ttlSeconds, 6 * 3600);
    this.attempts = positive('attempts', options.attempts, 3);
    this.backoffMs = positive('backoffMs', options.backoffMs, 500);
    this.sweepMs = positive('sweepMs', options.sweepMs, 1000);
    this.keys = new Keys(queueName);
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    this.bullConnection = new Redis(url, { maxRetriesPerRequest: null });
    // Completions come as pub/sub notices on a channel of this connection's own (named in each
    // call's w: key), not through BullMQ's event stream: a QueueEvents reader parses every event of
    // every job on the queue (added, waiting, active, completed, drained: three reads and wake-ups
    // per job here), where a notice is one message per part of this connection's calls and carries
    // the record and its small payloads. A notice lost (a reconnect) is found by the sweep.
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    this.channel = `${this.keys.base}d:${randomUUID()}`;
    for (const c of [this.redis, this.bullConnection, this.subscriber]) c.on('error', () => {});
    this.queue = new Queue<JobData>(queueName, { connection: this.bullConnection });
    this.queue.on('error', () => {});
    this.subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.onNotice(message));
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.subscriber.subscribe(this.channel), this.redis.ping()]);
  }

  private onNotice(message: Buffer): void {
    const notice = decodeNotice(message);
    const found = notice && this.byJob.get(jobId(notice.callId, notice.part));
    if (!notice || !found) return;
    if (notice.record) {
      for (const [key, bytes] of notice.inline) found.pending.inline.set(key, bytes);
      this.settlePart(found.pending, found.part, notice.record);
    } else {
      void this.partFailed(found.pending, found.part, notice.failed);
    }
  }

  run<K extends ClusterOpName>(op: K, inputs: ClusterOps[K]['inputs'], options?: ClusterOps[K]['options'], call?: CallOptions): Promise<ClusterOps[K]['result']> {
    return this.submit(op, inputs, options, call, false) as Promise<ClusterOps[K]['result']>;
  }

  map<K extends ClusterOpName>(op: K, inputs: ClusterOps[K]['inputs'], options: ClusterOps[K]['options'] | undefined, call: CallOptions & { split: Split }): Promise<ClusterOps[K]['result']> {
    return this.submit(op, inputs, options, call, true) as Promise<ClusterOps[K]['result']>;
  }

  private async submit(opIn: unknown, inputs: unknown, optionsIn: unknown, call: CallOptions | undefined, requireSplit: boolean): Promise<unknown> {
    if (this.closed) throw fail('this cluster connection is closed; received a call after close()', 'connect() again');
    call?.signal?.throwIfAborted();
    const plan = await planCall(opIn, inputs, call, requireSplit);
    const { op, callId } = plan;
    const rawOptions = typeof optionsIn === 'object' && optionsIn !== null ? { ...optionsIn } : {};
    // The call's signal cancels the jobs; an op-level signal cannot travel.
    delete (rawOptions as { signal?: unknown }).signal;
    const uploads: Upload[] = [];
    const options = await encodeValue(rawOptions, this.keys, uploads, op, 'options');
    const prepared = new Map<Dense, Upload>();
    const refsOf = (part: readonly Dense[]): TensorRef[] =>
      part.map((d) => {
        let u = prepared.get(d);
        if (!u) {
          u = prepare(this.keys, d);
          prepared.set(d, u);
          uploads.push(u);
        }
        return u.ref;
      });
    const partRefs = plan.parts.map(refsOf);
    const total = plan.parts.length;
    const record: CallRecord = { op, total, joinAxis: plan.joinAxis ?? null, createdAt: Date.now() };
    // The payloads go on the queue's own connection, and the jobs are added right behind them
    // without waiting for their answer: Redis runs one connection's commands in order, so a worker
    // never sees a job before its payloads, and the call costs one round trip less.
    const { send } = await stageUploads(this.bullConnection, uploads, this.ttl,
      [[this.keys.call(callId), JSON.stringify(record)], [this.keys.notify(callId), this.channel]]);
    const pending = this.track(callId, op, total);
    const age = this.ttl;
    const job = (refs: readonly TensorRef[], part: number) => ({
      name: op,
      data: { callId, part, total, op, inputs: refs, options },
      opts: {
        jobId: jobId(callId, part),
        attempts: this.attempts,
        backoff: { type: 'exponential', delay: this.backoffMs },
        removeOnComplete: { age },
        removeOnFail: { age },
      },
    });
    const sent = send();
    const jobs = partRefs.map(job);
    const added = jobs.length === 1 ? this.queue.add(op, jobs[0]!.data, jobs[0]!.opts) : this.queue.addBulk(jobs);
    try {
      await Promise.all([sent, added]);
    } catch (err) {
      this.untrack(pending);
      // A job added behind a payload that failed to go finds it missing and fails; remove it.
      void this.cancelJobs(pending).catch(() => undefined);
      throw err;
    }
    return this.collect(pending, record, call?.signal, false);
  }

  async resume(callId: string, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    if (typeof callId !== 'string' || !CALL_ID.test(callId)) throw fail(`callId must be a call id; received ${describeValue(callId)}`);
    const text = await this.redis.get(this.keys.call(callId));
    if (text === null) {
      throw fail(`no call with id '${callId}' in queue '${this.keys.queue}'; received an unknown or expired id`,
        'Calls are kept for ttlSeconds after they start; check the id and the queue name');
    }
    const record = JSON.parse(text) as CallRecord;
    // Parts finishing from now on notify this connection; those done already are read by the sweep.
    await this.redis.set(this.keys.notify(callId), this.channel, 'EX', this.ttl);
    return this.collect(this.track(callId, record.op, record.total), record, options.signal, true);
  }

  private track(callId: string, op: string, total: number): Pending {
    const pending = new Pending(callId, op, total);
    for (let part = 0; part < total; part++) this.byJob.set(jobId(callId, part), { pending, part });
    this.pendings.add(pending);
    this.sweeper ??= setInterval(() => void this.sweep(), this.sweepMs);
    return pending;
  }

  private untrack(pending: Pending): void {
    for (let part = 0; part < pending.total; part++) this.byJob.delete(jobId(pending.callId, part));
    this.pendings.delete(pending);
    if (this.pendings.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private settlePart(pending: Pending, part: number, record: PartRecord): void {
    if (pending.settled || pending.records[part] !== undefined) return;
    if (!record.ok) {
      this.finishWith(pending, fromErrorRecord(record.error), false, part);
      return;
    }
    pending.records[part] = record;
    pending.done++;
    this.emit('progress', { callId: pending.callId, done: pending.done, total: pending.total });
    if (pending.done === pending.total) {
      pending.settled = true;
      this.untrack(pending);
      pending.resolve(pending.records.filter((r): r is PartRecord => r !== undefined));
    }
  }

  /** Rejects the call; unless `keepJobs`, its queued jobs go too (the rest of a failed call is of no use). */
  private finishWith(pending: Pending, err: unknown, keepJobs = false, failedPart?: number): void {
    if (pending.settled) return;
    pending.settled = true;
    this.untrack(pending);
    if (!keepJobs) void this.cancelJobs(pending, failedPart).catch(() => undefined);
    pending.reject(err);
  }

  /** A job failed for good: its error record says why, else its worker crashed. */
  private async partFailed(pending: Pending, part: number, failedReason: string | undefined): Promise<void> {
    const text = await this.redis.get(this.keys.result(pending.callId, part));
    if (text !== null) {
      this.settlePart(pending, part, parseRecord(text));
      return;
    }
    this.finishWith(pending, new WorkerCrashedError('cluster', `job ${jobId(pending.callId, part)} (${pending.op}) failed after every try and left no result: ${failedReason ?? 'no reason given'}`,
      'A worker died or threw while running it; see the worker logs. Retries and stall recovery are set by attempts and lockDuration / maxStalledCount'), false, part);
  }

  /** Reads results and failures that no event announced (events missed across a reconnect, a resume). */
  private async sweep(): Promise<void> {
    this.sweeps++;
    const checkStates = this.sweeps % 3 === 0;
    for (const pending of [...this.pendings]) {
      if (pending.settled) continue;
      const missing: number[] = [];
      pending.records.forEach((r, part) => r === undefined && missing.push(part));
      try {
        const texts = await this.redis.mget(missing.map((part) => this.keys.result(pending.callId, part)));
        const still: number[] = [];
        texts.forEach((text, i) => {
          if (text !== null) this.settlePart(pending, missing[i]!, parseRecord(text));
          else still.push(missing[i]!);
        });
        if (!checkStates || pending.settled) continue;
        for (const part of still.slice(0, 256)) {
          const state = await this.queue.getJobState(jobId(pending.callId, part));
          if (state === 'failed') {
            const job = await Job.fromId(this.queue, jobId(pending.callId, part));
            await this.partFailed(pending, part, job?.failedReason);
          } else if (state === 'unknown') {
            const again = await this.redis.get(this.keys.result(pending.callId, part));
            if (again !== null) this.settlePart(pending, part, parseRecord(again));
            else {
              this.finishWith(pending, new PayloadError('PAYLOAD_MISSING', 'cluster', `job ${jobId(pending.callId, part)} is neither in the queue nor has a result; received nothing`,
                'Redis lost it (restarted without its append-only file?) or it was removed; submit the call again'));
            }
          }
          if (pending.settled) break;
        }
      } catch {
        // Redis unreachable for now: the next sweep tries again.
      }
    }
  }

  /** Waits for every part's record (`sweepFirst`: read those already there, for resume()), then reads and joins the results. */
  private async collect(pending: Pending, record: CallRecord, signal: AbortSignal | undefined, sweepFirst: boolean): Promise<unknown> {
    const onAbort = () => {
      if (pending.settled) return;
      pending.settled = true;
      this.untrack(pending);
      void this.cancelJobs(pending).then(
        () => pending.reject(abortReason(signal!)),
        () => pending.reject(abortReason(signal!)),
      );
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (sweepFirst) void this.sweep();
    try {
      const records = await pending.promise;
      const values = records.map((r) => (r.ok ? r.value : null));
      const refs = values.flatMap((v) => refsIn(v as Encoded));
      const tensors = await downloadAll(this.redis, refs, record.op, pending.inline);
      const decoded = await Promise.all(values.map((v) => decodeValue(v as Encoded, async (ref) => tensors.get(ref.key)!)));
      return await joinResults(record.op, decoded, record.joinAxis ?? undefined);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Marks the call cancelled (workers skip its jobs) and removes its jobs that are neither running
   * nor finished (the failed part and the parts with a result stay in BullMQ's books).
   */
  private async cancelJobs(pending: Pending, failedPart?: number): Promise<void> {
    const { callId } = pending;
    await this.redis.set(this.keys.cancelled(callId), '1', 'EX', this.ttl);
    const ids: string[] = [];
    pending.records.forEach((r, part) => {
      if (r === undefined && part !== failedPart) ids.push(jobId(callId, part));
    });
    for (let i = 0; i < ids.length; i += 256) {
      await Promise.all(ids.slice(i, i + 256).map((id) => this.queue.remove(id).catch(() => 0)));
    }
  }

  async stats(): Promise<ClusterStats> {
    return readStats(this.queue, this.redis, this.keys);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The calls go on running on the workers: another connection can collect them with resume().
    for (const p of [...this.pendings]) {
      this.finishWith(p, fail(`the cluster connection was closed while call '${p.callId}' ran; received close()`, 'Its jobs still run: collect it with resume(callId)'), true);
    }
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.allSettled([this.queue.close()]);
    for (const c of [this.redis, this.bullConnection, this.subscriber]) c.disconnect();
  }
}

/** Job counts and worker figures of a queue (also what `lepton-worker --stats` prints). */
export async function readStats(queue: Queue, redis: Redis, keys: Keys): Promise<ClusterStats> {
  const c = await queue.getJobCounts('wait', 'waiting-children', 'delayed', 'prioritized', 'active', 'completed', 'failed');
  const raw = await redis.hgetall(keys.workers);
  const workers = Object.values(raw).map((text) => JSON.parse(text) as WorkerStats);
  const n = (k: string) => c[k] ?? 0;
  return {
    queued: n('wait') + n('waiting-children') + n('delayed') + n('prioritized'),
    active: n('active'),
    completed: n('completed'),
    failed: n('failed'),
    workers,
  };
}

/** Stats of a queue without a full connection (for the CLI). */
export async function queueStats(url: string, queueName: string): Promise<ClusterStats> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const queue = new Queue(queueName, { connection: redis });
  try {
    return await readStats(queue, redis, new Keys(queueName));
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

