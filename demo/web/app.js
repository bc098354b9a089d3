/**
 * The demo page: loads the browser bundle with a plain ES-module import (no bundler), runs the
 * pipeline of pipeline.js on every backend this browser has (js, js on the worker pool, wasm and,
 * where the page is isolated, wasm on the pool, webgpu), and draws the results. The state
 * is also published on `window.demo` and `document.body.dataset.state` for the browser tests.
 * Query parameters: ratio=10..50, operator=gaussian|dct, iter=N (FISTA iterations).
 */
import * as L from '/dist/browser/lepton.js';
import { matmulGflops, measurementImage, reconstruct, sense, testImage } from './pipeline.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const SIZE = 128;
const image = testImage(SIZE);
const state = { runs: 0, error: undefined };
window.demo = state;
window.lepton = L;

function draw(id, pixels) {
  const canvas = $(id);
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    data.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(data, 0, 0);
}

const workerThreads = () => Math.max(2, Math.min(8, navigator.hardwareConcurrency || 2));
const cell = (v) => (v === undefined ? '<td class="na">–</td>' : `<td>${v}</td>`);

/** The backends to compare: js, js + workers (only when isolated), wasm (when its module loads), webgpu (when it runs). */
async function columns() {
  const info = await L.backends();
  const gpu = info.find((b) => b.name === 'webgpu');
  const wasm = info.find((b) => b.name === 'wasm');
  return {
    workers: crossOriginIsolated,
    wasm: wasm?.available ?? false,
    webgpu: gpu?.available ?? false,
    why: { workers: 'page not cross-origin isolated (no COOP/COEP)', wasm: wasm?.reason ?? '', webgpu: gpu?.reason ?? '' },
    info,
  };
}

