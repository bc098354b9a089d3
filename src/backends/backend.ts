/**
 * The Backend interface: a plain object with a name, a memoised probe and a typed kernel table
 * (one optional entry per op in OpSpecs). Backends trust their inputs: the op layer has checked
 * them and frozen a plan.
 */
import type { OpName, OpSpecs } from '../ops/spec.js';
import type { Tensor } from '../tensor.js';

export type BackendName = 'js' | 'native' | 'wasm' | 'webgpu';
export const BACKEND_NAMES: readonly BackendName[] = ['js', 'native', 'wasm', 'webgpu'];

/** What an op hands its kernel besides the plan and inputs. */
export interface KernelOptions {
  /** Aborts queued pool work; the op then rejects with an AbortError. */
  signal?: AbortSignal;
}

export type Kernel<K extends OpName> = (
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  options?: KernelOptions,
) => Promise<Tensor>;

export type KernelTable = { readonly [K in OpName]?: Kernel<K> };

/** Whether a backend can run here, and why not. */
export type Probe = { ok: true } | { ok: false; reason: string };

export interface Backend {
  readonly name: BackendName;
  /** Memoised; never throws. */
  probe(): Promise<Probe>;
  readonly kernels: KernelTable;
}
