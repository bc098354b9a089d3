/**
 * Compressive sensing: sensing operators, sparse recovery (FISTA, OMP), the lasso path and its
 * cross-validation, ridge's λ by GCV or the L-curve and ridge over many λ, the dot test, and
 * quality metrics, gathered in one frozen namespace object `cs`.
 */
import { chooseLambda, ridgePath } from './lambda.js';
import { fista, normEstimate } from './fista.js';
import { omp } from './omp.js';
import { lassoGram } from '../ops/lasso-gram.js';
import { dottest, lassoCV, lassoPath } from './path.js';
import { psnr, relativeError, snr } from './metrics.js';
import {
  bernoulli,
  compose,
  dct,
  dct2d,
  gaussian,
  idct,
  isLinearOperator,
  operator,
  partialDCT,
  sample,
  toeplitz,
  transpose,
} from './operators.js';

export type {
  LinearOperator,
  OperatorDefinition,
  SampleOperator,
  PartialDctOperator,
  MatrixOptions,
  GaussianOptions,
  PartialDctOptions,
  Dct2dOptions,
} from './operators.js';
export type { SolverOptions } from './checks.js';
export type { FistaOptions, FistaResult, FistaProgress } from './fista.js';
export type { OmpOptions, OmpResult } from './omp.js';
export type { LassoGramOptions, LassoGramResult } from '../ops/lasso-gram.js';
export type { ChooseLambdaOptions, ChooseLambdaResult, RidgePathOptions, RidgePathResult } from './lambda.js';
export type { LassoPathOptions, LassoPathResult, LassoCvOptions, LassoCvResult, DottestOptions, DottestResult } from './path.js';
export type { MetricOptions, PsnrOptions } from './metrics.js';

/**
 * Compressive sensing. Operators: `gaussian`, `bernoulli`, `toeplitz` (explicit matrices),
 * `partialDCT`, `dct2d`, `sample` (matrix-free), `operator` (a matrix or forward/adjoint
 * functions), `compose`, `transpose`, `dct`, `idct`; every operator has `toMatrix()`, and
 * `dottest` checks an adjoint. Recovery: `fista` (ℓ1), `omp` (greedy), `lassoPath`, `lassoCV`,
 * `lassoGram` (many small lasso problems in Gram form at once, an op: no await needed);
 * ridge helpers `chooseLambda` and `ridgePath`; `normEstimate`. Metrics: `relativeError`, `snr`,
 * `psnr` (overall or `{ perSignal: true }`).
 * @example
 * const A = cs.gaussian(128, 256, { seed: 1 });
 * const { x } = await cs.omp(A, await matmul(A, xTrue), { sparsity: 10 });
 * console.log(await cs.relativeError(xTrue, x));
 */
export const cs = Object.freeze({
  gaussian,
  bernoulli,
  toeplitz,
  partialDCT,
  dct2d,
  sample,
  operator,
  compose,
  transpose,
  isOperator: isLinearOperator,
  dottest,
  dct,
  idct,
  fista,
  omp,
  lassoGram,
  lassoPath,
  lassoCV,
  chooseLambda,
  ridgePath,
  normEstimate,
  relativeError,
  snr,
  psnr,
});