async function run() {
  const ratio = Number($('ratio').value) / 100;
  const operator = $('operator').value;
  const iter = Number(params.get('iter') ?? 150);
  $('status').textContent = 'measuring…';
  $('run').disabled = true;
  const t0 = performance.now();
  try {
    const cols = state.columns ?? (state.columns = await columns());
    await L.configure({ threads: 1 });
    const p = await sense(L, image, { size: SIZE, block: 16, ratio, operator });
    draw('measurements', await measurementImage(p));
    $('measCap').textContent = `${p.m} per block, ${p.m * p.blocks} numbers (${Math.round(ratio * 100)} %)`;
    const results = {};
    $('status').textContent = 'reconstructing on js…';
    results.js = await reconstruct(L, p, image, { backend: 'js', fistaIter: iter });
    for (const name of ['ridge', 'fista', 'omp']) {
      draw(name, results.js[name].image);
      $(`${name}Cap`).textContent = `PSNR ${results.js[name].psnr.toFixed(2)} dB`;
    }
    if (cols.workers) {
      $('status').textContent = 'reconstructing on js + workers…';
      await L.configure({ threads: workerThreads(), minFlopsPerPart: 20_000 });
      results.workers = await reconstruct(L, p, image, { backend: 'js', fistaIter: iter, solvers: ['ridge', 'fista'] });
      state.pool = await L.poolStats();
    }
    if (cols.wasm) {
      $('status').textContent = 'reconstructing on wasm…';
      await L.configure({ threads: 1 });
      results.wasm = await reconstruct(L, p, image, { backend: 'wasm', fistaIter: iter, solvers: ['ridge', 'fista'] });
    }
    if (cols.webgpu) {
      $('status').textContent = 'reconstructing on webgpu…';
      results.webgpu = await reconstruct(L, p, image, { backend: 'webgpu', fistaIter: iter, solvers: ['ridge', 'fista'] });
    }
    const fmt = (r) => (r ? `${r.ms.toFixed(0)} ms · ${r.psnr.toFixed(1)} dB` : undefined);
    $('timing').tBodies[0].innerHTML = ['ridge', 'fista', 'omp']
      .map((s) => `<tr><td>${s}${s === 'omp' ? ' (host)' : ''}</td>${cell(fmt(results.js[s]))}${cell(fmt(results.workers?.[s]))}${cell(fmt(results.wasm?.[s]))}${cell(fmt(results.webgpu?.[s]))}</tr>`)
      .join('');
    // The matmul panel.
    const rows = [['js', 'js', () => L.configure({ threads: 1 })]];
    if (cols.workers) rows.push([`js + ${workerThreads()} workers`, 'js', () => L.configure({ threads: workerThreads(), minFlopsPerPart: 20_000 })]);
    if (cols.wasm) rows.push(['wasm', 'wasm', () => L.configure({ threads: 1 })]);
    if (cols.wasm && cols.workers) rows.push([`wasm + ${workerThreads()} workers`, 'wasm', () => L.configure({ threads: workerThreads(), minFlopsPerPart: 20_000 })]);
    if (cols.webgpu) rows.push(['webgpu', 'webgpu', () => L.configure({ threads: 1 })]);
    const gf = [];
    for (const [label, backend, setup] of rows) {
      await setup();
      gf.push({ label, ...(await matmulGflops(L, backend)) });
      if (label.startsWith('js +')) state.pool = await L.poolStats();
      if (label.startsWith('wasm +')) state.wasmPool = await L.poolStats();
    }
    if (!cols.workers) gf.push({ label: 'js + workers', why: cols.why.workers });
    if (!cols.wasm) gf.push({ label: 'wasm', why: cols.why.wasm });
    else if (!cols.workers) gf.push({ label: 'wasm + workers', why: cols.why.workers });
    if (!cols.webgpu) gf.push({ label: 'webgpu', why: cols.why.webgpu });
    $('gflops').tBodies[0].innerHTML = gf
      .map((g) => (g.why ? `<tr><td>${g.label}</td><td class="na" colspan="2" title="${g.why}">unavailable</td></tr>` : `<tr><td>${g.label}</td><td>${g.ms.toFixed(1)}</td><td>${g.gflops.toFixed(2)}</td></tr>`))
      .join('');
    for (const t of [p.X, p.Phi, p.PsiT, p.A, p.Y]) t.dispose();
    const strip = (r) => r && Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'object' ? { ms: v.ms, psnr: v.psnr } : v]));
    Object.assign(state, {
      runs: state.runs + 1,
      ratio,
      m: p.m,
      psnr: { ridge: results.js.ridge.psnr, fista: results.js.fista.psnr, omp: results.js.omp.psnr },
      results: { js: strip(results.js), workers: strip(results.workers), wasm: strip(results.wasm), webgpu: strip(results.webgpu) },
      gflops: gf,
      error: undefined,
    });
    $('status').textContent = `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    $('env').textContent =
      `crossOriginIsolated: ${crossOriginIsolated} · pool: ${state.pool ? `${state.pool.workers} Web Workers, ${state.pool.jobs} parts run` : 'calling thread'}` +
      `${state.wasmPool ? `, ${state.wasmPool.wasmParts} of them on wasm` : ''} · ` +
      cols.info.map((b) => `${b.name}: ${b.available ? 'available' : 'unavailable'}`).join(' · ');
    document.body.dataset.state = 'done';
  } catch (e) {
    state.error = String(e?.stack ?? e);
    $('status').textContent = `failed: ${e?.message ?? e}`;
    document.body.dataset.state = 'error';
    console.error(e);
  } finally {
    $('run').disabled = false;
  }
}

$('ratio').value = params.get('ratio') ?? '30';
$('operator').value = params.get('operator') ?? 'gaussian';
$('ratioOut').textContent = `${$('ratio').value} %`;
draw('original', image);
let pending;
$('ratio').addEventListener('input', () => ($('ratioOut').textContent = `${$('ratio').value} %`));
$('ratio').addEventListener('change', () => {
  clearTimeout(pending);
  pending = setTimeout(run, 150);
});
$('operator').addEventListener('change', run);
$('run').addEventListener('click', run);
run();
