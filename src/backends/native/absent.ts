/**
 * What `#native` resolves to outside Node (package.json `imports`, the `default` condition): a
 * native backend that is never available, so that the browser bundle carries no Node API and no
 * `.node` file, and `backends()` still lists 'native' with the reason.
 */
import type { CpuBackend, Probe } from '../backend.js';

const absent: Probe = { ok: false, reason: 'the native addon runs only in Node; this build (browser) has the js and webgpu backends' };

export const nativeBackend: CpuBackend = Object.freeze({
  kind: 'cpu',
  name: 'native',
  probe: () => absent,
  speed: 10,
  ranges: Object.freeze({}),
  kernels: Object.freeze({}),
});
