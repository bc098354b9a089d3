/**
 * Hostile cases of the worker pool that need a pool of their own: a synchronous read blocked on
 * pooled work while a worker dies under it (the worker's 'exit' event cannot be delivered while
 * the calling thread blocks), and rank and size limits on pooled ops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, closePool, configure, matmul, randn, relu, zeros, type Tensor } from '../../src/index.js';
import { currentPool } from '../../src/pool/control.js';
import type { NodePool } from '../../src/pool/node-pool.js';
import { refMatmul } from '../reference/matmul.js';

const native = (await backends()).find((b) => b.name === 'native')!;

function worstAgainstRef(c: Tensor, a: Tensor, b: Tensor): number {
  const ref = refMatmul({ shape: [...a.shape], data: Float64Array.from(a.dataSync()) }, { shape: [...b.shape], data: Float64Array.from(b.dataSync()) }).data;
  const got = c.dataSync();
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!));
  return worst;
}

describe('a synchronous read blocked on pooled work sees a worker die', () => {
  beforeAll(() => configure({ threads: 2, minFlopsPerPart: 0 }));
  afterAll(async () => {
    await closePool();
    await configure({ threads: 1, minFlopsPerPart: 200_000 });
  });

  /** Starts `op` on warm workers (loaded, and seen online by this thread) and returns once its parts are posted. */
  async function postedOnWarmPool(op: () => Tensor, warm: () => Tensor): Promise<{ t: Tensor; pool: NodePool }> {
    await warm().data();
    await new Promise((r) => setTimeout(r, 100));
    const t = op();
    const job = (t._pending as { job?: { state: string } } | undefined)?.job;
    for (let i = 0; i < 200 && job?.state !== 'posted'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(job?.state).toBe('posted');
    return { t, pool: (await currentPool()) as NodePool };
  }

  for (const backend of ['js', 'native'] as const) {
    it.skipIf(backend === 'native' && !native.available)(`dataSync() throws WORKER_CRASHED instead of blocking for ever, then the pool recovers (${backend})`, async () => {
      // js: ~1.5 GFLOP, native: ~6.8 GFLOP, both far longer than the wait before the kill.
      const n = backend === 'js' ? 900 : 1500;
      const a = randn([n, n], { seed: 21 });
      const small = randn([37, 29], { seed: 22 });
      for (let trial = 0; trial < 2; trial++) {
        const { t: running, pool } = await postedOnWarmPool(() => matmul(a, a, { backend }), () => matmul(a, a, { backend }));
        await new Promise((r) => setTimeout(r, 10));
        // Not awaited: the kill lands while this thread blocks in dataSync(), so no exit event can reach it.
        void pool.workers[trial % 2 === 0 || backend === 'native' ? 0 : 1]!.terminate();
        const started = performance.now();
        let caught: unknown;
        try {
          running.dataSync();
        } catch (e) {
          caught = e;
        }
        expect(caught).toMatchObject({ code: 'WORKER_CRASHED', name: 'WorkerCrashedError' });
        expect(performance.now() - started).toBeLessThan(5_000);
        // The dead worker is replaced: the next op is whole and right.
        const c = matmul(small, small.transpose(), { backend });
        await c.data();
        expect(worstAgainstRef(c, small, small.transpose())).toBeLessThan(1e-4);
      }
    }, 120_000);
  }

  for (const backend of ['js', 'native'] as const) {
    it.skipIf(backend === 'native' && !native.available)(`dataSync() on a part of a worker killed while it loads throws WORKER_CRASHED, then the pool recovers (${backend})`, async () => {
      const a = randn([400, 400], { seed: 31 });
      const small = randn([37, 29], { seed: 32 });
      await matmul(a, a, { backend }).data();
      const pool = (await currentPool()) as NodePool;
      pool.loadWaitMs = 500;
      // Worker 0 dies while idle: its replacement starts loading at once.
      const first = pool.workers[0]!;
      const exited = new Promise((r) => first.once('exit', r));
      await first.terminate();
      await exited;
      const loading = pool.workers[0]!;
      expect(loading).not.toBe(first);
      // An op whose first part goes to the loading worker, which is killed before it has loaded;
      // this thread then blocks on that part, where no exit event can reach it.
      const running = matmul(a, a, { backend });
      const job = (running._pending as { job?: { state: string } } | undefined)?.job;
      for (let i = 0; i < 200 && job?.state !== 'posted'; i++) await new Promise((r) => setImmediate(r));
      expect(job?.state).toBe('posted');
      expect(pool.stats().loaded).toBe(1);
      void loading.terminate();
      const started = performance.now();
      let caught: unknown;
      try {
        running.dataSync();
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code: 'WORKER_CRASHED', name: 'WorkerCrashedError' });
      // terminate() marks it dead at once; a worker that died by itself while loading is caught by the
      // unclaimed part after loadWaitMs instead.
      expect((caught as Error).message).toMatch(/its thread stopped|had not started after \d+ ms/);
      expect(performance.now() - started).toBeLessThan(5_000);
      pool.loadWaitMs = 30_000;
      // The dead worker is replaced: the next ops are right, on both workers.
      const c = matmul(small, small.transpose(), { backend });
      await c.data();
      expect(worstAgainstRef(c, small, small.transpose())).toBeLessThan(1e-4);
      const d = matmul(a, a, { backend });
      await d.data();
      expect(worstAgainstRef(d, a, a)).toBeLessThan(1e-2);
    }, 60_000);
  }

  it('rank above 32 is refused before an op reaches the pool; rank 32 runs there', async () => {
    const shape = new Array(32).fill(1);
    shape[0] = 3;
    shape[31] = 5;
    const x = randn(shape, { seed: 25 });
    const y = relu(x.transpose(), { backend: 'js' });
    const values = x.dataSync();
    const got = await y.data();
    // Transposing swaps the first and last dimension: y[j, …, i] = relu(x[i, …, j]).
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) expect(got[j * 3 + i]).toBe(Math.max(0, values[i * 5 + j]!));
    expect(() => zeros(new Array(40).fill(1))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => x.reshape(new Array(33).fill(1).map((d, i) => (i === 0 ? 15 : d)))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
