/**
 * lepton-compute: typed tensors, matmul, conv2d and compressive-sensing reconstruction on pure
 * TypeScript kernels (with native and WebGPU backends to come). The public API, and nothing else.
 */
export { Tensor, type Device, type NestedArray } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export {
  tensor,
  zeros,
  ones,
  full,
  eye,
  arange,
  rand,
  randn,
  type CreateOptions,
  type RandomOptions,
  type TensorLike,
} from './creation.js';
export {
  LeptonError,
  ShapeError,
  DTypeError,
  InvalidArgumentError,
  BackendUnavailableError,
  DeviceLostError,
  WorkerCrashedError,
  DisposedTensorError,
  NotPositiveDefiniteError,
  OutOfMemoryError,
  type ErrorCode,
} from './errors.js';
export {
  backends,
  setBackend,
  getBackend,
  configure,
  memory,
  type BackendInfo,
  type Config,
  type CpuMemory,
  type GpuMemory,
  type MemoryInfo,
  type OpOptions,
} from './dispatch.js';
export type { Activation, BackendName } from './plans.js';
export { matmul, planMatmul, type MatmulOptions, type MatmulPlan } from './ops/matmul.js';
export { prepack, type PrepackOptions } from './ops/prepack.js';
export { conv2d, planConv2d, type Conv2dOptions, type Conv2dPlan, type Conv2dPool, type Conv2dPoolPlan, type Layout, type Padding } from './ops/conv2d.js';
export { maxPool2d, avgPool2d, type Pool2dOptions } from './ops/pool2d.js';
export {
  relu, sigmoid, exp, log, log1p, expm1, sqrt, rsqrt, abs, neg, sign, square, tanh, sin, cos, erf, gelu, softplus,
  leakyRelu, clip, type LeakyReluOptions, type ClipOptions,
} from './ops/unary.js';
export {
  add, sub, mul, div, pow, maximum, minimum, mod, equal, notEqual, less, lessEqual, greater, greaterEqual, type Operand,
} from './ops/binary.js';
export { where } from './ops/where.js';
export {
  sum, mean, max, min, prod, argmax, argmin, logSumExp, variance, std, norm,
  type ReduceOptions, type VarianceOptions, type NormOptions, type NormOrd, type ArgReduceOptions,
} from './ops/reduce.js';
export { softmax, logSoftmax, type SoftmaxOptions } from './ops/softmax.js';
export { batchNorm, type BatchNormOptions } from './ops/batch-norm.js';
export { layerNorm, type LayerNormOptions } from './ops/layer-norm.js';
export {
  slice, at, split, squeeze, expandDims, broadcastTo, flip, pad, tile, concat, stack, gather,
  type SliceBound, type PadMode, type PadOptions,
} from './ops/shape.js';
export { linalg } from './ops/linalg.js';
export { fft, ifft, rfft, irfft, type FftOptions } from './ops/fft.js';
export type {
  LinalgOptions, LuFactors, QrOptions, LstsqOptions, LstsqResult, SvdOptions, PinvOptions, MatrixRankOptions, TriangularSolveOptions,
} from './ops/linalg-ext.js';
export { ridge, planRidge, type RidgeOptions, type RidgeForm } from './ops/ridge.js';

export {
  cs,
  type LinearOperator,
  type PartialDctOperator,
  type FistaOptions,
  type FistaResult,
  type FistaProgress,
  type OmpOptions,
  type OmpResult,
  type LassoGramOptions,
  type LassoGramResult,
  type ChooseLambdaOptions,
  type ChooseLambdaResult,
  type OperatorDefinition,
  type SampleOperator,
  type SolverOptions,
  type RidgePathOptions,
  type RidgePathResult,
  type LassoPathOptions,
  type LassoPathResult,
  type LassoCvOptions,
  type LassoCvResult,
  type DottestOptions,
  type DottestResult,
  type MetricOptions,
} from './cs/index.js';
export { closePool, poolConfig, type PoolConfig } from './pool/control.js';
export { fromNpy, toNpy, readNpyHeader, type NpyHeader } from './npy.js';
export { load, save } from '#npy-file';
export type { TensorJson } from './format.js';
// Types the API above refers to (the TypeDoc check, `npm run docs:check`, fails on any left out).
export type { DTypeArrays } from './dtype.js';
export type { Shape } from './shape.js';
export type { GpuStorage } from './tensor.js';
export type { RidgePlan, SolveSpdPlan, FloatDType } from './plans.js';
export type { MatrixOptions, GaussianOptions, PartialDctOptions, Dct2dOptions } from './cs/operators.js';
export type { PsnrOptions } from './cs/metrics.js';
