/** What a pool worker does with one part: rebuild the tensor views, run the backend's kernel. */
import type { CpuBackend, CpuKernel, RangeKernel } from '../backends/backend.js';
import type { OpName, RangeOp } from '../plans.js';
import { Tensor } from '../tensor.js';
import type { JobMessage, TensorDesc } from './board.js';

function toTensor(d: TensorDesc | undefined): Tensor | undefined {
  return d && new Tensor(d.dtype, d.shape, d.storage, d.strides, d.offset);
}

export function runJob(backend: CpuBackend, job: JobMessage): void {
  const inputs = job.inputs.map(toTensor);
  if (job.whole) {
    const kernel = backend.kernels[job.op as OpName] as CpuKernel<OpName> | undefined;
    if (!kernel) throw new Error(`the ${backend.name} backend has no ${job.op} kernel`);
    kernel(job.plan as never, inputs as never, job.out, job.threads);
    return;
  }
  const range = backend.ranges[job.op as RangeOp] as RangeKernel<RangeOp> | undefined;
  if (!range) throw new Error(`the ${backend.name} backend has no ${job.op} range kernel`);
  range(job.plan as never, inputs as never, job.out, job.begin, job.end);
}
