/**
 * lepton-compute inside apps that bundlers build, in headless Chromium: the package is installed
 * the way npm installs it (package.json and dist/ copied into the app's node_modules, not linked,
 * so Vite pre-bundles it as it would a real dependency), and the app runs a matmul big enough to
 * split across two Web Workers. Each app must get the reference product and `poolStats()` must
 * show parts run on the workers; where the worker script cannot load, the page must print the
 * one warning that names the fix (and still compute the right answer on the calling thread).
 *   - Vite dev server, with optimizeDeps.exclude (docs/bundlers.md) and without it (the warning);
 *   - Vite build (Vite emits lepton-worker.js as an asset from `new URL(…, import.meta.url)`);
 *   - esbuild bundle with lepton-worker.js copied beside it, and without (the warning);
 *   - the README's no-bundler HTML block, as written, with dist/browser/ copied to ./lepton/.
 * Without Chromium the tests skip and say why; under CI=true they fail instead.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refMatmul } from '../reference/matmul.js';
import { CI, launch, missingBrowser, openPage, ROOT, type Session } from './harness.js';
import { serveDir, ISOLATION_HEADERS } from './static.js';

const missing = missingBrowser();
if (missing && CI) throw new Error(`browser tests: ${missing}, and CI=true requires them to run`);

/** 160×160 matmul: 8.2 Mflop, over the browser pool's 1 Mflop-per-part threshold for 2 parts. */
const N = 160;
const A = Array.from({ length: N * N }, (_, i) => ((Math.floor(i / N) * 31 + (i % N) * 17) % 7) - 3);
const B = Array.from({ length: N * N }, (_, i) => ((Math.floor(i / N) * 13 + (i % N) * 5) % 5) - 2);
const EXPECTED = Array.from(refMatmul({ data: Float64Array.from(A), shape: [N, N] }, { data: Float64Array.from(B), shape: [N, N] }).data);

// The app: the same code every bundler gets. Integer inputs keep the product exact in float32.
const MAIN = `
import { configure, matmul, poolStats, tensor } from 'lepton-compute';
const N = ${N};
const A = Array.from({ length: N * N }, (_, i) => ((Math.floor(i / N) * 31 + (i % N) * 17) % 7) - 3);
const B = Array.from({ length: N * N }, (_, i) => ((Math.floor(i / N) * 13 + (i % N) * 5) % 5) - 2);
window.run = async () => {
  await configure({ threads: 2 });
  const c = await matmul(tensor(A, [N, N]), tensor(B, [N, N]));
  const data = Array.from(await c.data());
  return { data, stats: await poolStats(), isolated: crossOriginIsolated };
};
`;
const HTML = '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n';

interface RunResult {
  data: number[];
  stats: { workers: number; loaded?: number; jobs?: number };
  isolated: boolean;
}

