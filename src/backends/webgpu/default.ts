/**
 * The library's webgpu backend instance (default GPU: navigator.gpu, or the `webgpu` package in
 * Node) and the helpers the tensor core uses to move tensors onto it.
 */
import { BackendUnavailableError } from '../../errors.js';
import type { DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { checkDtype } from './context.js';
import { createWebGpuBackend } from './index.js';

export const webgpuBackend = createWebGpuBackend();

/** `t.to('webgpu')`: starts the device if needed, then uploads. */
export async function uploadToWebGpu<D extends DType>(t: Tensor<D>): Promise<Tensor<D>> {
  checkDtype('to', t.dtype);
  return (await webgpuBackend.context('to')).upload('to', t);
}

/**
 * `tensor(..., { device: 'webgpu' })`: synchronous, so the device must already be running.
 * @throws BACKEND_UNAVAILABLE naming the call that starts it.
 */
export function uploadNow<D extends DType>(op: string, t: Tensor<D>): Tensor<D> {
  checkDtype(op, t.dtype);
  const ctx = webgpuBackend.current();
  if (!ctx) {
    throw new BackendUnavailableError(op, 'the WebGPU device is not started yet, and creating a tensor on it is synchronous',
      "Start it first with await setBackend('webgpu') or await backends(), or create the tensor on the CPU and await t.to('webgpu')");
  }
  return ctx.upload(op, t);
}
