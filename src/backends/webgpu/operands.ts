/** Getting kernel inputs onto the GPU: GPU tensors as they are, CPU tensors uploaded for the call. */
import { LeptonError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkDtype, MAX_RANK, type GpuContext } from './context.js';

/** Collects a call's inputs on the GPU; `done()` disposes what it uploaded, once the work is encoded. */
export class Operands {
  readonly #temps: Tensor[] = [];
  constructor(
    readonly ctx: GpuContext,
    readonly op: string,
  ) {}

  /** `t` on the GPU (float64 is a DTypeError). */
  take(t: Tensor): Tensor {
    checkDtype(this.op, t.dtype);
    if (t.device === 'webgpu') return t;
    const up = this.ctx.upload(this.op, t);
    this.#temps.push(up);
    return up;
  }

  done(): void {
    for (const t of this.#temps) t.dispose();
    this.#temps.length = 0;
  }
}

/** Rejects ranks the strided shaders cannot address. */
export function checkRank(op: string, rank: number, max = MAX_RANK): void {
  if (rank > max) {
    throw new LeptonError('UNSUPPORTED_OP', op, `webgpu kernels take tensors of rank ≤ ${max}; received rank ${rank}`,
      'Reshape to fewer dimensions, or use a CPU backend');
  }
}
