/**
 * Builds the wasm backend's modules from the C++ kernel sources (`npm run build:wasm`; also part
 * of `npm run build` and of `npm test`):
 *   dist/wasm/lepton.wasm     SIMD128, its own (exported, growable) memory: one thread
 *   dist/wasm/lepton-mt.wasm  SIMD128 + atomics, imports a shared WebAssembly.Memory that every
 *                             pool worker instantiates against (threads without operand copies)
 *   dist/wasm/lepton-relaxed.wasm, lepton-mt-relaxed.wasm  the same with relaxed SIMD in the
 *                             micro-kernels (fused multiply-adds), chosen at run time where valid
 * Freestanding clang (--target=wasm32 -nostdlib, the few standard headers the kernels use come
 * from native/wasm/include): no Emscripten, no libc, no imports besides the shared memory.
 *
 * The compiler is $LEPTON_WASM_CC, else the first of clang-19, clang, clang-14 that targets wasm32
 * and links with lld's wasm-ld. Flags: --if-available exits 0 with a note when there is none (the
 * wasm backend then reports itself unavailable, with this fix); --force rebuilds even when the
 * modules are newer than every source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'wasm');

/** The translation units of the module: shared kernels + the wasm runtime and entry points. */
export const SOURCES = [
  'native/kernels/ukernel_wasm.cc',
  'native/kernels/conv2d.cc',
  'native/kernels/pool2d.cc',
  'native/kernels/cholesky.cc',
  'native/wasm/runtime.cc',
  'native/wasm/cache_info_wasm.cc',
  'native/wasm/module.cc',
];

/** The largest shared memory a pool may use (the module's declared maximum). */
export const SHARED_MAX_BYTES = 2 ** 31;

const COMMON = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-mnontrapping-fptoint', '-msign-ext',
  '-std=c++17', '-ffreestanding', '-nostdlib', '-fno-exceptions', '-fno-rtti', '-fno-math-errno',
  '-isystem', join(root, 'native', 'wasm', 'include'),
];
const LINK = ['-Wl,--no-entry', '-Wl,--gc-sections', '-Wl,--strip-all', '-Wl,-z,stack-size=262144'];

/** The one translation unit with relaxed-SIMD code (the micro-kernels). */
const RELAXED_UNIT = 'native/kernels/ukernel_wasm.cc';

export const VARIANTS = {
  'lepton.wasm': { cflags: [], ldflags: [] },
  'lepton-mt.wasm': {
    cflags: ['-matomics'],
    ldflags: ['-Wl,--import-memory', '-Wl,--shared-memory', `-Wl,--max-memory=${SHARED_MAX_BYTES}`],
  },
  // Relaxed SIMD: the micro-kernels' multiply-adds as f32x4/f64x2.relaxed_madd (a fused
  // multiply-add where the CPU has one). Picked at run time where the engine validates it. Only the
  // micro-kernel unit differs: the other objects are those of the plain build it names (`from`).
  'lepton-relaxed.wasm': { from: 'lepton.wasm', recompile: [RELAXED_UNIT], cflags: ['-mrelaxed-simd'], ldflags: [] },
  'lepton-mt-relaxed.wasm': {
    from: 'lepton-mt.wasm',
    recompile: [RELAXED_UNIT],
    cflags: ['-matomics', '-mrelaxed-simd'],
    ldflags: ['-Wl,--import-memory', '-Wl,--shared-memory', `-Wl,--max-memory=${SHARED_MAX_BYTES}`],
  },
};

/** The first compiler that builds and links a wasm32 object, or why none does. */
export function findCompiler() {
  const candidates = process.env.LEPTON_WASM_CC ? [process.env.LEPTON_WASM_CC] : ['clang-19', 'clang', 'clang-14'];
  const tried = [];
  const dir = mkdtempSync(join(tmpdir(), 'lepton-wasm-'));
  try {
    for (const cc of candidates) {
      const r = spawnSync(cc, ['--target=wasm32', '-nostdlib', '-Wl,--no-entry', '-x', 'c', '-', '-o', join(dir, 'probe.wasm')], {
        input: 'int lepton_probe(void) { return 1; }\n', encoding: 'utf8',
      });
      if (r.error) tried.push(`${cc}: not found`);
      else if (r.status !== 0) tried.push(`${cc}: ${(r.stderr || '').trim().split('\n')[0]}`);
      else return { cc };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { error: `no compiler for wasm32 (${tried.join('; ')}). Install one with "apt-get install clang lld" and run "npm run build:wasm"` };
}

function newestSource() {
  const files = [...SOURCES, 'scripts/build-wasm.mjs'];
  for (const d of ['native/kernels', 'native/wasm/include']) {
    for (const f of readdirSync(join(root, d))) files.push(join(d, f));
  }
  return Math.max(...files.map((f) => statSync(join(root, f)).mtimeMs));
}

/** Builds both modules into dist/wasm/ (skipped when up to date unless `force`). */
export function buildWasm({ force = false, quiet = false } = {}) {
  // Progress on stderr: stdout stays clean for callers that parse it (npm pack --json runs prepack).
  const log = quiet ? () => {} : (s) => console.error(s);
  const outputs = Object.keys(VARIANTS).map((n) => join(outDir, n));
  if (!force && outputs.every(existsSync)) {
    const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
    if (built >= newestSource()) {
      log('dist/wasm/ is up to date');
      return { ok: true, outputs };
    }
  }
  const found = findCompiler();
  if (!found.cc) return { ok: false, reason: found.error };
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'lepton-wasm-'));
  try {
    const built = {};
    for (const [name, v] of Object.entries(VARIANTS)) {
      const objects = SOURCES.map((src, i) => {
        if (v.from && !v.recompile.includes(src)) return built[v.from][i];
        const obj = join(tmp, `${name}.${i}.o`);
        const r = spawnSync(found.cc, [...COMMON, ...v.cflags, '-c', join(root, src), '-o', obj], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${found.cc} failed on ${src}:\n${r.stderr}`);
        return obj;
      });
      built[name] = objects;
      const out = join(outDir, name);
      const r = spawnSync(found.cc, ['--target=wasm32', '-nostdlib', ...LINK, ...v.ldflags, ...objects, '-o', out], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`linking ${name} failed:\n${r.stderr}`);
      log(`dist/wasm/${name.padEnd(22)} ${(statSync(out).size / 1024).toFixed(1).padStart(6)} KiB  (${found.cc})`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { ok: true, outputs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const r = buildWasm({ force: args.includes('--force') });
  if (!r.ok) {
    console.warn(`lepton-compute: the wasm backend was not built: ${r.reason}`);
    process.exitCode = args.includes('--if-available') ? 0 : 1;
  }
}
