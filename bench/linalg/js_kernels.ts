/**
 * Times the js float64 kernels on one matrix file, for bench/linalg/native_vs_numpy.py:
 *   npx tsx bench/linalg/js_kernels.ts <op> <n> <matrix.f64>     op: svd | svdvals | eigh
 * Prints {"op", "n", "ms"} for one call after one warm-up call. eigh needs
 * src/backends/js/eigh.ts (the cs branch) or LEPTON_EIGH_TS=<path to it>; without it the script
 * says so and exits 3.
 */
import { existsSync, readFileSync } from 'node:fs';
import { svdF64 } from '../../src/kernels/linalg/svd.js';

const [op, nArg, file] = process.argv.slice(2);
const n = Number(nArg);
const buf = readFileSync(file!);
const a = new Float64Array(buf.buffer, buf.byteOffset, n * n).slice();

let run: () => unknown;
if (op === 'svd') run = () => svdF64(n, n, a, true, true);
else if (op === 'svdvals') run = () => svdF64(n, n, a, false, false);
else if (op === 'eigh') {
  // LEPTON_EIGH_TS points at another copy of eigh.ts (e.g. from the cs branch before it is merged).
  const path = process.env.LEPTON_EIGH_TS ? new URL(`file://${process.env.LEPTON_EIGH_TS}`) : new URL('../../src/backends/js/eigh.ts', import.meta.url);
  if (!existsSync(path)) {
    console.log(JSON.stringify({ op, n, missing: 'src/backends/js/eigh.ts' }));
    process.exit(3);
  }
  const mod = (await import(path.href)) as { eighF64: (n: number, a: Float64Array) => unknown };
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = a[i * n + j]! + a[j * n + i]!;
  run = () => mod.eighF64(n, s.slice());
} else throw new Error(`unknown op ${op}`);

run();
const t0 = performance.now();
run();
console.log(JSON.stringify({ op, n, ms: performance.now() - t0 }));
