/**
 * Installs the bench's peers (bench/peers/package.json) into bench/peers/node_modules, on demand:
 * `npm run bench` calls it when that folder is missing (or with --force). The library's own
 * install never pulls these in.
 *
 *   node bench/peers/install.mjs [--force]
 *
 * onnxruntime-node's postinstall would try to download the CUDA/TensorRT execution providers
 * from NuGet; ONNXRUNTIME_NODE_INSTALL=skip turns that off. The CPU execution provider the bench
 * uses (bin/napi-v6/<platform>/<arch>/onnxruntime_binding.node and libonnxruntime) ships inside
 * the npm package itself, as do tfjs-backend-wasm's .wasm binaries. A failed install is reported
 * and the bench goes on: each peer that then fails to load is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Returns true when bench/peers/node_modules is there (installed now or before). */
export function installPeers({ force = false } = {}) {
  if (!force && existsSync(join(here, 'node_modules'))) return true;
  console.error('bench: installing the peers into bench/peers (npm install, ONNXRUNTIME_NODE_INSTALL=skip) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' };
  const r = spawnSync(npm, ['install', '--prefix', here, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit', env });
  if (r.status === 0) return true;
  // One package that cannot install must not cost the others: retry them one by one.
  console.error(`bench: npm install in bench/peers failed (${r.error?.message ?? `exit ${r.status}`}); installing the peers one by one`);
  const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const failed = [];
  for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const one = spawnSync(npm, ['install', '--prefix', here, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `${name}@${version}`], { stdio: 'inherit', env });
    if (one.status !== 0) failed.push(name);
  }
  if (failed.length) console.error(`bench: could not install ${failed.join(', ')}; those peers are skipped`);
  return existsSync(join(here, 'node_modules'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = installPeers({ force: process.argv.includes('--force') }) ? 0 : 1;
}
