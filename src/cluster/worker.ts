/**
 * A cluster worker: a BullMQ Worker that takes lepton jobs from a queue, runs each op on this
 * machine's backends (native and the pool where present), and writes the result once.
 *
 * Delivery is at least once. A job whose worker dies (SIGKILL, power loss) keeps its lock for
 * `lockDuration` ms; another worker's stalled check (every `stalledInterval` ms) then moves it
 * back to the queue, up to `maxStalledCount` times, after which it fails and the call rejects
 * with WORKER_CRASHED. A job that throws something other than a LeptonError is retried with
 * exponential backoff (the call's `attempts`). A LeptonError from the op (bad input) is written
 * as the part's error record and the job fails at once (BullMQ's UnrecoverableError): no retry.
 * Results go to `r:<callId>:<part>` with SET NX, so a job that runs twice writes once.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidArgumentError, LeptonError, Tensor, configure, setBackend, type BackendName } from '../index.js';
import { OperandCache, type CacheStats } from './cache.js';
import { isRetryable, toErrorRecord } from './errors.js';
import { OPS, isClusterOp } from './ops.js';
import { fromDense, type TensorRef } from './payload.js';
import { Keys, PROBE_BYTES, decodeValue, download, encodeNotice, encodeValue, parseRecord, refsIn, uploadAll, verify, type Encoded, type PartRecord, type Upload } from './store.js';

/** What a job carries (BullMQ stores it as JSON): tensors by reference only. */
export interface JobData {
  readonly callId: string;
  readonly part: number;
  readonly total: number;
  readonly op: string;
  readonly inputs: readonly TensorRef[];
  readonly options: Encoded;
}

/** Lock and stall settings (milliseconds); BullMQ's defaults are 30 000 / 30 000 / 1. */
export interface LockSettings {
  /** How long a job's lock lasts without renewal; the worker renews it every lockDuration / 2. Default 30 000. */
  lockDuration?: number;
  /** How often this worker looks for jobs whose lock expired. Default 30 000. */
  stalledInterval?: number;
  /** How many times a job may stall (its worker died) before it fails. Default 2. */
  maxStalledCount?: number;
}

/** Options of {@link startWorker}. */
export interface WorkerOptions extends LockSettings {
  /** Redis URL. Default redis://127.0.0.1:6379. */
  redis?: string;
  /** Queue name. Default 'lepton'. */
  queue?: string;
  /** Jobs run at once by this worker. Default 1. */
  concurrency?: number;
  /** Pool threads for the ops (lepton's configure({ threads })). Default: lepton's default. */
  threads?: number;
  /** The backend ops run on. Default 'auto'. */
  backend?: BackendName | 'auto';
  /** Bound of the operand cache in bytes. Default 256 MiB. */
  cacheBytes?: number;
  /** TTL of the result payloads it writes, in seconds. Default 6 h. */
  ttlSeconds?: number;
  /** Called after each job. */
  onJob?: (report: JobReport) => void;
}

/** One finished job, as the worker reports it. */
export interface JobReport {
  readonly jobId: string;
  readonly op: string;
  readonly callId: string;
  readonly part: number;
  /** Parts of the call with a result so far, and the call's part count. */
  readonly done: number;
  readonly total: number;
  readonly ms: number;
  readonly outcome: 'ok' | 'error' | 'cancelled' | 'already-done';
  readonly cache: CacheStats;
  /** Jobs this worker finished. */
  readonly jobs: number;
}

/** What a worker publishes in the `workers` hash after each job. */
export interface WorkerStats {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly jobs: number;
  readonly cache: CacheStats;
  readonly stopped: boolean;
  readonly at: number;
}

/** A running worker. */
export interface LeptonWorker {
  readonly id: string;
  stats(): WorkerStats;
  /** Finishes the jobs in hand (or, with force, drops them: they go back to the queue after lockDuration) and disconnects. */
  close(force?: boolean): Promise<void>;
}

/** The lock settings a worker uses when given none. */
export const DEFAULT_LOCKS: Required<LockSettings> = { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 2 };

// Writes the record if none is there; counts the part only when this write created it, and then
// publishes the notice on the collecting connection's channel (if it named one); publishes the
// worker's stats. One round trip. KEYS: result, done counter, workers hash, notify channel key;
// ARGV: record, ttl, worker id, stats, notice.
const FINISH_SCRIPT = `
local wrote = redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX')
local n
if wrote then
  n = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  local channel = redis.call('GET', KEYS[4])
  if channel then redis.call('PUBLISH', channel, ARGV[5]) end
else
  n = tonumber(redis.call('GET', KEYS[2]) or '0')
end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
if wrote then return {1, n} end
return {0, n}
`;

