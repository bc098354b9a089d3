/**
 * webgpu linalg.cholesky, linalg.solveSPD and ridge: GPU tensors in, GPU tensors out. cholesky and
 * solveSPD run on the CPU in float64 (the js kernels), because the library's float32 accuracy
 * for these ops is "the float64 answer rounded once": a float32 Gram product and factorisation on
 * the GPU err by about u·κ, which the conformance tolerances reject for the ill-conditioned cases
 * (κ in the hundreds); their inputs are read back once and the result uploaded. ridge puts its
 * dominant work (the Gram product and the right-hand sides) on the GPU and recovers float64
 * accuracy by iterative refinement on the CPU (below).
 */
import type { CholeskyPlan, SolveSpdPlan } from '../../plans.js';
import type { MatmulPlan } from '../../plans.js';
import type { RidgePlan } from '../../plans.js';
import { Tensor } from '../../tensor.js';
import { choleskyInPlace, choleskySolveInPlace } from '../../kernels/cholesky.js';
import { gemm } from '../../kernels/gemm.js';
import * as js from '../../kernels/linalg.js';
import { linalgKernels } from '../../kernels/linalg/ops.js';
import { ridge as jsRidge } from '../../kernels/ridge.js';
import { checkDtype, type GpuContext } from './context.js';
import { matmul } from './matmul.js';

async function onCpu(t: Tensor): Promise<Tensor> {
  return t.device === 'webgpu' ? t.to('cpu') : t;
}

/** Runs a js kernel into a fresh CPU array of the plan's output. */
function onHost(dtype: 'float32' | 'float64', shape: readonly number[], run: (out: Float32Array | Float64Array) => void): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  run(out);
  return new Tensor(dtype, shape, out);
}

export async function cholesky(ctx: GpuContext, plan: CholeskyPlan, [s]: readonly [Tensor]): Promise<Tensor> {
  checkDtype('linalg.cholesky', plan.dtype);
  const sc = await onCpu(s);
  return ctx.upload('linalg.cholesky', onHost(plan.dtype, plan.outShape, (out) => js.cholesky(plan, [sc], out)));
}

export async function solveSPD(ctx: GpuContext, plan: SolveSpdPlan, [s, b]: readonly [Tensor, Tensor]): Promise<Tensor> {
  checkDtype('linalg.solveSPD', plan.dtype);
  const sc = await onCpu(s);
  const bc = await onCpu(b);
  return ctx.upload('linalg.solveSPD', onHost(plan.dtype, plan.outShape, (out) => js.solveSPD(plan, [sc, bc], out)));
}

/**
 * ridge by mixed-precision iterative refinement (the scheme of LAPACK's dsgesv): the Gram product
 * G̃ = op(A)·op(A)ᵀ and the right-hand sides b̃ = Aᵀy — the O(m·n·size) work — run on the GPU in
 * float32; G̃ + λI is factored once in float64 on the CPU; then x is refined with residuals of the
 * exact system computed in float64 on the CPU (two matrix-vector products per step), each step
 * solving with the float32 factor. Each step gains about −log10(κ·u) digits, so a few steps reach
 * the float64 answer rounded once, as the other backends give. Should the float32 factor be too
 * poor to converge (κ·u near 1), the float64 solve of the js backend takes over.
 */
