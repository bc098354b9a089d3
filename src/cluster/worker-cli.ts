/**
 * The `lepton-worker` command: a cluster worker in its own process.
 *
 *   lepton-worker --redis redis://127.0.0.1:6379 --queue lepton [--concurrency 1] [--threads 2]
 *                 [--backend native] [--lock-duration 30000] [--stalled-interval 30000]
 *                 [--max-stalled-count 2] [--cache-mb 256] [--quiet]
 *   lepton-worker --stats --redis URL --queue NAME      (prints the queue's counts as JSON, exits)
 *
 * Prints one line per job (`job <id> <op> <ms> ms · call <done>/<total> · cache <hits> hit <misses> miss`).
 * SIGTERM or SIGINT: stops taking jobs, finishes the one in hand, exits 0; a second signal drops
 * it (it returns to the queue after lockDuration) and exits 1.
 */
import { parseArgs } from 'node:util';
import { LeptonError, type BackendName } from '../index.js';
import { queueStats } from './client.js';
import { startWorker } from './worker.js';

const USAGE = `usage: lepton-worker --redis URL --queue NAME [--concurrency N] [--threads N] [--backend js|native|auto]
                     [--lock-duration MS] [--stalled-interval MS] [--max-stalled-count N] [--cache-mb N] [--quiet]
       lepton-worker --stats --redis URL --queue NAME`;

function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`lepton-worker: --${name} must be a positive integer; received '${text}'.\n${USAGE}\n`);
    process.exit(2);
  }
  return v;
}

function backendOf(text: string | undefined): BackendName | 'auto' | undefined {
  if (text === undefined) return undefined;
  if (text === 'js' || text === 'native' || text === 'webgpu' || text === 'auto') return text;
  process.stderr.write(`lepton-worker: --backend must be js, native, webgpu or auto; received '${text}'.\n${USAGE}\n`);
  process.exit(2);
}

export async function main(argv: readonly string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
        queue: { type: 'string', default: 'lepton' },
        concurrency: { type: 'string' },
        threads: { type: 'string' },
        backend: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        'max-stalled-count': { type: 'string' },
        'cache-mb': { type: 'string' },
        stats: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`lepton-worker: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const redis = values.redis!;
  const queue = values.queue!;
  if (values.stats) {
    const s = await queueStats(redis, queue);
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const cacheMb = int('cache-mb', values['cache-mb']);
  const quiet = values.quiet === true;
  const worker = await startWorker({
    redis,
    queue,
    concurrency: int('concurrency', values.concurrency),
    threads: int('threads', values.threads),
    backend: backendOf(values.backend),
    lockDuration: int('lock-duration', values['lock-duration']),
    stalledInterval: int('stalled-interval', values['stalled-interval']),
    maxStalledCount: int('max-stalled-count', values['max-stalled-count']),
    cacheBytes: cacheMb === undefined ? undefined : cacheMb * 1024 * 1024,
    onJob: (r) => {
      if (quiet) return;
      const c = r.cache;
      process.stdout.write(`lepton-worker ${process.pid}: job ${r.jobId} ${r.op} ${r.outcome} ${r.ms.toFixed(1)} ms · call ${r.done}/${r.total} · ` +
        `${r.jobs} jobs here · cache ${c.hits} hit ${c.misses} miss\n`);
    },
  });
  process.stdout.write(`lepton-worker ${process.pid}: ready on ${redis} queue '${queue}' (worker ${worker.id})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stdout.write(`lepton-worker ${process.pid}: ${signal} again, dropping the job in hand\n`);
      void worker.close(true).finally(() => process.exit(1));
      return;
    }
    stopping = true;
    process.stdout.write(`lepton-worker ${process.pid}: ${signal}, finishing the job in hand\n`);
    void worker.close().then(() => {
      process.stdout.write(`lepton-worker ${process.pid}: stopped\n`);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const text = err instanceof LeptonError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`lepton-worker: ${text}\n`);
  process.exit(1);
});
