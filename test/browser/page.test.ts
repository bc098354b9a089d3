/**
 * The browser bundle and the demo page in headless Chromium (playwright-core, /usr/bin/chromium,
 * WebGPU on SwiftShader), served with and without the COOP/COEP headers:
 *   - the bundle loads with no console errors;
 *   - matmul, conv2d and ridge give the reference kernels' answers (computed here, in Node, by
 *     test/reference/) on js and on webgpu;
 *   - the pool runs ops on Web Workers when the page is cross-origin isolated, and on the calling
 *     thread when it is not;
 *   - the demo reconstructs the test image above DEMO_MIN_PSNR on every column (js, js + workers,
 *     wasm, webgpu), its wasm + workers row runs parts on wasm, and its screenshot is written to
 *     test-artifacts/demo.png.
 * Without Chromium the tests skip and say why; under CI=true they fail instead.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refConv2d } from '../reference/conv2d.js';
import { refMatmul } from '../reference/matmul.js';
import type { Ref } from '../reference/nd.js';
import { refRidge } from '../reference/ridge.js';
import { CI, launch, missingBrowser, openPage, ROOT, startServer, type Server, type Session } from './harness.js';

/** PSNR (dB) every solver must reach on the demo's 128×128 image at a 30 % sampling ratio. */
export const DEMO_MIN_PSNR = 22;

const missing = missingBrowser();
if (missing && CI) throw new Error(`browser tests: ${missing}, and CI=true requires them to run`);
if (missing) console.warn(`browser tests skipped: ${missing}`);

/** Seeded uniform values in [-1, 1) (a plain LCG: the inputs only need to be reproducible). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}
const ref = (data: number[], shape: number[]): Ref => ({ data: Float64Array.from(data), shape });

const CASES = {
  matmul: { a: values(24 * 40, 1), aShape: [24, 40], b: values(40 * 16, 2), bShape: [40, 16] },
  conv2d: { x: values(2 * 3 * 12 * 12, 3), xShape: [2, 3, 12, 12], w: values(4 * 3 * 3 * 3, 4), wShape: [4, 3, 3, 3], bias: values(4, 5) },
  ridge: { a: values(30 * 12, 6), aShape: [30, 12], y: values(30 * 2, 7), yShape: [30, 2], lambda: 0.5 },
};
const EXPECTED = {
  matmul: refMatmul(ref(CASES.matmul.a, CASES.matmul.aShape), ref(CASES.matmul.b, CASES.matmul.bShape)),
  conv2d: refConv2d(ref(CASES.conv2d.x, CASES.conv2d.xShape), ref(CASES.conv2d.w, CASES.conv2d.wShape), {
    padding: 'same',
    bias: CASES.conv2d.bias,
    activation: 'relu',
  }),
  ridge: refRidge(ref(CASES.ridge.a, CASES.ridge.aShape), ref(CASES.ridge.y, CASES.ridge.yShape), CASES.ridge.lambda),
};

/** Largest |got − want| over the largest |want| (float32 results). */
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

interface OpResults {
  matmul: { shape: number[]; data: number[] };
  conv2d: { shape: number[]; data: number[] };
  ridge: { shape: number[]; data: number[] };
}

