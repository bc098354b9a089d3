/**
 * What `#npy-file` resolves to outside Node (package.json `imports`, the `default` condition):
 * `load` and `save` need a file system, so in a browser they reject and name the byte-level
 * functions that do work there.
 */
import { BackendUnavailableError } from './errors.js';
import type { Tensor } from './tensor.js';

/** Node only: rejects in a browser (use `fromNpy` on the file's bytes instead). */
export function load(_path: string | URL): Promise<Tensor> {
  return Promise.reject(
    new BackendUnavailableError('load', 'reading files needs Node; this build (browser) has no file system',
      'Fetch the bytes and read them with fromNpy(new Uint8Array(await (await fetch(url)).arrayBuffer()))'),
  );
}

/** Node only: rejects in a browser (use `toNpy(t)` and hand the bytes to a download instead). */
export function save(_path: string | URL, _t: Tensor): Promise<void> {
  return Promise.reject(
    new BackendUnavailableError('save', 'writing files needs Node; this build (browser) has no file system',
      'Turn the tensor into bytes with toNpy(t) and offer them as a Blob download'),
  );
}
