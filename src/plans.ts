/**
 * Every plan type, the op table (OpSpecs) and the option types plans share. A leaf: it imports
 * nothing but the Tensor type, so that ops, the cost model, dispatch, backends and the pool can
 * all depend on it without depending on each other.
 *
 * A plan is the frozen result of an op's validation: output dtype and shape, geometry, the
 * algorithm variant. Every backend gets the same plan; none validates again.
 */
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

/** Applied after a fused bias. */
export type Activation = 'none' | 'relu' | 'sigmoid';
export const ACTIVATIONS: readonly Activation[] = ['none', 'relu', 'sigmoid'];

export type Layout = 'NCHW' | 'NHWC';
export const LAYOUTS: readonly Layout[] = ['NCHW', 'NHWC'];

/** `'valid'` (none), `'same'` (output = ceil(input / stride); the odd pixel at the bottom/right), a number for every side, or [top, bottom, left, right]. */
export type Padding = 'valid' | 'same' | number | readonly [number, number, number, number];

export type FloatDType = 'float32' | 'float64';

/** The backends this library knows (whether or not this build or machine can run them). */
export type BackendName = 'js' | 'native' | 'wasm' | 'webgpu';
export const BACKEND_NAMES: readonly BackendName[] = ['js', 'native', 'wasm', 'webgpu'];

/** Options every op takes. */
export interface OpOptions {
  /** Run on this backend, or throw if it cannot; `'auto'` (the default) picks one. */
  backend?: BackendName | 'auto';
  /** Cancels the op: queued work is dropped and the op rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface MatmulPlan {
  readonly dtype: FloatDType;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** Batch dimensions of the output (broadcast of a's and b's). */
  readonly batchShape: readonly number[];
  /** The kernel's output shape: [...batchShape, m, n]. */
  readonly outShape: readonly number[];
  readonly activation: Activation;
  /** The bias input, when present, has rank outShape.length and broadcasts to outShape. */
  readonly hasBias: boolean;
}

export interface Conv2dPlan {
  readonly dtype: FloatDType;
  readonly layout: Layout;
  readonly batch: number;
  readonly inC: number;
  readonly inH: number;
  readonly inW: number;
  readonly outC: number;
  readonly outH: number;
  readonly outW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly groups: number;
  readonly activation: Activation;
  readonly hasBias: boolean;
  /**
   * A pooling epilogue (the `pool` option): the op's output is then the pooled activation, and
   * the rows a range kernel counts are pooled rows (batch·pool.outH). outH and outW above stay the
   * convolution's own.
   */
  readonly pool?: Conv2dPoolPlan;
  /**
   * [batch, outC, outH, outW] for NCHW, [batch, outH, outW, outC] for NHWC; with `pool`, the
   * pooled [batch, outC, pool.outH, pool.outW] (NHWC: [batch, pool.outH, pool.outW, outC]).
   */
  readonly outShape: readonly number[];
}

/**
 * conv2d's fused pooling: max or average over kh×kw windows of the activation, moved by strideH ×
 * strideW, without padding; a window that does not fit is dropped (floor), so
 * outH = ⌊(conv outH − kh)/strideH⌋ + 1 and likewise outW. The names are Pool2dPlan's.
 */
export interface Conv2dPoolPlan {
  readonly kind: 'max' | 'avg';
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  /** The pooled output's height and width. */
  readonly outH: number;
  readonly outW: number;
}

/** Rows of conv2d's output a range kernel counts: batch·outH, or batch·pool.outH when pooled. */
export function conv2dRows(p: Conv2dPlan): number {
  return p.batch * (p.pool ? p.pool.outH : p.outH);
}

export interface Pool2dPlan {
  readonly kind: 'max' | 'avg';
  readonly dtype: FloatDType;
  readonly layout: Layout;
  readonly batch: number;
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outShape: readonly number[];
}







/**
 * The unary functions, in the order the native addon's `fn` choice list and the WGSL `fn_id`
 * numbering use (index = id).
 */
export const UNARY_FNS = [
  'relu', 'sigmoid', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'abs', 'neg', 'sign', 'square',
  'tanh', 'sin', 'cos', 'erf', 'gelu', 'softplus', 'leakyRelu', 'clip',
] as const;

export type UnaryFn = (typeof UNARY_FNS)[number];

/** The functions defined on int32 (the rest need a float dtype). */
export const INT_UNARY_FNS: readonly UnaryFn[] = ['relu', 'abs', 'neg', 'sign', 'square', 'clip'];

