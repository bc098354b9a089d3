/**
 * wasm linalg.cholesky, linalg.solveSPD and ridge: the shared C++ blocked Cholesky and solves
 * (native/kernels/cholesky.cc; always float64 inside, the trailing updates and Gram products on
 * the SIMD128 GEMM). Each is one call over the whole problem; a failed pivot is reported as the
 * js and native backends report it.
 */
import type { FloatArray } from '../../dtype.js';
import { NotPositiveDefiniteError } from '../../errors.js';
import type { CholeskyPlan, SolveSpdPlan } from '../../plans.js';
import type { RidgePlan } from '../../plans.js';
import type { Tensor } from '../../tensor.js';
import type { WasmRuntime } from './runtime.js';
import { bytesOf, Stage, viewAt } from './stage.js';

const SPD_HINT = 'Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)';

/** Three significant digits, without trailing zeros (as the js backend writes them). */
function short(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function checkPivot(info: Float64Array, op: string, matrix: string, hint: string): void {
  if (info[0]! < 0) return;
  throw new NotPositiveDefiniteError(op, `${matrix} is not positive definite: pivot ${info[0]} is ${short(info[1]!)} (tolerance ${short(info[2]!)})`, hint);
}

/** Stages dense inputs, an output of `outCount` elements and the 3-double pivot info. */
function prepare(rt: WasmRuntime, dtype: 'float32' | 'float64', inputs: readonly Tensor[], outCount: number) {
  const stage = new Stage(rt);
  const dense = inputs.map((t) => t.contiguous());
  const bases = dense.map((t) => stage.tensor(t));
  const out = stage.region(outCount * bytesOf(dtype));
  const info = stage.region(3 * 8);
  stage.commit();
  const ptrs = dense.map((t, i) => bases[i]!() + t.offset * bytesOf(dtype));
  new Float64Array(rt.buffer, info(), 3).set([-1, 0, 0]);
  return {
    ptrs,
    out: out(),
    info: info(),
    /** Copies the result into `into` and returns the pivot info (fresh views: the memory may have grown). */
    finish(into: FloatArray): Float64Array {
      into.set(viewAt(rt, dtype, out(), outCount));
      return new Float64Array(rt.buffer.slice(info(), info() + 24));
    },
  };
}

/** Writes L (n×n) into `out`; throws NotPositiveDefiniteError as the other backends do. */
export function cholesky(rt: WasmRuntime, plan: CholeskyPlan, [s]: readonly [Tensor], out: FloatArray): void {
  const call = prepare(rt, plan.dtype, [s], plan.n * plan.n);
  const entry = plan.dtype === 'float32' ? rt.exports.lp_cholesky_f32 : rt.exports.lp_cholesky_f64;
  rt.check('linalg.cholesky', entry(plan.n, call.ptrs[0]!, call.out, call.info));
  checkPivot(call.finish(out), 'linalg.cholesky', 'S', SPD_HINT);
}

/** Writes X = S⁻¹B (n×nrhs) into `out`. */
export function solveSPD(rt: WasmRuntime, plan: SolveSpdPlan, [s, b]: readonly [Tensor, Tensor], out: FloatArray): void {
  const call = prepare(rt, plan.dtype, [s, b], plan.n * plan.nrhs);
  const entry = plan.dtype === 'float32' ? rt.exports.lp_solve_spd_f32 : rt.exports.lp_solve_spd_f64;
  rt.check('linalg.solveSPD', entry(plan.n, plan.nrhs, call.ptrs[0]!, call.ptrs[1]!, call.out, call.info));
  checkPivot(call.finish(out), 'linalg.solveSPD', 'S', SPD_HINT);
}

/** Writes x̂ (n×signals) into `out`: the whole solve (Gram, factor, solves) in one module call. */
export function ridge(rt: WasmRuntime, plan: RidgePlan, [a, y]: readonly [Tensor, Tensor], out: FloatArray): void {
  const { m, n, signals, lambda, form } = plan;
  const call = prepare(rt, plan.dtype, [a, y], n * signals);
  const entry = plan.dtype === 'float32' ? rt.exports.lp_ridge_f32 : rt.exports.lp_ridge_f64;
  rt.check('ridge', entry(m, n, signals, form === 'dual' ? 1 : 0, lambda, call.ptrs[0]!, call.ptrs[1]!, call.out, call.info));
  const info = call.finish(out);
  const matrix = `${form === 'primal' ? 'AᵀA + λI' : 'AAᵀ + λI'} (${form} form, λ = ${lambda})`;
  checkPivot(info, 'ridge', matrix, lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda');
}
