/**
 * Compressive sensing: sensing operators, sparse recovery (FISTA, OMP), ridge's λ by GCV or the
 * L-curve, and quality metrics, gathered in one frozen namespace object `cs`.
 */
import { chooseLambda } from './lambda.js';
import { fista, normEstimate } from './fista.js';
import { omp } from './omp.js';
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
  toeplitz,
  transpose,
} from './operators.js';

export type { LinearOperator, PartialDctOperator, MatrixOptions, GaussianOptions, PartialDctOptions, Dct2dOptions } from './operators.js';
export type { FistaOptions, FistaResult, FistaProgress } from './fista.js';
export type { OmpOptions, OmpResult } from './omp.js';
export type { ChooseLambdaOptions, ChooseLambdaResult } from './lambda.js';
export type { PsnrOptions } from './metrics.js';

/**
 * Compressive sensing. Operators: `gaussian`, `bernoulli`, `toeplitz` (explicit matrices),
 * `partialDCT`, `dct2d` (matrix-free), `operator`, `compose`, `transpose`, `dct`, `idct`.
 * Recovery: `fista` (ℓ1), `omp` (greedy), `chooseLambda` (for `ridge`), `normEstimate`.
 * Metrics: `relativeError`, `snr`, `psnr`.
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
  operator,
  compose,
  transpose,
  isOperator: isLinearOperator,
  dct,
  idct,
  fista,
  omp,
  chooseLambda,
  normEstimate,
  relativeError,
  snr,
  psnr,
});
