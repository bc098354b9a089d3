/**
 * A short leak check for CI (the full run is bench/leak.mjs): a few hundred small and large ops
 * with dispose() per backend and on the pool, after which memory()'s counters are back where they
 * started. A leaked storage buffer, GPU buffer or tensor shows here as a count that grew.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import type { BackendName, Tensor } from '../../src/index.js';

const infos = await L.backends();
const ok = (name: string) => infos.find((b) => b.name === name)?.available === true;

function counters() {
  const m = L.memory();
  return { cpuBuffers: m.cpu.buffers, cpuBytes: m.cpu.bytes, gpuTensors: m.webgpu.tensors, gpuBuffers: m.webgpu.buffers, gpuBytes: m.webgpu.bytes };
}

async function mix(backend: BackendName, count: number, t: Record<string, Tensor>): Promise<void> {
  const o = { backend };
  for (let i = 0; i < count; i++) {
    const large = i % 8 >= 6;
    let y: Tensor;
    switch (i % 4) {
      case 0:
        y = large ? L.add(t.big!, t.big!, o) : L.add(t.s!, t.s!, o);
        break;
      case 1: {
        // A strided view as input (copied to row-major for the kernel), disposed with the output.
        const view = t.s!.transpose();
        y = large ? L.relu(t.big!, o) : L.relu(view, o);
        view.dispose();
        break;
      }
      case 2:
        y = large ? L.matmul(t.m64!, t.m64!, o) : L.matmul(t.m8!, t.m8!, { transB: true, ...o });
        break;
      default:
        y = large ? L.conv2d(t.img!, t.w!, { padding: 'same', ...o }) : L.sum(t.s!, { axis: 1, ...o });
    }
    if (i % 32 === 31 || i === count - 1) await y.data();
    y.dispose();
  }
}

const cases: Array<{ label: string; backend: BackendName; pool: boolean }> = [
  ...(['js', 'native', 'wasm', 'webgpu'] as const).filter(ok).map((backend) => ({ label: backend, backend, pool: false })),
  ...(['js', 'native'] as const).filter(ok).map((backend) => ({ label: `${backend} on the pool`, backend, pool: true })),
];

describe('memory() counters return to their start after ops with dispose()', () => {
  afterAll(async () => {
    await L.closePool();
    await L.configure({ threads: 1, minFlopsPerPart: 200_000 });
  });

  it.each(cases)('$label', async ({ backend, pool }) => {
    await L.configure(pool ? { threads: 2, minFlopsPerPart: 0 } : { threads: 1 });
    const gpu = backend === 'webgpu';
    const on = async (x: Tensor) => (gpu ? x.to('webgpu') : x);
    const t = {
      s: await on(L.randn([8, 8], { seed: 1 })),
      m8: await on(L.randn([8, 8], { seed: 2 })),
      big: await on(L.randn([128, 128], { seed: 3 })), // 64 KiB: shared storage
      m64: await on(L.randn([64, 64], { seed: 4 })),
      img: await on(L.randn([1, 4, 16, 16], { seed: 5 })),
      w: await on(L.randn([8, 4, 3, 3], { seed: 6 })),
    };
    const before = counters();
    await mix(backend, gpu ? 200 : 400, t);
    // Outputs disposed while their op was still queued on the pool (or waiting for its workers to
    // load) are given back when that op has run, which can be after the last read: a small op runs
    // on this thread when the pool is busy, ahead of the queued ones.
    await expect.poll(counters, { timeout: 20_000, interval: 20 }).toEqual(before);
    for (const x of Object.values(t)) x.dispose();
  }, 120_000);
});
