/**
 * What `#native` resolves to outside Node (package.json `imports`, the `default` condition): a
 * native backend that is never available, so that the browser bundle carries no Node API and no
 * `.node` file, and `backends()` still lists 'native' with the reason.
 */
import type { Backend, Probe } from '../backend.js';

const absent: Probe = { ok: false, reason: 'the native addon runs only in Node; this build (browser) has the js and webgpu backends' };

export const nativeBackend: Backend = Object.freeze({
  name: 'native',
  probe: () => Promise.resolve(absent),
  kernels: Object.freeze({}),
});
