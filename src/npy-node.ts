/**
 * `load(path)` / `save(path, t)` for `.npy` files in Node (what `#npy-file` resolves to under the
 * `node` condition of package.json `imports`; browsers get npy-absent.ts). The format itself is
 * src/npy.ts, shared with the browser through `fromNpy` / `toNpy`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from './errors.js';
import { fromNpy, toNpy } from './npy.js';
import type { Tensor } from './tensor.js';

function checkPath(op: string, path: unknown): asserts path is string | URL {
  if (typeof path !== 'string' && !(path instanceof URL)) {
    throw new InvalidArgumentError(op, `path must be a string or a file URL; received ${path === null ? 'null' : typeof path}`,
      `Pass the file's path, e.g. ${op}('weights.npy'${op === 'save' ? ', t' : ''})`);
  }
}

/**
 * Reads an `.npy` file (what numpy's `np.save` writes) into a CPU tensor.
 * @throws INVALID_ARGUMENT for a file that is not float32, float64 or int32 .npy; the file
 *   system's error (ENOENT, …) when it cannot be read.
 * @example
 * const w = await load('weights.npy');
 */
export async function load(path: string | URL): Promise<Tensor> {
  checkPath('load', path);
  const bytes = await readFile(path);
  return fromNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Writes a tensor as an `.npy` file that numpy's `np.load` reads (format 1.0, little-endian, C order).
 * @throws INVALID_ARGUMENT when `t` is not a tensor; the file system's error when it cannot be written.
 * @example
 * await save('y.npy', y);
 */
export async function save(path: string | URL, t: Tensor): Promise<void> {
  checkPath('save', path);
  const bytes = toNpy(t);
  await writeFile(path, bytes);
}
