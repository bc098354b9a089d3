/**
 * The leak run (issue 18): 20 000 small and 2 000 large ops, each output disposed, per backend
 * (js, native, wasm, webgpu) and on the pool (js and native, 2 threads, every op split), showing
 * that the memory() counters come back to where they started and RSS stays flat.
 *
 *   npm run build && node --expose-gc bench/leak.mjs [--quick] [--only=js,webgpu,…] [--passes=N]
 *
 * Small ops: add, relu, matmul 8×8 and sum on 64-element tensors (plain buffers, < 16 KiB).
 * Large ops: add and relu of 512×512 f32 (1 MiB shared buffers), matmul 128×128, conv2d
 * 1×8×32×32 with 16 3×3 filters. Each backend first runs one pass of the same mix and counts as
 * a warm-up, then the counted passes; RSS is read after a GC before and after each. The warm-up is
 * a whole pass because two things settle only at full size, and neither is a leak: the CPU memory
 * pool's free lists fill to the most outputs in flight at once (on the pool, up to 64 queued ops:
 * ~28 MiB of pooled 1 MiB buffers, bounded by configure({ cpuPoolBytes })), and V8 sizes its heap
 * to the allocation rate. `--passes=N` reports RSS and V8's heap after each pass, to tell growth
 * from a plateau. `--quick` runs a tenth of each count (a smoke run, not the figures).
 */
import * as L from '../dist/index.js';
import { machineInfo, table, writeResults } from './harness.mjs';

const quick = process.argv.includes('--quick');
/** `--only=js,native on the pool`: run only these cases (labels as in the table). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
/** `--passes=N`: repeat the counted run N times and report RSS after each (growth vs. a plateau). */
const passes = Number(process.argv.find((a) => a.startsWith('--passes='))?.slice(9) ?? 1);
const SMALL = quick ? 2_000 : 20_000;
const LARGE = quick ? 200 : 2_000;
const gc = globalThis.gc ?? (() => undefined);
if (!globalThis.gc) console.warn('leak.mjs: run with node --expose-gc for RSS read after a collection');

const infos = await L.backends();
const ok = (name) => infos.find((b) => b.name === name)?.available === true;

/**
 * Waits until the counters have not moved for half a second (at most 20 s), collecting garbage,
 * so that RSS and the counters are read at rest: outputs disposed while their op was still queued
 * on the pool are given back only when that op has run, which can be after the last output read.
 */
