/**
 * The one way from an op to a kernel. An op validates its arguments and freezes a plan; dispatch
 * then chooses the backend (the `backend` option, else the device of the inputs, else the
 * default), asks the one cost model what the plan costs, and runs the kernel: on the calling
 * thread before it returns (small work), split across the worker pool or on one pool thread
 * (large work: the output is returned pending), or on the GPU (pending). It is the only caller of
 * the pool and the only place a backend is chosen; an explicitly requested backend that cannot
 * run the op throws, nothing falls back silently.
 */
import type { Backend, CpuBackend, CpuKernel, GpuBackend, Probe, RangeKernel } from './backends/backend.js';
import { jsBackend } from './backends/js/index.js';
// package.json#imports: the addon's backend in Node, an always-unavailable stub in browsers.
import { nativeBackend } from '#native';
import { wasmCpuBackend } from './backends/wasm/index.js';
import { uploadNow, uploadToWebGpu, webgpuBackend } from './backends/webgpu/default.js';
import { costOf, isRangeOp, type Cost } from './cost.js';
import { BackendUnavailableError, InvalidArgumentError, LeptonError, NotPositiveDefiniteError } from './errors.js';
import { checkElements } from './limits.js';
import { canShare, cpuMemory, release, retain, setCap, takeStore, type CpuMemory, type CpuStore } from './memory/cpu.js';
import type { GpuMemory } from './backends/webgpu/context.js';
import type { DType } from './dtype.js';
import { checkOptions } from './ops/checks.js';
import { contiguousStrides } from './shape.js';
import { BACKEND_NAMES, type BackendName, type Conv2dPlan, type MatmulPlan, type OpName, type OpOptions, type OpSpecs, type RidgePlan } from './plans.js';
import { activePool, checkPoolOptions, configurePool, minFlopsPerPart, poolProblem, type PoolConfig } from './pool/control.js';
import type { TensorDesc } from './pool/board.js';
import { partition, planParts } from './pool/partition.js';
import type { PoolJob, PoolLike } from './pool/types.js';
import { describe, setGpuBridge, Tensor, wrap, type Pending } from './tensor.js';
import { POOL_CALLER_JOINS_MAX_FLOPS } from './tuning.js';

export { checkOptions };
export type { OpOptions };

setGpuBridge({ upload: uploadToWebGpu, uploadNow });

/** The backends this build carries. */
const REGISTRY: Readonly<Record<BackendName, Backend>> = { native: nativeBackend, wasm: wasmCpuBackend, js: jsBackend, webgpu: webgpuBackend };

/**
 * The default order for CPU tensors (fastest first): native, then wasm, then js (in a browser the
 * native stub is never available, so wasm then js). GPU backends are chosen by name or by the
 * inputs' device.
 */
const CPU_PRIORITY: readonly CpuBackend[] = [nativeBackend, wasmCpuBackend, jsBackend];

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

/** The library's settings: the worker pool's, and the CPU memory pool's cap. */
export interface Config extends PoolConfig {
  /** Bytes of freed CPU storage kept for reuse (default 256 MiB; 0 turns reuse off). */
  cpuPoolBytes: number;
}

/**
 * Changes the settings: `threads` (1 turns the worker pool off), `minFlopsPerPart` (the split
 * threshold) and `cpuPoolBytes` (the cap on freed CPU storage kept for reuse). They apply to the
 * next op at once, awaited or not; the promise settles once the old pool's ops in flight have
 * finished.
 * @example
 * await configure({ threads: 2, cpuPoolBytes: 64 * 2 ** 20 });
 */
export async function configure(options: Partial<Config>): Promise<void> {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('configure', `options must be an object; received ${describe(options)}`);
  }
  const { threads, minFlopsPerPart, cpuPoolBytes, ...rest } = options;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new InvalidArgumentError('configure', `unknown option '${unknown[0]}'`, 'The options are threads, minFlopsPerPart and cpuPoolBytes');
  }
  if (cpuPoolBytes !== undefined && (typeof cpuPoolBytes !== 'number' || !Number.isSafeInteger(cpuPoolBytes) || cpuPoolBytes < 0)) {
    throw new InvalidArgumentError('configure', `cpuPoolBytes must be a non-negative integer; received ${describe(cpuPoolBytes)}`);
  }
  // Applies at once (the next op sees it, awaited or not); the promise waits for the old pool.
  checkPoolOptions({ threads, minFlopsPerPart });
  if (cpuPoolBytes !== undefined) setCap(cpuPoolBytes);
  await configurePool({ ...(threads !== undefined ? { threads } : {}), ...(minFlopsPerPart !== undefined ? { minFlopsPerPart } : {}) });
}

