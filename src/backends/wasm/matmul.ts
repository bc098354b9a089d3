/**
 * wasm matmul: the shared C++ GEMM (native/kernels/gemm.h: BLIS loops, packing that absorbs
 * strides and transposes, bias and activation fused into the write-out) on the SIMD128
 * micro-kernel, one module call per batch entry touched.
 *
 * Range kernel: output rows [rowBegin, rowEnd) of the flattened [batch·m, n] output, as the js
 * backend's matmulRange. Cost: 2·rows·n·k flops.
 */
import type { FloatArray } from '../../dtype.js';
import type { MatmulPlan } from '../../plans.js';
import { forEachBatchBlock } from '../../kernels/matmul.js';
import type { Tensor } from '../../tensor.js';
import type { WasmRuntime } from './runtime.js';
import { bytesOf, inMemory, Stage, viewAt } from './stage.js';

/** The module's activation codes (gemm.h `Activation`). */
export const ACTIVATION_CODE = { none: 0, relu: 1, sigmoid: 2 } as const;

export function matmulRange(
  rt: WasmRuntime,
  plan: MatmulPlan,
  [a, b, bias]: readonly [Tensor, Tensor, Tensor?],
  out: FloatArray,
  rowBegin: number,
  rowEnd: number,
): void {
  const { m, n, k, dtype } = plan;
  if (n === 0 || m === 0 || rowEnd <= rowBegin) return;
  const bpe = bytesOf(dtype);
  const stage = new Stage(rt);
  const aBase = k > 0 ? stage.tensor(a) : () => 0;
  const bBase = k > 0 ? stage.tensor(b) : () => 0;
  const biasBase = bias ? stage.tensor(bias) : () => 0;
  const direct = inMemory(rt, out);
  const rows = rowEnd - rowBegin;
  // Pointer of output row rowBegin.
  const outPtr = direct ? ((p: number) => () => p)(out.byteOffset + rowBegin * n * bpe) : stage.region(rows * n * bpe);
  stage.commit();

  const gemm = dtype === 'float32' ? rt.exports.lp_gemm_f32 : rt.exports.lp_gemm_f64;
  const act = ACTIVATION_CODE[plan.activation];
  forEachBatchBlock(plan, a, b, bias, rowBegin, rowEnd, (batchIndex, begin, end, w) => {
    const c = outPtr() + (batchIndex * m + begin - rowBegin) * n * bpe;
    rt.check('matmul', gemm(
      end - begin, n, k,
      k > 0 ? aBase() + (w.aOffset + begin * w.aRowStride) * bpe : 0, w.aRowStride, w.aColStride,
      k > 0 ? bBase() + w.bOffset * bpe : 0, w.bRowStride, w.bColStride,
      c, n,
      bias ? biasBase() + (w.biasOffset + begin * w.biasRowStride) * bpe : 0, w.biasRowStride, w.biasColStride,
      act,
    ));
  });
  if (!direct) out.set(viewAt(rt, dtype, outPtr(), rows * n), rowBegin * n);
}
