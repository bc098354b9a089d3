/**
 * The conformance case lists, one per op. Each case is plain data (shapes and options); the test
 * files generate seeded inputs, run the op on every available backend and compare with the
 * reference in test/reference. Labels are unique within a list (they also seed the inputs).
 */
import type { Activation } from '../reference/nd.js';
import type { RefPadding } from '../reference/conv2d.js';

export const FLOAT_DTYPES = ['float32', 'float64'] as const;

// ───────────────────────────── matmul ─────────────────────────────

export interface MatmulCase {
  label: string;
  /** Shapes as passed to matmul (before any transA/transB). */
  a: number[];
  b: number[];
  transA?: boolean;
  transB?: boolean;
  /** Feed the operand as a strided view (the transpose of a contiguous tensor). */
  aView?: boolean;
  bView?: boolean;
  bias?: number[];
  activation?: Activation;
}

export const MATMUL_CASES: MatmulCase[] = [
  { label: '1×1×1', a: [1, 1], b: [1, 1] },
  { label: 'primes 7×13×17', a: [7, 13], b: [13, 17] },
  { label: 'off-tile 65×33×129', a: [65, 33], b: [33, 129] },
  { label: 'tall-skinny 1000×3×5', a: [1000, 3], b: [3, 5] },
  { label: 'short-wide 3×5×1000', a: [3, 5], b: [5, 1000] },
  { label: 'long reduction 3×1000×5', a: [3, 1000], b: [1000, 5] },
  { label: 'deep k crossing KC 9×300×11', a: [9, 300], b: [300, 11] },
  { label: 'vector·matrix [13]·[13,17]', a: [13], b: [13, 17] },
  { label: 'matrix·vector [7,13]·[13]', a: [7, 13], b: [13] },
  { label: 'dot [29]·[29]', a: [29], b: [29] },
  // The matrix–vector loops: rows past the last four, k past the last vector, both layouts of A.
  { label: 'matrix·vector 67×131 [67,131]·[131]', a: [67, 131], b: [131] },
  { label: 'transA matrix·vector [131,67]ᵀ·[131]', a: [131, 67], b: [131], transA: true },
  { label: 'transA matrix·column [13,7]ᵀ·[13,1]', a: [13, 7], b: [13, 1], transA: true },
  { label: 'view a matrix·vector [67,131]·[131]', a: [67, 131], b: [131], aView: true },
  { label: 'vector·matrix [131]·[131,67]', a: [131], b: [131, 67] },
  { label: 'row·matrix [1,5]·[5,3]', a: [1, 5], b: [5, 3] },
  { label: 'batched matrix·vector [2,3,6]·[6]', a: [2, 3, 6], b: [6] },
  { label: 'vector·batched [6]·[2,6,4]', a: [6], b: [2, 6, 4] },
  { label: 'empty m=0', a: [0, 5], b: [5, 4] },
  { label: 'empty n=0', a: [3, 5], b: [5, 0] },
  { label: 'empty k=0 gives zeros', a: [3, 0], b: [0, 4] },
  { label: 'empty k=0 + bias + sigmoid', a: [3, 0], b: [0, 4], bias: [4], activation: 'sigmoid' },
  { label: 'empty batch [0,3,4]·[4,5]', a: [0, 3, 4], b: [4, 5] },
  { label: 'broadcast batch [2,1,4,5]·[3,5,6]', a: [2, 1, 4, 5], b: [3, 5, 6] },
  { label: 'broadcast batch [4,5]·[3,5,6]', a: [4, 5], b: [3, 5, 6] },
  { label: 'broadcast batch [3,4,5]·[5,6]', a: [3, 4, 5], b: [5, 6] },
  { label: 'broadcast batch [2,1,3,4]·[1,5,4,2]', a: [2, 1, 3, 4], b: [1, 5, 4, 2] },
  { label: 'transA 7×13×17', a: [13, 7], b: [13, 17], transA: true },
  { label: 'transB 7×13×17', a: [7, 13], b: [17, 13], transB: true },
  { label: 'transA+transB 65×33×129', a: [33, 65], b: [129, 33], transA: true, transB: true },
  { label: 'transA+transB batched [2,1,5,4]·[3,6,5]', a: [2, 1, 5, 4], b: [3, 6, 5], transA: true, transB: true },
  { label: 'view a 7×13×17', a: [7, 13], b: [13, 17], aView: true },
  { label: 'view b 7×13×17', a: [7, 13], b: [13, 17], bView: true },
  { label: 'views a,b 65×33×129', a: [65, 33], b: [33, 129], aView: true, bView: true },
  { label: 'view a + transA 9×10×11', a: [10, 9], b: [10, 11], aView: true, transA: true },
  { label: 'view b + transB 9×10×11', a: [9, 10], b: [11, 10], bView: true, transB: true },
  { label: 'batched views [2,1,4,5]·[3,5,6]', a: [2, 1, 4, 5], b: [3, 5, 6], aView: true, bView: true },
  { label: 'bias [n]', a: [7, 13], b: [13, 17], bias: [17] },
  { label: 'bias [m,1]', a: [7, 13], b: [13, 17], bias: [7, 1] },
  { label: 'bias [m,n]', a: [7, 13], b: [13, 17], bias: [7, 17] },
  { label: 'bias [1,n]', a: [7, 13], b: [13, 17], bias: [1, 17] },
  { label: 'bias scalar []', a: [7, 13], b: [13, 17], bias: [] },
  { label: 'bias batched [2,1,1,6]', a: [2, 1, 4, 5], b: [3, 5, 6], bias: [2, 1, 1, 6] },
  { label: 'bias [3,4,6] over batch', a: [2, 1, 4, 5], b: [3, 5, 6], bias: [3, 4, 6] },
  { label: 'bias on matrix·vector result [m]', a: [7, 13], b: [13], bias: [7] },
  { label: 'bias on vector·matrix result [n]', a: [13], b: [13, 17], bias: [17] },
  { label: 'bias on dot result []', a: [29], b: [29], bias: [] },
  { label: 'relu', a: [7, 13], b: [13, 17], activation: 'relu' },
  { label: 'sigmoid', a: [7, 13], b: [13, 17], activation: 'sigmoid' },
  { label: 'bias [n] + relu 65×33×129', a: [65, 33], b: [33, 129], bias: [129], activation: 'relu' },
  { label: 'bias [m,1] + sigmoid transB', a: [7, 13], b: [17, 13], transB: true, bias: [7, 1], activation: 'sigmoid' },
  { label: 'bias + relu batched', a: [2, 1, 4, 5], b: [3, 5, 6], bias: [6], activation: 'relu' },
  { label: 'large 256×256×256', a: [256, 256], b: [256, 256] },
];

