/**
 * The browser bundle (part of `npm run build`, and run by the browser tests and `npm run demo:web`):
 *   dist/browser/lepton.js        ES module, readable, with a source map
 *   dist/browser/lepton.min.js    the same, minified
 *   dist/browser/lepton-worker.js the worker pool's script, minified (loaded from beside either)
 * esbuild with platform 'browser' resolves package.json#imports `#native` and `#pool` through
 * their `default` condition (absent.ts, web-pool.ts), so no Node-only module is ever reached;
 * the build fails if one is.
 */
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'browser');

/** Names a browser bundle must never contain (also checked by test/browser/bundle.test.ts). */
export const NODE_ONLY = ['worker_threads', 'node:fs', 'node:os', 'node:module', 'node:path', 'node-gyp-build', '.node"', 'createRequire'];

// Any import of a Node built-in is an error, not an external left for the browser to fail on.
const noNode = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:|worker_threads$|fs$|os$|module$|path$|url$|node-gyp-build$)/ }, (args) => ({
      errors: [{ text: `Node-only module '${args.path}' reached the browser bundle from ${args.importer}` }],
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome113', 'firefox120', 'safari16.4'],
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [noNode],
  // `await import('webgpu')` (Node only, behind a runtime check) uses a variable specifier.
  logOverride: { 'unsupported-dynamic-import': 'silent' },
};

export async function buildBrowser() {
  await Promise.all([
    build({ ...common, entryPoints: { lepton: 'src/browser.ts' }, outdir, sourcemap: true }),
    build({ ...common, entryPoints: { 'lepton.min': 'src/browser.ts' }, outdir, minify: true }),
    build({ ...common, entryPoints: { 'lepton-worker': 'src/pool/web-worker.ts' }, outdir, minify: true }),
  ]);
  const size = (name) => {
    const bytes = readFileSync(join(outdir, name));
    return { name, bytes: statSync(join(outdir, name)).size, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  return ['lepton.js', 'lepton.min.js', 'lepton-worker.js'].map(size);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildBrowser();
  for (const s of sizes) console.error(`dist/browser/${s.name.padEnd(17)} ${(s.bytes / 1024).toFixed(1).padStart(7)} KiB  (gzip ${(s.gzip / 1024).toFixed(1)} KiB)`);
}
