/**
 * Shared helpers for the benchmarks in bench/: running one benchmark.js case to completion,
 * summarising its samples, formatting a table, describing the machine, and writing the figures
 * to bench/results/<suite>-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs one benchmark.js case and resolves with its summary. `fn` may return a promise: the case
 * is then deferred (benchmark.js `defer: true`) and each sample waits for it.
 * @param {string} name
 * @param {() => unknown} fn
 * @param {{ async?: boolean, maxTime?: number, minSamples?: number }} [options]
 */
export function measure(name, fn, options = {}) {
  const { async = false, maxTime = 3, minSamples = 5 } = options;
  return new Promise((resolve, reject) => {
    const bench = new Benchmark(name, {
      defer: async,
      fn: async
        ? (deferred) => {
            Promise.resolve(fn()).then(
              () => deferred.resolve(),
              (error) => {
                bench.abort();
                reject(error);
              },
            );
          }
        : fn,
      maxTime,
      minSamples,
      onError: (event) => reject(event.target.error),
      onComplete: () => resolve(summarise(bench)),
    });
    bench.run({ async: true });
  });
}

/**
 * The ratio of two synchronous cases' costs, time(a) / time(b), measured in `rounds` interleaved
 * rounds: each round times a batch of `a` and a batch of `b` (the order alternating from round to
 * round), each batch sized to last about `batchMs`. A machine whose speed drifts (a hypervisor
 * taking a share of the CPU) moves both batches of a round alike, so the per-round ratios spread
 * far less than two cases timed one after the other. Returns the median, min and max of the
 * per-round ratios, of the per-round differences time(a) − time(b) in µs per call, and each
 * case's median µs per call.
 * `beforeA` and `beforeB`, when given, run (untimed, awaited) before each batch of their case:
 * for cases that differ in a setting rather than in their code.
 * @param {() => unknown} a
 * @param {() => unknown} b
 * @param {{ rounds?: number, batchMs?: number, beforeA?: () => unknown, beforeB?: () => unknown }} [options]
 */
export async function ratioRounds(a, b, options = {}) {
  const { rounds = 15, batchMs = 100, beforeA = () => {}, beforeB = () => {} } = options;
  const perCall = (fn) => {
    // Calls per batch: enough to last batchMs, found by doubling from one.
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn();
      const ms = performance.now() - t0;
      if (ms >= batchMs / 4 || n >= 1 << 24) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 1e-3)));
      n *= 2;
    }
  };
  await beforeA();
  const na = perCall(a);
  await beforeB();
  const nb = perCall(b);
  const batch = (fn, n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    return ((performance.now() - t0) * 1000) / n;
  };
  const ratios = [];
  const diffs = [];
  const aUs = [];
  const bUs = [];
  for (let r = 0; r < rounds; r++) {
    let ta;
    let tb;
    const runA = async () => {
      await beforeA();
      ta = batch(a, na);
    };
    const runB = async () => {
      await beforeB();
      tb = batch(b, nb);
    };
    if (r % 2 === 0) {
      await runA();
      await runB();
    } else {
      await runB();
      await runA();
    }
    ratios.push(ta / tb);
    diffs.push(ta - tb);
    aUs.push(ta);
    bUs.push(tb);
  }
  const sorted = (xs) => [...xs].sort((x, y) => x - y);
  const r = sorted(ratios);
  const d = sorted(diffs);
  return {
    median: quantile(r, 0.5), min: r[0], max: r[r.length - 1],
    diffUs: { median: quantile(d, 0.5), min: d[0], max: d[d.length - 1] },
    rounds, aUs: quantile(sorted(aUs), 0.5), bUs: quantile(sorted(bUs), 0.5),
  };
}

/** A quantile (0…1) of an ascending array, by linear interpolation. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Median, mean, quartiles, extremes, relative margin of error and sample count of a finished
 * benchmark, in ms. The spread is given twice: benchmark.js's relative margin of error of the
 * mean (95 %), and the interquartile range of the samples.
 */
export function summarise(bench) {
  const sample = [...bench.stats.sample].sort((x, y) => x - y);
  return {
    name: bench.name,
    medianMs: quantile(sample, 0.5) * 1e3,
    meanMs: bench.stats.mean * 1e3,
    minMs: sample[0] * 1e3,
    maxMs: sample[sample.length - 1] * 1e3,
    p25Ms: quantile(sample, 0.25) * 1e3,
    p75Ms: quantile(sample, 0.75) * 1e3,
    rmePercent: bench.stats.rme,
    samples: sample.length,
  };
}

/** GFLOP/s of `flops` floating-point operations done in `ms` milliseconds. */
export function gflops(flops, ms) {
  return flops / (ms * 1e6);
}

/** A fixed-width text table: `columns` are [header, align] pairs, rows are arrays of strings. */
export function table(columns, rows) {
  const widths = columns.map(([header], c) => Math.max(header.length, ...rows.map((r) => r[c].length)));
  const line = (cells) =>
    cells.map((cell, c) => (columns[c][1] === 'left' ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(columns.map(([h]) => h)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The SIMD features in /proc/cpuinfo's flags that matter to the kernels (Linux; [] elsewhere). */
export function cpuFeatures() {
  const wanted = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512dq', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_tile', 'neon', 'asimd'];
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? '';
    const flags = new Set(line.replace(/^[^:]*:/, '').trim().split(/\s+/));
    return wanted.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

/** What the figures were measured on (`gpu` is filled in by suites that probe the adapter). */
export function machineInfo() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout: leave it out
  }
  const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuFeatures: cpuFeatures(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    package: `${pkg.name}@${pkg.version}`,
    commit,
  };
}

/** Writes `payload` to bench/results/<suite>-<date>.json and returns the path. */
export function writeResults(suite, payload) {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
  const path = join(dir, `${suite}-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(payload, null, 2)}\n`);
  return path;
}
