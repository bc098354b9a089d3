/**
 * What `#webgpu-probe` resolves to outside Node (package.json `imports`, the `default`
 * condition): browsers ask navigator.gpu directly, so there is no child-process probe.
 */
import type { ChildProbe } from './node-probe.js';

export type { ChildProbe };

/** No child processes here: resolves undefined (the caller probes in-process). */
export function probeInChild(_adapterOptions: unknown): Promise<ChildProbe | undefined> {
  return Promise.resolve(undefined);
}

/** Dawn's output does not exist in a browser; kept for the same surface as node-probe.ts. */
export function summariseDawnOutput(stderr: string): string {
  return stderr;
}
