/**
 * The cluster composes the public API: every import in src/cluster/ is a sibling, the package's
 * entry (../index.js), a Node built-in, or bullmq / ioredis; never a backend, dispatch or the pool.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cluster');

it('src/cluster imports only the public entry, its siblings, Node built-ins, bullmq and ioredis', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(5);
  const offending: string[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = m[1] ?? m[2]!;
      const ok = spec === '../index.js' || /^\.\/[a-z-]+\.js$/.test(spec) || spec.startsWith('node:') || spec === 'bullmq' || spec === 'ioredis';
      if (!ok) offending.push(`${f}: ${spec}`);
    }
  }
  expect(offending).toEqual([]);
});
