/**
 * The cluster's costs on loopback (`npm run bench:cluster`), against the built package (dist/).
 *
 *   npm run build && node bench/cluster.bench.mjs [--signals 1000] [--size 10] [--calls 300] [--repeat 1]
 *
 * Starts a redis-server on a free loopback port (temporary folder, no persistence) and
 * `lepton-worker` processes through bin/lepton-worker.mjs (LEPTON_WORKER_FROM=dist, --threads 1,
 * --backend js, --quiet), then measures:
 *   1. per-job overhead: `run('relu')` on a distinct [4] float32 tensor per call, one at a time,
 *      submit → result (payload upload, job, worker, result record, result download), 1 worker;
 *   2. payload throughput: `run('relu')` on distinct 8 MiB float32 tensors, one at a time. Each
 *      call moves the tensor 4 times (up, to the worker, its result up, back) and hashes it 4
 *      times (sha256); reported as tensor MB/s (8 MiB / call time) and wire MB/s (4× that);
 *   3. `signals` OMP reconstructions (N = 1024, K = 256, sparsity 32, float64, one shared A),
 *      `map` in jobs of `size` signals: with 1 worker, with 2 worker processes (on a second
 *      queue, warmed up once), through connect() with no Redis (the same parts in this process),
 *      and as one local cs.omp call; the four alternate within each of `repeat` rounds.
 * Wall clock; the machine is shared, so peers run in the same process, and the spread is given.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { connect } from '../dist/cluster/index.js';
import { configure, cs, matmul, randn, setBackend, tensor } from '../dist/index.js';
import { ompProblem } from './lib/omp-problem.mjs';
import { machineInfo, quantile, table, writeResults } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'lepton-worker.mjs');
const { values } = parseArgs({
  options: {
    signals: { type: 'string', default: '1000' },
    size: { type: 'string', default: '10' },
    calls: { type: 'string', default: '300' },
    big: { type: 'string', default: '12' },
    repeat: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'native' },
  },
});
/** The backend of the workers and of this process's own rows (embedded, local), all on one thread. */
const BACKEND = values.backend;
const SIGNALS = Number(values.signals);
const SIZE = Number(values.size);
const CALLS = Number(values.calls);
const BIG_CALLS = Number(values.big);
const REPEAT = Number(values.repeat);
const N = 1024;
const K = 256;
const SPARSITY = 32;

if (spawnSync('redis-server', ['--version']).error) {
  console.error('bench/cluster: redis-server is not installed (Debian: apt-get install redis-server)');
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(os.tmpdir(), 'lepton-bench-redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function startWorker(url, queue) {
  const proc = spawn(process.execPath, [BIN, '--redis', url, '--queue', queue, '--threads', '1', '--backend', BACKEND], {
    env: { ...process.env, LEPTON_WORKER_FROM: 'dist' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let jobs = 0;
  const ready = new Promise((resolve) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      jobs += (String(c).match(/ job /g) ?? []).length;
      if (out.includes('ready on')) resolve();
    });
  });
  return {
    proc,
    ready,
    jobs: () => jobs,
    stop: () => new Promise((r) => {
      proc.once('exit', r);
      proc.kill('SIGTERM');
    }),
  };
}

const spread = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, min: s[0], median: quantile(s, 0.5), p90: quantile(s, 0.9), max: s[s.length - 1] };
};
const f = (v, d = 2) => v.toFixed(d);


await configure({ threads: 1 });
await setBackend(BACKEND);
/**
 * Wall time of plain node processes started together, each running cs.omp on its range of the
 * signals in blocks of SIZE (the problem rebuilt from the same seeds), on BACKEND with 1 thread.
 */