export async function ridge(ctx: GpuContext, plan: RidgePlan, [a, y]: readonly [Tensor, Tensor]): Promise<Tensor> {
  checkDtype('ridge', plan.dtype);
  const { m, n, signals: k, lambda, form } = plan;
  const primal = form === 'primal';
  const size = primal ? n : m;
  // GPU: G̃ (size×size) and, for the primal form, b̃ = Aᵀy (n×k).
  // The plan's products, in float32 on the GPU.
  const f32 = (p: MatmulPlan): MatmulPlan => Object.freeze({ ...p, dtype: 'float32' });
  const y2 = y.reshape([m, k]);
  const gGpu = await matmul(ctx, f32(plan.gram), [a, a]);
  const bGpu = primal ? await matmul(ctx, f32(plan.product), [a, y2]) : undefined;
  const g = Float64Array.from(await gGpu.data());
  const bApprox = bGpu ? Float64Array.from(await bGpu.data()) : undefined;
  gGpu.dispose();
  bGpu?.dispose();
  const aData = Float64Array.from(await a.data()); // m×n, exact values of the float32 inputs
  const yData = Float64Array.from(await y2.data()); // m×k
  for (let i = 0; i < size; i++) g[i * size + i] += lambda;
  choleskyInPlace(g, size, {
    op: 'ridge',
    matrix: `${primal ? 'AᵀA + λI' : 'AAᵀ + λI'} (${form} form, λ = ${lambda})`,
    hint: lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda',
  });
  // The exact system, in float64: primal (AᵀA + λI)x = Aᵀy; dual (AAᵀ + λI)z = y, then x = Aᵀz.
  const rhs = primal ? transposeTimes(aData, m, n, yData, k) : yData;
  const apply = (v: Float64Array): Float64Array => {
    const out = primal ? transposeTimes(aData, m, n, times(aData, m, n, v, k), k) : times(aData, m, n, transposeTimes(aData, m, n, v, k), k);
    for (let i = 0; i < out.length; i++) out[i] += lambda * v[i]!;
    return out;
  };
  const z = bApprox ?? Float64Array.from(rhs);
  choleskySolveInPlace(g, size, z, k);
  let converged = false;
  let previous = Infinity;
  for (let step = 0; step < REFINE_STEPS && !converged; step++) {
    const r = apply(z);
    for (let i = 0; i < r.length; i++) r[i] = rhs[i]! - r[i]!;
    choleskySolveInPlace(g, size, r, k);
    let change = 0;
    let scale = 0;
    for (let i = 0; i < z.length; i++) {
      z[i] += r[i]!;
      change = Math.max(change, Math.abs(r[i]!));
      scale = Math.max(scale, Math.abs(z[i]!));
    }
    // Done when the correction is at float64 rounding level, or has stopped shrinking once x is
    // far more accurate than the float32 result needs (rounding to float32 then agrees).
    converged = change <= 1e-13 * scale || (change >= 0.5 * previous && change <= 1e-10 * scale);
    if (!(change < Infinity) || change > previous) break;
    previous = change;
  }
  if (!converged) {
    // Not converging: the float32 factor is too poor a preconditioner here. Solve in float64.
    const ac = await onCpu(a);
    const yc = await onCpu(y);
    return ctx.upload('ridge', onHost(plan.dtype, plan.outShape, (out) => jsRidge(plan, [ac, yc], out)));
  }
  const x = primal ? z : transposeTimes(aData, m, n, z, k);
  return ctx.upload('ridge', new Tensor('float32', plan.outShape, Float32Array.from(x)));
}

/** Refinement steps before giving up on the float32 factor (each gains ~5 digits at κ ≈ 100). */
const REFINE_STEPS = 12;

/** op(A)·v for A m×n row-major (Aᵀ when `transpose`) and v row-major with k columns, in float64, by the js GEMM. */
function product(a: Float64Array, m: number, n: number, v: Float64Array, k: number, transpose: boolean): Float64Array {
  const rows = transpose ? n : m;
  const out = new Float64Array(rows * k);
  gemm({
    m: rows, n: k, k: transpose ? m : n,
    a, aOffset: 0, aRowStride: transpose ? 1 : n, aColStride: transpose ? n : 1,
    b: v, bOffset: 0, bRowStride: k, bColStride: 1,
    c: out, cOffset: 0, cRowStride: k,
    alpha: 1, beta: 0,
  });
  return out;
}

/** A·v for A m×n and v n×k. */
const times = (a: Float64Array, m: number, n: number, v: Float64Array, k: number) => product(a, m, n, v, k, false);

/** Aᵀ·v for A m×n and v m×k. */
const transposeTimes = (a: Float64Array, m: number, n: number, v: Float64Array, k: number) => product(a, m, n, v, k, true);

/**
 * The general linear algebra and the FFT on webgpu: the documented CPU fallback, as cholesky's.
 * The inputs are read back once, the shared js kernel computes in float64 on the CPU (the result
 * is the float64 answer rounded once to float32, as on every backend), and the output (packed,
 * for the multi-output ops) is uploaded: GPU tensors in, GPU tensors out. float64 is refused as
 * for every webgpu op. `label` names the op in errors (fft: the transform's own name).
 */
export function onHostFallback<K extends keyof typeof linalgKernels>(
  op: K,
  label: (plan: Parameters<(typeof linalgKernels)[K]>[0]) => string,
) {
  const kernel = linalgKernels[op] as (plan: unknown, inputs: readonly Tensor[], out: Float32Array | Float64Array | Int32Array) => void;
  return async (ctx: GpuContext, plan: Parameters<(typeof linalgKernels)[K]>[0], inputs: readonly Tensor[]): Promise<Tensor> => {
    const name = label(plan);
    const p = plan as { dtype: string; inDtype?: 'float32' | 'float64'; outShape: readonly number[] };
    checkDtype(name, p.inDtype ?? (p.dtype as 'float32' | 'float64'));
    const host = await Promise.all(inputs.map(onCpu));
    const size = p.outShape.reduce((s, d) => s * d, 1);
    const out = p.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
    try {
      kernel(plan, host, out);
    } finally {
      host.forEach((h, i) => h !== inputs[i] && h.dispose());
    }
    return ctx.upload(name, new Tensor(p.dtype as 'float32' | 'int32', p.outShape, out));
  };
}
