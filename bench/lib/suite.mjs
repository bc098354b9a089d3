/**
 * One bench suite (an op family, `bench/<op>.bench.mjs`): its cases are the op at a few sizes,
 * each run on every lepton-compute variant that runs here — js and native with 1 thread and with
 * all threads, webgpu warm (readback included) and cold (a fresh process: pipeline compilation
 * included) — and on the peers that installed, all on the same inputs in the same process run.
 *
 * Every variant's answer is compared with the case's reference (the first lepton-compute variant
 * that ran, normally js×1) before it is timed: a variant whose answer differs by more than the
 * case's tolerance (max |Δ| / max |reference|) is reported as WRONG and left out of every ratio.
 *
 * Timing: one checked call (its time is `firstMs`; a call slower than the slow limit is not
 * repeated and the variant is reported as skipped), a short warm-up, then benchmark.js samples
 * (bench/harness.mjs measure(); deferred for async calls). Ratios: each lepton-compute figure
 * beside the fastest peer that uses no more threads than it (all peers for webgpu):
 * vsBestPeer = peer median / lepton median, so > 1 means lepton-compute is faster.
 *
 * Command-line options every suite takes (bench/run.mjs passes them through):
 *   --quick                 fewer sizes and shorter sampling (the `npm run bench -- --quick` subset)
 *   --backends js,native    lepton-compute backends to run (default: every available one)
 *   --peers numpy,ort       peers to run (default: all; --no-peers for none)
 *   --threads N             the "all threads" count (default: os.availableParallelism())
 *   --python CMD            python interpreter for the numpy/scipy peer (default: python3)
 *   --webgpu-software       also time webgpu on a software adapter (SwiftShader; slow, off by default)
 *   --slow S                skip a variant whose single call takes longer than S seconds
 *   --cold-samples N        fresh processes per webgpu cold figure (default 5; --quick 2)
 *   --json                  print the results JSON on stdout (the table goes to stderr)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from '../../dist/index.js';
import { gflops, machineInfo, measure, quantile, table, writeResults } from '../harness.mjs';
import { flopsOf, leptonOp, makeInputs, toGpu } from './cases.mjs';
import { closePeers, mlMatrix, onnxruntime, python, tfjs } from './peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export { lib };

export const PEER_NAMES = ['ml-matrix', 'tfjs-cpu', 'tfjs-wasm', 'onnxruntime', 'numpy', 'scipy'];

export function parseArgs(argv = process.argv.slice(2)) {
  const value = (name) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (name) => value(name)?.split(',').map((s) => s.trim()).filter(Boolean);
  const quick = argv.includes('--quick');
  return {
    quick,
    backends: list('backends'),
    peers: argv.includes('--no-peers') ? [] : list('peers'),
    threads: value('threads') ? Number(value('threads')) : (os.availableParallelism?.() ?? os.cpus().length),
    python: value('python') ?? process.env.PYTHON ?? 'python3',
    webgpuSoftware: argv.includes('--webgpu-software'),
    json: argv.includes('--json'),
    slowMs: 1000 * Number(value('slow') ?? (quick ? 1.5 : 60)),
    coldSamples: Number(value('cold-samples') ?? (quick ? 2 : 5)),
  };
}

/** max |out − ref| / max |ref| (Infinity for a length mismatch or a NaN). */
export function relativeError(out, ref) {
  if (!out || out.length !== ref.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(out[i] - ref[i]);
    if (!(d <= diff)) diff = d; // NaN propagates
    const r = Math.abs(ref[i]);
    if (r > scale) scale = r;
  }
  return Number.isNaN(diff) ? Infinity : diff / (scale || 1);
}

function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 3 : 2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** Sampling for a variant whose first call took `firstMs`. */
function sampling(quick, firstMs) {
  const maxTime = quick ? 0.4 : 3;
  if (firstMs > 2000) return { maxTime: 0.1, minSamples: 2 };
  if (firstMs * 5 > maxTime * 1000) return { maxTime: 0.1, minSamples: 3 };
  return { maxTime, minSamples: quick ? 3 : 5 };
}

