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

/** Median, mean, relative margin of error and sample count of a finished benchmark, in ms. */
export function summarise(bench) {
  const sample = [...bench.stats.sample].sort((x, y) => x - y);
  const mid = sample.length >> 1;
  const median = sample.length % 2 ? sample[mid] : (sample[mid - 1] + sample[mid]) / 2;
  return {
    name: bench.name,
    medianMs: median * 1e3,
    meanMs: bench.stats.mean * 1e3,
    minMs: sample[0] * 1e3,
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

/** What the figures were measured on. */
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
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
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
