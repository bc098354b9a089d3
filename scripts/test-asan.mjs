#!/usr/bin/env node
// npm run test:asan — builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer into
// build-asan/ (the normal build/ is left alone) and runs the native tests under it: the raw-addon
// abuse test, the loader test and the conformance suite (whose native half then runs the
// sanitized kernels). Node itself is not built with ASan, so the runtime is preloaded
// (LD_PRELOAD of libasan) and leak detection is off (Node keeps memory until exit by design).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'build-asan');

function run(cmd, args, options = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (process.platform !== 'linux') {
  console.log('test:asan: skipped: the sanitizer build is set up for Linux (g++/clang with libasan) only');
  process.exit(0);
}

// The same binding.gyp, with sources one directory up and the sanitizers switched on.
mkdirSync(dir, { recursive: true });
const gyp = readFileSync(join(root, 'binding.gyp'), 'utf8')
  .replaceAll('"native/', '"../native/')
  .replace('"lepton_sanitize%": 0', '"lepton_sanitize%": 1');
writeFileSync(join(dir, 'binding.gyp'), gyp);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lepton-asan-build', private: true }) + '\n');
const nodeGyp = process.env.npm_config_node_gyp;
if (nodeGyp) run(process.execPath, [nodeGyp, 'rebuild', '-j', 'max'], { cwd: dir });
else run('node-gyp', ['rebuild', '-j', 'max'], { cwd: dir });

const compiler = process.env.CXX || 'g++';
const libasan = spawnSync(compiler, ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
if (!libasan || !libasan.startsWith('/')) {
  console.error(`test:asan: cannot find libasan.so through ${compiler} -print-file-name`);
  process.exit(1);
}
const env = {
  ...process.env,
  CI: 'true', // the abuse test must run, not skip
  LEPTON_NATIVE_ADDON: join(dir, 'build', 'Release', 'lepton.node'),
  LD_PRELOAD: [libasan, process.env.LD_PRELOAD].filter(Boolean).join(' '),
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:allocator_may_return_null=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
run(process.execPath, [vitest, 'run', 'test/native', 'test/unit/native-load.test.ts', 'test/conformance'], { cwd: root, env });
