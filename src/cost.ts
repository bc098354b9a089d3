/**
 * The one cost model: what a plan costs, in flops and bytes, and how many output rows the pool
 * could split it into. Dispatch weighs it to choose between the calling thread and the pool; the
 * benches label their figures with it. Pure, and a leaf apart from the plan types.
 */
import { conv2dRows, type OpName, type OpSpecs, type RangeOp } from './plans.js';

export interface Cost {
  /** Floating-point operations (a multiply-add counts 2; an exp about 20). */
  readonly flops: number;
  /** Bytes read and written (operands once, output once). */
  readonly bytes: number;
  /** Rows of the output the pool can split (0 for ops that run whole). */
  readonly rows: number;
}

const size = (shape: readonly number[]): number => {
  let s = 1;
  for (let i = 0; i < shape.length; i++) s *= shape[i]!;
  return s;
};

const CHEAP_UNARY: ReadonlySet<string> = new Set(['relu', 'abs', 'neg', 'sign', 'square', 'clip', 'leakyRelu']);

const width = (dtype: string): number => (dtype === 'float64' ? 8 : 4);

/** Whether the pool can split this op's output by rows. */
export function isRangeOp(op: OpName): op is RangeOp {
  return op === 'matmul' || op === 'conv2d' || op === 'pool2d' || op === 'unary' || op === 'binary' || op === 'lassoGram';
}

