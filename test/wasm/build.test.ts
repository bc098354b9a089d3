/**
 * The wasm module's build: both variants exist after `npm run build:wasm` (npm test runs it first),
 * are small (≤ 150 KB gzip each, the budget), import nothing but (shared build) one shared
 * memory, export every entry the runtime needs, and validate as plain SIMD128 (no relaxed-SIMD
 * opcodes, which Node 20 rejects without a flag). A machine without clang gets a reason with the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript without declarations.
import { buildWasm, findCompiler } from '../../scripts/build-wasm.mjs';
import { MODULE_FILES } from '../../src/backends/wasm/runtime.js';

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

    it.each(Object.values(MODULE_FILES))('%s is plain SIMD128 and exports every entry', (file) => {
      const bytes = readFileSync(join(dir, file));
      expect(WebAssembly.validate(bytes)).toBe(true);
      const module = new WebAssembly.Module(bytes);
      const exports = WebAssembly.Module.exports(module).map((e) => e.name);
      for (const name of ['lp_malloc', 'lp_free', 'lp_gemm_f32', 'lp_gemm_f64', 'lp_conv2d_f32', 'lp_conv2d_f64', 'lp_pool2d_f32', 'lp_pool2d_f64', 'lp_cholesky_f64',
        'lp_solve_spd_f64', 'lp_ridge_f32', 'lp_ridge_f64', 'lp_set_stack', 'lp_heap_in_use']) {
        expect(exports).toContain(name);
      }
      const imports = WebAssembly.Module.imports(module);
      if (file === MODULE_FILES.single) {
        expect(imports).toEqual([]);
        expect(exports).toContain('memory');
      } else {
        expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      }
    });
  });
});