describe.skipIf(missing !== undefined)('in Chromium', () => {
  let session: Session;
  const servers: Record<'isolated' | 'plain', Server | undefined> = { isolated: undefined, plain: undefined };

  beforeAll(async () => {
    const { buildBrowser } = (await import(join(ROOT, 'scripts', 'build-browser.mjs'))) as { buildBrowser(): Promise<unknown> };
    await buildBrowser();
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
    it('loads the bundle with no console errors; matmul, conv2d and ridge match the reference on js and webgpu', async () => {
      const { page, errors } = await openPage(session, `${servers[which]!.url}demo/web/bare.html`);
      await page.waitForFunction(() => document.body.dataset['state'] === 'ready', undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
      const run = await page.evaluate(async (cases) => {
        type Lib = typeof import('../../src/browser.js');
        const L = (window as unknown as { lepton: Lib }).lepton;
        const info = await L.backends();
        const out: Record<string, OpResults> = {};
        for (const backend of ['js', 'webgpu'] as const) {
          if (!info.find((b) => b.name === backend)?.available) continue;
          const put = async (data: number[], shape: number[]) => {
            const t = L.tensor(Float32Array.from(data), shape);
            return backend === 'webgpu' ? t.to('webgpu') : t;
          };
          const read = async (t: Awaited<ReturnType<typeof put>>) => {
            const cpu = t.device === 'webgpu' ? await t.to('cpu') : t;
            return { shape: [...cpu.shape], data: Array.from(await cpu.data()) };
          };
          const c = cases;
          const mm = await L.matmul(await put(c.matmul.a, c.matmul.aShape), await put(c.matmul.b, c.matmul.bShape), { backend });
          const cv = await L.conv2d(await put(c.conv2d.x, c.conv2d.xShape), await put(c.conv2d.w, c.conv2d.wShape), {
            padding: 'same',
            bias: await put(c.conv2d.bias, [c.conv2d.bias.length]),
            activation: 'relu',
            backend,
          });
          const rg = await L.ridge(await put(c.ridge.a, c.ridge.aShape), await put(c.ridge.y, c.ridge.yShape), { lambda: c.ridge.lambda, backend });
          out[backend] = { matmul: await read(mm), conv2d: await read(cv), ridge: await read(rg) };
        }
        return { info: info.map((b) => ({ name: b.name, available: b.available, reason: b.reason })), out };
      }, CASES);
      const webgpu = run.info.find((b) => b.name === 'webgpu')!;
      expect(webgpu.available, `webgpu in Chromium: ${webgpu.reason}`).toBe(true);
      expect(run.info.find((b) => b.name === 'native')!.available).toBe(false);
      for (const backend of ['js', 'webgpu']) {
        const got = run.out[backend]!;
        for (const op of ['matmul', 'conv2d', 'ridge'] as const) {
          expect(got[op].shape, `${op} on ${backend}`).toEqual(EXPECTED[op].shape);
          expect(relErr(got[op].data, EXPECTED[op]), `${op} on ${backend}`).toBeLessThan(op === 'ridge' ? 1e-4 : 2e-6 * 64);
        }
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    it(isolated ? 'splits ops across Web Workers' : 'runs ops on the calling thread', async () => {
      const { page, errors } = await openPage(session, `${servers[which]!.url}demo/web/bare.html`);
      await page.waitForFunction(() => document.body.dataset['state'] === 'ready', undefined, { timeout: 30_000 });
      const r = await page.evaluate(async (c) => {
        type Lib = typeof import('../../src/browser.js');
        const L = (window as unknown as { lepton: Lib }).lepton;
        await L.configure({ threads: 2, minFlopsPerPart: 0 });
        const a = L.tensor(Float32Array.from(c.a), c.aShape);
        const b = L.tensor(Float32Array.from(c.b), c.bShape);
        const out = await L.matmul(a, b, { backend: 'js' });
        const data = Array.from(await out.data()); // split ops return a pending tensor: the values first
        const stats = await L.poolStats();
        // Storage from 16 KiB up is shared where the page may share memory (smaller tensors are copied
        // into shared memory when an op splits).
        const shared = typeof SharedArrayBuffer === 'function' && L.zeros([64, 64]).storage.buffer instanceof SharedArrayBuffer;
        await L.closePool();
        return { stats, shared, data };
      }, CASES.matmul);
      expect(relErr(r.data, EXPECTED.matmul)).toBeLessThan(1e-5);
      if (isolated) {
        expect(r.shared).toBe(true);
        expect(r.stats.workers).toBe(2);
        expect(r.stats.jobs, 'parts run on the workers (their own counter)').toBe(2);
      } else {
        expect(r.shared).toBe(false);
        expect(r.stats).toEqual({ workers: 0 });
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  });

  it(`the demo reconstructs the image above ${DEMO_MIN_PSNR} dB and shows it (test-artifacts/demo.png)`, async () => {
    const { page, errors } = await openPage(session, `${servers.isolated!.url}?ratio=30`);
    await page.waitForFunction(() => document.body.dataset['state'], undefined, { timeout: 150_000 });
    const demo = await page.evaluate(() => {
      const d = (window as unknown as { demo: Record<string, unknown> }).demo;
      return { error: d['error'], psnr: d['psnr'], pool: d['pool'], wasmPool: d['wasmPool'], results: d['results'], gflops: d['gflops'] } as {
        error?: string;
        psnr: Record<'ridge' | 'fista' | 'omp', number>;
        pool?: { workers: number; jobs: number };
        wasmPool?: { workers: number; jobs: number; wasmParts: number; wasmFallbacks: number };
        results: Record<'js' | 'workers' | 'wasm' | 'webgpu', Record<string, { ms: number; psnr: number }> | undefined>;
        gflops: Array<{ label: string; gflops?: number }>;
      };
    });
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'demo.png'), fullPage: true });
    expect(demo.error).toBeUndefined();
    console.log(`demo PSNR (dB): ${JSON.stringify(demo.psnr)}; fista ms js/workers/wasm/webgpu: ${['js', 'workers', 'wasm', 'webgpu'].map((b) => demo.results[b as 'js']?.['fista']?.ms.toFixed(0)).join('/')}`);
    for (const solver of ['ridge', 'fista', 'omp'] as const) expect(demo.psnr[solver], solver).toBeGreaterThan(DEMO_MIN_PSNR);
    // Every backend column was filled, and the workers really ran parts.
    expect(demo.results.workers?.['fista']?.psnr).toBeGreaterThan(DEMO_MIN_PSNR);
    expect(demo.results.wasm?.['fista']?.psnr).toBeGreaterThan(DEMO_MIN_PSNR);
    expect(demo.results.webgpu?.['fista']?.psnr).toBeGreaterThan(DEMO_MIN_PSNR);
    expect(demo.pool?.workers).toBeGreaterThanOrEqual(2);
    expect(demo.pool?.jobs).toBeGreaterThan(0);
    // The wasm + workers row split its products into parts the workers ran on wasm.
    expect(demo.wasmPool?.wasmParts).toBeGreaterThan(0);
    expect(demo.wasmPool?.wasmFallbacks).toBe(0);
    expect(demo.gflops.map((g) => g.label)).toEqual([
      'js', expect.stringMatching(/^js \+ \d+ workers$/), 'wasm', expect.stringMatching(/^wasm \+ \d+ workers$/), 'webgpu',
    ]);
    expect(await page.locator('#timing thead th').allTextContents()).toEqual(['solver', 'js', 'js + workers', 'wasm', 'webgpu']);
    expect(await page.locator('#timing tbody tr').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
