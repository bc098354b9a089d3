/**
 * The browser bundle's entry (dist/browser/lepton.js): the public API, with `#native` and `#pool`
 * resolved by the bundler's `default` condition (no native addon, a Web Worker pool), plus two
 * browser helpers: the pool's state, and where its worker script lives.
 */
export * from './index.js';
export { poolStats } from './pool/control.js';
export type { PoolStats } from './pool/types.js';
export { setWorkerUrl } from './pool/web-pool.js';
