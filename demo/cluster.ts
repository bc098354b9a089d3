/**
 * `npm run demo:cluster`: the cluster at work on one machine. Starts a redis-server on a free
 * loopback port (in a temporary folder), two `lepton-worker` processes (through the bin), then
 * reconstructs a batch of sparse signals with `cs.omp` fanned out over them, with a progress
 * line; checks the result against one local call and the true signals, prints the queue's stats
 * and each worker's operand-cache hit rate, and stops everything.
 *
 *   npm run demo:cluster [-- --signals 2000 --size 50]
 * Each job fetches its own block of Y (a cache miss) and reuses A after its first job (a hit).
 * Needs redis-server on the PATH (Debian: apt-get install redis-server).
 */
import { parseArgs } from 'node:util';
import { connect } from '../src/cluster/index.js';
import { cs, matmul, randn, tensor } from '../src/index.js';
import { redisServerStatus, spawnWorker, startRedis, stopWorker } from '../test/cluster/harness.js';

const { values } = parseArgs({ options: { signals: { type: 'string', default: '400' }, size: { type: 'string', default: '20' } } });
const SIGNALS = Number(values.signals);
const SIZE = Number(values.size);
const N = 256; // unknowns
const K = 96; // measurements
const SPARSITY = 12;

const status = redisServerStatus();
if (!status.ok) {
  console.error(`demo:cluster: ${status.reason}`);
  process.exit(1);
}

const line = (text: string) => process.stdout.write(`\r${text.padEnd(78)}`);

const redis = await startRedis();
console.log(`redis-server on ${redis.url} (folder ${redis.dir})`);
const workers = [spawnWorker(redis.url, 'demo', ['--quiet']), spawnWorker(redis.url, 'demo', ['--quiet'])];
try {
  await Promise.all(workers.map((w) => w.waitFor(/ready on/)));
  console.log(`2 lepton-worker processes ready (pids ${workers.map((w) => w.proc.pid).join(', ')})`);

  // SIGNALS sparse signals, measured by one shared Gaussian matrix.
  const A = randn([K, N], { seed: 1, dtype: 'float64' });
  const X = new Float64Array(N * SIGNALS);
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let c = 0; c < SIGNALS; c++) for (let j = 0; j < SPARSITY; j++) X[Math.floor(next() * N) * SIGNALS + c] = next() * 2 - 1;
  const xTrue = tensor(X, [N, SIGNALS]);
  const Y = await matmul(A, xTrue);

  const c = await connect({ redis: redis.url, queue: 'demo' });
  c.on('progress', ({ done, total }) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    line(`cs.omp over ${SIGNALS} signals: [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} jobs`);
  });
  const t0 = performance.now();
  const got = await c.map('cs.omp', [A, Y], { sparsity: SPARSITY }, { split: { input: 1, axis: 1, size: SIZE } });
  const ms = performance.now() - t0;
  process.stdout.write('\n');
  const t1 = performance.now();
  const local = await cs.omp(A, Y, { sparsity: SPARSITY });
  const localMs = performance.now() - t1;
  const a = await got.x.data();
  const b = await local.x.data();
  const equal = a.every((v, i) => Object.is(v, b[i]));
  console.log(`cluster: ${ms.toFixed(0)} ms (${(SIGNALS / (ms / 1000)).toFixed(0)} signals/s); one local call: ${localMs.toFixed(0)} ms`);
  console.log(`equal to the local call bit for bit: ${equal}; relative error against the true signals: ${(await cs.relativeError(xTrue, got.x)).toExponential(2)}`);
  const stats = await c.stats();
  console.log('each job fetches its own block of Y (a miss); A is fetched once per worker, then hit');
  console.log(`queue: ${stats.queued} queued, ${stats.active} active, ${stats.completed} completed, ${stats.failed} failed`);
  for (const w of stats.workers.filter((x) => !x.stopped)) {
    const total = w.cache.hits + w.cache.misses;
    console.log(`  worker ${w.pid}: ${w.jobs} jobs, operand cache ${w.cache.hits}/${total} hits (${((100 * w.cache.hits) / Math.max(1, total)).toFixed(0)}%)`);
  }
  await c.close();
  if (!equal) process.exitCode = 1;
} finally {
  const codes = await Promise.all(workers.map(stopWorker));
  console.log(`workers stopped (exit ${codes.join(', ')}); stopping redis-server`);
  await redis.dispose();
}
