/** The README's compressive-sensing example runs as written and prints the errors it quotes. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';
import { setBackend } from '../../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

it('the compressive-sensing example runs and recovers what the README says', async () => {
  await setBackend('js');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /## Compressive sensing[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README has a Compressive sensing ts block').toBeTruthy();
  const source = block!.replace("from 'lepton-compute'", "from '../../src/index.js'");
  const dir = join(root, 'test', '.generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cs-example.ts');
  writeFileSync(file, `${source}\nexport {};\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ file);
    expect(log).toHaveBeenCalledTimes(1);
    const [ridgeError, fistaError, ompError] = log.mock.calls[0]! as number[];
    // The figures quoted in the README: ridge 0.78, FISTA 1.6e-4, OMP 4.7e-16.
    expect(ridgeError).toBeCloseTo(0.783, 2);
    expect(fistaError).toBeLessThan(1e-3);
    expect(ompError).toBeLessThan(1e-12);
  } finally {
    log.mockRestore();
  }
});
