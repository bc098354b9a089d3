/**
 * The worker pool's behaviour: ops really split and agree with single-threaded results, a worker
 * killed mid-op rejects that op with WORKER_CRASHED and is replaced, aborts drop queued work,
 * many ops in flight all complete, and a program that never closes the pool still exits.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, clip, closePool, configure, conv2d, matmul, randn, relu, slice, tensor, type Tensor } from '../../src/index.js';
import { currentPool, poolStats } from '../../src/pool/control.js';
import type { NodePool } from '../../src/pool/node-pool.js';
import { partition, planParts } from '../../src/pool/partition.js';
import { settled } from '../util/settled.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The js kernels split through the pool; pin them so the default backend does not matter.
const js = { backend: 'js' } as const;

function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

describe('partition', () => {
  it('covers [0, rows) once with ranges balanced to ±1', () => {
    for (const rows of [0, 1, 2, 3, 7, 64, 1001]) {
      for (const parts of [1, 2, 3, 8]) {
        const ranges = partition(rows, parts);
        expect(ranges.length).toBe(Math.min(rows, parts));
        let next = 0;
        const sizes = ranges.map(([b, e]) => {
          expect(b).toBe(next);
          expect(e).toBeGreaterThan(b);
          next = e;
          return e - b;
        });
        expect(next).toBe(rows);
        if (sizes.length) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('keeps small work whole', () => {
    expect(planParts(100, 1e3, 2, 2e5)).toBe(1);
    expect(planParts(100, 1e6, 2, 2e5)).toBe(2);
    expect(planParts(1, 1e9, 2, 2e5)).toBe(1);
    expect(planParts(100, 1e9, 1, 2e5)).toBe(1);
    expect(planParts(100, 10, 4, 0)).toBe(4);
  });
});

describe('pool with 2 threads', () => {
  beforeAll(() => configure({ threads: 2, minFlopsPerPart: 0 }));
  afterAll(async () => {
    await closePool();
    await configure({ threads: 1, minFlopsPerPart: 200_000 });
  });

  it('splits matmul and conv2d and agrees with one thread', async () => {
    const a = randn([97, 61], { seed: 1 });
    const b = randn([61, 45], { seed: 2 });
    const x = randn([2, 3, 17, 13], { seed: 3 });
    const w = randn([5, 3, 3, 3], { seed: 4 });
    const split = [await matmul(a, b, js), await conv2d(x, w, { padding: 'same', ...js })];
    expect((await currentPool())?.size).toBe(2);
    await configure({ threads: 1 });
    const single = [await matmul(a, b, js), await conv2d(x, w, { padding: 'same', ...js })];
    await configure({ threads: 2, minFlopsPerPart: 0 });
    // The same kernel on the same rows: bit-identical.
    expect(maxDiff(split[0]!, single[0]!)).toBe(0);
    expect(maxDiff(split[1]!, single[1]!)).toBe(0);
  });

  it('configure applies to the next op at once, awaited or not', async () => {
    const a = randn([97, 61], { seed: 1 });
    const b = randn([61, 45], { seed: 2 });
    await matmul(a, b, js);
    expect((await currentPool())?.size).toBe(2);
    // Not awaited: the very next op must already see one thread (no pool), not the old count.
    // (Setting the count only after the old pool had closed let that op start a new 2-thread pool.)
    const closing = configure({ threads: 1 });
    await matmul(a, b, js);
    expect(await currentPool()).toBeUndefined();
    await closing;
    expect(await currentPool()).toBeUndefined();
    const reopening = configure({ threads: 2, minFlopsPerPart: 0 });
    await matmul(a, b, js);
    expect((await currentPool())?.size).toBe(2);
    await reopening;
    await expect(configure({ threads: 0, cpuPoolBytes: 1 })).rejects.toThrow(/threads must be an integer in \[1, 256\]; received 0/);
  });

  it('splits native kernels too: each worker runs its own addon instance', async () => {
    const native = (await backends()).find((r) => r.name === 'native')!;
    if (!native.available) {
      expect(process.env.CI, `native unavailable under CI: ${native.reason}`).toBeFalsy();
      return;
    }
    const a = randn([130, 70], { seed: 11 });
    const b = randn([70, 90], { seed: 12 });
    const x = randn([2, 4, 19, 11], { seed: 13 });
    const w = randn([6, 4, 3, 3], { seed: 14 });
    const opts = { backend: 'native' } as const;
    const split = [await matmul(a, b, opts), await conv2d(x, w, { padding: 1, ...opts }), await relu(x, opts)];
    await configure({ threads: 1 });
    const single = [await matmul(a, b, opts), await conv2d(x, w, { padding: 1, ...opts }), await relu(x, opts)];
    await configure({ threads: 2, minFlopsPerPart: 0 });
    split.forEach((t, i) => expect(maxDiff(t, single[i]!)).toBeLessThan(1e-4));
  });

  it('gives an op the pool may take shared storage at once (no copy there and back), and a small one on one thread plain storage', async () => {
    const x = randn([300], { seed: 31 });
    expect(x.storage.buffer).not.toBeInstanceOf(SharedArrayBuffer); // 1.2 KB: below the shared classes
    const expected = Array.from(x.dataSync(), (v) => Math.max(0, v));
    const pooled = await relu(x, js);
    expect(pooled.storage.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(pooled.dataSync())).toEqual(expected);
    await configure({ threads: 1 });
    const alone = await relu(x, js);
    await configure({ threads: 2, minFlopsPerPart: 0 });
    expect(alone.storage.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(alone.dataSync())).toEqual(expected);
  });

  it('sends a repeated op through the job area, with the right results as its plans change', async () => {
    const x = randn([64, 70], { seed: 21 });
    const y = randn([70, 33], { seed: 22 });
    // Small ops split only once both workers have loaded (they run whole meanwhile).
    await relu(x, js);
    for (let i = 0; i < 600 && ((await poolStats()).loaded ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const alone: Tensor[] = [];
    const pooled: Tensor[] = [];
    for (let i = 0; i < 40; i++) {
      // Plans that differ only in a number's sign or in a shape, interleaved with the same ones.
      const lo = i % 2 ? -0 : -1 / (i + 1);
      pooled.push(await clip(x, { min: lo, max: 0.5, ...js }), await matmul(i % 3 ? x : slice(x, [0, 0], [64 - i, 70]), y, js));
    }
    // Most parts of the 80 ops went through the area (the first of each plan brings a registration).
    const areaJobs = (await poolStats()).areaJobs ?? 0;
    await configure({ threads: 1 });
    for (let i = 0; i < 40; i++) {
      const lo = i % 2 ? -0 : -1 / (i + 1);
      alone.push(await clip(x, { min: lo, max: 0.5, ...js }), await matmul(i % 3 ? x : slice(x, [0, 0], [64 - i, 70]), y, js));
    }
    await configure({ threads: 2, minFlopsPerPart: 0 });
    pooled.forEach((t, i) => {
      expect(t.shape).toEqual(alone[i]!.shape);
      expect(maxDiff(t, alone[i]!)).toBe(0);
      // clip(−0 bound): the sign of a clipped zero survives too.
      if (i % 2 === 0) expect(Array.from(t.dataSync(), (v) => Object.is(v, -0))).toEqual(Array.from(alone[i]!.dataSync(), (v) => Object.is(v, -0)));
    });
    expect(areaJobs).toBeGreaterThanOrEqual(80);
  });

  it('completes many ops in flight, in any mix', async () => {
    const a = randn([64, 64], { seed: 5 });
    const ops = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? relu(a, js) : matmul(a, a, js)));
    const results = await Promise.all(ops);
    const ref = await matmul(a, a, js);
    results.forEach((r, i) => {
      if (i % 3 !== 0) expect(maxDiff(r, ref)).toBe(0);
    });
  });

  it('rejects an aborted op with AbortError and runs the rest', async () => {
    const a = randn([256, 256], { seed: 6 });
    const controller = new AbortController();
    const first = matmul(a, a, js);
    const aborted = matmul(a, a, { signal: controller.signal, ...js });
    const third = matmul(a, a, js);
    controller.abort();
    await expect(aborted.data()).rejects.toMatchObject({ name: 'AbortError' });
    const [r1, r3] = await Promise.all([first, third]);
    expect(maxDiff(r1, r3)).toBe(0);
    await expect(settled(() => matmul(a, a, { signal: AbortSignal.abort(), ...js }))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects the op of a worker killed mid-op with WORKER_CRASHED, then recovers', async () => {
    const a = randn([900, 900], { seed: 7 }); // ~1.5 GFLOP: well over 100 ms on 2 threads
    const small = randn([40, 30], { seed: 8 });
    await configure({ threads: 1 });
    const ref = await matmul(small, small.transpose(), js);
    await configure({ threads: 2, minFlopsPerPart: 0 });
    await matmul(small, small.transpose(), js);
    // Kill each worker in turn at different moments; the next op must be whole and right (a late
    // count-down from the killed op's surviving part must not leak into it).
    for (let trial = 0; trial < 4; trial++) {
      const pool = (await currentPool()) as NodePool;
      const running = matmul(a, a, js);
      await new Promise((r) => setTimeout(r, 5 + 10 * trial));
      await pool.workers[trial % 2]!.terminate();
      await expect(running.data()).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
      expect(maxDiff(await matmul(small, small.transpose(), js), ref)).toBe(0);
    }
  });

  it('rejects a signal that is not an AbortSignal', async () => {
    await expect(settled(() => relu(tensor([1]), { signal: {} as never }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('process exit', () => {
  it('a program that never calls closePool() still exits', () => {
    const script = [
      "import { configure, matmul, randn } from './src/index.ts';",
      'await configure({ threads: 2, minFlopsPerPart: 0 });',
      'const a = randn([128, 128], { seed: 1 });',
      'const c = await matmul(a, a);',
      "console.log('done', c.shape.join('x'));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('done 128x128');
    expect(run.status).toBe(0);
  });
});
