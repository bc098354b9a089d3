/**
 * The wasm backend: the native addon's C++ kernels compiled for WebAssembly SIMD128 (clang,
 * freestanding; scripts/build-wasm.mjs), in Node and in every browser, loaded lazily on the first
 * probe. What runs in wasm and what reuses the js kernels:
 *   matmul, conv2d            the shared GEMM loops and packing on the SIMD128 micro-kernel
 *   pool2d                    the shared pooling kernel (about 2× the js one on the CNN's pool layer)
 *   cholesky, solveSPD, ridge the shared blocked Cholesky / solves / fused ridge (float64 inside)
 *   unary, binary, reduce,    the js kernels: one pass over memory, nothing for SIMD to win that
 *   remap, concat, gather     a copy into the wasm memory and back would not lose
 *   solve … eigh, fft         the shared js kernels (the module carries no LU, QR, SVD, eigh or FFT)
 *
 * Two forms of each kernel: `wasmKernels` are synchronous and write into a preallocated output
 * (`(plan, inputs, out) => void`), `wasmRangeKernels` compute rows [begin, end) of it (what a pool
 * worker runs: see ranges.ts). Operands outside the module's memory are copied in per call
 * (stage.ts); once the backend has run, large CPU storage is allocated inside the memory (arena.ts).
 */
import type { FloatArray, TypedArray } from '../../dtype.js';
import { conv2dRows, type OpSpecs, type RangeOp } from '../../plans.js';
import { sizeOf } from '../../shape.js';
import type { CpuBackend, Probe, RangeKernelTable } from '../backend.js';
import { batchNorm } from '../../kernels/batch-norm.js';
import { binaryRange } from '../../kernels/binary.js';
import { dense } from '../../kernels/dense.js';
import { layerNorm } from '../../kernels/layer-norm.js';
import { lassoGramRange } from '../../kernels/lasso-gram.js';
import { concat } from '../../kernels/concat.js';
import { gather } from '../../kernels/gather.js';
import { remap } from '../../kernels/remap.js';
import { linalgKernels } from '../../kernels/linalg/ops.js';
import { reduce as jsReduce } from '../../kernels/reduce.js';
import { softmax } from '../../kernels/softmax.js';
import { unaryRange } from '../../kernels/unary.js';
import { where } from '../../kernels/where.js';
import { conv2dRange } from './conv2d.js';
import { cholesky, ridge, solveSPD } from './linalg.js';
import { loadWasm, probeWasm, wasmRuntime, wasmShared, type WasmShared } from './load.js';
import { useArena } from './arena.js';
import { inMemory } from './stage.js';
import { matmulRange } from './matmul.js';
import { pool2dRange } from './pool2d.js';
import type { WasmRuntime } from './runtime.js';

type RangeTable = Required<RangeKernelTable>;

/** Range kernels bound to a runtime (this thread's, or a pool worker's on the shared memory). */
export function rangeKernelsOn(rt: () => WasmRuntime): RangeTable {
  return Object.freeze({
    matmul: (plan, inputs, out, begin, end) => matmulRange(rt(), plan, inputs, out as FloatArray, begin, end),
    conv2d: (plan, inputs, out, begin, end) => conv2dRange(rt(), plan, inputs, out as FloatArray, begin, end),
    pool2d: (plan, inputs, out, begin, end) => pool2dRange(rt(), plan, inputs, out as FloatArray, begin, end),
    // The js unary range kernel reads a row-major input (a no-op when it already is one).
    unary: (plan, [x], out, begin, end) => unaryRange(plan, [dense(x)], out, begin, end),
    binary: binaryRange,
    // FISTA on small Gram matrices: the shared js kernel (the module carries no solver).
    lassoGram: lassoGramRange,
  });
}

