/**
 * A worker for test/wasm/threads.test.ts, doing what a pool worker does with the wasm backend:
 * instantiate the shared module against the memory it was sent (wasmWorkerBackend), then run range
 * kernels on rows of tensors that live in that memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { wasmWorkerBackend } from '../../src/backends/wasm/ranges.js';
import type { RangeOp } from '../../src/plans.js';
import type { RangeKernel } from '../../src/backends/backend.js';
import type { DType, TypedArray } from '../../src/dtype.js';
import { Tensor } from '../../src/tensor.js';

interface Desc {
  dtype: DType;
  shape: number[];
  strides: number[];
  offset: number;
  storage: TypedArray;
}

const { module, memory } = workerData as { module: WebAssembly.Module; memory: WebAssembly.Memory };
const runner = wasmWorkerBackend({ module, memory });
parentPort!.on('message', (job: { op: RangeOp; plan: unknown; inputs: Desc[]; out: TypedArray; begin: number; end: number } | 'exit') => {
  if (job === 'exit') {
    runner.dispose();
    parentPort!.postMessage('disposed');
    return;
  }
  const inputs = job.inputs.map((d) => new Tensor(d.dtype, d.shape, d.storage, d.strides, d.offset));
  // A view into the shared memory arrives as a view of the same memory: used in place, not staged.
  const inPlace = inputs.every((t) => runner.resident(t.storage)) && runner.resident(job.out);
  const kernel = runner.backend.ranges[job.op] as RangeKernel<'matmul'>;
  kernel(job.plan as never, inputs as never, job.out, job.begin, job.end);
  parentPort!.postMessage({ done: true, inPlace });
});
