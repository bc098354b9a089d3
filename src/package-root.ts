/**
 * Where this package is installed (Node only): the nearest directory above this module whose
 * package.json is named lepton-compute, so that the same code finds build outputs (the addon,
 * the wasm modules) from src/ (tests, tsx) and from the bundles in dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory above this module whose package.json is named lepton-compute. */
export function packageRoot(start: string | undefined = moduleDir()): string | undefined {
  let dir = start;
  while (dir) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'lepton-compute') return dir;
      } catch {
        // An unreadable package.json is not ours; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

function moduleDir(): string | undefined {
  // CommonJS bundle: __dirname; ES module (source or bundle): import.meta.url.
  if (typeof __dirname === 'string') return __dirname;
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}