describe.skipIf(missing !== undefined)('bundled apps in Chromium', () => {
  let session: Session;
  let work: string;

  /** A new app folder with lepton-compute installed as npm would (copied, not linked). */
  function makeApp(name: string): string {
    const app = join(work, name);
    const pkg = join(app, 'node_modules', 'lepton-compute');
    mkdirSync(pkg, { recursive: true });
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(ROOT, 'dist', 'browser'), join(pkg, 'dist', 'browser'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
    writeFileSync(join(app, 'index.html'), HTML);
    writeFileSync(join(app, 'main.js'), MAIN);
    return app;
  }

  /** Opens the app, runs the matmul, returns its result and the warnings the page printed. */
  async function runApp(url: string): Promise<{ result: RunResult; warnings: string[]; errors: string[] }> {
    const { page, errors } = await openPage(session, url);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    try {
      await page.waitForFunction(() => typeof (window as { run?: unknown }).run === 'function', undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (window as unknown as { run(): Promise<RunResult> }).run());
      // A worker's load error arrives as an event: give it a moment to be reported.
      await page.waitForTimeout(200);
      return { result, warnings, errors };
    } finally {
      await page.close();
    }
  }

  function expectSplit({ result, warnings }: { result: RunResult; warnings: string[] }): void {
    expect(result.isolated).toBe(true);
    expect(result.data).toEqual(EXPECTED);
    expect(warnings).toEqual([]);
    expect(result.stats.workers).toBe(2);
    expect(result.stats.loaded).toBe(2);
    expect(result.stats.jobs).toBeGreaterThanOrEqual(2);
  }

  function expectWarned({ result, warnings }: { result: RunResult; warnings: string[] }, fix: RegExp): void {
    // Still the right answer, on the calling thread, and one line saying why and what to do.
    expect(result.data).toEqual(EXPECTED);
    expect(result.stats.jobs ?? 0).toBe(0);
    const ours = warnings.filter((w) => w.startsWith('lepton-compute:'));
    expect(ours.length, warnings.join('\n')).toBe(1);
    expect(ours[0]).toMatch(fix);
  }

  beforeAll(async () => {
    const { buildBrowser } = (await import(join(ROOT, 'scripts', 'build-browser.mjs'))) as { buildBrowser(): Promise<unknown> };
    await buildBrowser();
    work = mkdtempSync(join(tmpdir(), 'lepton-bundlers-'));
    session = await launch();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // Vite 8 rewrites the worker's new URL() in pre-bundled dependencies to the package's own file;
  // Vite 7 and earlier need optimizeDeps.exclude (docs/bundlers.md). Both configurations must work.
  describe.each([
    ['with optimizeDeps.exclude', true],
    ['with its defaults', false],
  ] as const)('Vite dev server %s', (_label, exclude) => {
    it('runs matmul split on 2 Web Workers', async () => {
      const { createServer } = await import('vite');
      const app = makeApp(`vite-dev-${exclude ? 'exclude' : 'default'}`);
      const server = await createServer({
        root: app,
        configFile: false,
        logLevel: 'silent',
        clearScreen: false,
        server: { host: '127.0.0.1', port: 0, strictPort: false, headers: ISOLATION_HEADERS },
        ...(exclude ? { optimizeDeps: { exclude: ['lepton-compute'] } } : {}),
      });
      try {
        await server.listen();
        const url = server.resolvedUrls!.local[0]!;
        expectSplit(await runApp(url));
      } finally {
        await server.close();
      }
    });
  });

  it('Vite build: runs matmul split on 2 Web Workers (the worker is emitted as an asset)', async () => {
    const { build } = await import('vite');
    const app = makeApp('vite-build');
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: join(app, 'out'), emptyOutDir: true } });
    const server = await serveDir(join(app, 'out'));
    try {
      expectSplit(await runApp(server.url));
    } finally {
      await server.close();
    }
  });

  describe.each([
    ['with lepton-worker.js copied beside the bundle', true],
    ['without the worker copied', false],
  ] as const)('esbuild bundle %s', (_label, copy) => {
    it(copy ? 'runs matmul split on 2 Web Workers' : 'warns once with the fix and computes on the calling thread', async () => {
      const { build } = await import('esbuild');
      const app = makeApp(`esbuild-${copy ? 'copy' : 'plain'}`);
      const out = join(app, 'out');
      await build({ absWorkingDir: app, entryPoints: ['main.js'], bundle: true, format: 'esm', platform: 'browser', outdir: out, logLevel: 'silent' });
      writeFileSync(join(out, 'index.html'), HTML);
      if (copy) copyFileSync(join(app, 'node_modules', 'lepton-compute', 'dist', 'browser', 'lepton-worker.js'), join(out, 'lepton-worker.js'));
      const server = await serveDir(out);
      try {
        const run = await runApp(server.url);
        if (copy) expectSplit(run);
        else expectWarned(run, /worker pool is off, ops run on the calling thread: its script .*lepton-worker\.js did not load .*copy node_modules\/lepton-compute\/dist\/browser\/lepton-worker\.js beside your bundle/);
      } finally {
        await server.close();
      }
    });
  });

  it("the README's HTML block runs as written: backends() lists js, wasm, webgpu and native (unavailable), matmul runs", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /## Browser[\s\S]*?```html\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has an html block under Browser').toBeTruthy();
    const out = join(work, 'readme-html');
    cpSync(join(ROOT, 'dist', 'browser'), join(out, 'lepton'), { recursive: true });
    // The wasm module beside it, where the bundle fetches it (../wasm/), as the README says.
    cpSync(join(ROOT, 'dist', 'wasm'), join(out, 'wasm'), { recursive: true });
    // One line added at the end of the module so the test knows it finished.
    writeFileSync(join(out, 'index.html'), `<!doctype html><link rel="icon" href="data:,"><body>\n${block!.replace('</script>', '  window.done = [...c.shape];\n</script>')}`);
    const server = await serveDir(out);
    try {
      const { page, errors } = await openPage(session, server.url);
      const logged: unknown[] = [];
      // A message the first load logs may be read while the reload below destroys its page:
      // that read fails and the message is dropped; the reloaded page logs the same list again.
      page.on('console', (m) => {
        if (m.type() !== 'log') return;
        m.args()[0]?.jsonValue().then((v) => logged.push(v), () => undefined);
      });
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => (window as { done?: unknown }).done !== undefined, undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => (window as unknown as { done: number[] }).done)).toEqual([256, 256]);
      await expect.poll(() => logged.length).toBeGreaterThan(0);
      const list = logged.at(-1) as { name: string; available: boolean; reason: string }[];
      expect(list.map((b) => b.name)).toEqual(['js', 'native', 'wasm', 'webgpu']);
      expect(list.find((b) => b.name === 'native')!.available).toBe(false);
      expect(list.find((b) => b.name === 'js')!.available).toBe(true);
      expect(errors, errors.join('\n')).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('a page without the isolation headers warns once that threads need them', async () => {
    const { build } = await import('esbuild');
    const app = makeApp('esbuild-plain-headers');
    const out = join(app, 'out');
    await build({ absWorkingDir: app, entryPoints: ['main.js'], bundle: true, format: 'esm', platform: 'browser', outdir: out, logLevel: 'silent' });
    writeFileSync(join(out, 'index.html'), HTML);
    copyFileSync(join(app, 'node_modules', 'lepton-compute', 'dist', 'browser', 'lepton-worker.js'), join(out, 'lepton-worker.js'));
    const server = await serveDir(out, { isolation: false });
    try {
      const run = await runApp(server.url);
      expect(run.result.isolated).toBe(false);
      expectWarned(run, /configure\(\{ threads: 2 \}\) asks for Web Workers, but this page is not cross-origin isolated .*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      await server.close();
    }
  });
});
