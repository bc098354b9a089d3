/** src/backends/webgpu/shaders.gen.ts is what `node shaders/embed.mjs` makes from shaders/*.wgsl. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('shaders.gen.ts is up to date with shaders/*.wgsl (node shaders/embed.mjs --check)', () => {
  const script = fileURLToPath(new URL('../../shaders/embed.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
});