async function warmUp(fn, quick, firstMs) {
  const budget = quick ? 150 : 800;
  if (firstMs > budget) return;
  const start = performance.now();
  for (let i = 0; i < 3 && performance.now() - start < budget; i++) await fn();
}

/**
 * Resolves once a tensor's values are computed (pool or GPU work returns it pending), without
 * copying them out as data() would; rejects with the work's error.
 */
export async function settledOf(t) {
  const p = t._pending;
  if (p && !p.settled) await p.promise;
  if (p?.error !== undefined) throw p.error;
}

export class Suite {
  /**
   * @param {string} name    the suite (bench/<name>.bench.mjs; results go to bench/results/<name>-<date>.json)
   * @param {object} meta    described in the JSON: { title, notes? }
   */
  static async create(name, meta = {}) {
    const suite = new Suite(name, meta, parseArgs());
    await suite.#init();
    return suite;
  }

  constructor(name, meta, args) {
    this.name = name;
    this.meta = meta;
    this.args = args;
    this.quick = args.quick;
    this.results = [];
    this.notes = [];
    this.peerInfo = {};
    /** Best GFLOP/s seen per group and variant (to skip sizes a variant cannot finish in time). */
    this.rates = new Map();
    this.tmp = mkdtempSync(join(os.tmpdir(), `lepton-bench-${name}-`));
  }

  note(text) {
    this.notes.push(text);
    console.error(`  note: ${text}`);
  }

