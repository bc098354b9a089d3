/**
 * lepton-compute/cluster (Node only): the same ops, run by worker processes on any number of
 * machines through BullMQ on Redis, or in this process when no Redis is given.
 *
 * @example
 * const c = await connect({ redis: 'redis://127.0.0.1:6379', queue: 'lepton' });
 * const { x } = await c.map('cs.omp', [A, Y], { sparsity: 8 }, { split: { input: 1, axis: 1, size: 16 } });
 * await c.close();
 */
export {
  connect,
  queueStats,
  type Cluster,
  type CallOptions,
  type ClusterStats,
  type ConnectOptions,
  type Progress,
  type Split,
} from './client.js';
export { startWorker, DEFAULT_LOCKS, type LeptonWorker, type WorkerOptions, type WorkerStats, type JobReport, type LockSettings } from './worker.js';
export { PayloadError } from './errors.js';
export type { CacheStats } from './cache.js';
export type { ClusterOps, ClusterOpName } from './ops.js';
