/** The README's quick start runs as written and prints what its comments say. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

it('the quick start runs', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block, 'README has a Quick start ts block').toBeTruthy();
  const source = block!.replace("from 'lepton-compute'", "from '../../src/index.js'");
  const dir = join(root, 'test', '.generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'quickstart.ts');
  writeFileSync(file, `${source}\nexport {};\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ file);
    expect(log).toHaveBeenCalledTimes(1);
    const [y, pShape, xShape, sparseError] = log.mock.calls[0]!;
    expect((y as number[]).length).toBe(4);
    expect(pShape).toEqual([1, 8, 16, 16]);
    expect(xShape).toEqual([256]);
    // OMP recovers the 4-sparse signal exactly, up to float32 rounding.
    expect(sparseError).toBeLessThan(1e-5);
  } finally {
    log.mockRestore();
  }
});