/** matmul(a, prepack(w, { transB }), options): a as passed, w 2-D as passed (before transB). */
export interface PrepackCase {
  label: string;
  a: number[];
  w: [number, number];
  transA?: boolean;
  transB?: boolean;
  aView?: boolean;
  bias?: number[];
  activation?: Activation;
}

export const PREPACK_CASES: PrepackCase[] = [
  { label: '1×1×1', a: [1, 1], w: [1, 1] },
  { label: 'primes 7×13×17', a: [7, 13], w: [13, 17] },
  { label: 'off-tile 65×33×129', a: [65, 33], w: [33, 129] },
  { label: 'dense layer 64×300·300×77 + bias + relu', a: [64, 300], w: [300, 77], bias: [77], activation: 'relu' },
  { label: 'deep k past a depth block 9×700×13', a: [9, 700], w: [700, 13] },
  { label: 'wide n past a column block 5×40×3000', a: [5, 40], w: [40, 3000] },
  { label: 'transB: weights [out, in] 33×65 · [129,65]ᵀ + sigmoid', a: [33, 65], w: [129, 65], transB: true, bias: [129], activation: 'sigmoid' },
  { label: 'transA + transB 20×31 · [17,31]ᵀ', a: [31, 20], w: [17, 31], transA: true, transB: true },
  { label: 'a as a strided view 16×50·50×24', a: [16, 50], w: [50, 24], aView: true },
  { label: 'one row (the vector path) 1×300·300×40', a: [1, 300], w: [300, 40] },
  { label: 'vector a [300]·[300,40]', a: [300], w: [300, 40] },
  { label: 'one column (matrix·vector path) 40×300·300×1', a: [40, 300], w: [300, 1] },
  { label: 'batched a [3,4,50]·[50,30] (one B for every entry)', a: [3, 4, 50], w: [50, 30], bias: [30] },
  { label: 'broadcast batch [2,1,9,20]·[20,11] + bias [m,n]', a: [2, 1, 9, 20], w: [20, 11], bias: [9, 11], activation: 'relu' },
  { label: 'empty m=0', a: [0, 5], w: [5, 4] },
  { label: 'empty n=0', a: [3, 5], w: [5, 0] },
  { label: 'empty k=0 gives zeros', a: [3, 0], w: [0, 4] },
  { label: 'empty batch [0,3,4]·[4,5]', a: [0, 3, 4], w: [4, 5] },
  { label: 'large 200×256·256×192', a: [200, 256], w: [256, 192] },
];

