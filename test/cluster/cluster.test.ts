/**
 * lepton-compute/cluster on a real redis-server (started here on a free loopback port) with real
 * `lepton-worker` processes (spawned through bin/lepton-worker.mjs on the TypeScript sources).
 * The oracle of every result is the same op called locally. Without redis-server the suite
 * skips and says why, except under CI=true, where that is a failure.
 *
 * Workers run with --lock-duration 2000 --stalled-interval 1000, so a SIGKILLed worker's job is
 * back in the queue within about 3 s.
 */
import { spawnSync } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Cluster, type WorkerStats } from '../../src/cluster/index.js';
import { cs, matmul, randn, type Tensor } from '../../src/index.js';
import { BIN, redisServerStatus, spawnWorker, startRedis, stopWorker, type RedisServer, type WorkerProcess } from './harness.js';
import { settled } from '../util/settled.js';

const status = redisServerStatus();
if (!status.ok) {
  if (process.env.CI === 'true') throw new Error(`cluster tests need redis-server under CI: ${status.reason}`);
  console.warn(`cluster tests skipped: ${status.reason}`);
}

const LOCKS = ['--lock-duration', '2000', '--stalled-interval', '1000'];
const N = 64;
const K = 32;
const SPARSITY = 8;

async function same(a: Tensor, b: Tensor): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const x = await a.data();
  const y = await b.data();
  let differing = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) differing++;
  expect(differing).toBe(0);
}

/** Sparse signals and their measurements: Y = A·X, X with SPARSITY non-zeros per column. */
async function problem(signals: number, seed: number): Promise<{ A: Tensor; Y: Tensor }> {
  const A = randn([K, N], { seed, dtype: 'float64' });
  const X = new Float64Array(N * signals);
  let s = seed * 7919 + 1;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let c = 0; c < signals; c++) for (let j = 0; j < SPARSITY; j++) X[Math.floor(next() * N) * signals + c] = next() * 2 - 1;
  const { tensor } = await import('../../src/index.js');
  const Y = await matmul(A, tensor(X, [N, signals]));
  return { A, Y };
}