export type { CpuMemory, GpuMemory };

export interface MemoryInfo {
  /**
   * CPU storage the library allocated: buffers in use (not disposed, or still read by a view or an
   * op), freed buffers kept for reuse, the cap, and how many allocations reuse served.
   */
  cpu: CpuMemory;
  /**
   * GPU tensors not yet disposed, the buffers and bytes they hold, what the buffer pool keeps for
   * reuse, and the pipelines compiled (all zero before WebGPU starts).
   */
  webgpu: GpuMemory;
}

/**
 * Live memory per device. After every tensor is disposed, `cpu.buffers` and `webgpu.buffers`
 * are back where they started (pooled buffers are kept for reuse, not leaked).
 * @example
 * const before = memory().cpu.buffers;
 * relu(x).dispose();
 * memory().cpu.buffers === before;            // true
 */
export function memory(): MemoryInfo {
  return { cpu: cpuMemory(), webgpu: webgpuBackend.memory() };
}

/** Every backend this library knows, whether it can run here, and why not. */
export async function backends(): Promise<BackendInfo[]> {
  return Promise.all(
    BACKEND_NAMES.map(async (name) => {
      const backend = REGISTRY[name];
      const probe = backend.kind === 'cpu' && backend.load ? await backend.load() : await backend.probe();
      const problem = backend.kind === 'cpu' && probe.ok ? poolProblem() : undefined;
      return {
        name,
        available: probe.ok,
        reason: probe.ok ? (problem ? `runs on the calling thread only: the worker pool cannot start (${problem})` : '') : probe.reason,
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
    defaults.clear();
    return;
  }
  const backend = REGISTRY[checkName('setBackend', name)];
  unavailable('setBackend', name, backend.kind === 'cpu' && backend.load ? await backend.load() : await backend.probe());
  chosen = name;
  defaults.clear();
}

/** The default backend's name (a promise, as the GPU probe is asynchronous): the one `setBackend` chose, else the first available in priority order. */
export async function getBackend(): Promise<BackendName> {
  if (chosen) return chosen;
  for (const b of CPU_PRIORITY) if (b.probe().ok) return b.name;
  return 'js';
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

function unavailable(label: string, name: BackendName, probe: Probe | undefined): void {
  if (probe && !probe.ok) {
    throw new BackendUnavailableError(label, `backend '${name}' is unavailable: ${probe.reason}`,
      'Call backends() to see which backends run here, or use another backend');
  }
}

/** The automatic CPU choice per op, memoised (cleared by setBackend). */
const defaults = new Map<OpName, CpuBackend>();

function choose(op: OpName, options: OpOptions | undefined, inputs: readonly (Tensor | undefined)[], label: string): Backend {
  let onGpu = false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i]?.device === 'webgpu') onGpu = true;
  const option = options !== undefined && Object.hasOwn(options, 'backend') ? options.backend : undefined;
  const explicit = option !== undefined && option !== 'auto' ? option : undefined;
  const requested = explicit ?? (onGpu ? 'webgpu' : chosen);
  if (onGpu && requested !== 'webgpu') {
    throw new InvalidArgumentError(
      label,
      `an input lives on webgpu but backend '${requested}' runs on the CPU`,
      "Move the inputs with await t.to('cpu'), or drop the backend option to run on webgpu",
    );
  }
  if (requested) {
    const backend = REGISTRY[requested];
    unavailable(label, requested, backend.kind === 'cpu' ? backend.probe() : backend.probed());
    if (!backend.kernels[op]) {
      throw new BackendUnavailableError(label, `backend '${requested}' does not implement ${label}`, "Use backend 'auto' or another backend", 'UNSUPPORTED_OP');
    }
    return backend;
  }
  const known = defaults.get(op);
  if (known) return known;
  const reasons: string[] = [];
  let settled = true;
  for (const backend of CPU_PRIORITY) {
    const probe = backend.probe();
    if (backend.kernels[op] && probe.ok) {
      // Memoised only once no faster backend is still loading.
      if (settled) defaults.set(op, backend);
      return backend;
    }
    if (backend.loading?.()) settled = false;
    reasons.push(`${backend.name}: ${probe.ok ? `no ${label} kernel` : probe.reason}`);
  }
  throw new BackendUnavailableError(label, `no available backend runs ${label} (${reasons.join('; ')})`);
}

// ───────────────────────────── deferred work ─────────────────────────────

/**
 * Work whose output is returned before it has run: on the pool, on the GPU, or waiting for
 * pending inputs. It holds the tensors it reads (aliases that the caller's dispose() cannot take
 * away) until it settles. `runHere` computes it on the calling thread instead, for a synchronous
 * read that cannot wait for the pool.
 */
class Work implements Pending {
  settled = false;
  error: unknown = undefined;
  readonly promise: Promise<void>;
  #resolve!: () => void;
  #holds: Tensor[];
  #runHere: (() => void) | undefined;
  #deps: readonly Pending[];
  job: PoolJob | undefined;
  pool: PoolLike | undefined;
  /** Run when the pool job completed under waitSync (copies a shared output back). */
  afterJob: (() => void) | undefined;

  constructor(deps: readonly Pending[], holds: Tensor[], runHere: (() => void) | undefined) {
    this.#deps = deps;
    this.#holds = holds;
    this.#runHere = runHere;
    this.promise = new Promise<void>((resolve) => (this.#resolve = resolve));
  }

  finish(error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.error = error;
    for (const t of this.#holds) t.dispose();
    this.#holds = [];
    this.#resolve();
  }

  waitSync(op: string): void {
    if (this.settled) return;
    for (const d of this.#deps) if (!d.settled) d.waitSync(op);
    if (this.settled) return;
    const failed = this.#deps.find((d) => d.error !== undefined);
    if (failed) return this.finish(failed.error);
    if (this.job && this.pool) {
      try {
        if (this.pool.waitSync(this.job)) {
          if (this.job.error === undefined) this.afterJob?.();
          return this.finish(this.job.error);
        }
      } catch (e) {
        return this.finish(e);
      }
    }
    if (!this.#runHere) {
      throw new InvalidArgumentError(op, 'the values are still being computed and cannot be waited for synchronously here', 'Use await t.data() or await t.array()');
    }
    try {
      this.#runHere();
      this.finish();
    } catch (e) {
      this.finish(e);
    }
  }
}

/** A settled, failed Pending (an op downstream of a failed one fails with the same error). */
function failedWork(error: unknown): Work {
  const w = new Work([], [], undefined);
  w.finish(error);
  return w;
}

function pendingInputs(inputs: readonly (Tensor | undefined)[]): Pending[] | undefined {
  let out: Pending[] | undefined;
  for (let i = 0; i < inputs.length; i++) {
    const p = inputs[i]?._pending;
    if (p && (!p.settled || p.error !== undefined)) (out ??= []).push(p);
  }
  return out;
}

// ───────────────────────────── dispatch ─────────────────────────────

/**
 * Runs `op` on the chosen backend. The plan has been validated and frozen by the op layer.
 * `shape`, when given, is the shape of the tensor returned (a frozen array of plan.outShape's
 * size: matmul's result without the dimensions its 1-D operands dropped), so that the op need not
 * reshape it.
 */
export function dispatch<K extends OpName>(
  op: K,
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  options: OpOptions | undefined,
  label: string = op,
  shape: readonly number[] = plan.outShape,
): Tensor {
  // Own properties only: an option set on Object.prototype by other code is not an option.
  const signal = options !== undefined && Object.hasOwn(options, 'signal') ? options.signal : undefined;
  if (signal?.aborted) throw abortError(signal, label);
  const list = inputs as readonly (Tensor | undefined)[];
  const backend = choose(op, options, list, label);
  checkElements(label, 'the output', sizeOfShape(plan.outShape), plan.outShape);
  const deps = pendingInputs(list);
  if (backend.kind === 'gpu') return runGpu(backend, op, plan, inputs, deps, label, shape);
  const failed = deps?.find((d) => d.settled && d.error !== undefined);
  if (failed) return wrap(plan.dtype, shape, takeStore(plan.dtype, 0), failedWork(failed.error));
  const cost = costOf(op, plan);
  const pool = poolFor(backend, cost);
  // An op the pool may take gets shared storage at once: no copy into shared memory and back.
  const out = takeStore(plan.dtype, sizeOfShape(plan.outShape), pool !== undefined, writesAll(op, plan));
  if (!deps) {
    let pending: Pending | undefined;
    try {
      pending = runCpu(backend, op, plan, cost, pool, inputs, out, signal, label);
    } catch (e) {
      release(out);
      throw e;
    }
    return wrap(plan.dtype, shape, out, pending);
  }
  // Inputs still pending: the op runs once they are ready, on aliases the caller cannot dispose.
  const aliases = list.map((t) => t?._alias()) as unknown as OpSpecs[K]['inputs'];
  const holds = (aliases as readonly (Tensor | undefined)[]).filter((t): t is Tensor => t !== undefined);
  retain(out);
  holds.push(wrap(plan.dtype, plan.outShape, out));
  const work = new Work(deps, holds, () => runWhole(backend, op, plan, aliases, out));
  void Promise.all(deps.map((d) => d.promise)).then(() => {
    if (work.settled) return;
    const error = deps.find((d) => d.error !== undefined)?.error;
    if (error !== undefined) return work.finish(error);
    try {
      // The pool as it is now that the inputs are ready (it may have closed or broken meanwhile).
      if (runCpu(backend, op, plan, cost, poolFor(backend, cost), aliases, out, signal, label, work) === undefined) work.finish();
    } catch (e) {
      work.finish(e);
    }
  });
  return wrap(plan.dtype, shape, out, work);
}

/**
 * Whether the op's kernels, on every CPU backend and split or not, write every element of the
 * output (so its storage need not be zeroed first): the products and convolutions with a
 * non-empty reduction (an empty one leaves the zeros as its answer) and the pools. Their
 * conformance cases run over reused storage poisoned with NaN (test/util/poison.ts).
 */
function writesAll(op: OpName, plan: OpSpecs[OpName]['plan']): boolean {
  if (op === 'matmul') return (plan as MatmulPlan).k > 0;
  if (op === 'conv2d') {
    const p = plan as Conv2dPlan;
    return p.inC * p.kh * p.kw > 0;
  }
  return op === 'pool2d';
}

const sizeOfShape = (shape: readonly number[]): number => {
  let s = 1;
  for (let i = 0; i < shape.length; i++) s *= shape[i]!;
  return s;
};

/** Ops whose kernels take their strided inputs as they are; the others get row-major ones. */
const STRIDED: ReadonlySet<OpName> = new Set<OpName>(['matmul', 'binary', 'where', 'remap', 'concat', 'gather']);

/** The inputs as the kernel of `op` wants them, and the copies made for that (to dispose). */
function kernelInputs<K extends OpName>(op: K, inputs: OpSpecs[K]['inputs']): { inputs: OpSpecs[K]['inputs']; copies: Tensor[] | undefined } {
  if (STRIDED.has(op)) return { inputs, copies: undefined };
  const list = inputs as readonly (Tensor | undefined)[];
  let copies: Tensor[] | undefined;
  let dense: (Tensor | undefined)[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t && !t.isContiguous) {
      dense ??= [...list];
      const c = t.contiguous();
      dense[i] = c;
      (copies ??= []).push(c);
    }
  }
  return { inputs: (dense ?? inputs) as unknown as OpSpecs[K]['inputs'], copies };
}

/** The whole op on this thread (with `threads` of the backend's own for its `threaded` ops). */
function runWhole<K extends OpName>(backend: CpuBackend, op: K, plan: OpSpecs[K]['plan'], raw: OpSpecs[K]['inputs'], out: CpuStore, threads?: number): void {
  const { inputs, copies } = kernelInputs(op, raw);
  try {
    (backend.kernels[op] as CpuKernel<K>)(plan, inputs, out.array, threads);
  } finally {
    if (copies) for (const c of copies) c.dispose();
  }
}

/**
 * The pool for an op of this cost on `backend`: undefined below one part's worth of work, where
 * nothing is worth a thread hop (and the pool is not even started), or when no pool runs.
 */
function poolFor(backend: CpuBackend, cost: Cost): PoolLike | undefined {
  return cost.flops > 0 && cost.flops >= minFlopsPerPart() * backend.speed && backend.onPool !== false ? activePool() : undefined;
}

/**
 * Runs a CPU op whose inputs are ready, into `out`: here (returns undefined once done), or on the
 * pool (returns the Pending that settles when it is done: `work` when the op was deferred, else a
 * new one). `pool` is poolFor's answer for this op, taken by the caller.
 */
function runCpu<K extends OpName>(
  backend: CpuBackend,
  op: K,
  plan: OpSpecs[K]['plan'],
  cost: Cost,
  pool: PoolLike | undefined,
  raw: OpSpecs[K]['inputs'],
  out: CpuStore,
  signal: AbortSignal | undefined,
  label: string,
  work?: Work,
): Pending | undefined {
  const minFlops = minFlopsPerPart() * backend.speed;
  let range = isRangeOp(op);
  const parts = pool && range ? planParts(cost.rows, cost.flops, pool.size, minFlops) : 1;
  // Ops the backend threads itself: one call on the pool's thread count instead of row parts
  // (each part would pack B again). Small ones here, at once; large ones on one pool thread.
  const team = pool && parts > 1 && backend.threaded?.has(op) ? pool.size : undefined;
  if (team !== undefined) {
    if (cost.flops <= POOL_CALLER_JOINS_MAX_FLOPS * backend.speed) {
      runWhole(backend, op, plan, raw, out, team);
      return undefined;
    }
    range = false;
  }
  if (!pool || (range && parts <= 1) || (!range && !backend.kernels[op]) || !canShare()) {
    runWhole(backend, op, plan, raw, out);
    return undefined;
  }
  if (op === 'ridge') {
    // Below the backend's fused-ridge size (and when its Gram would not split anyway) one fused
    // kernel on a single thread beats the composite of split products.
    const gram = costOf('matmul', (plan as RidgePlan).gram).flops;
    if (minFlopsPerPart() > 0 && (gram < (backend.fusedRidgeMaxFlops ?? 0) || gram < 2 * minFlops)) {
      runWhole(backend, op, plan, raw, out);
      return undefined;
    }
    return ridgeOnPool(backend, plan as RidgePlan, raw as OpSpecs['ridge']['inputs'], out, signal, work);
  }
  const { inputs, copies } = kernelInputs(op, raw);
  const shared = (inputs as readonly (Tensor | undefined)[]).map((t) => sharedInput(t, backend));
  const holds: Held[] = [...(copies ?? []), ...shared.map((s) => s.hold).filter((t): t is Held => t !== undefined)];
  const poolOut = sharedOut(out, backend, plan);
  if (poolOut.hold) holds.push(poolOut.hold);
  const job: PoolJob = {
    backend: backend.name,
    op,
    plan,
    inputs: shared.map((s) => s.desc),
    out: poolOut.array,
    ranges: range ? partition(cost.rows, parts) : [[0, 1]],
    whole: !range,
    threads: team,
    signal,
    setup: backend.poolSetup?.(),
    state: 'queued',
  };
  // Small split ops: the calling thread runs one part while the workers run the others.
  if (range && pool.runJoined && cost.flops <= POOL_CALLER_JOINS_MAX_FLOPS * backend.speed) {
    const kernel = backend.ranges[op as 'matmul'] as RangeKernel<'matmul'>;
    let joined = false;
    try {
      joined = pool.runJoined(job, (begin, end) => kernel(plan as never, inputs as never, job.out, begin, end));
    } finally {
      if (joined) {
        if (job.out !== out.array) out.array.set(job.out);
        for (const t of holds) t.dispose();
      }
    }
    if (joined) return undefined;
    // The pool is busy with larger work: this small op would only wait behind it.
    for (const t of holds) t.dispose();
    runWhole(backend, op, plan, raw, out);
    return undefined;
  }
  const w = work ?? new Work([], [], () => runWhole(backend, op, plan, held, out, team));
  w.job = job;
  w.pool = pool;
  // The inputs as this work holds them (aliases a caller's dispose() cannot take away).
  let held = raw;
  if (!work) {
    retain(out);
    holds.push(wrap(plan.dtype, plan.outShape, out));
    held = (raw as readonly (Tensor | undefined)[]).map((t) => t?._alias()) as unknown as OpSpecs[K]['inputs'];
    for (const t of held as readonly (Tensor | undefined)[]) if (t) holds.push(t);
  }
  if (job.out !== out.array) w.afterJob = () => out.array.set(job.out);
  const finish = (error?: unknown) => {
    if (error === undefined && job.out !== out.array && !w.settled) out.array.set(job.out);
    for (const t of holds) t.dispose();
    w.finish(error);
  };
  pool.run(job).then(
    () => finish(),
    (e: unknown) => {
      // A pool that cannot start its workers (its script did not load) must not cost the op: it
      // runs here instead, and later ops skip the pool (activePool() reports it broken, once).
      if (pool.broken !== undefined && !w.settled) {
        let error: unknown;
        try {
          runWhole(backend, op, plan, held, out, team);
        } catch (e2) {
          error = e2;
        }
        for (const t of holds) t.dispose();
        w.finish(error);
        return;
      }
      finish(tagged(e, label));
    },
  );
  return w;
}

/**
 * An input as the pool reads it: a view over shared memory the backend's kernels use in place
 * (copied there, once per op, when it is not).
 */
function sharedInput(t: Tensor | undefined, backend: CpuBackend): { desc: TensorDesc | undefined; hold: Held | undefined } {
  if (!t) return { desc: undefined, hold: undefined };
  const s = t.storage;
  if (s.buffer instanceof SharedArrayBuffer && (backend.resident?.(s) ?? true)) {
    return { desc: { dtype: t.dtype, shape: [...t.shape], strides: [...t.strides], offset: t.offset, storage: s }, hold: undefined };
  }
  const copy = takeStore(t.dtype, t.size, true, true);
  // A row-major input copies in one set() (dataSync() would copy it twice).
  if (t.isContiguous) copy.array.set(s.subarray(t.offset, t.offset + t.size));
  else copy.array.set(t.dataSync());
  return { desc: { dtype: t.dtype, shape: [...t.shape], strides: contiguousStrides(t.shape), offset: 0, storage: copy.array }, hold: storeHold(copy) };
}

/** What a job holds until it is done: tensors, and bare stores (a Tensor costs ~1 µs to make and dispose). */
interface Held {
  dispose(): void;
}

function storeHold(store: CpuStore): Held {
  return { dispose: () => release(store) };
}

/**
 * The output as the pool writes it: `out` itself where it is shared memory the backend's kernels
 * write in place (dispatch takes it shared for any op the pool may take), else a shared copy
 * (copied back when the job is done) and the hold that gives it back with the job's other holds.
 */
function sharedOut(out: CpuStore, backend: CpuBackend, plan: { dtype: DType }): { array: TensorDesc['storage']; hold?: Held } {
  const a = out.array;
  if (a.buffer instanceof SharedArrayBuffer && (backend.resident?.(a) ?? true)) return { array: a };
  const copy = takeStore(plan.dtype, a.length, true);
  return { array: copy.array, hold: storeHold(copy) };
}

/** Errors of deferred work keep their class and code; an unknown one becomes a LeptonError naming the op. */
function tagged(e: unknown, label: string): unknown {
  if (e instanceof LeptonError || (e instanceof Error && e.name === 'AbortError')) return e;
  return new LeptonError('NATIVE_FAILURE', label, `the op failed on the worker pool: ${(e as Error)?.message ?? String(e)}`);
}

function abortError(signal: AbortSignal, op: string): unknown {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException(`${op}: the operation was aborted`, 'AbortError');
}

/**
 * ridge with the pool on: the plan's Gram and right-hand-side products run as float64 matmuls that
 * the pool splits by rows, the system is solved on a pool thread, and the result lands in `out`.
 */
function ridgeOnPool(
  backend: CpuBackend,
  plan: RidgePlan,
  [aIn, yIn]: OpSpecs['ridge']['inputs'],
  out: CpuStore,
  signal: AbortSignal | undefined,
  work: Work | undefined,
): Pending {
  const toF64 = (t: Tensor, shape: readonly number[]): Tensor => {
    const store = takeStore('float64', t.size, true);
    const values = t.dataSync();
    store.array.set(values);
    return wrap('float64', shape, store);
  };
  const a = toF64(aIn, [plan.m, plan.n]);
  const y = toF64(yIn, [plan.m, plan.signals]);
  const w = work ?? new Work([], [], () => runWhole(backend, 'ridge', plan, [aIn, yIn], out));
  const held: Tensor[] = [a, y];
  if (!work) {
    retain(out);
    held.push(wrap(plan.dtype, plan.outShape, out), aIn._alias(), yIn._alias());
  }
  const options = signal ? { signal, backend: backend.name } : { backend: backend.name };
  const run = async (): Promise<void> => {
    const g = dispatch('matmul', plan.gram, [a, a], options, 'ridge');
    held.push(g);
    await g.data().catch(() => undefined);
    const gs = g.storage as Float64Array;
    for (let i = 0; i < plan.size; i++) gs[i * plan.size + i] += plan.lambda;
    let x: Tensor;
    try {
      if (plan.form === 'primal') {
        const rhs = dispatch('matmul', plan.product, [a, y], options, 'ridge');
        held.push(rhs);
        x = dispatch('solveSPD', plan.solve, [g, rhs], options, 'ridge');
        held.push(x);
        await x.data();
      } else {
        const z = dispatch('solveSPD', plan.solve, [g, y], options, 'ridge');
        held.push(z);
        await z.data();
        x = dispatch('matmul', plan.product, [a, z], options, 'ridge');
        held.push(x);
      }
    } catch (e) {
      if (e instanceof NotPositiveDefiniteError) {
        const matrix = `${plan.form === 'primal' ? 'AᵀA + λI' : 'AAᵀ + λI'} (${plan.form} form, λ = ${plan.lambda})`;
        const pivot = e.message.replace(/^.*is not positive definite: /, '');
        throw new NotPositiveDefiniteError('ridge', `${matrix} is not positive definite: ${pivot.replace(/\. .*$/, '')}`,
          plan.lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda');
      }
      throw e;
    }
    const values = await x.data();
    if (!w.settled) out.array.set(values);
  };
  run().then(
    () => {
      for (const t of held) t.dispose();
      w.finish();
    },
    (e: unknown) => {
      for (const t of held) t.dispose();
      w.finish(e);
    },
  );
  return w;
}

// ───────────────────────────── GPU ─────────────────────────────

function runGpu<K extends OpName>(
  backend: GpuBackend,
  op: K,
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  deps: Pending[] | undefined,
  label: string,
  shape: readonly number[],
): Tensor {
  // Aliases: the kernel may run after the caller has disposed its inputs.
  const aliases = (inputs as readonly (Tensor | undefined)[]).map((x) => x?._alias());
  const holds = aliases.filter((x): x is Tensor => x !== undefined);
  const work = new Work(deps ?? [], holds, undefined);
  // In the caller's shape (plan.outShape's size): the kernel's contiguous result moves into it.
  const t = Tensor._deferred(plan.dtype, shape, 'webgpu', work);
  inputs = aliases as unknown as OpSpecs[K]['inputs'];
  const run = async (): Promise<void> => {
    if (deps) {
      await Promise.all(deps.map((d) => d.promise));
      const failed = deps.find((d) => d.error !== undefined);
      if (failed) throw failed.error;
    }
    unavailable(label, backend.name, await backend.probe());
    const result = await backend.kernels[op]!(plan, inputs);
    t._adopt(result);
  };
  run().then(() => work.finish(), (e: unknown) => work.finish(e));
  return t;
}