// ───────────────────────────── conv2d ─────────────────────────────

export interface ConvCase {
  label: string;
  /** Sizes in layout-free terms: x is N×C×H×W, w has outC filters of kh×kw over C/groups channels. */
  N: number;
  C: number;
  H: number;
  W: number;
  outC: number;
  kh: number;
  kw: number;
  stride?: number | [number, number];
  padding?: RefPadding;
  dilation?: number | [number, number];
  groups?: number;
  bias?: boolean;
  activation?: Activation;
  /** Feed x as a strided view (a transpose of a tensor in the other layout). */
  xView?: boolean;
  /** Only the slow cases set this: run it for this layout only. */
  layouts?: ('NCHW' | 'NHWC')[];
}

export const CONV_CASES: ConvCase[] = [
  { label: '3×3 valid, 7×9 image', N: 2, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3 },
  { label: '1×1 image, 1×1 kernel', N: 1, C: 1, H: 1, W: 1, outC: 1, kh: 1, kw: 1 },
  { label: '3×3 same, 7×9 image', N: 2, C: 3, H: 7, W: 9, outC: 5, kh: 3, kw: 3, padding: 'same' },
  { label: '3×3 same stride 2 on 8×8 (odd pad at bottom/right)', N: 1, C: 2, H: 8, W: 8, outC: 3, kh: 3, kw: 3, stride: 2, padding: 'same' },
  { label: '2×2 same stride 1 (pad 0 top, 1 bottom)', N: 1, C: 2, H: 5, W: 6, outC: 2, kh: 2, kw: 2, padding: 'same' },
  { label: '4×4 same stride 3 on 7×9', N: 1, C: 2, H: 7, W: 9, outC: 3, kh: 4, kw: 4, stride: 3, padding: 'same' },
  { label: 'stride 2 valid', N: 2, C: 3, H: 9, W: 11, outC: 4, kh: 3, kw: 3, stride: 2 },
  { label: 'stride [2,1] padding 1', N: 1, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, stride: [2, 1], padding: 1 },
  { label: 'padding [2,0,1,3]', N: 1, C: 2, H: 7, W: 9, outC: 3, kh: 3, kw: 2, padding: [2, 0, 1, 3] },
  { label: 'padding 2, 5×3 kernel', N: 1, C: 2, H: 6, W: 5, outC: 3, kh: 5, kw: 3, padding: 2 },
  { label: 'dilation 2 valid', N: 1, C: 3, H: 9, W: 11, outC: 4, kh: 3, kw: 3, dilation: 2 },
  { label: 'dilation 2 same', N: 1, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, dilation: 2, padding: 'same' },
  { label: 'dilation [2,1] stride 2 same', N: 1, C: 2, H: 8, W: 7, outC: 3, kh: 3, kw: 3, dilation: [2, 1], stride: 2, padding: 'same' },
  { label: 'groups 2', N: 2, C: 4, H: 7, W: 9, outC: 6, kh: 3, kw: 3, groups: 2, padding: 'same' },
  { label: 'depthwise groups = C', N: 2, C: 5, H: 7, W: 9, outC: 5, kh: 3, kw: 3, groups: 5, padding: 'same' },
  { label: 'depthwise channel multiplier 2', N: 1, C: 3, H: 7, W: 9, outC: 6, kh: 3, kw: 3, groups: 3, padding: 1 },
  { label: 'depthwise stride 2 dilation 2', N: 1, C: 4, H: 9, W: 9, outC: 4, kh: 3, kw: 3, groups: 4, stride: 2, dilation: 2 },
  { label: '1×1 kernel', N: 2, C: 8, H: 5, W: 6, outC: 16, kh: 1, kw: 1 },
  { label: '1×1 kernel stride 2', N: 1, C: 8, H: 7, W: 9, outC: 4, kh: 1, kw: 1, stride: 2 },
  { label: '1×1 kernel groups 4', N: 1, C: 8, H: 5, W: 5, outC: 8, kh: 1, kw: 1, groups: 4 },
  { label: 'kernel = image', N: 1, C: 2, H: 5, W: 5, outC: 3, kh: 5, kw: 5 },
  { label: '1×1 image, 3×3 kernel, same', N: 2, C: 3, H: 1, W: 1, outC: 2, kh: 3, kw: 3, padding: 'same' },
  { label: 'bias', N: 1, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, bias: true },
  { label: 'bias + relu', N: 2, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, padding: 'same', bias: true, activation: 'relu' },
  { label: 'bias + sigmoid', N: 1, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, stride: 2, bias: true, activation: 'sigmoid' },
  { label: 'relu, no bias', N: 1, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, activation: 'relu' },
  { label: 'batch 0', N: 0, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3 },
  { label: 'batch 3', N: 3, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, padding: 'same', bias: true },
  { label: 'x as a strided view', N: 2, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, padding: 'same', xView: true },
  { label: 'x view + groups + stride', N: 1, C: 4, H: 8, W: 7, outC: 6, kh: 3, kw: 3, groups: 2, stride: 2, xView: true },
  { label: 'more channels 32→16 on 12×12', N: 1, C: 32, H: 12, W: 12, outC: 16, kh: 3, kw: 3, padding: 'same', bias: true },
  // Few input channels on rows wider than a vector (native's direct path: full vectors of output
  // columns and blocks of 8 output channels, then the remainders).
  { label: 'few channels 3→16, 3×3 same on 9×37', N: 2, C: 3, H: 9, W: 37, outC: 16, kh: 3, kw: 3, padding: 'same', bias: true, activation: 'relu' },
  { label: 'one channel 1→13, 5×5 pad 2 on 6×40', N: 1, C: 1, H: 6, W: 40, outC: 13, kh: 5, kw: 5, padding: 2, bias: true },
  { label: 'four channels 4→9, 2×7 padding [0,3,1,2] on 5×33', N: 1, C: 4, H: 5, W: 33, outC: 9, kh: 2, kw: 7, padding: [0, 3, 1, 2], activation: 'sigmoid' },
  { label: 'two channels 2→8, padding 4 > kernel on 4×20', N: 2, C: 2, H: 4, W: 20, outC: 8, kh: 3, kw: 3, padding: 4 },
  {
    label: 'im2col split [1,64,100,100] 3×3 same',
    N: 1, C: 64, H: 100, W: 100, outC: 8, kh: 3, kw: 3, padding: 'same', bias: true, activation: 'relu',
  },
];

