/**
 * The table of contents of the library: one line per kernel, naming its inputs and its plan.
 * A backend's kernel table is typed from this interface, so a kernel with the wrong inputs or
 * plan does not compile.
 */
import type { Tensor } from '../tensor.js';
import type { MatmulPlan } from './matmul.js';
import type { Conv2dPlan } from './conv2d.js';
import type { Pool2dPlan } from './pool2d.js';
import type { UnaryPlan } from './unary.js';
import type { BinaryPlan } from './binary.js';
import type { ReducePlan } from './reduce.js';
import type { CholeskyPlan, SolveSpdPlan } from './linalg.js';
import type { RidgePlan } from './ridge.js';
import type { WherePlan } from './where.js';
import type { SoftmaxPlan } from './softmax.js';
import type { BatchNormPlan } from './batch-norm.js';
import type { LayerNormPlan } from './layer-norm.js';

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
}

export type OpName = keyof OpSpecs;