async function plainRun(ranges) {
  const script = `
    import * as L from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
    import { ompProblem } from ${JSON.stringify(new URL('./lib/omp-problem.mjs', import.meta.url).href)};
    await L.configure({ threads: 1 });
    await L.setBackend(${JSON.stringify(BACKEND)});
    const [N, K, S, SP, SIZE, begin, end] = ${JSON.stringify([N, K, SIGNALS, SPARSITY, SIZE])}.concat(process.argv.slice(1).map(Number));
    const { A, Y } = ompProblem(L, { N, K, signals: S, sparsity: SP });
    const blocks = [];
    for (let b = begin; b < end; b += SIZE) blocks.push(L.slice(Y, [null, b], [null, Math.min(end, b + SIZE)]).contiguous());
    await L.cs.omp(A, blocks[0], { sparsity: SP }); // warm-up
    process.stdout.write('ready\\n');
    await new Promise((r) => process.stdin.once('data', r));
    for (const y of blocks) await L.cs.omp(A, y, { sparsity: SP });
    process.stdout.write('done\\n');
    process.exit(0);`;
  const kids = ranges.map(([b, e]) => spawn(process.execPath, ['--input-type=module', '-e', script, String(b), String(e)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const line = (k, text) => new Promise((resolve, reject) => {
    let out = '';
    k.stdout.on('data', (c) => {
      out += c;
      if (out.includes(text)) resolve();
    });
    k.once('exit', (code) => (code === 0 && out.includes(text) ? resolve() : reject(new Error(`plain OMP process exited with ${code}`))));
  });
  await Promise.all(kids.map((k) => line(k, 'ready')));
  const t0 = performance.now();
  const done = Promise.all(kids.map((k) => line(k, 'done')));
  for (const k of kids) k.stdin.write('go\n');
  await done;
  return performance.now() - t0;
}

const redis = await startRedis();
const workers = [];
const results = { machine: machineInfo(), params: { SIGNALS, SIZE, CALLS, BIG_CALLS, N, K, SPARSITY, REPEAT } };
try {
  workers.push(startWorker(redis.url, 'bench'));
  await workers[0].ready;
  const c = await connect({ redis: redis.url, queue: 'bench' });

  // 1. Per-job overhead: a tiny op, one call at a time, a new tensor each call.
  const tiny = Array.from({ length: CALLS + 50 }, (_, i) => tensor([i, -i, i + 0.5, -i - 0.5]));
  for (let i = 0; i < 50; i++) await c.run('relu', [tiny[i]]);
  const lat = [];
  for (let i = 50; i < tiny.length; i++) {
    const t0 = performance.now();
    await c.run('relu', [tiny[i]]);
    lat.push(performance.now() - t0);
  }
  results.overhead = spread(lat);

  // 2. Payload throughput: 8 MiB float32 tensors, a new one each call.
  const MIB8 = 8 * 1024 * 1024;
  const big = [];
  for (let i = 0; i < BIG_CALLS + 2; i++) big.push(randn([MIB8 / 4], { seed: 100 + i }));
  for (let i = 0; i < 2; i++) await c.run('relu', [big[i]]);
  const bigMs = [];
  for (let i = 2; i < big.length; i++) {
    const t0 = performance.now();
    await c.run('relu', [big[i]]);
    bigMs.push(performance.now() - t0);
  }
  results.payload = { ...spread(bigMs), tensorMBps: (MIB8 / 1e6) / (spread(bigMs).median / 1000) };
  big.length = 0;
  // The loopback's own ceiling, in the same run: one ioredis connection SETs and GETs an 8 MiB
  // buffer (two of the four transfers a call makes, with no hashing, encoding or op).
  const raw = new Redis(redis.url);
  const bytes = Buffer.alloc(MIB8, 7);
  const rawMs = [];
  for (let i = 0; i < BIG_CALLS + 2; i++) {
    const t0 = performance.now();
    await raw.set('bench:raw', bytes);
    await raw.getBuffer('bench:raw');
    if (i >= 2) rawMs.push(performance.now() - t0);
  }
  raw.disconnect();
  results.rawSetGet = { ...spread(rawMs), wireMBps: (2 * MIB8 / 1e6) / (spread(rawMs).median / 1000) };

  // 3. OMP reconstructions.
  const { A, Y } = ompProblem({ matmul, randn, tensor }, { N, K, signals: SIGNALS, sparsity: SPARSITY });
  const split = { input: 1, axis: 1, size: SIZE };
  const opts = { sparsity: SPARSITY };
  const timed = async (fn) => {
    const t0 = performance.now();
    const out = await fn();
    return { ms: performance.now() - t0, out };
  };
  const ompRuns = { one: [], two: [], embedded: [], local: [] };
  let reference;
  const embedded = await connect();
  const check = async (out) => {
    const a = await out.x.data();
    const b = await reference.x.data();
    if (!a.every((v, i) => Object.is(v, b[i]))) throw new Error('cluster result differs from the local call');
  };
  // Two more workers on a second queue: the 1-worker and 2-worker runs alternate, each repeat, so
  // a change in the machine's load hits both (idle workers wait on Redis and use no CPU).
  const pair = [startWorker(redis.url, 'bench2'), startWorker(redis.url, 'bench2')];
  workers.push(...pair);
  await Promise.all(pair.map((w) => w.ready));
  const c2 = await connect({ redis: redis.url, queue: 'bench2' });
  await c2.map('cs.omp', [A, Y], opts, { split }); // warm-up: JIT and A in both caches
  results.jobsPerWorker = [];
  for (let r = 0; r < REPEAT; r++) {
    const local = await timed(() => cs.omp(A, Y, opts));
    reference = local.out;
    ompRuns.local.push(local.ms);
    const one = await timed(() => c.map('cs.omp', [A, Y], opts, { split }));
    await check(one.out);
    ompRuns.one.push(one.ms);
    const before = pair.map((w) => w.jobs());
    const two = await timed(() => c2.map('cs.omp', [A, Y], opts, { split }));
    await check(two.out);
    ompRuns.two.push(two.ms);
    results.jobsPerWorker.push(pair.map((w, i) => w.jobs() - before[i]).join(' + '));
    const emb = await timed(() => embedded.map('cs.omp', [A, Y], opts, { split }));
    await check(emb.out);
    ompRuns.embedded.push(emb.ms);
  }
  // The machine's own ceiling for this work, in the same run: the same jobs (cs.omp on blocks of
  // SIZE signals) in one plain node process, then half of them in each of two at once, with no
  // queue, no Redis and no other process of the bench working.
  results.plain = { one: [], two: [] };
  for (let r = 0; r < REPEAT; r++) {
    results.plain.one.push(await plainRun([[0, SIGNALS]]));
    results.plain.two.push(await plainRun([[0, SIGNALS / 2], [SIGNALS / 2, SIGNALS]]));
  }
  results.plainSpeedups = results.plain.one.map((ms, i) => ms / results.plain.two[i]);
  const stats2 = await c2.stats();
  await c2.close();
  results.omp = Object.fromEntries(Object.entries(ompRuns).map(([k, v]) => [k, spread(v)]));
  results.speedup = results.omp.one.median / results.omp.two.median;
  results.speedups = ompRuns.one.map((ms, i) => ms / ompRuns.two[i]);
  const stats = await c.stats();
  results.cache = [...stats.workers, ...stats2.workers].filter((w) => !w.stopped).map((w) => ({ pid: w.pid, hits: w.cache.hits, misses: w.cache.misses }));
  await c.close();
  await embedded.close();

  const o = results.overhead;
  const p = results.payload;
  console.log(`cluster bench on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), loadavg ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  console.log(table([['measure', 'left'], ['min', 'right'], ['median', 'right'], ['p90', 'right'], ['max', 'right'], ['n', 'right'], ['goal', 'left']], [
    ['per-job overhead, ms (relu [4], 1 worker)', f(o.min), f(o.median), f(o.p90), f(o.max), String(o.n), '≤ 2 ms median'],
    ['8 MiB round trip, ms (relu, 1 worker)', f(p.min, 1), f(p.median, 1), f(p.p90, 1), f(p.max, 1), String(p.n), ''],
    ['8 MiB raw SET + GET, ms (ioredis alone)', f(results.rawSetGet.min, 1), f(results.rawSetGet.median, 1), f(results.rawSetGet.p90, 1), f(results.rawSetGet.max, 1), String(results.rawSetGet.n), 'the loopback\'s ceiling'],
    ...Object.entries(results.omp).map(([k, s]) => [`${SIGNALS} OMP, s: ${{ one: '1 worker', two: '2 workers', embedded: 'connect() no Redis', local: 'one local cs.omp' }[k]}`,
      f(s.min / 1000), f(s.median / 1000), f(s.p90 / 1000), f(s.max / 1000), String(s.n), '']),
  ]));
  console.log(`payload: ${f(p.tensorMBps, 0)} MB/s of tensor per call (median), ${f(4 * p.tensorMBps, 0)} MB/s over the wire (4 transfers, 4 sha256 each call); goal ≥ 300 MB/s; ioredis alone moves ${f(results.rawSetGet.wireMBps, 0)} MB/s over the wire (SET + GET)`);
  console.log(`OMP speedup 2 workers vs 1 (medians): ${f(results.speedup)}× (goal ≥ 1.8×); per repeat: ${results.speedups.map((v) => `${f(v)}×`).join(', ')}; jobs per worker: ${results.jobsPerWorker.join(', ')}`);
  console.log(`the machine's ceiling, the same jobs in plain node processes (no queue): 2 vs 1 ${results.plainSpeedups.map((v) => `${f(v)}×`).join(', ')}`);
  console.log(`queue cost: 1 worker ${f(results.omp.one.median / results.omp.embedded.median)}× the embedded time; embedded ${f(results.omp.embedded.median / results.omp.local.median)}× one local call`);
  console.log(`worker caches: ${results.cache.map((w) => `${w.pid} ${w.hits} hit / ${w.misses} miss`).join(', ')}`);
  console.log(`results: ${writeResults('cluster', results)}`);
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await redis.stop();
}
