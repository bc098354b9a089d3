/**
 * Where the wasm module's bytes come from in Node (`#wasm-source`, package.json `imports`): the
 * file `dist/wasm/<name>` under the package root (the same code runs from `src/` and from the
 * bundles), or `$LEPTON_WASM_DIR/<name>`. Never throws: a missing file is a reason with the fix.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';

export type ModuleBytes = { ok: true; bytes: Uint8Array; from: string } | { ok: false; reason: string };

const FIX = 'Build it with "npm run build:wasm" (it needs clang and lld: "apt-get install clang lld"), or use another backend';

/** Reads the module file `name` (e.g. "lepton.wasm"). */
export async function moduleBytes(name: string): Promise<ModuleBytes> {
  const dir = process.env['LEPTON_WASM_DIR'] ?? (packageRoot() ? join(packageRoot()!, 'dist', 'wasm') : undefined);
  if (!dir) return { ok: false, reason: `the lepton-compute package root was not found, so dist/wasm/${name} was not looked for. ${FIX}` };
  const path = join(dir, name);
  try {
    return { ok: true, bytes: new Uint8Array(await readFile(path)), from: path };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { ok: false, reason: `${path} ${code === 'ENOENT' ? 'does not exist' : `could not be read (${String(e)})`}. ${FIX}` };
  }
}
