/** The backend matrix every conformance test runs over: [{ name, available, reason }]. */
import { backends, type BackendInfo } from '../../src/index.js';

export async function backendMatrix(): Promise<BackendInfo[]> {
  return backends();
}
