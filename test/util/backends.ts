/** The backend matrix every conformance test runs over: [{ name, available, reason }]. */
import { backends, type BackendInfo, type DType } from '../../src/index.js';

/**
 * Every backend with whether it runs here. Under LEPTON_REQUIRE_WEBGPU=1 (set by .ci/run, which
 * installs a software adapter) an unavailable webgpu backend fails the run instead of skipping.
 */
export async function backendMatrix(): Promise<BackendInfo[]> {
  const rows = await backends();
  const gpu = rows.find((b) => b.name === 'webgpu');
  if (process.env.LEPTON_REQUIRE_WEBGPU === '1' && gpu && !gpu.available) {
    throw new Error(`LEPTON_REQUIRE_WEBGPU=1 but the webgpu backend is unavailable: ${gpu.reason}`);
  }
  return rows;
}

/**
 * Whether backend `b` computes in `dtype`. webgpu has no float64 (WGSL has no 64-bit float): there
 * every op throws DTypeError instead, which test/webgpu/errors.test.ts asserts op by op.
 */
export function runsDtype(b: { name: string }, dtype: DType): boolean {
  return !(b.name === 'webgpu' && dtype === 'float64');
}

/** The dtypes of `dtypes` that backend `b` computes in. */
export function dtypesFor<T extends DType>(b: { name: string }, dtypes: readonly T[]): T[] {
  return dtypes.filter((d) => runsDtype(b, d));
}

/** The most precise float dtype backend `b` runs (for hand-checked cases). */
export function bestFloat(b: { name: string }): 'float64' | 'float32' {
  return runsDtype(b, 'float64') ? 'float64' : 'float32';
}