export interface UnaryPlan {
  readonly fn: UnaryFn;
  readonly dtype: DType;
  readonly outShape: readonly number[];
  /** leakyRelu's slope for x < 0 (0 for the other functions). */
  readonly alpha: number;
  /** clip's bounds (−Infinity and Infinity for the other functions). */
  readonly min: number;
  readonly max: number;
}

/** The binary functions, in the order of the native `fn` choice list and the WGSL `fn_id` (index = id). */
export const BINARY_FNS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod',
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual',
] as const;

export type BinaryFn = (typeof BINARY_FNS)[number];

/** The comparisons: their result is int32 0/1 whatever the operands' dtype. */
export const COMPARISONS: readonly BinaryFn[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

export interface BinaryPlan {
  readonly fn: BinaryFn;
  /** The output dtype (int32 for comparisons, else the operands'). */
  readonly dtype: DType;
  /** The operands' dtype. */
  readonly inDtype: DType;
  readonly outShape: readonly number[];
}

/** The reductions, in the order of the native `fn` choice list and the WGSL `fn_id` (index = id). */
export const REDUCE_FNS = [
  'sum', 'mean', 'max', 'min', 'prod', 'argmax', 'argmin', 'logSumExp', 'variance', 'std', 'norm',
] as const;

export type ReduceFn = (typeof REDUCE_FNS)[number];

export interface ReducePlan {
  readonly fn: ReduceFn;
  /** The output dtype. */
  readonly dtype: DType;
  /** Sorted, non-negative, unique. */
  readonly axes: readonly number[];
  /** Number of input elements that fold into each output element. */
  readonly count: number;
  readonly outShape: readonly number[];
  /** variance and std: the divisor is count − ddof (0 for the other reductions). */
  readonly ddof: number;
  /** norm: 1, 2 or Infinity (Frobenius is 2 over its two axes); 0 for the other reductions. */
  readonly ord: number;
}

export interface WherePlan {
  /** The dtype of a, b and the result. */
  readonly dtype: DType;
  /** The broadcast of cond's, a's and b's shapes. */
  readonly outShape: readonly number[];
}

export interface SoftmaxPlan {
  /** logSoftmax when true. */
  readonly log: boolean;
  readonly dtype: DType;
  readonly outShape: readonly number[];
  /** Product of the dimensions before the axis. */
  readonly outer: number;
  /** Length of the axis. */
  readonly n: number;
  /** Product of the dimensions after the axis (the stride of the axis in a row-major tensor). */
  readonly inner: number;
}

export interface BatchNormPlan {
  readonly dtype: DType;
  readonly outShape: readonly number[];
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
  readonly epsilon: number;
  readonly hasOffset: boolean;
  readonly hasScale: boolean;
}

export interface LayerNormPlan {
  readonly dtype: DType;
  readonly outShape: readonly number[];
  readonly outer: number;
  /** Elements normalised together (the product of the normalised dimensions). */
  readonly n: number;
  readonly epsilon: number;
  readonly hasGamma: boolean;
  readonly hasBeta: boolean;
}

/** How pad fills outside the input: a constant, the mirror image without the edge (numpy's 'reflect'), the edge value repeated, or the input repeated ('wrap': what tile is). */
export type RemapMode = 'constant' | 'reflect' | 'edge' | 'wrap';

/**
 * remap: each output coordinate reads the input at a coordinate of its own per axis,
 * `j = start[d] + i·step[d]`; a `j` outside `[0, inShape[d])` is resolved by `mode` (constant: the
 * element is `value`; reflect, edge, wrap: numpy.pad's rules, periodically for any width). It backs
 * flip and slices with a negative step (affine, always inside), pad (start −before, step 1) and
 * tile (mode wrap). Input and output have the same rank.
 */
export interface RemapPlan {
  /** The public op (for messages). */
  readonly op: 'flip' | 'slice' | 'pad' | 'tile';
  readonly dtype: DType;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly start: readonly number[];
  readonly step: readonly number[];
  readonly mode: RemapMode;
  /** The constant of mode 'constant' (0 otherwise). */
  readonly value: number;
}

/** concat: the inputs joined along `axis` (every other dimension equal). */
export interface ConcatPlan {
  /** The public op (for messages). */
  readonly op: 'concat' | 'stack';
  readonly dtype: DType;
  readonly axis: number;
  /** Each input's length along `axis`, in order. */
  readonly sizes: readonly number[];
  readonly outShape: readonly number[];
}

/**
 * gather: `out[p…, k…, q…] = x[p…, indices[k…], q…]` along `axis` (numpy.take). Indices in
 * `[−n, n)`; negative ones count from the end; the kernels check every index before they write.
 */
export interface GatherPlan {
  readonly dtype: DType;
  readonly axis: number;
  /** x's length along `axis`. */
  readonly n: number;
  /** Number of indices (their size). */
  readonly count: number;
  /** x.shape[:axis] + indices.shape + x.shape[axis+1:]. */
  readonly outShape: readonly number[];
}

export interface CholeskyPlan {
  readonly dtype: FloatDType;
  readonly n: number;
  /** [n, n]. */
  readonly outShape: readonly number[];
}

export interface SolveSpdPlan {
  readonly dtype: FloatDType;
  readonly n: number;
  /** Number of right-hand sides (columns of B; 1 for a vector). */
  readonly nrhs: number;
  /** The result has shape [n] (B was a vector) or [n, nrhs]. */
  readonly outShape: readonly number[];
}

/**
 * One output of an op that returns several (lu, qr, svd, eigh, slogdet, lstsq): the kernel writes
 * every output into one flat, packed array of the plan's dtype, and the op returns each part as a
 * row-major view of it (`offset` elements in, `shape`). `int` parts hold integers (pivots, a rank)
 * stored exactly in the float dtype; the op returns them as int32 tensors.
 */
export interface OutputPart {
  readonly offset: number;
  readonly shape: readonly number[];
  readonly int: boolean;
}

/** A packed multi-output plan: outShape is [total] and `parts` are the outputs, in order. */
export interface PackedPlan {
  readonly dtype: FloatDType;
  readonly outShape: readonly number[];
  readonly parts: readonly OutputPart[];
}

/**
 * linalg.solve (X = A⁻¹B by LU with partial pivoting) and linalg.triangularSolve: A n×n, B n×nrhs
 * (or [n]); the result has B's shape. The general ops compute in float64 whatever the dtype (a
 * float32 input is rounded once, at the end).
 */
export interface SolvePlan {
  readonly dtype: FloatDType;
  readonly n: number;
  readonly nrhs: number;
  readonly outShape: readonly number[];
}

export interface TriangularSolvePlan extends SolvePlan {
  readonly lower: boolean;
  readonly transpose: boolean;
  readonly unitDiagonal: boolean;
}

/** linalg.inv, linalg.det ([]), linalg.slogdet (packed: sign [], logAbsDet []) of an n×n A. */
export interface SquarePlan {
  readonly dtype: FloatDType;
  readonly n: number;
  readonly outShape: readonly number[];
}

export interface SlogdetPlan extends PackedPlan {
  readonly n: number;
}

/** linalg.lu of an m×n A: packed p (int, [m]), l [m, k], u [k, n], k = min(m, n). */
export interface LuPlan extends PackedPlan {
  readonly m: number;
  readonly n: number;
}

/** linalg.qr of an m×n A: packed q [m, rows], r [rows, n]; rows = min(m, n) (reduced) or m (complete). */
export interface QrPlan extends PackedPlan {
  readonly m: number;
  readonly n: number;
  readonly rows: number;
}

/**
 * linalg.svd (vectors) and linalg.svdvals (no vectors) of an m×n A: packed u [m, ucols], s [k],
 * vt [vrows, n] (ucols = m, vrows = n when `full`, else k), or s alone.
 */
export interface SvdPlan extends PackedPlan {
  readonly m: number;
  readonly n: number;
  readonly full: boolean;
  readonly vectors: boolean;
}

/** linalg.eigh of a symmetric n×n A (lower triangle read): packed values [n], vectors [n, n]. */
export interface EighPlan extends PackedPlan {
  readonly n: number;
}

/**
 * linalg.lstsq: packed x ([n] or [n, nrhs]), residuals ([nrhs] when m > n, else [0]), rank (int,
 * []), s [min(m, n)].
 */
export interface LstsqPlan extends PackedPlan {
  readonly m: number;
  readonly n: number;
  readonly nrhs: number;
  /** Singular values ≤ rcond·s_max count as zero. */
  readonly rcond: number;
}

/** linalg.pinv of an m×n A: [n, m]. */
export interface PinvPlan {
  readonly dtype: FloatDType;
  readonly m: number;
  readonly n: number;
  readonly rtol: number;
  readonly outShape: readonly number[];
}

/** linalg.matrixRank: an int32 rank-0 result. */
export interface MatrixRankPlan {
  readonly dtype: 'int32';
  /** The input's dtype. */
  readonly inDtype: FloatDType;
  readonly m: number;
  readonly n: number;
  /** Absolute threshold, or −1: s_max·max(m, n)·ε of inDtype. */
  readonly tol: number;
  readonly outShape: readonly number[];
}

export type FftKind = 'fft' | 'ifft' | 'rfft' | 'irfft';

/**
 * fft, ifft, rfft, irfft along one axis, the input seen as [outer, len, inner] (complex inputs
 * with a trailing 2). The input is zero-padded or truncated to `n` first (irfft: `n` is the output
 * length and the input's `len` frequencies are read). `scale` multiplies the result.
 */
export interface FftPlan {
  readonly kind: FftKind;
  readonly dtype: FloatDType;
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
  readonly n: number;
  readonly scale: number;
  readonly outShape: readonly number[];
}

export type RidgeForm = 'auto' | 'primal' | 'dual';

/**
 * ridge: x̂ = (AᵀA + λI)⁻¹Aᵀy (primal) or Aᵀ(AAᵀ + λI)⁻¹y (dual). The form is decided once, here,
 * and the products are plans of their own (float64, on float64 copies of A and y), so that every
 * backend and the pool run the same steps: G = gram(A, A); G += λI; then primal
 * x = solve(G, rhs(A, y)), dual x = back(A, solve(G, y)).
 */
export interface RidgePlan {
  readonly dtype: FloatDType;
  /** Measurements (rows of A). */
  readonly m: number;
  /** Unknowns (columns of A). */
  readonly n: number;
  /** Signals solved at once (columns of y; 1 for a vector). */
  readonly signals: number;
  readonly form: 'primal' | 'dual';
  readonly lambda: number;
  /** [n] or [n, signals]. */
  readonly outShape: readonly number[];
  /** Order of the system: n (primal) or m (dual). */
  readonly size: number;
  /** AᵀA (primal: transA) or AAᵀ (dual: transB), float64 [size, size]. */
  readonly gram: MatmulPlan;
  /** primal: Aᵀy, float64 [n, signals]; dual: Aᵀz, float64 [n, signals]. */
  readonly product: MatmulPlan;
  /** (G + λI) z = rhs, float64, size × signals. */
  readonly solve: SolveSpdPlan;
}

/**
 * lassoGram: `batch` lasso problems in Gram form, each k unknowns (G [batch, k, k], c [batch, k],
 * params [batch, 3] = λ, ‖y‖², gap target; x0 [batch, k] when `hasX0`), solved by FISTA to the
 * target or `maxIter` iterations. With `hasColumns`, G is one [n, n] matrix and the int32 input
 * columns [batch, k] picks each problem's rows and columns of it (−1: an unused slot, held at 0).
 * Packed float64 output: x [batch, k], iterations (int) [batch], gap [batch], lipschitz [batch].
 * Range rows are problems.
 */
export interface LassoGramPlan extends PackedPlan {
  readonly dtype: 'float64';
  readonly batch: number;
  readonly k: number;
  /** G's order: k, or the shared G's n with columns. */
  readonly n: number;
  readonly maxIter: number;
  readonly hasX0: boolean;
  readonly hasColumns: boolean;
}

/**
 * The table of contents of the library: one line per kernel, naming its inputs and its plan. A
 * backend's kernel table is typed from this interface, so a kernel with the wrong inputs or plan
 * does not compile. Every plan names its output's dtype and shape, which dispatch allocates.
 */
export interface OpSpecs {
  /** C = op(A)·op(B) (+ bias, then activation), batched with broadcast batch dimensions. */
  matmul: { inputs: readonly [a: Tensor, b: Tensor, bias?: Tensor]; plan: MatmulPlan };
  /** 2-D convolution (cross-correlation, as every deep-learning library computes it). */
  conv2d: { inputs: readonly [x: Tensor, w: Tensor, bias?: Tensor]; plan: Conv2dPlan };
  /** Max or average pooling over 2-D windows. */
  pool2d: { inputs: readonly [x: Tensor]; plan: Pool2dPlan };
  /** relu, sigmoid. */
  unary: { inputs: readonly [x: Tensor]; plan: UnaryPlan };
  /** add, sub, mul, div with numpy broadcasting. */
  binary: { inputs: readonly [a: Tensor, b: Tensor]; plan: BinaryPlan };
  /** sum, mean over axes. */
  reduce: { inputs: readonly [x: Tensor]; plan: ReducePlan };
  /** Lower Cholesky factor of an SPD matrix. */
  cholesky: { inputs: readonly [s: Tensor]; plan: CholeskyPlan };
  /** X = S⁻¹B for SPD S, by Cholesky. */
  solveSPD: { inputs: readonly [s: Tensor, b: Tensor]; plan: SolveSpdPlan };
  /** x̂ = (AᵀA + λI)⁻¹Aᵀy (primal) or Aᵀ(AAᵀ + λI)⁻¹y (dual). */
  ridge: { inputs: readonly [a: Tensor, y: Tensor]; plan: RidgePlan };
  /** a where cond ≠ 0, else b, broadcasting all three. */
  where: { inputs: readonly [cond: Tensor, a: Tensor, b: Tensor]; plan: WherePlan };
  /** softmax and logSoftmax along one axis. */
  softmax: { inputs: readonly [x: Tensor]; plan: SoftmaxPlan };
  /** (x − mean)/√(variance + ε)·scale + offset per channel (inference). */
  batchNorm: { inputs: readonly [x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor, scale?: Tensor]; plan: BatchNormPlan };
  /** (x − mean)/√(var + ε)·gamma + beta over trailing axes. */
  layerNorm: { inputs: readonly [x: Tensor, gamma?: Tensor, beta?: Tensor]; plan: LayerNormPlan };
  /** Per-axis coordinate maps with padding modes: flip, negative-step slices, pad, tile. */
  remap: { inputs: readonly [x: Tensor]; plan: RemapPlan };
  /** The inputs joined along one axis (concat, stack). */
  concat: { inputs: readonly Tensor[]; plan: ConcatPlan };
  /** Slices of x along one axis picked by int32 indices (numpy.take). */
  gather: { inputs: readonly [x: Tensor, indices: Tensor]; plan: GatherPlan };
  /** X = A⁻¹B by LU with partial pivoting. */
  solve: { inputs: readonly [a: Tensor, b: Tensor]; plan: SolvePlan };
  /** P·A = L·U (packed p, l, u). */
  lu: { inputs: readonly [a: Tensor]; plan: LuPlan };
  /** A⁻¹ by LU. */
  inv: { inputs: readonly [a: Tensor]; plan: SquarePlan };
  /** det A, rank 0. */
  det: { inputs: readonly [a: Tensor]; plan: SquarePlan };
  /** sign(det A) and log|det A| (packed). */
  slogdet: { inputs: readonly [a: Tensor]; plan: SlogdetPlan };
  /** Householder A = Q·R (packed q, r). */
  qr: { inputs: readonly [a: Tensor]; plan: QrPlan };
  /** min ‖A·X − B‖ (packed x, residuals, rank, s). */
  lstsq: { inputs: readonly [a: Tensor, b: Tensor]; plan: LstsqPlan };
  /** A = U·diag(s)·Vᵀ (packed u, s, vt; or s alone). */
  svd: { inputs: readonly [a: Tensor]; plan: SvdPlan };
  /** The Moore–Penrose pseudo-inverse. */
  pinv: { inputs: readonly [a: Tensor]; plan: PinvPlan };
  /** The numerical rank (int32). */
  matrixRank: { inputs: readonly [a: Tensor]; plan: MatrixRankPlan };
  /** op(A)·X = B for triangular A. */
  triangularSolve: { inputs: readonly [a: Tensor, b: Tensor]; plan: TriangularSolvePlan };
  /** Symmetric A = V·diag(values)·Vᵀ (packed values, vectors). */
  eigh: { inputs: readonly [a: Tensor]; plan: EighPlan };
  /** fft, ifft, rfft, irfft along one axis. */
  fft: { inputs: readonly [x: Tensor]; plan: FftPlan };
  /** Many small lasso problems in Gram form by FISTA (packed x, iterations, gap, lipschitz). */
  lassoGram: { inputs: readonly [g: Tensor, c: Tensor, params: Tensor, x0?: Tensor, columns?: Tensor]; plan: LassoGramPlan };
}

export type OpName = keyof OpSpecs;

/** Every op of the table, in one list (the native surface and the tests derive theirs from it). */
export const OP_NAMES: readonly OpName[] = Object.freeze([
  'matmul', 'conv2d', 'pool2d', 'unary', 'binary', 'reduce', 'cholesky', 'solveSPD', 'ridge',
  'where', 'softmax', 'batchNorm', 'layerNorm', 'remap', 'concat', 'gather',
  'solve', 'lu', 'inv', 'det', 'slogdet', 'qr', 'lstsq', 'svd', 'pinv', 'matrixRank', 'triangularSolve', 'eigh', 'fft',
  'lassoGram',
] as const);

/** Ops whose output the pool can split by rows (the others run whole, on one thread). */
export type RangeOp = 'matmul' | 'conv2d' | 'pool2d' | 'unary' | 'binary' | 'lassoGram';
export const RANGE_OPS: readonly RangeOp[] = Object.freeze(['matmul', 'conv2d', 'pool2d', 'unary', 'binary', 'lassoGram'] as const);

export type PlanOf<K extends OpName> = OpSpecs[K]['plan'];
export type InputsOf<K extends OpName> = OpSpecs[K]['inputs'];
