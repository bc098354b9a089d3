/** Node exits by itself after using the GPU: nothing to call, no hang, no busy loop left. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasGpu } from './gpu.js';

describe.skipIf(!hasGpu)('webgpu process exit', () => {
  it('a script that used the GPU exits on its own within the timeout', () => {
    const script = fileURLToPath(new URL('./fixtures/exit.ts', import.meta.url));
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 50_000, env: process.env });
    expect(run.error, `spawn error; stderr: ${run.stderr}`).toBeUndefined();
    expect(run.signal, `killed after ${Date.now() - started} ms (hang?); stderr: ${run.stderr}`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('ok 1089');
  });
});
