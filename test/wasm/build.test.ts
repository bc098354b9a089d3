/**
 * The wasm module's build: both variants exist after `npm run build:wasm` (npm test runs it first),
 * are small (≤ 150 KB gzip each, the budget), import nothing but (shared build) one shared
 * memory, export every entry the runtime needs, and the baseline builds validate as plain SIMD128
 * (no relaxed-SIMD opcodes, which Node 20 rejects without a flag). The relaxed-SIMD builds validate
 * exactly where the loader's probe says relaxed SIMD runs, and (Node with the flag) compute the
 * baseline's GEMM. A machine without clang gets a reason with the fix.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript without declarations.
import { buildWasm, findCompiler } from '../../scripts/build-wasm.mjs';
import { hasRelaxedSimd } from '../../src/backends/wasm/load.js';
import { MODULE_FILES } from '../../src/backends/wasm/runtime.js';

const BASELINE = [MODULE_FILES.single, MODULE_FILES.shared];
const RELAXED = [MODULE_FILES.singleRelaxed, MODULE_FILES.sharedRelaxed];

const dir = join(__dirname, '..', '..', 'dist', 'wasm');
const compiler = findCompiler() as { cc?: string; error?: string };
// CI installs clang and lld (.ci/run); there a missing compiler is a failure, not a skip.
const required = process.env.CI === 'true';

describe('wasm build', () => {
  it('finds a compiler, or says how to get one', () => {
    if (required) expect(compiler.error).toBeUndefined();
    if (compiler.error) expect(compiler.error).toMatch(/apt-get install clang lld.*npm run build:wasm/);
    else expect(compiler.cc).toMatch(/clang/);
  });

  it('names the fix when the compiler is missing', () => {
    const saved = process.env.LEPTON_WASM_CC;
    process.env.LEPTON_WASM_CC = 'clang-does-not-exist';
    try {
      const r = findCompiler() as { cc?: string; error?: string };
      expect(r.cc).toBeUndefined();
      expect(r.error).toBe(
        'no compiler for wasm32 (clang-does-not-exist: not found). Install one with "apt-get install clang lld" and run "npm run build:wasm"',
      );
    } finally {
      if (saved === undefined) delete process.env.LEPTON_WASM_CC;
      else process.env.LEPTON_WASM_CC = saved;
    }
  });

  describe.skipIf(!compiler.cc)('modules', () => {
    it('builds (or is up to date)', () => {
      const r = buildWasm({ quiet: true }) as { ok: boolean; reason?: string };
      expect(r.reason).toBeUndefined();
      expect(r.ok).toBe(true);
      for (const f of Object.values(MODULE_FILES)) expect(existsSync(join(dir, f))).toBe(true);
    });

    it.each(Object.values(MODULE_FILES))('%s is at most 150 KB gzip', (file) => {
      const bytes = readFileSync(join(dir, file));
      expect(gzipSync(bytes, { level: 9 }).length).toBeLessThanOrEqual(150 * 1024);
    });

    it.each(BASELINE)('%s is plain SIMD128 and exports every entry', (file) => {
      const bytes = readFileSync(join(dir, file));
      expect(WebAssembly.validate(bytes)).toBe(true);
      checkInterface(file, new WebAssembly.Module(bytes));
    });

    it.each(RELAXED)('%s validates exactly where the probe finds relaxed SIMD', (file) => {
      const bytes = readFileSync(join(dir, file));
      expect(WebAssembly.validate(bytes)).toBe(hasRelaxedSimd());
      if (hasRelaxedSimd()) checkInterface(file, new WebAssembly.Module(bytes));
    });

    it('the relaxed builds compute the baseline GEMM (node --experimental-wasm-relaxed-simd)', () => {
      const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', RELAXED_CHECK, dir], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { probe: boolean; worst: Record<string, number> };
      expect(out.probe).toBe(true);
      // Fused multiply-adds round once where mul + add rounds twice: float32 k = 301 stays within 1e-4, float64 1e-12.
      expect(out.worst['f32']).toBeLessThan(1e-4);
      expect(out.worst['f64']).toBeLessThan(1e-12);
    });
  });
});

/** Every entry the runtime needs is exported; only the shared builds import (one shared memory). */
function checkInterface(file: string, module: WebAssembly.Module): void {
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  for (const name of ['lp_malloc', 'lp_free', 'lp_gemm_f32', 'lp_gemm_f64', 'lp_conv2d_f32', 'lp_conv2d_f64', 'lp_pool2d_f32', 'lp_pool2d_f64', 'lp_cholesky_f64',
    'lp_solve_spd_f64', 'lp_ridge_f32', 'lp_ridge_f64', 'lp_set_stack', 'lp_heap_in_use']) {
    expect(exports).toContain(name);
  }
  const imports = WebAssembly.Module.imports(module);
  if (file === MODULE_FILES.single || file === MODULE_FILES.singleRelaxed) {
    expect(imports).toEqual([]);
    expect(exports).toContain('memory');
  } else {
    expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  }
}

/**
 * Runs in a child Node with relaxed SIMD on: a 97×301·301×83 GEMM (off-tile in every dimension) in
 * the single-thread baseline and relaxed builds, float32 and float64; prints the largest difference.
 */
const RELAXED_CHECK = `
import { readFileSync } from 'node:fs';
const dir = process.argv[1];
const probe = WebAssembly.validate(readFileSync(dir + '/lepton-relaxed.wasm'));
const m = 97, k = 301, n = 83;
const run = (file, f64) => {
  const x = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(dir + '/' + file))).exports;
  const T = f64 ? Float64Array : Float32Array, b = T.BYTES_PER_ELEMENT;
  const pa = x.lp_malloc(m * k * b), pb = x.lp_malloc(k * n * b), pc = x.lp_malloc(m * n * b);
  const A = new T(x.memory.buffer, pa, m * k), B = new T(x.memory.buffer, pb, k * n);
  for (let i = 0; i < m * k; i++) A[i] = Math.sin(i * 0.37);
  for (let i = 0; i < k * n; i++) B[i] = Math.cos(i * 0.11);
  if ((f64 ? x.lp_gemm_f64 : x.lp_gemm_f32)(m, n, k, pa, k, 1, pb, n, 1, pc, n, 0, 0, 0, 0) !== 0) throw new Error('gemm failed');
  return Array.from(new T(x.memory.buffer, pc, m * n));
};
const worst = {};
for (const [name, f64] of [['f32', false], ['f64', true]]) {
  const a = run('lepton.wasm', f64), r = run('lepton-relaxed.wasm', f64);
  worst[name] = a.reduce((w, v, i) => Math.max(w, Math.abs(v - r[i]) / (1 + Math.abs(v))), 0);
}
console.log(JSON.stringify({ probe, worst }));
`;