/** conv2d with its fused pooling epilogue: the pool over the convolution's output (no padding, floor). */
export interface ConvPoolCase extends ConvCase {
  pool: { type: 'max' | 'avg'; kernel: number | [number, number]; stride?: number | [number, number] };
}

export const CONV_POOL_CASES: ConvPoolCase[] = [
  // conv 5×7 → max 2: 2×3 (the last conv row and column are dropped).
  { label: '3×3 valid 7×9, max 2 drops a row and a column', N: 2, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, pool: { type: 'max', kernel: 2 } },
  { label: '3×3 valid 7×9, avg 2 drops a row and a column', N: 2, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, pool: { type: 'avg', kernel: 2 } },
  { label: "3×3 same 8×8, max 2 (CNN layer)", N: 1, C: 3, H: 8, W: 8, outC: 5, kh: 3, kw: 3, padding: 'same', bias: true, activation: 'relu', pool: { type: 'max', kernel: 2 } },
  { label: 'primes 13×17, 5→7 channels, max 3 stride 2 (overlapping)', N: 3, C: 5, H: 13, W: 17, outC: 7, kh: 3, kw: 3, padding: 'same', pool: { type: 'max', kernel: 3, stride: 2 } },
  { label: 'primes 13×17, avg 3 stride 2 (overlapping)', N: 1, C: 5, H: 13, W: 17, outC: 7, kh: 3, kw: 3, padding: 'same', bias: true, pool: { type: 'avg', kernel: 3, stride: 2 } },
  { label: 'avg [2,3] stride [1,2]', N: 2, C: 2, H: 9, W: 11, outC: 3, kh: 3, kw: 2, pool: { type: 'avg', kernel: [2, 3], stride: [1, 2] } },
  { label: 'max [3,1] stride [2,1]', N: 1, C: 2, H: 9, W: 8, outC: 3, kh: 2, kw: 2, padding: 1, pool: { type: 'max', kernel: [3, 1], stride: [2, 1] } },
  { label: 'conv stride 2, max 2 drops a row', N: 2, C: 3, H: 11, W: 13, outC: 4, kh: 3, kw: 3, stride: 2, pool: { type: 'max', kernel: 2 } },
  { label: 'conv stride [2,1] padding [2,0,1,3], avg 2', N: 1, C: 3, H: 9, W: 10, outC: 4, kh: 3, kw: 3, stride: [2, 1], padding: [2, 0, 1, 3], pool: { type: 'avg', kernel: 2 } },
  { label: 'dilation 2, avg 2', N: 1, C: 3, H: 11, W: 12, outC: 4, kh: 3, kw: 3, dilation: 2, pool: { type: 'avg', kernel: 2 } },
  { label: 'dilation [2,1] stride 2 same, max 2', N: 2, C: 2, H: 12, W: 11, outC: 3, kh: 3, kw: 3, dilation: [2, 1], stride: 2, padding: 'same', pool: { type: 'max', kernel: 2 } },
  { label: 'groups 2, bias + relu, max 2', N: 2, C: 4, H: 9, W: 9, outC: 6, kh: 3, kw: 3, groups: 2, padding: 'same', bias: true, activation: 'relu', pool: { type: 'max', kernel: 2 } },
  { label: 'groups 2, bias + sigmoid, avg 3 stride 1', N: 1, C: 4, H: 8, W: 9, outC: 6, kh: 3, kw: 3, groups: 2, bias: true, activation: 'sigmoid', pool: { type: 'avg', kernel: 3, stride: 1 } },
  { label: 'depthwise, avg 3 stride 1', N: 2, C: 5, H: 9, W: 10, outC: 5, kh: 3, kw: 3, groups: 5, padding: 'same', pool: { type: 'avg', kernel: 3, stride: 1 } },
  { label: 'depthwise multiplier 2, max 2', N: 1, C: 3, H: 9, W: 7, outC: 6, kh: 3, kw: 3, groups: 3, padding: 1, bias: true, pool: { type: 'max', kernel: 2 } },
  { label: '1×1 kernel (pointwise), max 2 drops a column', N: 2, C: 8, H: 6, W: 7, outC: 16, kh: 1, kw: 1, pool: { type: 'max', kernel: 2 } },
  { label: '1×1 kernel, avg 2 stride 3 (gaps between windows)', N: 1, C: 8, H: 10, W: 11, outC: 4, kh: 1, kw: 1, pool: { type: 'avg', kernel: 2, stride: 3 } },
  { label: 'pool = the whole conv output (global avg)', N: 2, C: 2, H: 5, W: 5, outC: 3, kh: 3, kw: 3, pool: { type: 'avg', kernel: 3 } },
  { label: 'pool = the whole conv output (global max), 1×1 image', N: 2, C: 3, H: 1, W: 1, outC: 2, kh: 3, kw: 3, padding: 'same', pool: { type: 'max', kernel: 1 } },
  { label: 'pool 1 (identity)', N: 1, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, bias: true, pool: { type: 'max', kernel: 1 } },
  { label: 'batch 0, max 2', N: 0, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, pool: { type: 'max', kernel: 2 } },
  { label: 'batch 0, avg 2', N: 0, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, padding: 'same', pool: { type: 'avg', kernel: 2 } },
  { label: 'x as a strided view, max 2', N: 2, C: 3, H: 7, W: 9, outC: 4, kh: 3, kw: 3, padding: 'same', xView: true, pool: { type: 'max', kernel: 2 } },
  { label: 'x view + groups + stride, avg 2', N: 1, C: 4, H: 10, W: 9, outC: 6, kh: 3, kw: 3, groups: 2, stride: 2, xView: true, pool: { type: 'avg', kernel: 2 } },
  { label: '32→16 channels on 12×12, max 2', N: 2, C: 32, H: 12, W: 12, outC: 16, kh: 3, kw: 3, padding: 'same', bias: true, activation: 'relu', pool: { type: 'max', kernel: 2 } },
  // Off-tile and past one scratch band of rows (js: 2^18 elements = 32 rows of 64×128; native: L2/4).
  {
    label: 'many bands: [2,4,70,131] → 64 channels, max 2', N: 2, C: 4, H: 70, W: 131, outC: 64, kh: 3, kw: 3, bias: true, activation: 'relu',
    pool: { type: 'max', kernel: 2 }, layouts: ['NCHW'],
  },
  {
    label: 'many bands: [1,4,71,130] → 64 channels, avg 3 stride 2', N: 1, C: 4, H: 71, W: 130, outC: 64, kh: 3, kw: 3, padding: 'same',
    pool: { type: 'avg', kernel: 3, stride: 2 }, layouts: ['NHWC'],
  },
];

