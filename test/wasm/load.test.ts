/**
 * The loader: an unavailable module is a reason that names the file and the fix (never a throw),
 * a corrupt one says it did not compile; a loaded one keeps its heap balanced across kernel calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, matmul, randn } from '../../src/index.js';
import { loadWasm } from '../../src/backends/wasm/load.js';
import { refMatmul } from '../reference/matmul.js';
import { expectClose, toRef, tol } from '../util/close.js';

describe('wasm loader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lepton-wasm-test-'));
    process.env.LEPTON_WASM_DIR = dir;
  });
  afterEach(() => {
    delete process.env.LEPTON_WASM_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([false, true])('a missing module (shared %s) is a reason with the fix', async (shared) => {
    const r = await loadWasm({ shared });
    expect(r.ok).toBe(false);
    const file = shared ? 'lepton-mt.wasm' : 'lepton.wasm';
    expect(!r.ok && r.reason).toBe(
      `${join(dir, file)} does not exist. Build it with "npm run build:wasm" (it needs clang and lld: "apt-get install clang lld"), or use another backend`,
    );
  });

  it('a corrupt module is a reason, not a throw', async () => {
    writeFileSync(join(dir, 'lepton.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 42]));
    const r = await loadWasm({ shared: false });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/lepton\.wasm did not compile \(.*\)\. Rebuild it with "npm run build:wasm"/);
  });
});

describe('wasm backend', async () => {
  const info = (await backends()).find((b) => b.name === 'wasm')!;
  const required = process.env.CI === 'true';

  it('is listed, with every op of js', async () => {
    expect(info).toBeDefined();
    if (required) expect(info.reason).toBe('');
    const js = (await backends()).find((b) => b.name === 'js')!;
    if (info.available) expect([...info.ops].sort()).toEqual([...js.ops].sort());
    else expect(info.reason).toMatch(/npm run build:wasm/);
  });

  it.skipIf(!info.available).each([false, true])('single-thread and shared builds compute the same GEMM (shared %s), heap balanced', async (shared) => {
    const r = await loadWasm({ shared });
    if (!r.ok) throw new Error(r.reason);
    const rt = r.runtime;
    const before = rt.heapInUse();
    const m = 37, k = 129, n = 65;
    const a = new Float64Array(m * k).map((_, i) => Math.sin(i));
    const b = new Float64Array(k * n).map((_, i) => Math.cos(i));
    const pa = rt.malloc(a.byteLength), pb = rt.malloc(b.byteLength), pc = rt.malloc(m * n * 8);
    new Float64Array(rt.buffer, pa, a.length).set(a);
    new Float64Array(rt.buffer, pb, b.length).set(b);
    rt.check('test', rt.exports.lp_gemm_f64(m, n, k, pa, k, 1, pb, n, 1, pc, n, 0, 0, 0, 0));
    const c = new Float64Array(rt.buffer, pc, m * n).slice();
    const ref = refMatmul({ data: a, shape: [m, k] }, { data: b, shape: [k, n] });
    let worst = 0;
    for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i]! - ref.data[i]!));
    expect(worst).toBeLessThan(1e-12);
    rt.free(pa), rt.free(pb), rt.free(pc);
    expect(rt.heapInUse()).toBe(before);
  });

  it.skipIf(!info.available)('a request the memory cannot hold is a typed error, and the heap stays usable', async () => {
    const r = await loadWasm({ shared: true });
    if (!r.ok) throw new Error(r.reason);
    const rt = r.runtime;
    const before = rt.heapInUse();
    let caught: unknown;
    try {
      rt.malloc(2 ** 31 - 64);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'NATIVE_FAILURE' });
    expect((caught as Error).message).toMatch(/^out of wasm memory: 2147483584 bytes could not be allocated; the memory holds \d+ bytes\. Use smaller tensors, or \{ backend: 'js' \}\.$/);
    const p = rt.malloc(1024);
    expect(p).toBeGreaterThan(0);
    rt.free(p);
    expect(rt.heapInUse()).toBe(before);
  });

  it.skipIf(!info.available)('staging reuses one scratch region: the heap does not grow over calls', async () => {
    const r = await loadWasm();
    if (!r.ok) throw new Error(r.reason);
    const a = randn([64, 300], { seed: 3 });
    const b = randn([300, 50], { seed: 4 });
    const ref = refMatmul(await toRef(a), await toRef(b));
    // (Outputs of this size live in the wasm memory once wasm has run, arena.ts: each is disposed,
    // so its block goes back to the CPU memory pool and the next call reuses it; the first output
    // was allocated before wasm ran, the second is the first block.)
    for (let i = 0; i < 2; i++) {
      const warm = await matmul(a, b, { backend: 'wasm' });
      await expectClose(warm, ref, tol('float32', 300), `warm-up ${i}`);
      warm.dispose();
    }
    const held = r.runtime.heapInUse();
    for (let i = 0; i < 5; i++) {
      const c = await matmul(a, b, { backend: 'wasm' });
      await expectClose(c, ref, tol('float32', 300), `call ${i}`);
      c.dispose();
    }
    expect(r.runtime.heapInUse()).toBe(held);
  });
});
