/**
 * The one place a backend is chosen for an op: the `backend` option, else the default set by
 * `setBackend()`, else the first available backend in PRIORITY that has the op. An explicitly
 * requested backend that cannot run the op throws; nothing falls back silently.
 */
import { BACKEND_NAMES, type Backend, type BackendName, type Kernel } from './backends/backend.js';
import { jsBackend } from './backends/js/index.js';
// package.json#imports: the addon's backend in Node, an always-unavailable stub in browsers.
import { nativeBackend } from '#native';
import { wasmBackend } from './backends/wasm/index.js';
import { webgpuBackend } from './backends/webgpu/default.js';
import { BackendUnavailableError, InvalidArgumentError } from './errors.js';
import type { OpName, OpSpecs } from './ops/spec.js';
import { describe, type Tensor } from './tensor.js';

/** Options every op takes. */
export interface OpOptions {
  /** Run on this backend, or throw if it cannot; `'auto'` (the default) picks one. */
  backend?: BackendName | 'auto';
  /** Cancels the op: queued work is dropped and the op rejects with an AbortError. */
  signal?: AbortSignal;
}

/** The backends this build carries, in default priority order (fastest first). */
const REGISTRY: readonly Backend[] = [nativeBackend, wasmBackend, jsBackend, webgpuBackend];

/** Backends that run on the GPU: chosen for GPU inputs or by name, never in the CPU order. */
const GPU_BACKENDS: readonly BackendName[] = ['webgpu'];

/** What `backends()` reports for each backend. */
export interface BackendInfo {
  name: BackendName;
  available: boolean;
  /** Why it is unavailable (`''` when available). */
  reason: string;
  /** The ops it runs. */
  ops: OpName[];
}

let chosen: BackendName | undefined;

/** Every backend this library knows, whether it can run here, and why not. */
export async function backends(): Promise<BackendInfo[]> {
  return Promise.all(
    BACKEND_NAMES.map(async (name) => {
      const backend = REGISTRY.find((b) => b.name === name);
      if (!backend) return { name, available: false, reason: notInBuild(name), ops: [] };
      const probe = await backend.probe();
      return {
        name,
        available: probe.ok,
        reason: probe.ok ? '' : probe.reason,
        ops: Object.keys(backend.kernels) as OpName[],
      };
    }),
  );
}

/**
 * Makes `name` the default backend for ops that do not name one (`'auto'` restores automatic
 * choice). Throws BackendUnavailableError when it cannot run here.
 */
export async function setBackend(name: BackendName | 'auto'): Promise<void> {
  if (name === 'auto') {
    chosen = undefined;
    return;
  }
  await requireBackend('setBackend', checkName('setBackend', name));
  chosen = name;
}

/** The default backend's name: the one `setBackend` chose, else the first available in priority order. */
export async function getBackend(): Promise<BackendName> {
  if (chosen) return chosen;
  for (const b of REGISTRY) if (!GPU_BACKENDS.includes(b.name) && (await b.probe()).ok) return b.name;
  return 'js';
}

/** Runs `op` on the chosen backend. The plan has been validated and frozen by the op layer. */
export async function dispatch<K extends OpName>(
  op: K,
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  options: OpOptions | undefined,
  label: string = op,
): Promise<Tensor> {
  options?.signal?.throwIfAborted();
  const onGpu = (inputs as readonly (Tensor | undefined)[]).some((t) => t?.device === 'webgpu');
  const kernel = await pickKernel(op, options, label, onGpu);
  return kernel(plan, inputs, options?.signal ? { signal: options.signal } : undefined);
}

/** Checks the `backend` option before any work (ops call it during validation). */
export function checkOptions(label: string, options: unknown): OpOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(label, `options must be an object; received ${describe(options)}`);
  }
  const { backend, signal } = options as OpOptions;
  if (backend !== undefined && backend !== 'auto') checkName(label, backend);
  if (signal !== undefined && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(label, `signal must be an AbortSignal; received ${describe(signal)}`,
      'Pass e.g. AbortSignal.timeout(1000) or an AbortController\'s signal');
  }
  return options as OpOptions;
}

async function pickKernel<K extends OpName>(op: K, options: OpOptions | undefined, label: string, onGpu: boolean): Promise<Kernel<K>> {
  // An explicit option wins; else inputs on the GPU run there; else the default.
  const explicit = options?.backend && options.backend !== 'auto' ? options.backend : undefined;
  const requested = explicit ?? (onGpu ? 'webgpu' : chosen);
  if (onGpu && requested && !GPU_BACKENDS.includes(requested)) {
    throw new InvalidArgumentError(
      label,
      `an input lives on webgpu but backend '${requested}' runs on the CPU`,
      "Move the inputs with await t.to('cpu'), or drop the backend option to run on webgpu",
    );
  }
  if (requested) {
    const backend = await requireBackend(label, requested);
    const kernel = backend.kernels[op] as Kernel<K> | undefined;
    if (!kernel) {
      throw new BackendUnavailableError(
        label,
        `backend '${requested}' does not implement ${label}`,
        "Use backend 'auto' or another backend",
        'UNSUPPORTED_OP',
      );
    }
    return kernel;
  }
  const reasons: string[] = [];
  for (const backend of REGISTRY) {
    if (GPU_BACKENDS.includes(backend.name)) continue;
    const kernel = backend.kernels[op] as Kernel<K> | undefined;
    const probe = await backend.probe();
    if (kernel && probe.ok) return kernel;
    reasons.push(`${backend.name}: ${probe.ok ? `no ${label} kernel` : probe.reason}`);
  }
  throw new BackendUnavailableError(label, `no available backend runs ${label} (${reasons.join('; ')})`);
}

async function requireBackend(label: string, name: BackendName): Promise<Backend> {
  const backend = REGISTRY.find((b) => b.name === name);
  const probe: { ok: boolean; reason?: string } = backend ? await backend.probe() : { ok: false, reason: notInBuild(name) };
  if (!backend || !probe.ok) {
    throw new BackendUnavailableError(
      label,
      `backend '${name}' is unavailable: ${probe.reason}`,
      'Call backends() to see which backends run here, or use another backend',
    );
  }
  return backend;
}

function checkName(label: string, name: unknown): BackendName {
  if (!BACKEND_NAMES.includes(name as BackendName)) {
    throw new InvalidArgumentError(
      label,
      `backend must be one of 'auto', ${BACKEND_NAMES.map((n) => `'${n}'`).join(', ')}; received ${describe(name)}`,
    );
  }
  return name as BackendName;
}

function notInBuild(name: BackendName): string {
  return `the ${name} backend is not part of this version of lepton-compute`;
}