// ───────────────────────────── pools ─────────────────────────────

export interface PoolCase {
  label: string;
  N: number;
  C: number;
  H: number;
  W: number;
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: RefPadding;
  xView?: boolean;
}

export const POOL_CASES: PoolCase[] = [
  { label: 'kernel 2 (stride defaults to 2)', N: 2, C: 3, H: 8, W: 6, kernel: 2 },
  { label: 'kernel 2 on odd 7×9 (last row/col dropped)', N: 1, C: 3, H: 7, W: 9, kernel: 2 },
  { label: 'kernel 3 stride 2 valid', N: 2, C: 3, H: 7, W: 9, kernel: 3, stride: 2 },
  { label: 'kernel 3 stride 1 same', N: 1, C: 4, H: 7, W: 9, kernel: 3, stride: 1, padding: 'same' },
  { label: 'kernel 2 stride 2 same on 7×9 (pad bottom/right)', N: 1, C: 2, H: 7, W: 9, kernel: 2, padding: 'same' },
  { label: 'kernel [2,3] stride [1,2] same', N: 1, C: 3, H: 6, W: 7, kernel: [2, 3], stride: [1, 2], padding: 'same' },
  { label: 'kernel 3 stride 2 padding 1', N: 1, C: 2, H: 8, W: 8, kernel: 3, stride: 2, padding: 1 },
  { label: 'kernel 2 padding [1,0,0,1]', N: 1, C: 2, H: 5, W: 5, kernel: 2, stride: 1, padding: [1, 0, 0, 1] },
  { label: 'kernel 4 stride 3 same', N: 1, C: 2, H: 10, W: 11, kernel: 4, stride: 3, padding: 'same' },
  { label: 'kernel 3 wider than the image, padded on the right only', N: 1, C: 2, H: 4, W: 2, kernel: 3, stride: 1, padding: [0, 0, 0, 1] },
  { label: 'kernel 2 stride 2 on a wide row (long interior)', N: 2, C: 3, H: 6, W: 70, kernel: 2 },
  { label: 'global pool kernel = image', N: 2, C: 5, H: 4, W: 6, kernel: [4, 6] },
  { label: '1×1 kernel', N: 1, C: 3, H: 4, W: 5, kernel: 1 },
  { label: 'batch 0', N: 0, C: 3, H: 6, W: 6, kernel: 2 },
  { label: 'x as a strided view', N: 2, C: 3, H: 7, W: 9, kernel: 3, stride: 2, padding: 'same', xView: true },
];

