/**
 * The wasm GEMM in headless Chromium on a cross-origin-isolated page (bench/browser/wasm.html):
 * float32 n = 256, 512, 1024 on 1 and on 2 threads, lepton's wasm backend beside tfjs-backend-wasm
 * (its threaded SIMD build, setThreadsCount) and jax-js's wasm device (its worker pool sized by
 * navigator.hardwareConcurrency), all in the same page; and the same lepton GEMM at n = 512 in Node
 * in the same run, for the Chromium / Node ratio.
 *
 *   npm run build && node bench/wasm-browser.bench.mjs [--rounds 3] [--sizes 256,512,1024]
 *
 * Needs /usr/bin/chromium (or $LEPTON_CHROMIUM) and the peers in bench/peers (node
 * bench/peers/install.mjs). Reported: best, median and slowest call as GFLOP/s, ratios of the
 * medians to the peers. Results go to bench/results/wasm-browser-<date>.json.
 */
import os from 'node:os';
import * as lib from '../dist/index.js';
import { serve } from '../demo/web/serve.mjs';
import { uniform as random } from './lib/uniform.mjs';
import { settledOf } from './lib/suite.mjs';
import { table, machineInfo, writeResults } from './harness.mjs';

const argv = process.argv.slice(2);
const arg = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const rounds = Number(arg('--rounds', 3));
const sizes = arg('--sizes', '256,512,1024');
const CHROMIUM = process.env.LEPTON_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** lepton's wasm GEMM at n in Node on `threads` threads: GFLOP/s of single calls. */
async function nodeGemm(n, threads) {
  await lib.configure({ threads });
  await lib.matmul(lib.zeros([8, 8]), lib.zeros([8, 8]), { backend: 'wasm' }).data();
  const a = lib.tensor(random(n * n, 1), [n, n]);
  const b = lib.tensor(random(n * n, 2), [n, n]);
  const once = async () => {
    const t0 = performance.now();
    const c = lib.matmul(a, b, { backend: 'wasm' });
    await settledOf(c);
    c.dispose();
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) await once();
  const reps = Math.max(3, Math.min(30, Math.round(1.5e9 / (2 * n ** 3))));
  const g = [];
  for (let i = 0; i < rounds * reps; i++) g.push((2 * n ** 3) / (await once()) / 1e6);
  g.sort((x, y) => x - y);
  a.dispose();
  b.dispose();
  await lib.configure({ threads: 1 });
  return { n, threads, contender: 'lepton wasm (Node)', best: g.at(-1), median: g[Math.floor(g.length / 2)], min: g[0], calls: g.length };
}

await lib.backends(); // loads the wasm module
const { chromium } = await import('playwright-core');
const server = await serve({ port: 0, isolation: true, extra: ['bench/browser/', 'bench/lib/uniform.mjs', 'bench/peers/node_modules/'] });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
const results = [];
const envs = [];
const load = [];
try {
  for (const threads of [1, 2]) {
    load.push(os.loadavg()[0]);
    results.push(await nodeGemm(512, threads));
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}bench/browser/wasm.html?threads=${threads}&sizes=${sizes}&rounds=${rounds}`);
    await page.waitForFunction(() => document.body.dataset.state, undefined, { timeout: 550_000 });
    const r = await page.evaluate(() => window.bench);
    if (r.error) throw new Error(`the bench page failed (${threads} threads): ${r.error}`);
    if (!r.env.crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated');
    envs.push({ threads, ...r.env, pool: r.pool, errors });
    results.push(...r.results.map((x) => ({ ...x, contender: `${x.contender} (Chromium)` })));
    results.push(await nodeGemm(512, threads));
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
load.push(os.loadavg()[0]);

const find = (n, t, name) => results.find((r) => r.n === n && r.threads === t && r.contender === name);
const rows = results.map((r) => {
  const tfr = find(r.n, r.threads, 'tfjs-wasm (Chromium)');
  const jr = find(r.n, r.threads, 'jax-js wasm (Chromium)');
  return [String(r.n), String(r.threads), r.contender, r.best.toFixed(1), r.median.toFixed(1), r.min.toFixed(1), String(r.calls),
    tfr ? `${(r.median / tfr.median).toFixed(2)}×` : '—', jr ? `${(r.median / jr.median).toFixed(2)}×` : '—'];
});
console.log(`float32 GEMM on wasm, headless Chromium (isolated page) and Node; GFLOP/s of single calls (best, median, min); 1-min load average ${load.map((v) => v.toFixed(2)).join(' → ')}`);
console.log(table([['n', 'right'], ['threads', 'right'], ['contender', 'left'], ['best', 'right'], ['median', 'right'], ['min', 'right'], ['calls', 'right'],
  ['vs tfjs-wasm (median)', 'right'], ['vs jax-js (median)', 'right']], rows));
for (const t of [1, 2]) {
  const c = find(512, t, 'lepton wasm (Chromium)');
  const nodes = results.filter((r) => r.n === 512 && r.threads === t && r.contender === 'lepton wasm (Node)');
  if (c && nodes.length) {
    const nodeMedian = nodes.map((x) => x.median).sort((x, y) => x - y)[Math.floor(nodes.length / 2)];
    console.log(`n = 512, ${t} thread${t > 1 ? 's' : ''}: Chromium ${c.median.toFixed(1)} / Node ${nodes.map((x) => x.median.toFixed(1)).join(', ')} GFLOP/s (medians) = ${(c.median / nodeMedian).toFixed(2)}`);
  }
}
console.log(`Chromium ${envs[0]?.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? '?'}, tfjs ${envs[0]?.tfjsVersion}, tfjs threads ${envs.map((e) => e.tfjsThreads).join('/')}; lepton pool ${envs.map((e) => JSON.stringify(e.pool)).join(' ')}`);
const path = writeResults('wasm-browser', { machine: machineInfo(), loadavg: load, rounds, envs, results });
console.log(`wrote ${path}`);