export function costOf<K extends OpName>(op: K, plan: OpSpecs[K]['plan']): Cost {
  switch (op) {
    case 'matmul': {
      const p = plan as OpSpecs['matmul']['plan'];
      const batch = size(p.batchShape);
      const w = width(p.dtype);
      return { rows: batch * p.m, flops: 2 * batch * p.m * p.n * p.k, bytes: w * batch * (p.m * p.k + p.k * p.n + p.m * p.n) };
    }
    case 'conv2d': {
      const p = plan as OpSpecs['conv2d']['plan'];
      const perRow = 2 * p.outC * p.outW * (p.inC / p.groups) * p.kh * p.kw;
      const w = width(p.dtype);
      const bytes = w * (p.batch * p.inC * p.inH * p.inW + p.outC * (p.inC / p.groups) * p.kh * p.kw + size(p.outShape));
      const q = p.pool;
      if (!q) return { rows: conv2dRows(p), flops: p.batch * p.outH * perRow, bytes };
      // Pooled: the convolution rows the windows cover (a window that does not fit drops its rows), then the windows.
      const convRows = Math.min(p.outH, (q.outH - 1) * q.strideH + q.kh);
      return { rows: conv2dRows(p), flops: p.batch * (convRows * perRow + p.outC * q.outH * q.outW * q.kh * q.kw), bytes };
    }
    case 'pool2d': {
      const p = plan as OpSpecs['pool2d']['plan'];
      const w = width(p.dtype);
      return {
        rows: p.batch * p.outH,
        flops: p.batch * p.outH * p.outW * p.channels * p.kh * p.kw,
        bytes: w * (p.batch * p.channels * p.inH * p.inW + size(p.outShape)),
      };
    }
    case 'unary': {
      const p = plan as OpSpecs['unary']['plan'];
      const n = size(p.outShape);
      // A comparison or a sign flip is one flop; an exp, log or trig function about 20; erf and gelu
      // (a series or a continued fraction) about 60.
      const per = CHEAP_UNARY.has(p.fn) ? 1 : p.fn === 'erf' || p.fn === 'gelu' ? 60 : 20;
      return { rows: n, flops: per * n, bytes: 2 * width(p.dtype) * n };
    }
    case 'binary': {
      const p = plan as OpSpecs['binary']['plan'];
      const n = size(p.outShape);
      return { rows: n, flops: n, bytes: 3 * width(p.dtype) * n };
    }
    case 'reduce': {
      const p = plan as OpSpecs['reduce']['plan'];
      const n = p.count * size(p.outShape);
      return { rows: 0, flops: n, bytes: width(p.dtype) * (n + size(p.outShape)) };
    }
    case 'cholesky': {
      const p = plan as OpSpecs['cholesky']['plan'];
      return { rows: 0, flops: p.n ** 3 / 3, bytes: 16 * p.n * p.n };
    }
    case 'solveSPD': {
      const p = plan as OpSpecs['solveSPD']['plan'];
      return { rows: 0, flops: p.n ** 3 / 3 + 2 * p.n * p.n * p.nrhs, bytes: 8 * (2 * p.n * p.n + 2 * p.n * p.nrhs) };
    }
    case 'ridge': {
      const p = plan as OpSpecs['ridge']['plan'];
      const gram = costOf('matmul', p.gram);
      const product = costOf('matmul', p.product);
      const solve = costOf('solveSPD', p.solve);
      return { rows: 0, flops: gram.flops + product.flops + solve.flops, bytes: gram.bytes + product.bytes + solve.bytes };
    }
    // The shape copies move memory and compute nothing: no flops (so they never pay a pool hop, and
    // run on the calling thread), their bytes read and written once.
    case 'remap': {
      const p = plan as OpSpecs['remap']['plan'];
      return { rows: 0, flops: 0, bytes: 2 * width(p.dtype) * size(p.outShape) };
    }
    case 'concat': {
      const p = plan as OpSpecs['concat']['plan'];
      return { rows: 0, flops: 0, bytes: 2 * width(p.dtype) * size(p.outShape) };
    }
    case 'gather': {
      const p = plan as OpSpecs['gather']['plan'];
      return { rows: 0, flops: 0, bytes: 2 * width(p.dtype) * size(p.outShape) + 4 * p.count };
    }
    case 'solve':
    case 'triangularSolve': {
      const p = plan as OpSpecs['solve']['plan'];
      const factor = op === 'solve' ? (2 * p.n ** 3) / 3 : 0;
      return { rows: 0, flops: factor + 2 * p.n * p.n * p.nrhs, bytes: width(p.dtype) * (p.n * p.n + 2 * p.n * p.nrhs) };
    }
    case 'inv':
    case 'det':
    case 'slogdet': {
      const p = plan as OpSpecs['inv']['plan'];
      // LU (2n³/3); the inverse adds the solves with I (4n³/3).
      return { rows: 0, flops: op === 'inv' ? 2 * p.n ** 3 : (2 * p.n ** 3) / 3, bytes: 2 * width(p.dtype) * p.n * p.n };
    }
    case 'lu': {
      const p = plan as OpSpecs['lu']['plan'];
      const k = Math.min(p.m, p.n);
      return { rows: 0, flops: 2 * p.m * p.n * k - ((p.m + p.n) * k * k) + (2 * k ** 3) / 3, bytes: width(p.dtype) * (p.m * p.n + size(p.outShape)) };
    }
    case 'qr': {
      const p = plan as OpSpecs['qr']['plan'];
      const k = Math.min(p.m, p.n);
      return { rows: 0, flops: 4 * p.m * p.n * k + 2 * p.m * p.rows * k, bytes: width(p.dtype) * (p.m * p.n + size(p.outShape)) };
    }
    case 'svd':
    case 'pinv':
    case 'matrixRank':
    case 'lstsq': {
      // Golub–Kahan: about 4·m·n·k for the bidiagonal form, 12·m·n·k more with the vectors (LAPACK's counts).
      const p = plan as { m: number; n: number; dtype: string; outShape: readonly number[] };
      const k = Math.min(p.m, p.n);
      const vectors = op !== 'matrixRank' && !(op === 'svd' && !(plan as OpSpecs['svd']['plan']).vectors);
      return { rows: 0, flops: (vectors ? 16 : 4) * p.m * p.n * k, bytes: 8 * (p.m * p.n + size(p.outShape)) };
    }
    case 'eigh': {
      const p = plan as OpSpecs['eigh']['plan'];
      return { rows: 0, flops: 9 * p.n ** 3, bytes: width(p.dtype) * (p.n * p.n + size(p.outShape)) };
    }
    case 'fft': {
      const p = plan as OpSpecs['fft']['plan'];
      const lines = p.outer * p.inner;
      return { rows: 0, flops: 5 * lines * p.n * Math.log2(Math.max(p.n, 2)), bytes: width(p.dtype) * (size(p.outShape) + lines * p.len * 2) };
    }
    case 'lassoGram': {
      // Iterations are not known before the run: priced at min(maxIter, 100) products of 2k² flops
      // (a working set's sub-problem took 30–160 here), plus Lanczos's ≤ 30.
      const p = plan as OpSpecs['lassoGram']['plan'];
      const products = Math.min(p.maxIter, 100) + Math.min(p.k, 30);
      return { rows: p.batch, flops: 2 * p.batch * p.k * p.k * products, bytes: 8 * p.batch * (p.k * p.k + 4 * p.k + 6) };
    }
    default:
      return { rows: 0, flops: 0, bytes: 0 };
  }
}
