/**
 * The native kernels at the machine's limit: conv2d, the seed's CNN, pooling, elementwise and
 * reductions through the raw addon (its synchronous entries, outputs reused, `threads` = 1 and 2)
 * beside onnxruntime-node with 1 and 2 intra-op threads, in one process, in interleaved rounds.
 * It first measures the machine: the AVX-512 FMA peak and the read+write (copy) bandwidth with
 * bench/native/probe, on 1 and 2 threads, and prints every figure as a fraction of them.
 *
 *   npm run build:native && bench/native/build.sh && node bench/kernels.bench.mjs [--rounds 5]
 *
 * Times are per call: the best of each round, then the median of the rounds (min–max). GEMM
 * against numpy is bench/native/compare.py (same process, call by call).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cnnModel, conv2dModel } from './lib/onnx.mjs';
import { onnxruntime } from './lib/peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const roundsArg = argv.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(argv[roundsArg + 1]) : 5;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : undefined;
const addon = createRequire(import.meta.url)(join(here, '..', 'build', 'Release', 'lepton.node'));
addon.init({});

// ── the machine ──
const probe = join(here, 'native', 'probe');
if (!existsSync(probe)) spawnSync(join(here, 'native', 'build.sh'), { stdio: 'inherit' });
const machine = {};
for (const t of [1, 2]) {
  const peak = JSON.parse(spawnSync(probe, ['peak', String(t)], { encoding: 'utf8' }).stdout);
  const bw = JSON.parse(spawnSync(probe, ['bw', String(t)], { encoding: 'utf8' }).stdout);
  machine[t] = { peak: peak.peak_gflops_f32, bw: bw.bandwidth_gbs };
}
console.log(`isa ${addon.isa()}; FMA peak f32: ${machine[1].peak.toFixed(0)} GFLOP/s (1 thread), ${machine[2].peak.toFixed(0)} (2);` +
  ` copy bandwidth (read+write): ${machine[1].bw.toFixed(1)} GB/s (1), ${machine[2].bw.toFixed(1)} (2)`);

function rand(n, seed, scale = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 31 - 1) * scale;
  }
  return a;
}

const ort = argv.includes('--no-ort') ? { ok: false } : await onnxruntime();
const sessions = new Map();
async function ortRunner(key, model, feeds, threads) {
  if (!ort.ok) return undefined;
  const k = `${key}×${threads}`;
  if (!sessions.has(k)) {
    const session = await ort.session(model, threads);
    const inputs = {};
    for (const [name, { data, dims }] of Object.entries(feeds)) inputs[name] = new ort.ort.Tensor('float32', data, dims);
    sessions.set(k, () => session.run(inputs));
  }
  return sessions.get(k);
}

// ── the cases: each has lepton(threads) → () => void and optionally ort(threads) → () => Promise ──
function convCase(label, [n, c, h, w], [o, , kh, kw], { pad = 1, groups = 1, bias = true, act = 'relu', layout = 'NCHW' } = {}) {
  const x = rand(n * c * h * w, 1), wt = rand(o * (c / groups) * kh * kw, 2, 0.2), b = rand(o, 3, 0.1);
  const oh = h + 2 * pad - kh + 1, ow = w + 2 * pad - kw + 1;
  const out = new Float32Array(n * o * oh * ow);
  const flops = 2 * n * o * oh * ow * (c / groups) * kh * kw;
  return {
    label, flops,
    lepton: (threads) => {
      const args = { x, w: wt, ...(bias ? { bias: b } : {}), out, layout, batch: n, inC: c, inH: h, inW: w, outC: o, outH: oh, outW: ow,
        kh, kw, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad, groups, activation: act,
        rowBegin: 0, rowEnd: n * oh, threads };
      return () => addon.conv2dSync(args);
    },
    ort: layout === 'NCHW' && !bias && act === 'none'
      ? (threads) => ortRunner(label, conv2dModel('float32', [n, c, h, w], wt, [o, c / groups, kh, kw], { pad, groups, outShape: [n, o, oh, ow] }),
        { x: { data: x, dims: [n, c, h, w] } }, threads)
      : undefined,
  };
}

function cnnCase(batch, fused = false) {
  const dims = { batch, inC: 3, h: 32, w: 32, filters: 32, hidden: 128 };
  const feat = 32 * 16 * 16;
  const p = { dims, cw: rand(32 * 27, 11, 0.27), cb: rand(32, 12, 0.1), w1: rand(feat * 128, 13, 0.015), b1: rand(128, 14, 0.1),
    w2: rand(128, 15, 0.12), b2: rand(1, 16, 0.1) };
  const x = rand(batch * 3 * 32 * 32, 17);
  const conv = new Float32Array(batch * 32 * 32 * 32), pooled = new Float32Array(batch * feat);
  const h1 = new Float32Array(batch * 128), y = new Float32Array(batch);
  const flops = 2 * batch * (32 * 32 * 32 * 27 + feat * 128 + 128);
  return {
    label: `cnn batch ${batch}${fused ? ' (conv+pool fused, dense prepacked)' : ''}`, flops,
    lepton: (threads) => {
      const c = { x, w: p.cw, bias: p.cb, out: conv, layout: 'NCHW', batch, inC: 3, inH: 32, inW: 32, outC: 32, outH: 32, outW: 32,
        kh: 3, kw: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, groups: 1, activation: 'relu',
        rowBegin: 0, rowEnd: batch * 32, threads };
      const pl = { x: conv, out: pooled, kind: 'max', layout: 'NCHW', batch, channels: 32, inH: 32, inW: 32, outH: 16, outW: 16,
        kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, rowBegin: 0, rowEnd: batch * 16, threads };
      const d1 = { a: pooled, aOffset: 0, aStrides: [feat, 1], b: p.w1, bOffset: 0, bStrides: [128, 1], bias: p.b1, biasOffset: 0,
        biasStrides: [0, 1], out: h1, batchShape: [], m: batch, n: 128, k: feat, activation: 'relu', rowBegin: 0, rowEnd: batch, threads };
      const d2 = { a: h1, aOffset: 0, aStrides: [128, 1], b: p.w2, bOffset: 0, bStrides: [1, 1], bias: p.b2, biasOffset: 0,
        biasStrides: [0, 0], out: y, batchShape: [], m: batch, n: 1, k: 128, activation: 'sigmoid', rowBegin: 0, rowEnd: batch, threads };
      const cf = { ...c, out: pooled, rowEnd: batch * 16, pool: 'max', poolKh: 2, poolKw: 2, poolStrideH: 2, poolStrideW: 2 };
      const packedB = addon.prepackB({ b: p.w1, bOffset: 0, bStrides: [128, 1], k: feat, n: 128 });
      const d1p = { ...d1, b: undefined, bOffset: undefined, bStrides: undefined, packedB };
      return () => {
        if (fused) {
          addon.conv2dSync(cf);
          addon.matmulSync(d1p);
        } else {
          addon.conv2dSync(c);
          addon.pool2dSync(pl);
          addon.matmulSync(d1);
        }
        addon.matmulSync(d2);
      };
    },
    ort: (threads) => ortRunner(`cnn${batch}`, cnnModel('float32', p), { x: { data: x, dims: [batch, 3, 32, 32] } }, threads),
  };
}

// Memory-bound: bytes = read + written per call.
function memCase(label, bytes, make) {
  return { label, bytes, lepton: make };
}
const big = 1 << 24;
const ex = rand(big, 21), ey = rand(big, 22), eo = new Float32Array(big);
const px = rand(64 * 32 * 32 * 32, 23), po = new Float32Array(64 * 32 * 16 * 16);
const rsum = new Float32Array(1);

const cases = [
  convCase('conv [8,64,56,56]∗[64,64,3,3] pad 1', [8, 64, 56, 56], [64, 64, 3, 3], { bias: false, act: 'none' }),
  convCase('conv [64,3,32,32]∗[32,3,3,3] pad 1', [64, 3, 32, 32], [32, 3, 3, 3], { bias: false, act: 'none' }),
  convCase('conv [8,64,56,56]∗[64,1,3,3] depthwise', [8, 64, 56, 56], [64, 1, 3, 3], { groups: 64, bias: false, act: 'none' }),
  convCase('conv [8,64,56,56]∗[128,64,1,1] 1×1', [8, 64, 56, 56], [128, 64, 1, 1], { pad: 0, bias: false, act: 'none' }),
  cnnCase(64),
  cnnCase(64, true),
  cnnCase(1),
  cnnCase(1, true),
  memCase('maxpool 2×2 [64,32,32,32]', (px.length + po.length) * 4, (threads) => {
    const a = { x: px, out: po, kind: 'max', layout: 'NCHW', batch: 64, channels: 32, inH: 32, inW: 32, outH: 16, outW: 16, kh: 2, kw: 2,
      strideH: 2, strideW: 2, padTop: 0, padLeft: 0, rowBegin: 0, rowEnd: 64 * 16, threads };
    return () => addon.pool2dSync(a);
  }),
  memCase('relu 2^24', 2 * big * 4, (threads) => {
    const a = { x: ex, out: eo, fn: 'relu', begin: 0, end: big, threads };
    return () => addon.unarySync(a);
  }),
  memCase('add 2^24', 3 * big * 4, (threads) => {
    const a = { a: ex, aOffset: 0, aStrides: [1], b: ey, bOffset: 0, bStrides: [1], out: eo, shape: [big], fn: 'add', begin: 0, end: big, threads };
    return () => addon.binarySync(a);
  }),
  memCase('sum 2^24', big * 4, (threads) => {
    const a = { x: ex, out: rsum, fn: 'sum', shape: [big], outStrides: [0], count: big, threads };
    return () => addon.reduceSync(a);
  }),
].filter((c) => !only || only.some((o) => c.label.includes(o)));

async function bestOf(fn, minMs = 150) {
  let best = Infinity, total = 0, n = 0;
  await fn();
  while (total < minMs || n < 3) {
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    best = Math.min(best, dt);
    total += dt;
    n++;
  }
  return best;
}

const samples = new Map();
const push = (k, v) => (samples.has(k) ? samples.get(k).push(v) : samples.set(k, [v]));
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    for (const t of [1, 2]) {
      push(`${c.label}|lepton|${t}`, await bestOf(c.lepton(t)));
      if (c.ort) {
        const run = await c.ort(t);
        if (run) push(`${c.label}|ort|${t}`, await bestOf(run));
      }
    }
  }
  process.stderr.write(`round ${r + 1}/${rounds}\n`);
}

const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (xs, d = 3) => (xs ? `${med(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})` : '—');
const rows = [];
for (const c of cases) {
  for (const t of [1, 2]) {
    const mine = samples.get(`${c.label}|lepton|${t}`), theirs = samples.get(`${c.label}|ort|${t}`);
    const m = med(mine);
    const rate = c.flops ? `${(c.flops / m / 1e6).toFixed(1)} GFLOP/s = ${((100 * c.flops / m / 1e6) / machine[t].peak).toFixed(0)}% of peak`
      : `${(c.bytes / m / 1e6).toFixed(1)} GB/s = ${((100 * c.bytes / m / 1e6) / machine[t].bw).toFixed(0)}% of bandwidth`;
    const vs = theirs ? `ort ${f(theirs)} ms, lepton/ort speed ${(med(theirs) / m).toFixed(2)}×` : '';
    rows.push(`${c.label} T=${t}: lepton ${f(mine)} ms, ${rate}${vs ? '; ' + vs : ''}`);
  }
  const one = med(samples.get(`${c.label}|lepton|1`)), two = med(samples.get(`${c.label}|lepton|2`));
  rows.push(`  ${c.label}: 2 threads ${(one / two).toFixed(2)}× faster than 1`);
}
console.log(rows.join('\n'));
