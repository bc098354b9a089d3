/**
 * Hostile cases of the pool's lifecycle, with ops in flight, on js and native (issue 18's "a pool
 * that always settles"): closePool() and configure({ threads }) while ops run, every worker killed
 * at once mid-op, replacements killed while they start, and a pool whose workers keep dying. Each
 * op in flight must end right (against the float64 reference) or with a typed error, never hang
 * (the test's timeout), and the pool must come back or say why it did not.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { backends, closePool, configure, LeptonError, matmul, randn, type Tensor } from '../../src/index.js';
import { currentPool } from '../../src/pool/control.js';
import type { NodePool } from '../../src/pool/node-pool.js';
import { refMatmul } from '../reference/matmul.js';

const native = (await backends()).find((b) => b.name === 'native')!;

function worst(c: Float32Array | Float64Array, a: Tensor, b: Tensor): number {
  const ref = refMatmul({ shape: [...a.shape], data: Float64Array.from(a.dataSync()) }, { shape: [...b.shape], data: Float64Array.from(b.dataSync()) }).data;
  let w = 0;
  for (let i = 0; i < c.length; i++) w = Math.max(w, Math.abs(c[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
  return w;
}

/** Waits for every op: each is right or a typed LeptonError. Returns how many were right. */
async function settleAll(ops: readonly Tensor[], a: Tensor): Promise<number> {
  const results = await Promise.allSettled(ops.map((t) => t.data()));
  let right = 0;
  for (const r of results) {
    if (r.status === 'fulfilled') {
      expect(worst(r.value as Float32Array, a, a)).toBeLessThan(1e-4);
      right++;
    } else {
      expect(r.reason).toBeInstanceOf(LeptonError);
    }
  }
  return right;
}

async function pool(): Promise<NodePool> {
  return (await currentPool()) as NodePool;
}

/** The pool with both workers loaded (an op on a pool still loading runs on the calling thread). */
async function loadedPool(warm: () => Tensor): Promise<NodePool> {
  await warm().data();
  const p = await pool();
  await expect.poll(() => p.stats().loaded, { timeout: 30_000, interval: 25 }).toBe(p.size);
  return p;
}

function exited(w: { once(e: 'exit', f: () => void): unknown }): Promise<void> {
  return new Promise((r) => void w.once('exit', () => r()));
}

describe('the pool settles every op in flight, whatever happens to it', () => {
  beforeEach(async () => {
    await closePool();
    await configure({ threads: 2, minFlopsPerPart: 0 });
  });
  afterAll(async () => {
    await closePool();
    await configure({ threads: 1, minFlopsPerPart: 200_000 });
  });

  for (const backend of ['js', 'native'] as const) {
    const skip = backend === 'native' && !native.available;

    // The pool stopped or resized under ops in flight; `size` is the pool's size after.
    const changes = [
      { what: 'closePool() with 6 ops in flight: each ends right or typed, and the next op starts a fresh pool', ops: 6, seed: 41, change: closePool, size: 2 },
      { what: 'configure({ threads: 3 }) with 4 ops in flight: each ends right or typed, then ops run on 3 workers', ops: 4, seed: 42, change: () => configure({ threads: 3 }), size: 3 },
    ];
    for (const { what, ops: count, seed, change, size } of changes) {
      it.skipIf(skip)(`${what} (${backend})`, async () => {
        const a = randn([160, 160], { seed });
        await matmul(a, a, { backend }).data();
        const ops = Array.from({ length: count }, () => matmul(a, a, { backend }));
        const changing = change();
        expect(await settleAll(ops, a)).toBeGreaterThan(0);
        await changing;
        const after = matmul(a, a, { backend });
        expect(worst(await after.data() as Float32Array, a, a)).toBeLessThan(1e-4);
        expect((await pool()).size).toBe(size);
      }, 60_000);
    }

    it.skipIf(skip)(`every worker killed at once mid-op: that op rejects WORKER_CRASHED, the queued ones run, both are replaced (${backend})`, async () => {
      const n = backend === 'js' ? 700 : 1200;
      const big = randn([n, n], { seed: 43 });
      const a = randn([64, 64], { seed: 44 });
      const p = await loadedPool(() => matmul(a, a, { backend }));
      const running = matmul(big, big, { backend });
      const queued = [matmul(a, a, { backend }), matmul(a, a, { backend })];
      const job = (running._pending as { job?: { state: string } } | undefined)?.job;
      for (let i = 0; i < 400 && job?.state !== 'posted'; i++) await new Promise((r) => setTimeout(r, 5));
      const [w0, w1] = p.workers;
      await Promise.all([w0!.terminate(), w1!.terminate()]);
      await expect(running.data()).rejects.toMatchObject({ code: 'WORKER_CRASHED', name: 'WorkerCrashedError' });
      expect(await settleAll(queued, a)).toBe(2);
      // Both are replaced once the failed op's clean-up has seen both exits (small ops may run on
      // this thread meanwhile).
      await expect.poll(() => p.workers[0] !== w0 && p.workers[1] !== w1, { timeout: 15_000, interval: 50 }).toBe(true);
      const after = matmul(a, a, { backend });
      expect(worst(await after.data() as Float32Array, a, a)).toBeLessThan(1e-4);
      // The replacements load in the background (ops run on this thread meanwhile).
      await expect.poll(() => p.stats().loaded, { timeout: 30_000, interval: 50 }).toBe(2);
    }, 60_000);

    it.skipIf(skip)(`replacements killed while they start are replaced again; a pool whose workers keep dying says so once and ops still run right (${backend})`, async () => {
      const a = randn([96, 96], { seed: 45 });
      const p = await loadedPool(() => matmul(a, a, { backend }));
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        // Worker 0 dies idle, then two of its replacements die before they have loaded.
        for (let kill = 0; kill < 3; kill++) {
          const w = p.workers[0]!;
          const gone = exited(w);
          await w.terminate();
          await gone;
          expect(p.workers[0]).not.toBe(w);
        }
        expect(p.broken).toBeUndefined();
        const ok = matmul(a, a, { backend });
        expect(worst(await ok.data() as Float32Array, a, a)).toBeLessThan(1e-4);
        await expect.poll(() => p.stats().loaded, { timeout: 30_000, interval: 50 }).toBe(2);
        // Four in a row that die while starting: the pool gives up, says so once, and ops run here.
        for (let kill = 0; kill < 5 && p.broken === undefined; kill++) {
          const w = p.workers[0]!;
          const gone = exited(w);
          void w.terminate();
          await gone;
        }
        expect(p.broken).toBeDefined();
        expect(warn.mock.calls.filter((c) => String(c[0]).includes('cannot start its workers'))).toHaveLength(1);
        const ops = [matmul(a, a, { backend }), matmul(a, a, { backend })];
        expect(await settleAll(ops, a)).toBe(2);
        const info = (await backends()).find((b) => b.name === backend)!;
        expect(info.available).toBe(true);
        expect(info.reason).toMatch(/runs on the calling thread only: the worker pool cannot start/);
        expect(warn.mock.calls.filter((c) => String(c[0]).includes('cannot start its workers'))).toHaveLength(1);
      } finally {
        warn.mockRestore();
      }
      // A new pool starts clean.
      await closePool();
      await configure({ threads: 2 });
      const again = matmul(a, a, { backend });
      expect(worst(await again.data() as Float32Array, a, a)).toBeLessThan(1e-4);
      expect((await pool()).broken).toBeUndefined();
    }, 60_000);
  }
});