async function resultKeys(redis: Redis, queue: string, callId: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `lepton:${queue}:r:${callId}:*`, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

async function workerStats(c: Cluster): Promise<Map<number, WorkerStats>> {
  const s = await c.stats();
  return new Map(s.workers.filter((w) => !w.stopped).map((w) => [w.pid, w]));
}

describe.skipIf(!status.ok)('cluster on a real Redis', () => {
  const QUEUE = 'lepton-test';
  let redis: RedisServer;
  let aof: RedisServer;
  let w1: WorkerProcess;
  let w2: WorkerProcess;
  let w3: WorkerProcess;
  let c: Cluster;
  let direct: Redis;
  let admin: Queue;

  beforeAll(async () => {
    [redis, aof] = await Promise.all([startRedis(), startRedis({ appendonly: true })]);
    w1 = spawnWorker(redis.url, QUEUE, LOCKS);
    w2 = spawnWorker(redis.url, QUEUE, [...LOCKS, '--concurrency', '2']);
    w3 = spawnWorker(aof.url, QUEUE, LOCKS);
    await Promise.all([w1, w2, w3].map((w) => w.waitFor(/ready on/)));
    c = await connect({ redis: redis.url, queue: QUEUE, sweepMs: 250 });
    direct = new Redis(redis.url);
    admin = new Queue(QUEUE, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
  }, 60_000);

  afterAll(async () => {
    await c?.close();
    await admin?.close();
    direct?.disconnect();
    await Promise.all([w1, w2, w3].filter(Boolean).map(stopWorker));
    await Promise.all([redis?.dispose(), aof?.dispose()]);
  });

  it('a 200-job map of cs.omp equals one local call exactly, each part once; a shared operand is fetched once per worker', async () => {
    const { A, Y } = await problem(200, 1);
    const before = await workerStats(c);
    const progress: number[] = [];
    const onProgress = ({ done, total }: { done: number; total: number }) => {
      expect(total).toBe(200);
      progress.push(done);
    };
    c.on('progress', onProgress);
    const got = await c.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 1 }, callId: 'omp200' });
    c.off('progress', onProgress);
    const local = await cs.omp(A, Y, { sparsity: SPARSITY });
    await same(got.x, local.x);
    expect(got.supports).toEqual(local.supports);
    expect(got.residuals).toEqual(local.residuals);
    expect(got.reason).toBe(local.reason);
    expect(got.converged).toBe(local.converged);
    expect(progress).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await resultKeys(direct, QUEUE, 'omp200')).toBe(200);
    expect(Number(await direct.get(`lepton:${QUEUE}:n:omp200`))).toBe(200);
    expect((await c.stats()).completed).toBe(200);

    // A is one payload for all 200 jobs: each worker fetched it once and its Y slice per job.
    const after = await workerStats(c);
    let jobs = 0;
    for (const [pid, now] of after) {
      const was = before.get(pid)!;
      const ran = now.jobs - was.jobs;
      jobs += ran;
      expect(ran).toBeGreaterThan(0);
      expect(now.cache.misses - was.cache.misses).toBe(ran + 1);
      expect(now.cache.hits - was.cache.hits).toBe(ran - 1);
    }
    expect(jobs).toBe(200);
  });

  it('lepton-worker --stats prints the counts c.stats() gives', async () => {
    const out = spawnSync(process.execPath, [BIN, '--stats', '--redis', redis.url, '--queue', QUEUE], {
      env: { ...process.env, LEPTON_WORKER_FROM: 'src' }, encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    const printed = JSON.parse(out.stdout) as { queued: number; active: number; completed: number; failed: number; workers: WorkerStats[] };
    const s = await c.stats();
    expect({ queued: printed.queued, completed: printed.completed, failed: printed.failed }).toEqual({ queued: s.queued, completed: s.completed, failed: s.failed });
    expect(printed.completed).toBeGreaterThanOrEqual(200);
    expect(printed.workers.map((w) => w.pid).sort()).toEqual(s.workers.map((w) => w.pid).sort());
  });

  it('a bad-input job rejects with its original class, code and message, and runs once', async () => {
    const a = randn([7, 13], { seed: 3 });
    const b = randn([11, 5], { seed: 4 });
    const localError: unknown = await settled(() => matmul(a, b)).then(() => undefined, (e: unknown) => e);
    const err: unknown = await c.run('matmul', [a, b], {}, { callId: 'bad1' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(localError).toBeInstanceOf(Error);
    const e = err as Error & { code: string };
    const l = localError as Error & { code: string };
    expect(e.name).toBe(l.name);
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.code).toBe(l.code);
    expect(e.message).toBe(l.message);
    const job = await admin.getJob('bad1-0');
    // The call rejects once the worker has written the error; BullMQ moves the job to failed just after.
    await expect.poll(() => job!.getState(), { timeout: 5000 }).toBe('failed');
    expect(job!.attemptsStarted).toBe(1);
    // The worker's line may reach us after the rejection: wait for it, then for any second run.
    const ran = (l: string) => l.includes('job bad1-0 ');
    await expect.poll(() => [...w1.lines, ...w2.lines].some(ran), { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const runs = [...w1.lines, ...w2.lines].filter(ran);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/matmul error/);
  });

  it('a job that throws something other than a LeptonError is retried with backoff, then rejects with WorkerCrashedError', async () => {
    // A job whose data no worker can read (inputs is not an array): a TypeError on every try.
    await direct.set(`lepton:${QUEUE}:c:crash1`, JSON.stringify({ op: 'relu', total: 1, joinAxis: null, createdAt: Date.now() }), 'EX', 600);
    await admin.add('relu', { callId: 'crash1', part: 0, total: 1, op: 'relu', inputs: null, options: {} } as never,
      { jobId: 'crash1-0', attempts: 3, backoff: { type: 'exponential', delay: 100 } });
    const err = (await c.resume('crash1').then(() => undefined, (e: unknown) => e)) as Error & { code: string };
    expect(err.name).toBe('WorkerCrashedError');
    expect(err.code).toBe('WORKER_CRASHED');
    expect(err.message).toContain('job crash1-0 (relu) failed after every try');
    const job = await admin.getJob('crash1-0');
    expect(job!.attemptsMade).toBe(3);
  });

  it('results and failures arrive as notices on the connection\'s channel, without polling', async () => {
    // A sweep every 10 minutes: within this test only the workers' notices can settle a call.
    const quiet = await connect({ redis: redis.url, queue: QUEUE, sweepMs: 600_000 });
    try {
      const x = randn([3, 5], { seed: 21 });
      const { relu } = await import('../../src/index.js');
      await same(await quiet.run('relu', [x]), relu(x));
      const { A, Y } = await problem(7, 23);
      const got = await quiet.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 2 } });
      await same(got.x, (await cs.omp(A, Y, { sparsity: SPARSITY })).x);
      // resume() points the call's notices at its own connection; the last try's failure is one.
      await direct.set(`lepton:${QUEUE}:c:crash2`, JSON.stringify({ op: 'relu', total: 1, joinAxis: null, createdAt: Date.now() }), 'EX', 600);
      await admin.pause();
      await admin.add('relu', { callId: 'crash2', part: 0, total: 1, op: 'relu', inputs: null, options: {} } as never,
        { jobId: 'crash2-0', attempts: 2, backoff: { type: 'fixed', delay: 50 } });
      const collecting = quiet.resume('crash2').then(() => undefined, (e: unknown) => e as Error & { code: string });
      await expect.poll(() => direct.get(`lepton:${QUEUE}:w:crash2`), { timeout: 5000 }).not.toBeNull();
      await admin.resume();
      const err = await collecting;
      expect(err?.code).toBe('WORKER_CRASHED');
      expect(err?.message).toContain('job crash2-0 (relu) failed after every try');
    } finally {
      await admin.resume();
      await quiet.close();
    }
  }, 30_000);

  it('an aborted call rejects and leaves no jobs queued', async () => {
    const { A, Y } = await problem(400, 5);
    const ac = new AbortController();
    const onProgress = () => ac.abort();
    c.on('progress', onProgress);
    const err: unknown = await c.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 1 }, signal: ac.signal, callId: 'abort1' })
      .then(() => undefined, (e: unknown) => e);
    c.off('progress', onProgress);
    expect((err as Error).name).toBe('AbortError');
    const counts = await admin.getJobCounts('wait', 'delayed', 'prioritized', 'waiting-children');
    expect(counts).toEqual({ wait: 0, delayed: 0, prioritized: 0, 'waiting-children': 0 });
    // Fewer than all 400 ran: the rest were removed, not run.
    expect(Number(await direct.get(`lepton:${QUEUE}:n:abort1`))).toBeLessThan(400);
  });

  it('a payload whose bytes changed fails its checksum: PayloadError PAYLOAD_CORRUPT, not a wrong answer', async () => {
    const { A, Y } = await problem(3, 7);
    await admin.pause();
    const call = c.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 1 }, callId: 'corrupt1' })
      .then(() => undefined, (e: unknown) => e);
    await expect.poll(async () => (await admin.getJobCounts('wait')).wait, { timeout: 10_000 }).toBe(3);
    const job = await admin.getJob('corrupt1-0');
    const ref = job!.data.inputs[0]!;
    const bytes = await direct.getBuffer(ref.key);
    bytes![bytes!.length - 1] ^= 0x01; // one bit of A's last element
    await direct.set(ref.key, bytes!, 'KEEPTTL');
    await admin.resume();
    const err = (await call) as Error & { code: string };
    expect(err.name).toBe('PayloadError');
    expect(err.code).toBe('PAYLOAD_CORRUPT');
    expect(err.message).toContain('fails its checksum');
    await direct.del(ref.key);
  });

  it('resume(callId) collects a call that another (closed) connection started', async () => {
    const { A, Y } = await problem(10, 9);
    await admin.pause();
    const first = await connect({ redis: redis.url, queue: QUEUE });
    const abandoned = first.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 3 }, callId: 'resume1' })
      .then(() => 'resolved', (e: unknown) => (e as Error).message);
    await expect.poll(async () => (await admin.getJobCounts('wait')).wait, { timeout: 10_000 }).toBe(4);
    await first.close();
    expect(await abandoned).toMatch(/closed/);
    await admin.resume();
    const second = await connect({ redis: redis.url, queue: QUEUE });
    try {
      const got = (await second.resume('resume1')) as Awaited<ReturnType<typeof cs.omp>>;
      const local = await cs.omp(A, Y, { sparsity: SPARSITY });
      await same(got.x, local.x);
      expect(got.supports).toEqual(local.supports);
      const unknown = await second.resume('no-such-call').then(() => undefined, (e: unknown) => e as Error & { code: string });
      expect(unknown?.code).toBe('INVALID_ARGUMENT');
    } finally {
      await second.close();
    }
  });

  it('Redis restarted with its append-only file: the call in flight completes', async () => {
    const { A, Y } = await problem(60, 11);
    const onAof = await connect({ redis: aof.url, queue: QUEUE, sweepMs: 250 });
    try {
      let restarted: Promise<void> | undefined;
      let latest = 0;
      let doneWhenBack = -1;
      const onProgress = ({ done }: { done: number }) => {
        latest = done;
        if (done === 5 && !restarted) {
          restarted = aof.stop().then(() => new Promise((r) => setTimeout(r, 300))).then(() => aof.restart()).then(() => {
            doneWhenBack = latest;
          });
        }
      };
      onAof.on('progress', onProgress);
      const got = await onAof.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 1 }, callId: 'aof1' });
      onAof.off('progress', onProgress);
      expect(restarted).toBeDefined();
      await restarted;
      // Parts finished after Redis came back: the restart hit the call in flight.
      expect(doneWhenBack).toBeGreaterThanOrEqual(5);
      expect(doneWhenBack).toBeLessThan(60);
      const local = await cs.omp(A, Y, { sparsity: SPARSITY });
      await same(got.x, local.x);
      expect(got.supports).toEqual(local.supports);
    } finally {
      await onAof.close();
    }
  });

  it('one of two workers SIGKILLed mid-call: every result present, none twice, equal to the local call', async () => {
    const { A, Y } = await problem(200, 13);
    let killed = false;
    const onProgress = ({ done }: { done: number }) => {
      if (done === 40 && !killed) {
        killed = true;
        w2.proc.kill('SIGKILL');
      }
    };
    c.on('progress', onProgress);
    const got = await c.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 1 }, callId: 'kill1' });
    c.off('progress', onProgress);
    expect(killed).toBe(true);
    expect(await w2.exited).toBe('SIGKILL');
    const local = await cs.omp(A, Y, { sparsity: SPARSITY });
    await same(got.x, local.x);
    expect(got.supports).toEqual(local.supports);
    expect(await resultKeys(direct, QUEUE, 'kill1')).toBe(200);
    expect(Number(await direct.get(`lepton:${QUEUE}:n:kill1`))).toBe(200);
    // Every job of the call completed exactly once in BullMQ's books. The call can resolve before
    // that: a part whose record the killed worker wrote (and announced) before BullMQ marked its
    // job completed has its result; that job stalls, and its re-run finds the record and writes
    // nothing (within lockDuration + stalledInterval, 3 s here).
    const completedOf = async () => (await admin.getJobs(['completed'], 0, -1)).filter((j) => j.data.callId === 'kill1');
    await expect.poll(async () => (await completedOf()).length, { timeout: 15_000, interval: 250 }).toBe(200);
    const mine = await completedOf();
    expect(mine).toHaveLength(200);
    expect(new Set(mine.map((j) => j.id)).size).toBe(200);
    // The killed worker held jobs: they stalled, and the survivor's stalled check put them back.
    expect(mine.filter((j) => j.stalledCounter > 0).length).toBeGreaterThan(0);
    expect((await admin.getJobs(['failed'], 0, -1)).filter((j) => j.data.callId === 'kill1')).toHaveLength(0);
  }, 60_000);
  it('SIGTERM mid-call: the worker finishes the job in hand, exits 0, and nothing stalls or runs twice', async () => {
    const w4 = spawnWorker(redis.url, QUEUE, LOCKS);
    try {
      await w4.waitFor(/ready on/);
      const { A, Y } = await problem(40, 17);
      let stopping: Promise<number | string> | undefined;
      const onProgress = ({ done }: { done: number }) => {
        if (done === 5 && !stopping) stopping = stopWorker(w1);
      };
      c.on('progress', onProgress);
      const got = await c.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: 1 }, callId: 'term1' });
      c.off('progress', onProgress);
      expect(await stopping).toBe(0);
      expect(w1.lines.some((l) => /SIGTERM, finishing the job in hand/.test(l))).toBe(true);
      expect(w1.lines.at(-1)).toMatch(/stopped$/);
      const local = await cs.omp(A, Y, { sparsity: SPARSITY });
      await same(got.x, local.x);
      const mine = (await admin.getJobs(['completed'], 0, -1)).filter((j) => j.data.callId === 'term1');
      expect(mine).toHaveLength(40);
      expect(mine.filter((j) => j.stalledCounter > 0 || j.attemptsStarted > 1)).toHaveLength(0);
      expect(Number(await direct.get(`lepton:${QUEUE}:n:term1`))).toBe(40);
    } finally {
      await stopWorker(w4);
    }
  }, 60_000);
});