// ─────────────────────────── elementwise ───────────────────────────

export const UNARY_SHAPES: { label: string; shape: number[]; view?: number[] }[] = [
  { label: 'rank 0', shape: [] },
  { label: '[1]', shape: [1] },
  { label: '[7,13]', shape: [7, 13] },
  { label: '[2,3,4,5]', shape: [2, 3, 4, 5] },
  { label: 'empty [0,3]', shape: [0, 3] },
  { label: 'view [13,7] (transpose)', shape: [13, 7], view: [1, 0] },
  { label: 'view [4,2,3] perm [2,0,1]', shape: [4, 2, 3], view: [2, 0, 1] },
  { label: 'large [1000]', shape: [1000] },
];

export interface BinaryCase {
  label: string;
  a: number[];
  b: number[];
  /** Perms that turn the operand into a strided view. */
  aView?: number[];
  bView?: number[];
}

export const BINARY_CASES: BinaryCase[] = [
  { label: 'same shape [7,13]', a: [7, 13], b: [7, 13] },
  { label: 'rank 0 ⊕ rank 0', a: [], b: [] },
  { label: '[7,13] ⊕ [13] (row)', a: [7, 13], b: [13] },
  { label: '[7,1] ⊕ [1,13] (outer)', a: [7, 1], b: [1, 13] },
  { label: '[2,1,4] ⊕ [3,1]', a: [2, 1, 4], b: [3, 1] },
  { label: 'scalar [] ⊕ [3,4]', a: [], b: [3, 4] },
  { label: '[3,4] ⊕ scalar []', a: [3, 4], b: [] },
  { label: '[2,3,1,5] ⊕ [4,1]', a: [2, 3, 1, 5], b: [4, 1] },
  { label: 'empty [0,3] ⊕ [3]', a: [0, 3], b: [3] },
  { label: 'empty [0,3] ⊕ [1,3]', a: [0, 3], b: [1, 3] },
  { label: 'view ⊕ contiguous [5,6]', a: [5, 6], b: [5, 6], aView: [1, 0] },
  { label: 'view ⊕ broadcast row [4,3,5]', a: [4, 3, 5], b: [5], aView: [2, 0, 1] },
  { label: 'contiguous ⊕ view [6,5]', a: [6, 5], b: [6, 5], bView: [1, 0] },
  { label: 'view [1,7] ⊕ view [6,1]', a: [3, 1, 7], b: [6, 1], aView: [2, 1, 0], bView: [1, 0] },
  { label: 'large [33,65]', a: [33, 65], b: [33, 65] },
];

