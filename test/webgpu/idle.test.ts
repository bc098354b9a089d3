/**
 * A process that has used the GPU and is idle uses no CPU: Dawn's device is reported to keep a
 * core busy polling after requestDevice on some drivers. Measured in a child process (its own CPU
 * time over 1.5 s of idling); one core spinning would read about 1.0.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasGpu } from './gpu.js';

describe.skipIf(!hasGpu)('webgpu idle', () => {
  it('an idle process that used the GPU spends under a tenth of a core', () => {
    const script = fileURLToPath(new URL('./fixtures/idle.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 50_000, env: process.env });
    expect(run.status, run.stderr).toBe(0);
    expect(Number(run.stdout.trim())).toBeLessThan(0.1);
  });
});
