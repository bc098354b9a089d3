/** Backend choice: backends() reports every backend with a reason, setBackend/getBackend round-trip. */
import { afterEach, describe, expect, it } from 'vitest';
import { backends, getBackend, matmul, setBackend, tensor } from '../../src/index.js';

afterEach(() => setBackend('auto'));

describe('backends()', () => {
  it('lists js, native, wasm and webgpu, each with availability and a reason when unavailable', async () => {
    const rows = await backends();
    expect(rows.map((r) => r.name)).toEqual(['js', 'native', 'wasm', 'webgpu']);
    const js = rows.find((r) => r.name === 'js')!;
    expect(js.available).toBe(true);
    expect(js.reason).toBe('');
    expect(js.ops).toEqual(expect.arrayContaining(['matmul', 'conv2d', 'ridge', 'cholesky', 'solveSPD']));
    for (const r of rows) if (!r.available) expect(r.reason.length).toBeGreaterThan(10);
  });

  it('setBackend changes the default and "auto" restores automatic choice', async () => {
    await setBackend('js');
    expect(await getBackend()).toBe('js');
    const y = await matmul(tensor([[2]]), tensor([[3]]));
    expect(y.dataSync()[0]).toBe(6);
    await setBackend('auto');
    // native comes first in the default order whenever its addon loads.
    const native = (await backends()).find((r) => r.name === 'native')!;
    expect(await getBackend()).toBe(native.available ? 'native' : 'js');
  });
});
