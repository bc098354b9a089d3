/**
 * The wasm backend: the native addon's C++ kernels compiled for WebAssembly SIMD128 (clang,
 * freestanding; scripts/build-wasm.mjs), in Node and in every browser, loaded lazily on the first
 * probe. What runs in wasm and what reuses the js kernels:
 *   matmul, conv2d            the shared GEMM loops and packing on the SIMD128 micro-kernel
 *   pool2d                    the shared pooling kernel (about 2× the js one on the CNN's pool layer)
 *   cholesky, solveSPD, ridge the shared blocked Cholesky / solves / fused ridge (float64 inside)
 *   unary, binary, reduce     the js kernels: one pass over memory, nothing for SIMD to win that
 *                             a copy into the wasm memory and back would not lose
 *
 * Two forms of each kernel: `wasmKernels` are synchronous and write into a preallocated output
 * (`(plan, inputs, out) => void`), `wasmRangeKernels` compute rows [begin, end) of it (what a pool
 * worker runs: see ranges.ts); `wasmBackend` wraps them in today's Backend shape (a Promise of a
 * new Tensor). Operands outside the module's memory are copied in per call (stage.ts).
 */
import { allocate, type FloatArray, type TypedArray } from '../../dtype.js';
import type { OpSpecs } from '../../ops/spec.js';
import { sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { Backend } from '../backend.js';
import { binaryRange } from '../js/binary.js';
import { reduce as jsReduce } from '../js/reduce.js';
import type { RangeTable } from '../js/ranges.js';
import { unaryRange } from '../js/unary.js';
import { conv2dRange } from './conv2d.js';
import { cholesky, ridge, solveSPD } from './linalg.js';
import { probeWasm, wasmRuntime } from './load.js';
import { matmulRange } from './matmul.js';
import { pool2dRange } from './pool2d.js';
import type { WasmRuntime } from './runtime.js';

/** Range kernels bound to a runtime (this thread's, or a pool worker's on the shared memory). */
export function rangeKernelsOn(rt: () => WasmRuntime): RangeTable {
  return Object.freeze({
    matmul: (plan, inputs, out, begin, end) => matmulRange(rt(), plan, inputs, out as FloatArray, begin, end),
    conv2d: (plan, inputs, out, begin, end) => conv2dRange(rt(), plan, inputs, out as FloatArray, begin, end),
    pool2d: (plan, inputs, out, begin, end) => pool2dRange(rt(), plan, inputs, out as FloatArray, begin, end),
    // The js unary range kernel reads a row-major input (a no-op when it already is one).
    unary: (plan, [x], out, begin, end) => unaryRange(plan, [x.contiguous()], out, begin, end),
    binary: binaryRange,
  });
}

/** This thread's range kernels: output rows [begin, end) of a preallocated output. */
export const wasmRangeKernels: RangeTable = rangeKernelsOn(wasmRuntime);

type SyncKernel<K extends keyof OpSpecs> = (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs'], out: TypedArray) => void;

/** Rows of each range op's output (what a whole-output call spans). */
function rowsOf<K extends keyof RangeTable>(op: K, plan: OpSpecs[K]['plan']): number {
  if (op === 'matmul') {
    const p = plan as OpSpecs['matmul']['plan'];
    return sizeOf(p.batchShape) * p.m;
  }
  if (op === 'conv2d' || op === 'pool2d') {
    const p = plan as OpSpecs['conv2d' | 'pool2d']['plan'];
    return p.batch * p.outH;
  }
  return sizeOf((plan as OpSpecs['unary']['plan']).outShape);
}

const whole = <K extends keyof RangeTable>(op: K): SyncKernel<K> => (plan, inputs, out) =>
  (wasmRangeKernels[op] as (p: typeof plan, i: typeof inputs, o: TypedArray, b: number, e: number) => void)(plan, inputs, out, 0, rowsOf(op, plan));

/**
 * The synchronous kernels: each writes its op's whole output into `out` (allocated by the caller
 * with the plan's dtype and outShape). reduce has none here: it is the js backend's kernel.
 */
export const wasmKernels: { readonly [K in Exclude<keyof OpSpecs, 'reduce'>]: SyncKernel<K> } = Object.freeze({
  matmul: whole('matmul'),
  conv2d: whole('conv2d'),
  pool2d: whole('pool2d'),
  unary: whole('unary'),
  binary: whole('binary'),
  cholesky: (plan, inputs, out) => cholesky(wasmRuntime(), plan, inputs, out as FloatArray),
  solveSPD: (plan, inputs, out) => solveSPD(wasmRuntime(), plan, inputs, out as FloatArray),
  ridge: (plan, inputs, out) => ridge(wasmRuntime(), plan, inputs, out as FloatArray),
});

/** Today's Backend form: allocate the output, run the sync kernel, resolve with the new tensor. */
function wrap<K extends Exclude<keyof OpSpecs, 'reduce'>>(op: K, shapeOf: (plan: OpSpecs[K]['plan']) => readonly number[]) {
  return async (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs']): Promise<Tensor> => {
    const shape = shapeOf(plan);
    const out = allocate(plan.dtype, sizeOf(shape));
    (wasmKernels[op] as SyncKernel<K>)(plan, inputs, out);
    return new Tensor(plan.dtype, shape, out);
  };
}

const outShape = (plan: { outShape: readonly number[] }): readonly number[] => plan.outShape;

export const wasmBackend: Backend = Object.freeze({
  name: 'wasm',
  probe: probeWasm,
  kernels: Object.freeze({
    matmul: wrap('matmul', outShape),
    conv2d: wrap('conv2d', outShape),
    pool2d: wrap('pool2d', outShape),
    unary: wrap('unary', outShape),
    binary: wrap('binary', outShape),
    reduce: jsReduce,
    cholesky: wrap('cholesky', (plan) => [plan.n, plan.n]),
    solveSPD: wrap('solveSPD', outShape),
    ridge: wrap('ridge', outShape),
  }),
});