// ───────────────────────────── reduce ─────────────────────────────

/** Every subset of the axes of a rank-3 tensor, plus "all" (undefined) and negative forms. */
export const REDUCE_AXES: { label: string; axis?: number | number[] }[] = [
  { label: 'all (axis absent)' },
  { label: 'axis []', axis: [] },
  { label: 'axis 0', axis: 0 },
  { label: 'axis 1', axis: 1 },
  { label: 'axis 2', axis: 2 },
  { label: 'axes [0,1]', axis: [0, 1] },
  { label: 'axes [0,2]', axis: [0, 2] },
  { label: 'axes [1,2]', axis: [1, 2] },
  { label: 'axes [0,1,2]', axis: [0, 1, 2] },
  { label: 'axis -1', axis: -1 },
  { label: 'axes [-3,-1]', axis: [-3, -1] },
  { label: 'axes [2,0] (unsorted)', axis: [2, 0] },
];

export const REDUCE_SHAPE = [3, 4, 5];

// ───────────────────────────── linalg ─────────────────────────────

/** n for cholesky / solveSPD: 64 is the js panel width, so 65 and 130 cross it. */
export const SPD_SIZES = [1, 2, 17, 64, 65, 130];

/** Right-hand sides: undefined = B is a vector [n]; a number = B is [n, k]. */
export const RHS_COUNTS: (number | undefined)[] = [undefined, 1, 7, 70];