// A part that failed for good without a record (its tries ran out): tells the collecting
// connection at once. KEYS: notify channel key; ARGV: notice.
const FAILED_SCRIPT = `
local channel = redis.call('GET', KEYS[1])
if channel then redis.call('PUBLISH', channel, ARGV[1]) end
return 0
`;

/** The worker's scripts, sent by EVALSHA (ioredis loads them on first use). */
interface Scripts {
  leptonFinish(result: string, done: string, workers: string, notify: string, record: string, ttl: number, id: string, stats: string, notice: Buffer): Promise<unknown>;
  leptonFailed(notify: string, notice: Buffer): Promise<unknown>;
}

function defineScripts(redis: Redis): void {
  redis.defineCommand('leptonFinish', { numberOfKeys: 4, lua: FINISH_SCRIPT });
  redis.defineCommand('leptonFailed', { numberOfKeys: 1, lua: FAILED_SCRIPT });
}

/** Disposes every tensor in a result (arrays and plain objects walked), except those in `keep`. */
function disposeTensors(value: unknown, keep: ReadonlySet<unknown>): void {
  if (value instanceof Tensor) {
    if (!keep.has(value)) value.dispose();
  } else if (Array.isArray(value)) {
    for (const v of value) disposeTensors(v, keep);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) disposeTensors(v, keep);
  }
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError('lepton-worker', `${name} must be a positive integer; received ${String(value)}`);
  }
  return value;
}

/**
 * Starts a worker on a queue. Resolves once it is connected and taking jobs.
 * @throws INVALID_ARGUMENT for a bad option; BACKEND_UNAVAILABLE for a backend this machine lacks.
 * @example
 * const w = await startWorker({ redis: 'redis://10.0.0.5:6379', queue: 'lepton', concurrency: 1 });
 * process.on('SIGTERM', () => void w.close());
 */