async function rest() {
  let last = '';
  let still = 0;
  for (let i = 0; i < 1000 && still < 25; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
    const now = JSON.stringify(counters());
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

function counters() {
  const m = L.memory();
  return { cpuBuffers: m.cpu.buffers, cpuBytes: m.cpu.bytes, cpuPooled: m.cpu.pooled.bytes, gpuTensors: m.webgpu.tensors, gpuBuffers: m.webgpu.buffers, gpuBytes: m.webgpu.bytes };
}

async function operands(device) {
  const on = async (t) => (device === 'webgpu' ? t.to('webgpu') : t);
  const made = {
    s: await on(L.randn([64], { seed: 1 })),
    s2: await on(L.randn([64], { seed: 2 })),
    m8: await on(L.randn([8, 8], { seed: 3 })),
    big: await on(L.randn([512, 512], { seed: 4 })),
    big2: await on(L.randn([512, 512], { seed: 5 })),
    m128: await on(L.randn([128, 128], { seed: 6 })),
    img: await on(L.randn([1, 8, 32, 32], { seed: 7 })),
    w: await on(L.randn([16, 8, 3, 3], { seed: 8 })),
  };
  return made;
}

/** Runs `count` ops of the mix, disposing each output; every 64th output is read (a sync point). */
async function run(kind, count, backend, t) {
  const o = { backend };
  for (let i = 0; i < count; i++) {
    let y;
    switch (i % 4) {
      case 0: y = kind === 'small' ? L.add(t.s, t.s2, o) : L.add(t.big, t.big2, o); break;
      case 1: y = kind === 'small' ? L.relu(t.s, o) : L.relu(t.big, o); break;
      case 2: y = kind === 'small' ? L.matmul(t.m8, t.m8, o) : L.matmul(t.m128, t.m128, o); break;
      default: y = kind === 'small' ? L.sum(t.s, o) : L.conv2d(t.img, t.w, { padding: 'same', ...o }); break;
    }
    if (i % 64 === 63 || i === count - 1) await y.data();
    y.dispose();
  }
}

const rows = [];
const results = [];
const mb = (b) => (b / 2 ** 20).toFixed(1);
const cases = [
  ...['js', 'native', 'wasm', 'webgpu'].filter(ok).map((b) => ({ label: b, backend: b, pool: false })),
  ...['js', 'native'].filter(ok).map((b) => ({ label: `${b} on the pool`, backend: b, pool: true })),
];
for (const c of cases.filter((x) => !only || only.includes(x.label))) {
  await L.configure(c.pool ? { threads: 2, minFlopsPerPart: 0 } : { threads: 1 });
  const device = c.backend === 'webgpu' ? 'webgpu' : 'cpu';
  const t = await operands(device);
  await run('small', SMALL, c.backend, t); // warm-up: one whole pass
  await run('large', LARGE, c.backend, t);
  await rest();
  const before = counters();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const rssPerPass = [];
  const heapPerPass = [];
  for (let pass = 0; pass < passes; pass++) {
    await run('small', SMALL, c.backend, t);
    await run('large', LARGE, c.backend, t);
    if (passes > 1) {
      await rest();
      const m = process.memoryUsage();
      rssPerPass.push(m.rss);
      heapPerPass.push(m.heapTotal);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await rest();
  const after = counters();
  const rssAfter = process.memoryUsage().rss;
  for (const x of Object.values(t)) x.dispose();
  if (c.pool) await L.closePool();
  // The live counters must come back exactly; the pooled bytes are free buffers kept for reuse
  // (they move with how many outputs were in flight at the peak, within the cap), shown beside.
  const flat = Object.keys(before).every((k) => k === 'cpuPooled' || before[k] === after[k]);
  const result = { backend: c.label, small: SMALL, large: LARGE, passes, seconds, before, after, rssBefore, rssAfter, rssPerPass, heapPerPass, countersFlat: flat };
  // RSS less V8's heap: what the library, the engine's other memory and the drivers hold. V8 grows
  // its young generation under a high allocation rate up to its cap (two 16 MiB semi-spaces), which
  // moves RSS by up to ~32 MiB without a byte more in use (--max-semi-space-size=1 keeps it flat).
  if (passes > 1) {
    console.error(`leak.mjs: ${c.label} RSS after each pass (MiB): ${rssPerPass.map(mb).join(', ')}; V8 heap: ${heapPerPass.map(mb).join(', ')}; ` +
      `RSS less the heap: ${rssPerPass.map((r, i) => mb(r - heapPerPass[i])).join(', ')}`);
  }
  results.push(result);
  rows.push([
    c.label,
    `${passes > 1 ? `${passes}×` : ''}${SMALL}+${LARGE}`,
    seconds.toFixed(1),
    `${before.cpuBuffers}/${mb(before.cpuBytes)}/${mb(before.cpuPooled)}`,
    `${after.cpuBuffers}/${mb(after.cpuBytes)}/${mb(after.cpuPooled)}`,
    `${before.gpuTensors}/${before.gpuBuffers}/${mb(before.gpuBytes)}`,
    `${after.gpuTensors}/${after.gpuBuffers}/${mb(after.gpuBytes)}`,
    mb(rssBefore),
    mb(rssAfter),
    `${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)}`,
    flat ? 'yes' : 'NO',
  ]);
  console.error(`leak.mjs: ${c.label} done in ${seconds.toFixed(1)} s`);
}

console.log(table(
  [['backend', 'left'], ['ops (small+large)'], ['s'], ['cpu before (buf/MiB/pooled MiB)'], ['cpu after'], ['gpu before (t/buf/MiB)'], ['gpu after'], ['RSS before MiB'], ['RSS after MiB'], ['RSS %'], ['counters flat']],
  rows,
));
const path = writeResults('leak', { machine: machineInfo(), quick, results });
console.log(`\nwritten ${path}`);
process.exit(results.every((r) => r.countersFlat) ? 0 : 1);
