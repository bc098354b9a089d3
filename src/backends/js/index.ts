/**
 * The js backend: pure TypeScript kernels, in Node and in every browser. Always available. Its
 * range kernels are what pool workers run for it; each whole-op kernel is its range kernel over
 * every row, or a kernel of its own for the ops that do not split.
 */
import type { CpuBackend, RangeKernel, RangeKernelTable } from '../backend.js';
import type { FloatArray } from '../../dtype.js';
import type { RangeOp } from '../../plans.js';
import { costOf } from '../../cost.js';
import { binaryRange } from '../../kernels/binary.js';
import { conv2dRange } from '../../kernels/conv2d.js';
import { cholesky, solveSPD } from '../../kernels/linalg.js';
import { matmulRange } from '../../kernels/matmul.js';
import { pool2dRange } from '../../kernels/pool2d.js';
import { reduce } from '../../kernels/reduce.js';
import { ridge } from '../../kernels/ridge.js';
import { unaryRange } from '../../kernels/unary.js';
import { where } from '../../kernels/where.js';
import { softmax } from '../../kernels/softmax.js';
import { batchNorm } from '../../kernels/batch-norm.js';
import { layerNorm } from '../../kernels/layer-norm.js';
import { concat } from '../../kernels/concat.js';
import { gather } from '../../kernels/gather.js';
import { remap } from '../../kernels/remap.js';
import { lassoGramRange } from '../../kernels/lasso-gram.js';
import { linalgKernels } from '../../kernels/linalg/ops.js';

const ranges = Object.freeze({
  matmul: (plan, inputs, out, begin, end) => matmulRange(plan, inputs, out as FloatArray, begin, end),
  conv2d: (plan, inputs, out, begin, end) => conv2dRange(plan, inputs, out as FloatArray, begin, end),
  pool2d: (plan, inputs, out, begin, end) => pool2dRange(plan, inputs, out as FloatArray, begin, end),
  unary: unaryRange,
  binary: binaryRange,
  lassoGram: lassoGramRange,
} satisfies Required<RangeKernelTable>);

/** The whole-op kernel of a range kernel: every row on the calling thread. */
function whole<K extends RangeOp>(op: K, range: RangeKernel<K>) {
  return (plan: Parameters<RangeKernel<K>>[0], inputs: Parameters<RangeKernel<K>>[1], out: Parameters<RangeKernel<K>>[2]): void => {
    // Elementwise ops: the rows are the output's elements (out is exactly that long).
    const rows = op === 'unary' || op === 'binary' ? out.length : costOf(op, plan).rows;
    if (rows > 0) range(plan, inputs, out, 0, rows);
  };
}

export const jsBackend: CpuBackend = Object.freeze({
  kind: 'cpu',
  name: 'js',
  probe: () => ({ ok: true }) as const,
  speed: 1,
  ranges,
  kernels: Object.freeze({
    matmul: whole('matmul', ranges.matmul),
    conv2d: whole('conv2d', ranges.conv2d),
    pool2d: whole('pool2d', ranges.pool2d),
    unary: whole('unary', ranges.unary),
    binary: whole('binary', ranges.binary),
    lassoGram: whole('lassoGram', ranges.lassoGram),
    reduce,
    cholesky,
    solveSPD,
    ridge,
    where,
    softmax,
    batchNorm,
    layerNorm,
    remap,
    concat,
    gather,
    ...linalgKernels,
  }),
});