// ───────────────────────────── ridge ─────────────────────────────

export interface RidgeCase {
  label: string;
  m: number;
  n: number;
  /** Signals: undefined = y is [m]; a number = y is [m, signals]. */
  signals?: number;
  lambda: number;
  forms: ('auto' | 'primal' | 'dual')[];
}

export const RIDGE_CASES: RidgeCase[] = [
  { label: 'm > n, one signal', m: 40, n: 12, lambda: 0.5, forms: ['auto', 'primal', 'dual'] },
  { label: 'm > n, 5 signals', m: 40, n: 12, signals: 5, lambda: 0.5, forms: ['auto', 'primal', 'dual'] },
  { label: 'm < n, one signal', m: 12, n: 40, lambda: 0.5, forms: ['auto', 'primal', 'dual'] },
  { label: 'm < n, 5 signals', m: 12, n: 40, signals: 5, lambda: 0.5, forms: ['auto', 'primal', 'dual'] },
  { label: 'square 30×30', m: 30, n: 30, signals: 2, lambda: 1, forms: ['auto', 'primal', 'dual'] },
  { label: 'm = 1', m: 1, n: 5, lambda: 0.3, forms: ['auto', 'primal', 'dual'] },
  { label: 'n = 1', m: 5, n: 1, signals: 3, lambda: 0.3, forms: ['auto', 'primal', 'dual'] },
  { label: 'crossing the 64 block: 70×130, 3 signals', m: 70, n: 130, signals: 3, lambda: 2, forms: ['auto', 'primal', 'dual'] },
  { label: 'crossing the 64 block: 150×66', m: 150, n: 66, lambda: 2, forms: ['auto', 'primal', 'dual'] },
  { label: 'λ = 0, m > n (least squares)', m: 50, n: 10, signals: 2, lambda: 0, forms: ['auto', 'primal'] },
  { label: 'tiny λ, m > n', m: 50, n: 10, lambda: 1e-6, forms: ['auto', 'primal'] },
  { label: 'large λ', m: 20, n: 30, lambda: 1e4, forms: ['auto', 'primal', 'dual'] },
];