  async #init() {
    this.machine = machineInfo();
    this.machine.threadsAll = this.args.threads;
    const infos = await lib.backends();
    this.backendInfo = infos.map(({ name, available, reason }) => ({ name, available, reason }));
    const wanted = (b) => !this.args.backends || this.args.backends.includes(b);
    this.variants = [];
    for (const b of infos) {
      if (!wanted(b.name)) continue;
      if (!b.available) {
        this.note(`lepton ${b.name}: unavailable here (${b.reason})`);
        continue;
      }
      if (b.name === 'webgpu') continue;
      this.variants.push({ id: `${b.name}×1`, backend: b.name, threads: 1, ops: b.ops });
      if (this.args.threads > 1) this.variants.push({ id: `${b.name}×${this.args.threads}`, backend: b.name, threads: this.args.threads, ops: b.ops });
    }
    const gpu = infos.find((b) => b.name === 'webgpu');
    if (gpu?.available && wanted('webgpu')) {
      this.machine.gpu = this.#adapterInfo();
      if (this.machine.gpu.software && !this.args.webgpuSoftware) {
        this.note(`lepton webgpu: skipped, the adapter is a software one (${this.machine.gpu.description ?? this.machine.gpu.architecture}); pass --webgpu-software to time it anyway`);
      } else {
        this.variants.push({ id: 'webgpu', backend: 'webgpu', threads: null, ops: gpu.ops });
        this.variants.push({ id: 'webgpu cold', backend: 'webgpu', threads: null, cold: true, ops: gpu.ops });
      }
    } else {
      this.machine.gpu = null;
    }
    console.error(`${this.name}: ${this.machine.cpu}, ${this.machine.cores} cores [${this.machine.cpuFeatures.join(' ')}], Node ${this.machine.node}, load ${this.machine.loadAverage.join(' ')}`);
    console.error(`  lepton variants: ${this.variants.map((v) => v.id).join(', ') || 'none'}`);
  }

  #adapterInfo() {
    try {
      const out = execFileSync(process.execPath, [join(here, 'gpu-info.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
      return JSON.parse(out.trim().split('\n').pop());
    } catch (error) {
      return { error: String(error.message).split('\n')[0] };
    }
  }

  /** Whether the peer `name` was asked for (all are, unless --peers/--no-peers says otherwise). */
  wants(name) {
    return !this.args.peers || this.args.peers.some((p) => name === p || name.startsWith(`${p}-`) || (p === 'ort' && name === 'onnxruntime') || (p === 'tfjs' && name.startsWith('tfjs')));
  }

  /** Records (once) what a peer is, or why it is not there. */
  peer(name, loaded, describe) {
    if (!(name in this.peerInfo)) {
      this.peerInfo[name] = loaded.ok ? { loaded: true, ...describe } : { loaded: false, note: loaded.note };
      if (!loaded.ok) this.note(`${name}: skipped, ${loaded.note}`);
    }
    return loaded.ok;
  }

  /** ml-matrix, tfjs, onnxruntime-node and the python server, when wanted and loadable. */
  async mlMatrix() {
    if (!this.wants('ml-matrix')) return undefined;
    const m = await mlMatrix();
    return this.peer('ml-matrix', m, { version: m.version }) ? m : undefined;
  }

  async tfjs(backend) {
    const name = `tfjs-${backend}`;
    if (!this.wants(name)) return undefined;
    const t = await tfjs();
    const ok = t.ok && t.backends[backend]?.ok;
    const loaded = ok ? t : { ok: false, note: t.ok ? t.backends[backend]?.note : t.note };
    return this.peer(name, loaded, { version: t.versions?.[backend === 'cpu' ? 'cpu' : 'wasm'], core: t.versions?.core, ...(backend === 'wasm' ? { simd: t.backends?.wasm?.simd, threads: t.backends?.wasm?.threads } : {}) })
      ? t
      : undefined;
  }

  async onnxruntime() {
    if (!this.wants('onnxruntime')) return undefined;
    const o = await onnxruntime();
    return this.peer('onnxruntime', o, { version: o.version, executionProvider: o.executionProvider, binary: o.binary, binaryFiles: o.binaryFiles, loadedFrom: o.loadedFrom?.map((p) => p.replace(/^.*node_modules\//, "")) }) ? o : undefined;
  }

  async python(threads) {
    const p = await python(this.args.python, threads);
    if (p.ok) {
      this.peerInfo.numpy ??= { loaded: true, version: p.info.numpy, blas: p.info.blas, python: this.args.python };
      this.peerInfo.scipy ??= p.info.scipy ? { loaded: true, version: p.info.scipy } : { loaded: false, note: `scipy not installed for ${this.args.python} (${p.info.scipyError})` };
      if (!p.info.scipy && !this.notes.some((n) => n.startsWith('scipy'))) this.note(`scipy: skipped, not installed for ${this.args.python}`);
      return p;
    }
    if (!('numpy' in this.peerInfo)) {
      this.peerInfo.numpy = { loaded: false, note: p.note };
      this.note(`numpy: skipped, ${p.note}`);
    }
    return undefined;
  }

  /** Starts a case: `spec` (bench/lib/cases.mjs) fixes the inputs and lepton-compute's call. */
  case(info) {
    return new Case(this, info);
  }

  /** Prints the table, writes bench/results/<suite>-<date>.json, closes the pool and the peers. */
  async finish(extra = {}) {
    await lib.closePool();
    await closePeers();
    rmSync(this.tmp, { recursive: true, force: true });
    this.#ratios();
    // A variant with no timing (skipped, failed, or a WRONG answer) prints empty figure cells.
    const untimed = (r) => r.skipped || r.error || !Number.isFinite(r.medianMs);
    const rows = this.results.map((r) => [
      `${r.group} ${r.case}`,
      r.variant,
      r.threads == null ? '' : String(r.threads),
      untimed(r) ? '' : fmtMs(r.medianMs),
      untimed(r) ? '' : r.opsPerSec >= 100 ? r.opsPerSec.toFixed(0) : r.opsPerSec.toPrecision(3),
      untimed(r) || !Number.isFinite(r.rmePercent) ? '' : `±${r.rmePercent.toFixed(1)}%`,
      untimed(r) ? '' : `${fmtMs(r.p25Ms)}–${fmtMs(r.p75Ms)}`,
      untimed(r) || !r.flops ? '' : r.gflops.toFixed(2),
      r.check ? (r.check.ok ? (r.check.reference ? 'ref' : r.check.relError.toExponential(0)) : `WRONG ${r.check.relError.toExponential(1)}`) : '',
      r.vsBestPeer ? `${r.vsBestPeer.toFixed(2)}× ${r.bestPeer}` : '',
      clip(r.error ? `error: ${r.error}` : (r.skipped ?? r.note ?? ''), 90),
    ]);
    const log = this.args.json ? (...a) => console.error(...a) : (...a) => console.log(...a);
    log(`\n${this.meta.title ?? this.name} — ${this.machine.cpu}, ${this.machine.cores} cores, Node ${this.machine.node}${this.quick ? ' (quick)' : ''}\n`);
    log(
      table(
        [['case', 'left'], ['variant', 'left'], ['thr', 'right'], ['median', 'right'], ['ops/s', 'right'], ['rme', 'right'], ['IQR', 'right'], ['GFLOP/s', 'right'], ['check', 'right'], ['vs best peer', 'left'], ['', 'left']],
        rows,
      ),
    );
    for (const n of this.notes) log(`note: ${n}`);
    const payload = {
      suite: this.name,
      title: this.meta.title ?? this.name,
      date: new Date().toISOString(),
      quick: this.quick,
      machine: this.machine,
      backends: this.backendInfo,
      peers: this.peerInfo,
      notes: this.notes,
      method: {
        timing: 'benchmark.js (deferred for async calls); median of the samples; rme = 95 % margin of error of the mean; IQR = p25–p75',
        ratio: 'vsBestPeer = median of the fastest correct peer using at most as many threads (any for webgpu) / this median',
        check: 'max |Δ| / max |reference| against the first lepton-compute variant of the case',
        slowLimitMs: this.args.slowMs,
      },
      ...this.meta,
      ...extra,
      results: this.results,
    };
    const path = writeResults(this.name, payload);
    log(`wrote ${path}`);
    // --json: the payload on stdout (the table went to stderr), for piping.
    if (this.args.json) console.log(JSON.stringify(payload));
    return path;
  }

  #ratios() {
    const byCase = new Map();
    for (const r of this.results) {
      const key = `${r.group}\u0000${r.case}`;
      if (!byCase.has(key)) byCase.set(key, []);
      byCase.get(key).push(r);
    }
    for (const rows of byCase.values()) {
      const valid = (r) => !r.skipped && !r.error && r.check?.ok !== false && Number.isFinite(r.medianMs);
      const peers = rows.filter((r) => r.kind === 'peer' && valid(r));
      for (const r of rows) {
        if (r.kind !== 'lepton' || !valid(r)) continue;
        const fair = peers.filter((p) => r.threads == null || p.threads <= r.threads);
        if (!fair.length) continue;
        const best = fair.reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
        r.bestPeer = best.variant;
        r.bestPeerMedianMs = best.medianMs;
        r.vsBestPeer = best.medianMs / r.medianMs;
      }
    }
  }
}

class Case {
  constructor(suite, info) {
    this.suite = suite;
    this.info = { ...info, flops: info.flops ?? (info.spec ? flopsOf(info.spec) : 0) };
    this.tol = info.tol ?? (info.dtype === 'float64' ? 1e-9 : 1e-4);
    this.reference = undefined;
    this.inputs = info.spec ? makeInputs(lib, info.spec) : undefined;
    console.error(`${suite.name} ${info.group} ${info.label}`);
  }

  /**
   * The spec's inputs as row-major typed arrays (what peers get): plain copies, since
   * lepton-compute's storage is a SharedArrayBuffer (for its pool) that some peers refuse.
   */
  array(name) {
    this.arrays ??= {};
    if (!this.arrays[name]) {
      const d = this.inputs[name].dataSync();
      this.arrays[name] = new d.constructor(d);
    }
    return this.arrays[name];
  }

  /** Writes an input as a raw little-endian file for the python peer (once per case). */
  file(name) {
    this.files ??= {};
    if (!this.files[name]) {
      const path = join(this.suite.tmp, `${this.info.group}-${this.info.label}-${name}`.replace(/[^\w.-]+/g, '_'));
      const a = this.array(name);
      writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      this.files[name] = path;
    }
    return this.files[name];
  }

  #record(variant, fields) {
    const { spec, ...info } = this.info;
    const row = { suite: this.suite.name, case: info.label, ...info, ...(spec ? { spec } : {}), ...variant, ...fields };
    if (Number.isFinite(row.medianMs)) row.opsPerSec = 1000 / row.medianMs;
    if (Number.isFinite(row.medianMs) && row.flops) row.gflops = gflops(row.flops, row.medianMs);
    this.suite.results.push(row);
    const what = row.error ? `error: ${row.error}` : row.skipped ? `skipped: ${row.skipped}` : `${fmtMs(row.medianMs)}${row.gflops ? `, ${row.gflops.toFixed(2)} GFLOP/s` : ''}`;
    const check = row.check && !row.check.ok ? ` WRONG (rel. error ${row.check.relError.toExponential(2)})` : '';
    console.error(`  ${row.variant.padEnd(18)} ${what}${check}`);
    return row;
  }

  #check(out) {
    if (!this.reference) {
      this.reference = Float64Array.from(out);
      return { ok: true, relError: 0, reference: true, tol: this.tol };
    }
    const relError = relativeError(out, this.reference);
    return { ok: relError <= this.tol, relError, tol: this.tol };
  }

  /**
   * Times one variant. `setup()` resolves `{ fn, async, output }`: `fn` is the timed call,
   * `output()` makes one call and resolves its answer as an array of numbers (row-major, in the
   * reference's layout) for the check.
   */
  async run(variant, setup) {
    const quick = this.suite.quick;
    // A variant that was slow at smaller sizes of this group is not started on a size it cannot
    // finish within the slow limit even at its best rate so far.
    const rateKey = `${this.info.group}\u0000${variant.variant}`;
    const rate = this.suite.rates.get(rateKey);
    if (rate && this.info.flops) {
      const estimate = this.info.flops / (rate * 1e6);
      if (estimate > this.suite.args.slowMs) {
        return this.#record(variant, { skipped: `estimated ${fmtMs(estimate)} per call from ${rate.toFixed(2)} GFLOP/s at a smaller size (limit ${fmtMs(this.suite.args.slowMs)})` });
      }
    }
    const learn = (ms) => {
      if (this.info.flops && Number.isFinite(ms)) this.suite.rates.set(rateKey, Math.max(rate ?? 0, gflops(this.info.flops, ms)));
    };
    let s;
    try {
      s = await setup();
      const t0 = performance.now();
      const out = await s.output();
      const firstMs = performance.now() - t0;
      learn(firstMs);
      const check = this.#check(out);
      if (firstMs > this.suite.args.slowMs) {
        return this.#record(variant, { firstMs, check, skipped: `one call took ${fmtMs(firstMs)} (limit ${fmtMs(this.suite.args.slowMs)})` });
      }
      if (!check.ok) return this.#record(variant, { firstMs, check, note: 'wrong answer: not timed' });
      await warmUp(s.fn, quick, firstMs);
      const stats = await measure(`${this.info.label} ${variant.variant}`, s.fn, { async: s.async, ...sampling(quick, firstMs) });
      delete stats.name;
      learn(stats.minMs);
      return this.#record(variant, { ...stats, firstMs, check });
    } catch (error) {
      return this.#record(variant, { error: String(error?.message ?? error).split('\n')[0] });
    } finally {
      await s?.cleanup?.();
    }
  }

  /** Every lepton-compute variant on the spec (webgpu: warm in this process, cold in fresh ones). */
  async lepton({ filter } = {}) {
    const spec = this.info.spec;
    const op = leptonOp(lib, spec);
    const kernels = { matmul: ['matmul'], conv2d: ['conv2d'], cnn: ['conv2d', 'pool2d', 'matmul'], ridge: ['ridge'], relu: ['unary'] }[spec.op];
    for (const v of this.suite.variants) {
      if (filter && !filter(v)) continue;
      const kernel = kernels.find((k) => !v.ops.includes(k));
      const variant = { variant: v.id, kind: 'lepton', backend: v.backend, threads: v.threads };
      if (kernel) {
        this.#record(variant, { skipped: `${v.backend} has no ${kernel} kernel` });
        continue;
      }
      if (v.backend === 'webgpu' && spec.dtype === 'float64') {
        this.#record(variant, { skipped: 'webgpu runs float32 only (WGSL has no float64)' });
        continue;
      }
      if (v.cold) {
        await this.#cold(variant, spec);
        continue;
      }
      if (v.threads != null) await lib.configure({ threads: v.threads });
      await this.run(variant, async () => {
        const inputs = v.backend === 'webgpu' ? await toGpu(this.inputs) : this.inputs;
        const call = async () => {
          const y = await op(inputs, v.backend);
          const data = await y.data();
          y.dispose();
          return data;
        };
        // webgpu: the timed call includes the readback (data()). CPU: the result tensor is the
        // answer, as a peer's result tensor is; data() would add a copy no peer pays. An op split
        // on the pool returns it pending: the call waits until its values are there.
        const timed = v.backend === 'webgpu' ? call : async () => {
          const y = await op(inputs, v.backend);
          await settledOf(y);
          y.dispose();
        };
        return {
          fn: timed,
          async: true,
          output: call,
          cleanup: () => {
            if (v.backend === 'webgpu') for (const t of Object.values(inputs)) t.dispose();
          },
        };
      });
    }
    await lib.configure({ threads: 1 });
  }

  async #cold(variant, spec) {
    const samples = [];
    let pipelines;
    try {
      for (let i = 0; i < this.suite.args.coldSamples; i++) {
        const out = execFileSync(process.execPath, [join(here, 'webgpu-cold.mjs'), JSON.stringify(spec)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: Math.max(60_000, 3 * this.suite.args.slowMs),
        });
        const r = JSON.parse(out.trim().split('\n').pop());
        if (r.error) throw new Error(r.error);
        samples.push(r.coldMs);
        pipelines = r.pipelines;
        if (r.coldMs > this.suite.args.slowMs) break;
      }
    } catch (error) {
      this.#record(variant, { error: String(error?.message ?? error).split('\n')[0] });
      return;
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const sd = Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, sorted.length - 1));
    this.#record(variant, {
      medianMs: quantile(sorted, 0.5),
      meanMs: mean,
      minMs: sorted[0],
      maxMs: sorted[sorted.length - 1],
      p25Ms: quantile(sorted, 0.25),
      p75Ms: quantile(sorted, 0.75),
      rmePercent: sorted.length > 1 ? (100 * 1.96 * sd) / Math.sqrt(sorted.length) / mean : NaN,
      samples: sorted.length,
      note: `first call in a fresh process (device started, inputs uploaded; ${pipelines} pipelines compiled)`,
    });
  }

  /**
   * The numpy (and scipy) peer, 1 thread and all threads: `request` names the op and its raw
   * input files (from `file()`); the answer's output file is read back for the check.
   */
  async python(peerName, request, { outLayout } = {}) {
    if (!this.suite.wants(peerName)) return;
    const threadCounts = [1, ...(this.suite.args.threads > 1 ? [this.suite.args.threads] : [])];
    for (const threads of threadCounts) {
      const p = await this.suite.python(threads);
      if (!p) return;
      if (peerName === 'scipy' && !p.info.scipy) return;
      const variant = { variant: `${peerName}×${threads}`, kind: 'peer', peer: peerName, threads };
      const outPath = join(this.suite.tmp, `out-${peerName}-${threads}`);
      try {
        const answer = await p.request({
          ...request,
          dtype: this.info.dtype,
          out: outPath,
          slowMs: this.suite.args.slowMs,
          minSamples: this.suite.quick ? 3 : 5,
          maxTime: this.suite.quick ? 0.4 : 3,
        });
        const bytes = readFileSync(outPath);
        const T = this.info.dtype === 'float64' ? Float64Array : Float32Array;
        let out = new T(bytes.buffer, bytes.byteOffset, bytes.byteLength / T.BYTES_PER_ELEMENT);
        if (outLayout) out = outLayout(out);
        const check = this.#check(out);
        const { out: _, ...stats } = answer;
        if (answer.skipped) this.#record(variant, { firstMs: answer.firstMs, check, skipped: answer.skipped });
        else if (!check.ok) this.#record(variant, { firstMs: answer.firstMs, check, note: 'wrong answer' });
        else this.#record(variant, { ...stats, rmePercent: stats.rmePercent ?? NaN, check });
      } catch (error) {
        this.#record(variant, { error: String(error?.message ?? error).split('\n')[0] });
      }
    }
  }

  /** onnxruntime-node with 1 and all intra-op threads on a model built by bench/lib/onnx.mjs. */
  async onnxruntime(ortPeer, model, feeds, { outName, outLayout } = {}) {
    const threadCounts = [1, ...(this.suite.args.threads > 1 ? [this.suite.args.threads] : [])];
    for (const threads of threadCounts) {
      const variant = { variant: `onnxruntime×${threads}`, kind: 'peer', peer: 'onnxruntime', threads };
      await this.run(variant, async () => {
        const { ort } = ortPeer;
        const session = await ortPeer.session(model, threads);
        const inputs = {};
        for (const [name, { data, dims }] of Object.entries(feeds)) inputs[name] = new ort.Tensor(this.info.dtype, data, dims);
        const output = outName ?? session.outputNames[0];
        return {
          fn: () => session.run(inputs),
          async: true,
          output: async () => {
            const r = await session.run(inputs);
            return outLayout ? outLayout(r[output].data) : r[output].data;
          },
          cleanup: () => session.release?.(),
        };
      });
    }
  }

  /** A TensorFlow.js backend ('cpu' or 'wasm'): `build(tf)` makes its tensors and returns () => tf.Tensor. */
  async tfjs(tfPeer, backend, build, { outLayout } = {}) {
    const variant = { variant: `tfjs-${backend}`, kind: 'peer', peer: `tfjs-${backend}`, threads: 1 };
    if (!(await tfPeer.use(backend))) {
      this.#record(variant, { error: `tf.setBackend('${backend}') failed` });
      return;
    }
    const { tf } = tfPeer;
    let kept = [];
    await this.run(variant, async () => {
      // `keep` marks the inputs (made outside the timed call, disposed afterwards).
      const call = build(tf, (t) => {
        kept.push(t);
        return t;
      });
      const once = async () => {
        const y = tf.tidy(call);
        const data = await y.data();
        y.dispose();
        return data;
      };
      // The cpu and wasm backends run eagerly and synchronously: the timed call makes the result
      // tensor (as lepton-compute's timed call does) without copying its values out.
      return {
        fn: () => tf.tidy(call).dispose(),
        async: false,
        output: async () => {
          const data = await once();
          return outLayout ? outLayout(data) : data;
        },
        cleanup: () => {
          for (const t of kept) t.dispose();
          kept = [];
        },
      };
    });
  }

  /** A peer that is plain synchronous JavaScript (ml-matrix). */
  async js(variant, setup) {
    await this.run({ kind: 'peer', threads: 1, ...variant }, setup);
  }
}