export async function startWorker(options: WorkerOptions = {}): Promise<LeptonWorker> {
  const url = options.redis ?? 'redis://127.0.0.1:6379';
  const queue = options.queue ?? 'lepton';
  const concurrency = positiveInt('concurrency', options.concurrency, 1);
  const ttl = positiveInt('ttlSeconds', options.ttlSeconds, 6 * 3600);
  const lockDuration = positiveInt('lockDuration', options.lockDuration, DEFAULT_LOCKS.lockDuration);
  const stalledInterval = positiveInt('stalledInterval', options.stalledInterval, DEFAULT_LOCKS.stalledInterval);
  const maxStalledCount = positiveInt('maxStalledCount', options.maxStalledCount, DEFAULT_LOCKS.maxStalledCount);
  const cache = new OperandCache(positiveInt('cacheBytes', options.cacheBytes, 256 * 1024 * 1024));
  if (options.threads !== undefined) await configure({ threads: options.threads });
  if (options.backend !== undefined) await setBackend(options.backend);

  const keys = new Keys(queue);
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  defineScripts(redis);
  const bullConnection = new Redis(url, { maxRetriesPerRequest: null });
  let jobs = 0;
  let stopped = false;
  const stats = (): WorkerStats => ({ id, host: hostname(), pid: process.pid, jobs, cache: cache.stats(), stopped, at: Date.now() });

  /** The operand, from the cache, from bytes read ahead with the job's first round trip, or from Redis. */
  const operand = (ref: TensorRef, op: string, ahead: ReadonlyMap<string, Buffer>): Promise<Tensor> =>
    cache.get(ref.sha256, ref.bytes, async () => {
      const bytes = ahead.get(ref.key);
      return fromDense(bytes ? verify(bytes, ref, op) : await download(redis, ref, op));
    });

  /** Sends the small result payloads and the record, counts the part, publishes the stats: one round trip. */
  const finish = async (d: JobData, record: PartRecord, small: readonly Upload[]): Promise<{ wrote: boolean; done: number }> => {
    jobs++;
    const p = redis.pipeline();
    for (const u of small) p.set(u.ref.key, u.bytes, 'EX', ttl);
    (p as unknown as Scripts).leptonFinish(keys.result(d.callId, d.part), keys.done(d.callId), keys.workers, keys.notify(d.callId),
      JSON.stringify(record), ttl, id, JSON.stringify(stats()), encodeNotice(d.callId, d.part, { record }, small));
    const answers = (await p.exec()) ?? [];
    for (const [err] of answers) if (err) throw err;
    const answer = answers[answers.length - 1]?.[1];
    const [wrote, done] = Array.isArray(answer) ? answer : [0, 0];
    return { wrote: wrote === 1, done: Number(done) };
  };

  const process_ = async (job: Job<JobData>): Promise<PartRecord | { cancelled: true }> => {
    const started = performance.now();
    const d = job.data;
    const report = (outcome: JobReport['outcome'], done: number) =>
      options.onJob?.({ jobId: job.id ?? '?', op: d.op, callId: d.callId, part: d.part, done, total: d.total,
        ms: performance.now() - started, outcome, cache: cache.stats(), jobs });
    // One round trip: is the call cancelled, has the part a result, and the operands not in the cache.
    const refs = [...(Array.isArray(d.inputs) ? d.inputs : []), ...refsIn(d.options ?? null)];
    const wanted = [...new Map(refs.filter((r) => !cache.has(r.sha256)).map((r) => [r.key, r])).keys()];
    const first = redis.pipeline().exists(keys.cancelled(d.callId)).get(keys.result(d.callId, d.part));
    for (const key of wanted) first.getBuffer(key);
    const answers = (await first.exec()) ?? [];
    const cancelled = answers[0]?.[1];
    const existing = answers[1]?.[1];
    const ahead = new Map<string, Buffer>();
    wanted.forEach((key, i) => {
      const bytes = answers[i + 2]?.[1];
      if (bytes instanceof Buffer) ahead.set(key, bytes);
    });
    if (cancelled === 1) {
      jobs++;
      report('cancelled', 0);
      return { cancelled: true };
    }
    if (typeof existing === 'string') {
      // A re-delivery of a part that already has its result (its first worker died after writing).
      const record = parseRecord(existing);
      jobs++;
      report('already-done', d.total);
      if (!record.ok) throw new UnrecoverableError(record.error.message);
      return record;
    }
    let record: PartRecord;
    let small: Upload[] = [];
    try {
      if (!isClusterOp(d.op)) {
        throw new InvalidArgumentError('lepton-worker', `op must be a cluster op name; received '${d.op}'`,
          'Update the workers to the version the caller runs');
      }
      const entry = OPS[d.op];
      const inputs = await Promise.all(d.inputs.map((ref) => operand(ref, d.op, ahead)));
      const decoded = await decodeValue(d.options, (ref) => operand(ref, d.op, ahead));
      const bag = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? (decoded as Record<string, unknown>) : {};
      const result = await entry.run(inputs, bag);
      const uploads: Upload[] = [];
      const value = await encodeValue(result, keys, uploads, d.op, 'result');
      // The result's values are in `uploads` now: its storage goes back to the memory pool, so the
      // next job's output reuses it instead of faulting in fresh pages (8 MiB: ~5 ms here).
      disposeTensors(result, new Set(inputs));
      small = uploads.filter((u) => u.bytes.byteLength < PROBE_BYTES);
      await uploadAll(redis, uploads.filter((u) => u.bytes.byteLength >= PROBE_BYTES), ttl);
      record = { ok: true, value, worker: id };
    } catch (err) {
      if (err instanceof LeptonError && !isRetryable(err)) {
        record = { ok: false, error: toErrorRecord(err), worker: id };
      } else {
        throw err; // retried with backoff (attempts), then WORKER_CRASHED on the caller's side
      }
    }
    const { done } = await finish(d, record, small);
    report(record.ok ? 'ok' : 'error', done);
    if (!record.ok) throw new UnrecoverableError(record.error.message);
    return record;
  };

  const worker = new Worker<JobData>(queue, process_, {
    connection: bullConnection,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: true,
  });
  // Errors of the connection are retried by ioredis; BullMQ reports them here (not fatal).
  worker.on('error', () => {});
  // A job whose last try threw (not a LeptonError: those wrote their error record and were
  // published) failed for good: tell the caller now rather than at its next sweep. A job failed by
  // the stall check (its workers died too often) is found by the caller's sweep.
  worker.on('failed', (job: Job<JobData> | undefined, err: Error) => {
    const d = job?.data;
    if (!job || !d || typeof d.callId !== 'string' || err instanceof UnrecoverableError) return;
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    void (redis as unknown as Scripts).leptonFailed(keys.notify(d.callId), encodeNotice(d.callId, d.part, { failed: err.message })).catch(() => undefined);
  });
  redis.on('error', () => {});
  bullConnection.on('error', () => {});
  await worker.waitUntilReady();
  await redis.hset(keys.workers, id, JSON.stringify(stats()));

  return {
    id,
    stats,
    async close(force = false) {
      await worker.close(force);
      stopped = true;
      await redis.hset(keys.workers, id, JSON.stringify(stats())).catch(() => undefined);
      redis.disconnect();
      bullConnection.disconnect();
    },
  };
}
