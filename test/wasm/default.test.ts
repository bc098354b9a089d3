/**
 * Without the native addon (an `npm install --ignore-scripts`, or a failed compile) Node runs on
 * wasm by default: the choice order is native → wasm → js. Checked in a fresh process whose addon
 * path points nowhere, so this process's loaded addon does not interfere.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../../src/index.js';

const wasm = (await backends()).find((b) => b.name === 'wasm')!;
const root = join(__dirname, '..', '..');

describe.skipIf(!wasm.available)('default backend without the addon', () => {
  it('is wasm, and ops run there', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const script = [
      "import { backends, getBackend, matmul, tensor } from './src/index.ts';",
      "const native = (await backends()).find((b) => b.name === 'native');",
      'const c = await matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]));',
      'console.log(JSON.stringify({ native: native.available, chosen: await getBackend(), c: Array.from(await c.data()) }));',
    ].join('\n');
    const r = spawnSync(process.execPath, [tsx, '--input-type=module', '-e', script], {
      cwd: root, encoding: 'utf8', env: { ...process.env, LEPTON_NATIVE_ADDON: join(root, 'no-such-addon.node') }, timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { native: boolean; chosen: string; c: number[] };
    expect(out).toEqual({ native: false, chosen: 'wasm', c: [17, 39] });
  });
});