type SyncKernel<K extends keyof OpSpecs> = (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs'], out: TypedArray) => void;
type KernelTable = { readonly [K in keyof OpSpecs]: SyncKernel<K> };

/** Rows of each range op's output (what a whole-output call spans). */
function rowsOf<K extends RangeOp>(op: K, plan: OpSpecs[K]['plan']): number {
  if (op === 'matmul') {
    const p = plan as OpSpecs['matmul']['plan'];
    return sizeOf(p.batchShape) * p.m;
  }
  if (op === 'conv2d') return conv2dRows(plan as OpSpecs['conv2d']['plan']);
  if (op === 'pool2d') {
    const p = plan as OpSpecs['pool2d']['plan'];
    return p.batch * p.outH;
  }
  if (op === 'lassoGram') return (plan as OpSpecs['lassoGram']['plan']).batch;
  return sizeOf((plan as OpSpecs['unary']['plan']).outShape);
}

/**
 * The synchronous kernels bound to a runtime: each writes its op's whole output into `out`
 * (allocated by the caller with the plan's dtype and outShape). reduce and the other single
 * passes over memory are the shared js kernels.
 */
export function kernelsOn(rt: () => WasmRuntime, ranges: RangeTable): KernelTable {
  const whole = <K extends RangeOp>(op: K): SyncKernel<K> => (plan, inputs, out) =>
    (ranges[op] as (p: typeof plan, i: typeof inputs, o: TypedArray, b: number, e: number) => void)(plan, inputs, out, 0, rowsOf(op, plan));
  return Object.freeze({
    matmul: whole('matmul'),
    conv2d: whole('conv2d'),
    pool2d: whole('pool2d'),
    unary: whole('unary'),
    binary: whole('binary'),
    lassoGram: whole('lassoGram'),
    cholesky: (plan, inputs, out) => cholesky(rt(), plan, inputs, out as FloatArray),
    solveSPD: (plan, inputs, out) => solveSPD(rt(), plan, inputs, out as FloatArray),
    ridge: (plan, inputs, out) => ridge(rt(), plan, inputs, out as FloatArray),
    reduce: jsReduce,
    where,
    softmax,
    batchNorm,
    layerNorm,
    // Strided copies (shape ops): memory-bound, the shared js kernels on this thread.
    remap,
    concat,
    gather,
    // The module has no general linear algebra: the shared js kernels, on this thread.
    ...linalgKernels,
  });
}

/**
 * This thread's runtime, for a kernel about to run: the first call also makes large CPU storage
 * come from the shared wasm memory from then on (arena.ts), so later tensors are used in place.
 */
function runtimeHere(): WasmRuntime {
  const rt = wasmRuntime();
  useArena(rt);
  return rt;
}

/** This thread's range kernels: output rows [begin, end) of a preallocated output. */
export const wasmRangeKernels: RangeTable = rangeKernelsOn(runtimeHere);

/** This thread's synchronous kernels (whole outputs). */
export const wasmKernels: KernelTable = kernelsOn(runtimeHere, wasmRangeKernels);

let settled: Probe | undefined;

/**
 * The wasm backend. Its module loads asynchronously: until it has (`backends()`, `setBackend('wasm')`
 * or the first probe start it), the probe says so and automatic choice passes over it. Its kernels
 * run on the pool's workers where the module's memory is shared (Node; a cross-origin-isolated
 * page): each worker instantiates the module against that one memory (`poolSetup`), and tensors
 * live in it (arena.ts), so parts read operands and write the output in place. Elsewhere they run
 * on the calling thread.
 */
export const wasmCpuBackend: CpuBackend = Object.freeze({
  kind: 'cpu',
  name: 'wasm',
  probe: (): Probe => {
    if (settled) return settled;
    void load();
    return { ok: false, reason: 'the wasm module is still loading; await backends() or setBackend(\'wasm\') first' };
  },
  load,
  loading: () => settled === undefined,
  get onPool(): boolean {
    return wasmShared() !== undefined;
  },
  poolSetup(): WasmShared | undefined {
    const shared = wasmShared();
    if (shared) useArena(wasmRuntime());
    return shared;
  },
  resident: (array: TypedArray): boolean => {
    const shared = wasmShared();
    return shared !== undefined && inMemory(wasmRuntime(), array);
  },
  speed: 5,
  ranges: wasmRangeKernels,
  kernels: wasmKernels,
});

async function load(): Promise<Probe> {
  settled ??= await probeWasm();
  return settled;
}

export { loadWasm };
