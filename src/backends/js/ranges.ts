/**
 * The js range kernels by op name: what the worker pool runs on each thread. Each computes
 * output rows [begin, end) of a preallocated output, reading its (contiguous or strided) inputs.
 */
import type { TypedArray } from '../../dtype.js';
import type { OpSpecs } from '../../ops/spec.js';
import { binaryRange } from './binary.js';
import { conv2dRange } from './conv2d.js';
import { matmulRange } from './matmul.js';
import { pool2dRange } from './pool2d.js';
import { unaryRange } from './unary.js';

/** Ops whose output the pool can split by rows. */
export type RangeOp = 'matmul' | 'conv2d' | 'pool2d' | 'unary' | 'binary';

export type RangeKernel<K extends RangeOp> = (
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  out: TypedArray,
  begin: number,
  end: number,
) => void;

export type RangeTable = { readonly [K in RangeOp]: RangeKernel<K> };

export const jsRanges: RangeTable = Object.freeze({
  matmul: (plan, inputs, out, begin, end) => matmulRange(plan, inputs, out as Float32Array | Float64Array, begin, end),
  conv2d: (plan, inputs, out, begin, end) => conv2dRange(plan, inputs, out as Float32Array | Float64Array, begin, end),
  pool2d: (plan, inputs, out, begin, end) => pool2dRange(plan, inputs, out as Float32Array | Float64Array, begin, end),
  unary: unaryRange,
  binary: binaryRange,
});

/** Output rows and flops of an op: what the planner weighs. */
export function workOf<K extends RangeOp>(op: K, plan: OpSpecs[K]['plan']): { rows: number; flops: number } {
  switch (op) {
    case 'matmul': {
      const p = plan as OpSpecs['matmul']['plan'];
      const batch = p.batchShape.reduce((a, b) => a * b, 1);
      return { rows: batch * p.m, flops: 2 * batch * p.m * p.n * p.k };
    }
    case 'conv2d': {
      const p = plan as OpSpecs['conv2d']['plan'];
      const perRow = 2 * p.outC * p.outW * (p.inC / p.groups) * p.kh * p.kw;
      return { rows: p.batch * p.outH, flops: p.batch * p.outH * perRow };
    }
    case 'pool2d': {
      const p = plan as OpSpecs['pool2d']['plan'];
      return { rows: p.batch * p.outH, flops: p.batch * p.outH * p.outW * p.channels * p.kh * p.kw };
    }
    default: {
      const p = plan as OpSpecs['unary' | 'binary']['plan'];
      const size = p.outShape.reduce((a, b) => a * b, 1);
      // sigmoid costs an exp per element; the rest one operation.
      return { rows: size, flops: 'fn' in p && p.fn === 'sigmoid' ? 20 * size : size };
    }
  }
}
