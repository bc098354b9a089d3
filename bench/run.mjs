/**
 * The whole benchmark in one command (`npm run bench`): builds dist/, installs the peers on
 * demand, runs every suite in its own process, writes bench/results/<suite>-<date>.json and
 * renders the charts (docs/bench/*.svg) from those files.
 *
 *   npm run bench                          every suite, full sizes (tens of minutes)
 *   npm run bench -- --quick               the subset: a few sizes per suite (under two minutes)
 *   npm run bench -- matmul conv2d         only these suites (any of: matmul conv2d cnn ridge pool,
 *                                          and the other bench/*.bench.mjs by name: native, cs)
 *   npm run bench -- --quick --peers numpy,ort --backends js,native
 *
 * Options of its own: --no-build, --no-install (never touch bench/peers), --install-peers (force
 * a fresh npm install there), --charts / --no-charts (default: charts after a full run only; a
 * --quick run leaves docs/bench alone unless --charts). Every other option goes to the suites
 * (bench/lib/suite.mjs lists them: --quick, --backends, --peers, --no-peers, --threads, --python,
 * --webgpu-software, --slow).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPeers } from './peers/install.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const CORE = ['matmul', 'conv2d', 'cnn', 'ridge', 'pool'];
const OWN_FLAGS = new Set(['--no-build', '--no-install', '--install-peers', '--charts', '--no-charts']);
const WITH_VALUE = new Set(['--backends', '--peers', '--threads', '--python', '--slow', '--cold-samples']);

const argv = process.argv.slice(2);
const names = [];
const passthrough = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (OWN_FLAGS.has(a)) continue;
  if (a.startsWith('--')) {
    passthrough.push(a);
    if (WITH_VALUE.has(a)) passthrough.push(argv[++i]);
  } else {
    names.push(a);
  }
}
const quick = argv.includes('--quick');
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''));
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length) {
  console.error(`bench: no suite ${unknown.join(', ')}; suites: ${available.join(', ')}`);
  process.exit(2);
}
const suites = names.length ? names : CORE.filter((s) => available.includes(s));
const started = Date.now();

/** Newest modification time under `dir` (ms). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return r.status === 0;
}

// 1. dist/, what the suites import (skipped on --quick when it is newer than src/).
if (!argv.includes('--no-build')) {
  const dist = join(root, 'dist', 'index.js');
  const fresh = existsSync(dist) && statSync(dist).mtimeMs > newest(join(root, 'src'));
  if (quick && fresh) {
    console.error('bench: dist/ is newer than src/, not rebuilding (--quick)');
  } else if (!run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'])) {
    if (!existsSync(dist)) {
      console.error('bench: npm run build failed and there is no dist/ to run');
      process.exit(1);
    }
    console.error('bench: npm run build failed; running the dist/ already there');
  }
}

// 2. The peers (their own package in bench/peers).
if (!argv.includes('--no-install')) installPeers({ force: argv.includes('--install-peers') });

// 3. The suites, one process each (a suite's pool, JIT state and GPU device do not leak into the next).
const failed = [];
for (const name of suites) {
  console.error(`\n━━ bench: ${name}${quick ? ' (quick)' : ''} ━━`);
  if (!run(process.execPath, [join(here, `${name}.bench.mjs`), ...passthrough])) failed.push(name);
}

// 4. Charts from the newest result of each suite.
const charts = argv.includes('--charts') || (!quick && !argv.includes('--no-charts'));
if (charts) {
  if (!run(process.execPath, [join(here, 'charts.mjs')])) failed.push('charts');
} else {
  console.error('\nbench: charts not rendered (a --quick run leaves docs/bench alone; pass --charts, or run node bench/charts.mjs)');
}

// 5. The README's headline ratios, from the results just written (a full run).
if (!quick && !names.length) run(process.execPath, [join(here, 'headline.mjs')]);

const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.error(`\nbench: ${suites.length} suite(s) in ${minutes} min; results in bench/results/${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
