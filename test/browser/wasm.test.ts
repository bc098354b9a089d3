/**
 * The wasm backend in headless Chromium, beside js and webgpu, on a page served with and without
 * COOP/COEP: the bundle fetches dist/wasm/ lazily on the first probe, the isolated page runs the
 * shared-memory build (the one pool workers can share), the plain page the single-thread build,
 * and matmul, conv2d and ridge give the reference's answers in both. On the isolated page the
 * same ops split across two Web Workers run their parts on the workers' instances of the shared
 * module (counted by the workers); the plain page has no workers and runs them here. Without
 * Chromium the tests skip and say why; under CI=true they fail instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript without declarations.
import { buildWasm } from '../../scripts/build-wasm.mjs';
import { refConv2d } from '../reference/conv2d.js';
import { refMatmul } from '../reference/matmul.js';
import type { Ref } from '../reference/nd.js';
import { refRidge } from '../reference/ridge.js';
import { CI, launch, missingBrowser, openPage, ROOT, startServer, type Server, type Session } from './harness.js';

const missing = missingBrowser() ?? (buildWasm({ quiet: true }).ok ? undefined : 'the wasm module could not be built here (no clang)');
if (missing && CI) throw new Error(`browser wasm tests: ${missing}, and CI=true requires them to run`);
if (missing) console.warn(`browser wasm tests skipped: ${missing}`);

function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}
const ref = (data: number[], shape: number[]): Ref => ({ data: Float64Array.from(data), shape });

// Off-tile sizes (the micro-kernel is 6×8): edges in every dimension.
const CASES = {
  matmul: { a: values(29 * 71, 11), aShape: [29, 71], b: values(71 * 19, 12), bShape: [71, 19] },
  conv2d: { x: values(2 * 3 * 13 * 11, 13), xShape: [2, 3, 13, 11], w: values(5 * 3 * 3 * 3, 14), wShape: [5, 3, 3, 3], bias: values(5, 15) },
  ridge: { a: values(31 * 13, 16), aShape: [31, 13], y: values(31 * 2, 17), yShape: [31, 2], lambda: 0.5 },
};
const EXPECTED = {
  matmul: refMatmul(ref(CASES.matmul.a, CASES.matmul.aShape), ref(CASES.matmul.b, CASES.matmul.bShape)),
  conv2d: refConv2d(ref(CASES.conv2d.x, CASES.conv2d.xShape), ref(CASES.conv2d.w, CASES.conv2d.wShape), {
    padding: 'same', bias: CASES.conv2d.bias, activation: 'relu',
  }),
  ridge: refRidge(ref(CASES.ridge.a, CASES.ridge.aShape), ref(CASES.ridge.y, CASES.ridge.yShape), CASES.ridge.lambda),
};

function relErr(got: number[], want: Ref): number {
  expect(got.length).toBe(want.data.length);
  let worst = 0;
  let scale = 0;
  want.data.forEach((w, i) => {
    worst = Math.max(worst, Math.abs(got[i]! - w));
    scale = Math.max(scale, Math.abs(w));
  });
  return worst / (scale || 1);
}

describe.skipIf(missing !== undefined)('wasm in Chromium', () => {
  let session: Session;
  const servers: Record<'isolated' | 'plain', Server | undefined> = { isolated: undefined, plain: undefined };

  beforeAll(async () => {
    const { buildBrowser } = (await import(join(ROOT, 'scripts', 'build-browser.mjs'))) as { buildBrowser(): Promise<unknown> };
    await buildBrowser();
    expect(existsSync(join(ROOT, 'dist', 'wasm', 'lepton.wasm'))).toBe(true);
    session = await launch();
    servers.isolated = await startServer(true);
    servers.plain = await startServer(false);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await servers.isolated?.close();
    await servers.plain?.close();
  });

  describe.each([
    ['isolated', true],
    ['plain', false],
  ] as const)('served %s (crossOriginIsolated: %s)', (which, isolated) => {
    it('the wasm backend is available and matmul, conv2d, ridge match the reference', async () => {
      const { page, errors } = await openPage(session, `${servers[which]!.url}demo/web/bare.html`);
      await page.waitForFunction(() => document.body.dataset['state'] === 'ready', undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
      const run = await page.evaluate(async (c) => {
        type Lib = typeof import('../../src/browser.js');
        const L = (window as unknown as { lepton: Lib }).lepton;
        const info = await L.backends();
        const wasm = info.find((b) => b.name === 'wasm')!;
        if (!wasm.available) return { wasm, fetched: [] as string[] };
        const backend = 'wasm' as const;
        const put = (data: number[], shape: number[]) => L.tensor(Float32Array.from(data), shape);
        const read = async (t: ReturnType<typeof put>) => ({ shape: [...t.shape], data: Array.from(await t.data()) });
        const mm = await L.matmul(put(c.matmul.a, c.matmul.aShape), put(c.matmul.b, c.matmul.bShape), { backend });
        const cv = await L.conv2d(put(c.conv2d.x, c.conv2d.xShape), put(c.conv2d.w, c.conv2d.wShape), {
          padding: 'same', bias: put(c.conv2d.bias, [c.conv2d.bias.length]), activation: 'relu', backend,
        });
        const rg = await L.ridge(put(c.ridge.a, c.ridge.aShape), put(c.ridge.y, c.ridge.yShape), { lambda: c.ridge.lambda, backend });
        const fetched = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm'));
        return { wasm, fetched, matmul: await read(mm), conv2d: await read(cv), ridge: await read(rg) };
      }, CASES);
      expect(run.wasm.reason, 'the wasm backend\'s reason').toBe('');
      expect(run.wasm.available).toBe(true);
      // The isolated page loads the shared-memory build, the plain page the single-thread one; Chromium
      // runs relaxed SIMD, so both are the relaxed builds.
      expect(run.fetched.map((u) => u.replace(/^.*\//, ''))).toEqual([isolated ? 'lepton-mt-relaxed.wasm' : 'lepton-relaxed.wasm']);
      for (const op of ['matmul', 'conv2d', 'ridge'] as const) {
        const got = (run as unknown as Record<string, { shape: number[]; data: number[] }>)[op]!;
        expect(got.shape, op).toEqual(EXPECTED[op].shape);
        expect(relErr(got.data, EXPECTED[op]), op).toBeLessThan(op === 'ridge' ? 1e-4 : 2e-6 * 64);
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    it(isolated ? 'split ops run their parts on wasm in the Web Workers' : 'no workers: split ops run on the calling thread', async () => {
      const { page, errors } = await openPage(session, `${servers[which]!.url}demo/web/bare.html`);
      await page.waitForFunction(() => document.body.dataset['state'] === 'ready', undefined, { timeout: 30_000 });
      const run = await page.evaluate(async (c) => {
        type Lib = typeof import('../../src/browser.js');
        const L = (window as unknown as { lepton: Lib }).lepton;
        await L.setBackend('wasm');
        await L.configure({ threads: 2, minFlopsPerPart: 0 });
        const put = (data: number[], shape: number[]) => L.tensor(Float32Array.from(data), shape);
        const read = async (t: ReturnType<typeof put>) => ({ shape: [...t.shape], data: Array.from(await t.data()) });
        // The first split op starts the workers; wait until both have loaded their script.
        await L.matmul(put(c.matmul.a, c.matmul.aShape), put(c.matmul.b, c.matmul.bShape)).data();
        for (let i = 0; i < 300 && ((await L.poolStats()).loaded ?? 0) < 2 && (await L.poolStats()).workers > 0; i++) await new Promise((r) => setTimeout(r, 50));
        const before = await L.poolStats();
        const mm = L.matmul(put(c.matmul.a, c.matmul.aShape), put(c.matmul.b, c.matmul.bShape));
        const cv = L.conv2d(put(c.conv2d.x, c.conv2d.xShape), put(c.conv2d.w, c.conv2d.wShape), {
          padding: 'same', bias: put(c.conv2d.bias, [c.conv2d.bias.length]), activation: 'relu',
        });
        const out = { matmul: await read(mm), conv2d: await read(cv) };
        const after = await L.poolStats();
        await L.closePool();
        return { before, after, ...out };
      }, CASES);
      if (isolated) {
        expect(run.after.workers).toBe(2);
        // Both ops split in two, every part on a worker (a page's main thread never joins), on wasm.
        expect((run.after.wasmParts ?? 0) - (run.before.wasmParts ?? 0)).toBe(4);
        expect(run.after.wasmFallbacks).toBe(0);
      } else {
        expect(run.after.workers).toBe(0);
      }
      for (const op of ['matmul', 'conv2d'] as const) {
        expect(run[op].shape, op).toEqual(EXPECTED[op].shape);
        expect(relErr(run[op].data, EXPECTED[op]), op).toBeLessThan(2e-6 * 64);
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  });
});
