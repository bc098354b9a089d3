/**
 * linalg.svd and linalg.eigh on the native backend (through the op table, as a user calls them)
 * beside numpy (LAPACK through OpenBLAS: gesdd and syevd) on the same float64 matrices, n = 128,
 * 256, 512. Rounds are interleaved (lepton, numpy 1 thread, numpy default threads, lepton, …) so
 * that the peers share the machine's noise; each figure is one call after a warm-up, and the
 * summary gives min / median / max over the rounds and the ratio of the medians (lepton / numpy
 * 1 thread: the native kernels are single-threaded).
 *
 *   npm run build && node bench/linalg.bench.mjs [--rounds 7] [--n 128,256,512] [--ops svd,eigh]
 *   npx tsx bench/linalg.bench.mjs --src     (the TypeScript sources instead of dist/)
 *
 * numpy runs in two long-lived python3 processes (one with OPENBLAS_NUM_THREADS=1), which read
 * the matrix lepton times from a file and report their own perf_counter time per call. Each
 * process also checks its own result once (‖A − U·S·Vᵀ‖ and ‖A·V − V·Λ‖ relative to ‖A‖); lepton's
 * are checked here. Writes bench/results/linalg-<date>.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('rounds', '7'));
const sizes = arg('n', '128,256,512').split(',').map(Number);
const ops = arg('ops', 'svd,eigh').split(',');
const lib = await import(process.argv.includes('--src') ? '../src/index.ts' : '../dist/index.js');
const { linalg, tensor, backends } = lib;

const native = (await backends()).find((b) => b.name === 'native');
if (!native?.available) {
  console.error(`bench/linalg: the native backend is unavailable: ${native?.reason}`);
  process.exit(1);
}

const PY = String.raw`
import sys, time, numpy as np
for line in sys.stdin:
    op, n, path = line.split()
    n = int(n)
    a = np.fromfile(path).reshape(n, n)
    f = {"svd": lambda: np.linalg.svd(a), "eigh": lambda: np.linalg.eigh(a)}[op]
    f()
    t = time.perf_counter(); r = f(); ms = (time.perf_counter() - t) * 1e3
    if op == "svd":
        u, s, vt = r; err = np.linalg.norm(a - (u * s) @ vt) / np.linalg.norm(a)
    else:
        w, v = r; err = np.linalg.norm(a @ v - v * w) / np.linalg.norm(a)
    print(ms, err, flush=True)
`;

function numpy(threads) {
  const env = { ...process.env };
  if (threads === 1) env.OPENBLAS_NUM_THREADS = '1';
  else delete env.OPENBLAS_NUM_THREADS;
  const child = spawn('python3', ['-c', PY], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  return {
    time(op, n, path) {
      return new Promise((resolve) => {
        waiting.push((l) => {
          const [ms, err] = l.split(' ').map(Number);
          resolve({ ms, err });
        });
        child.stdin.write(`${op} ${n} ${path}\n`);
      });
    },
    close: () => child.stdin.end(),
  };
}

/** Seeded N(0, 1) values (xorshift + Box–Muller), so that every run times the same matrices. */
function gaussian(count, seed) {
  let s = BigInt(seed) | 1n;
  const next = () => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const t = 2 * Math.PI * next();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

function relError(op, n, a, r) {
  // ‖A − U·S·Vᵀ‖_F / ‖A‖_F (svd) or ‖A·V − V·Λ‖_F / ‖A‖_F (eigh), plain loops.
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      if (op === 'svd') {
        for (let k = 0; k < n; k++) x += r.u[i * n + k] * r.s[k] * r.vt[k * n + j];
        x = a[i * n + j] - x;
      } else {
        for (let k = 0; k < n; k++) x += a[i * n + k] * r.vectors[k * n + j];
        x -= r.vectors[i * n + j] * r.values[j];
      }
      num += x * x;
      den += a[i * n + j] ** 2;
    }
  }
  return Math.sqrt(num / den);
}

async function lepton(op, n, t) {
  const run = async () => {
    const start = performance.now();
    const r = op === 'svd' ? linalg.svd(t, { backend: 'native' }) : linalg.eigh(t, { backend: 'native' });
    const parts = op === 'svd' ? { u: await r.u.data(), s: await r.s.data(), vt: await r.vt.data() } : { values: await r.values.data(), vectors: await r.vectors.data() };
    const ms = performance.now() - start;
    for (const x of Object.values(r)) x.dispose();
    return { ms, parts };
  };
  await run();
  return run();
}

const summary = (v) => {
  const s = [...v].sort((x, y) => x - y);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1], runs: s.length };
};

const dir = mkdtempSync(join(os.tmpdir(), 'lepton-linalg-bench-'));
const py1 = numpy(1);
const pyN = numpy(0);
const results = [];
try {
  for (const n of sizes) {
    const g = gaussian(n * n, 1000 + n);
    const mats = { svd: g, eigh: new Float64Array(n * n) };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mats.eigh[i * n + j] = g[i * n + j] + g[j * n + i];
    for (const op of ops) {
      const a = mats[op];
      const path = join(dir, `${op}-${n}.f64`);
      writeFileSync(path, a);
      const t = tensor(a, [n, n], { dtype: 'float64' });
      const times = { lepton: [], numpy1: [], numpyN: [] };
      let check = { lepton: NaN, numpy: NaN };
      for (let r = 0; r < rounds; r++) {
        const l = await lepton(op, n, t);
        times.lepton.push(l.ms);
        if (r === 0) check.lepton = relError(op, n, a, l.parts);
        const p1 = await py1.time(op, n, path);
        times.numpy1.push(p1.ms);
        check.numpy = p1.err;
        times.numpyN.push((await pyN.time(op, n, path)).ms);
      }
      t.dispose();
      const s = { lepton: summary(times.lepton), numpy1: summary(times.numpy1), numpyN: summary(times.numpyN) };
      const row = {
        op, n, ms: s,
        ratio: s.lepton.median / s.numpy1.median,
        ratioDefaultThreads: s.lepton.median / s.numpyN.median,
        // Ratios of the per-round pairs (same moment on the machine): their spread.
        pairRatios: summary(times.lepton.map((x, i) => x / times.numpy1[i])),
        check,
      };
      results.push(row);
      const f = (x) => x.toFixed(1).padStart(7);
      console.log(
        `${op.padEnd(5)} n=${String(n).padEnd(4)} lepton native ${f(s.lepton.min)} ${f(s.lepton.median)} ${f(s.lepton.max)} ms | ` +
          `numpy 1 thread ${f(s.numpy1.min)} ${f(s.numpy1.median)} ${f(s.numpy1.max)} | numpy default ${f(s.numpyN.median)} | ` +
          `ratio ${row.ratio.toFixed(2)}× (pairs ${row.pairRatios.min.toFixed(2)}–${row.pairRatios.max.toFixed(2)}), vs default threads ${row.ratioDefaultThreads.toFixed(2)}× | ` +
          `rel. error lepton ${check.lepton.toExponential(1)} numpy ${check.numpy.toExponential(1)}`,
      );
    }
  }
} finally {
  py1.close();
  pyN.close();
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `linalg-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
writeFileSync(file, JSON.stringify({ rounds, load: os.loadavg(), cpus: os.cpus().length, results }, null, 1));
console.log(`min / median / max over ${rounds} interleaved rounds; written to ${file}`);
