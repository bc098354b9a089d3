/**
 * The empirical phase-transition diagram of sparse recovery (`npm run cs:phase`; not a test).
 *
 * For every cell (δ = K/N, ρ = k/K) of a grid, draws `trials` k-sparse signals (Gaussian values on
 * a uniformly random support) and one sensing operator (a column-normalised Gaussian matrix, or K
 * random rows of the orthonormal DCT-II), measures y = A·x and recovers x with OMP (k steps) and
 * FISTA (λ = 1e-4·max|Aᵀy|, the trials as one batch). Success: ‖x̂ − x‖/‖x‖ < 1e-2.
 * Writes docs/cs-phase.svg (four heat maps with the empirical 50 % curve and the Donoho–Tanner
 * ℓ1 curve) and docs/cs-phase.json (every rate), and prints where the 50 % curves lie.
 *
 *   npm run cs:phase -- [--n 128] [--trials 10] [--backend js|native|auto] [--quick] [--curve (print the Donoho–Tanner curve only)]
 *
 * The Donoho–Tanner weak threshold of ℓ1 minimisation for signed signals (Donoho & Tanner,
 * "Counting faces of randomly projected polytopes when the projection radically lowers dimension",
 * J. AMS 22(1), 2009) is computed from its state-evolution form (Donoho, Maleki & Montanari,
 * "Message-passing algorithms for compressed sensing", PNAS 106(45), 2009, eq. 5, shown there to
 * coincide with the Donoho–Tanner curve):
 *   ρ(δ) = max_{z ≥ 0} [1 − (2/δ)·((1 + z²)Φ(−z) − zφ(z))] / [1 + z² − 2·((1 + z²)Φ(−z) − zφ(z))].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cs, matmul, randn, setBackend, tensor, type LinearOperator, type Tensor } from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = args.includes('--quick');
const backendIndex = args.indexOf('--backend');
const BACKEND = (backendIndex >= 0 ? args[backendIndex + 1] : 'js') as 'js' | 'native' | 'webgpu' | 'auto';
await setBackend(BACKEND);
const N = option('n', quick ? 64 : 128);
const TRIALS = option('trials', quick ? 4 : 10);
const DELTAS = quick ? [0.2, 0.5, 0.8] : [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const RHOS = quick ? [0.1, 0.3, 0.5, 0.7] : Array.from({ length: 18 }, (_, i) => Math.round(5 * (i + 1)) / 100);
const SUCCESS = 1e-2;

// ---- the Donoho–Tanner curve -------------------------------------------------------------

/**
 * erf(x): its Maclaurin series below |x| = 2.5 (alternating terms, ~1e-15 absolute), else
 * 1 − erfc(x) with the Numerical Recipes Chebyshev fit of erfc (relative error < 1.2e-7).
 */
function erf(x: number): number {
  const z = Math.abs(x);
  let value: number;
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 80; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
      if (Math.abs(term) < 1e-17) break;
    }
    value = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    const t = 1 / (1 + 0.5 * z);
    value = 1 - t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
      t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  }
  return x >= 0 ? value : -value;
}
/** Φ(−z) = P(N(0,1) ≤ −z). */
const PhiMinus = (z: number): number => 0.5 * (1 - erf(z / Math.SQRT2));
const phi = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);

export function donohoTanner(delta: number): number {
  // The denominator, written as (1 + z²)·erf(z/√2) + 2zφ(z), stays accurate as z → 0.
  const f = (z: number): number => {
    const m = (1 + z * z) * PhiMinus(z) - z * phi(z);
    return (1 - (2 / delta) * m) / ((1 + z * z) * erf(z / Math.SQRT2) + 2 * z * phi(z));
  };
  let best = 0;
  let arg = 0;
  for (let z = 0.01; z <= 8; z += 0.01) {
    const v = f(z);
    if (v > best) [best, arg] = [v, z];
  }
  let lo = Math.max(0.005, arg - 0.01);
  let hi = arg + 0.01;
  for (let i = 0; i < 60; i++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (f(a) < f(b)) lo = a;
    else hi = b;
  }
  return Math.max(best, f((lo + hi) / 2));
}

// ---- the experiment ----------------------------------------------------------------------

/** `signals` k-sparse columns of length n (float64), as [n, signals]. */
function sparseBatch(n: number, k: number, signals: number, seed: number): Tensor {
  const out = new Float64Array(n * signals);
  for (let c = 0; c < signals; c++) {
    const order = randn([n], { seed: seed * 1000 + c, dtype: 'float64' }).dataSync();
    const support = [...order.keys()].sort((p, q) => order[p]! - order[q]!).slice(0, k);
    const values = randn([k], { seed: seed * 1000 + c + 500, dtype: 'float64' }).dataSync();
    support.forEach((j, i) => (out[j * signals + c] = values[i]!));
  }
  return tensor(out, [n, signals]);
}

function relErrors(x: Float64Array, xHat: Float64Array, n: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, c) => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += (x[i * cols + c]! - xHat[i * cols + c]!) ** 2;
      den += x[i * cols + c]! ** 2;
    }
    return Math.sqrt(num / den);
  });
}

type Ensemble = 'gaussian' | 'partialDCT';
type Solver = 'omp' | 'fista';
interface Panel {
  ensemble: Ensemble;
  solver: Solver;
  /** rate[i][j]: success rate at DELTAS[i], RHOS[j]. */
  rate: number[][];
  seconds: number;
}

async function runCell(ensemble: Ensemble, delta: number, rho: number, seed: number) {
  const K = Math.max(1, Math.round(delta * N));
  const k = Math.max(1, Math.round(rho * K));
  const A: Tensor | LinearOperator =
    ensemble === 'gaussian' ? cs.gaussian(K, N, { seed, dtype: 'float64' }) : cs.partialDCT(K, N, { seed, dtype: 'float64' });
  const op = ensemble === 'gaussian' ? cs.operator(A as Tensor) : (A as LinearOperator);
  const x = sparseBatch(N, k, TRIALS, seed);
  const y = ensemble === 'gaussian' ? await matmul(A as Tensor, x) : await op.forward(x);
  const xv = x.dataSync() as Float64Array;
  let t0 = performance.now();
  const o = await cs.omp(A, y, { sparsity: Math.min(k, K), tol: 1e-9 });
  const ompSeconds = (performance.now() - t0) / 1000;
  const ompOk = relErrors(xv, o.x.dataSync() as Float64Array, N, TRIALS).filter((e) => e < SUCCESS).length;
  const aty = (await (await op.adjoint(y)).data()) as Float64Array;
  let lmax = 0;
  for (const v of aty) lmax = Math.max(lmax, Math.abs(v));
  t0 = performance.now();
  const f = await cs.fista(op, y, {
    lambda: 1e-4 * lmax,
    maxIter: 3000,
    tol: 1e-7,
    lipschitz: ensemble === 'partialDCT' ? 1 : undefined,
  });
  const fistaSeconds = (performance.now() - t0) / 1000;
  const fistaOk = relErrors(xv, f.x.dataSync() as Float64Array, N, TRIALS).filter((e) => e < SUCCESS).length;
  return { ompOk, fistaOk, ompSeconds, fistaSeconds };
}

/** ρ where the success rate crosses 50 % along a column of the grid (linear interpolation); NaN if never above. */
function crossing(rates: number[]): number {
  if (!(rates[0]! >= 0.5)) return NaN;
  for (let j = 1; j < rates.length; j++) {
    if (rates[j]! < 0.5) {
      const [r0, r1] = [rates[j - 1]!, rates[j]!];
      return RHOS[j - 1]! + ((r0 - 0.5) / (r0 - r1)) * (RHOS[j]! - RHOS[j - 1]!);
    }
  }
  return RHOS[RHOS.length - 1]!;
}

// ---- the SVG -----------------------------------------------------------------------------

function svg(panels: Panel[]): string {
  const W = 300;
  const H = 260;
  const pad = { l: 48, r: 12, t: 28, b: 40 };
  const cw = W - pad.l - pad.r;
  const ch = H - pad.t - pad.b;
  const out: string[] = [];
  const width = 2 * W + 140;
  const height = 2 * H + 30;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2 - 60}" y="16" text-anchor="middle" font-size="13">Empirical phase transition, N = ${N}, ${TRIALS} trials per cell (success: relative error &lt; 1e-2)</text>`);
  const color = (v: number): string => {
    // white (0) → dark blue (1)
    const c = (a: number, b: number) => Math.round(a + (b - a) * v);
    return `rgb(${c(250, 8)},${c(250, 48)},${c(250, 107)})`;
  };
  const dMin = DELTAS[0]! - (DELTAS[1]! - DELTAS[0]!) / 2;
  const dMax = DELTAS[DELTAS.length - 1]! + (DELTAS[1]! - DELTAS[0]!) / 2;
  const rMin = RHOS[0]! - (RHOS[1]! - RHOS[0]!) / 2;
  const rMax = RHOS[RHOS.length - 1]! + (RHOS[1]! - RHOS[0]!) / 2;
  panels.forEach((p, index) => {
    const ox = (index % 2) * W;
    const oy = 24 + Math.floor(index / 2) * H;
    const X = (d: number) => ox + pad.l + ((d - dMin) / (dMax - dMin)) * cw;
    const Y = (r: number) => oy + pad.t + ch - ((r - rMin) / (rMax - rMin)) * ch;
    out.push(`<text x="${ox + pad.l + cw / 2}" y="${oy + pad.t - 8}" text-anchor="middle" font-size="12">${p.solver.toUpperCase()}, ${p.ensemble === 'gaussian' ? 'Gaussian' : 'partial DCT'}</text>`);
    DELTAS.forEach((d, i) => {
      RHOS.forEach((r, j) => {
        const x0 = X(d - (DELTAS[1]! - DELTAS[0]!) / 2);
        const x1 = X(d + (DELTAS[1]! - DELTAS[0]!) / 2);
        const y0 = Y(r + (RHOS[1]! - RHOS[0]!) / 2);
        const y1 = Y(r - (RHOS[1]! - RHOS[0]!) / 2);
        out.push(`<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(y1 - y0).toFixed(1)}" fill="${color(p.rate[i]![j]!)}"/>`);
      });
    });
    // Axes.
    out.push(`<rect x="${X(dMin)}" y="${Y(rMax)}" width="${cw}" height="${ch}" fill="none" stroke="#333"/>`);
    for (const t of [0.2, 0.4, 0.6, 0.8]) {
      out.push(`<text x="${X(t)}" y="${Y(rMin) + 14}" text-anchor="middle">${t}</text>`);
      out.push(`<text x="${X(dMin) - 4}" y="${Y(t) + 4}" text-anchor="end">${t}</text>`);
    }
    out.push(`<text x="${X((dMin + dMax) / 2)}" y="${Y(rMin) + 30}" text-anchor="middle">δ = K/N</text>`);
    out.push(`<text x="${ox + 14}" y="${Y((rMin + rMax) / 2)}" text-anchor="middle" transform="rotate(-90 ${ox + 14} ${Y((rMin + rMax) / 2)})">ρ = k/K</text>`);
    // Donoho–Tanner curve.
    const dt: string[] = [];
    for (let d = Math.max(0.02, dMin); d <= Math.min(0.999, dMax); d += 0.01) {
      const r = donohoTanner(d);
      if (r >= rMin && r <= rMax) dt.push(`${X(d).toFixed(1)},${Y(r).toFixed(1)}`);
    }
    out.push(`<polyline points="${dt.join(' ')}" fill="none" stroke="#d62728" stroke-width="2"/>`);
    // Empirical 50 % curve.
    const emp = DELTAS.map((d, i) => [d, crossing(p.rate[i]!)] as const).filter(([, r]) => Number.isFinite(r));
    out.push(`<polyline points="${emp.map(([d, r]) => `${X(d).toFixed(1)},${Y(r).toFixed(1)}`).join(' ')}" fill="none" stroke="#ff9f1c" stroke-width="2" stroke-dasharray="5,3"/>`);
    for (const [d, r] of emp) out.push(`<circle cx="${X(d).toFixed(1)}" cy="${Y(r).toFixed(1)}" r="2.5" fill="#ff9f1c"/>`);
  });
  // Legend.
  const lx = 2 * W + 10;
  out.push(`<line x1="${lx}" y1="60" x2="${lx + 24}" y2="60" stroke="#d62728" stroke-width="2"/><text x="${lx + 28}" y="64">Donoho–Tanner ℓ1</text>`);
  out.push(`<line x1="${lx}" y1="80" x2="${lx + 24}" y2="80" stroke="#ff9f1c" stroke-width="2" stroke-dasharray="5,3"/><text x="${lx + 28}" y="84">empirical 50 %</text>`);
  for (let i = 0; i <= 4; i++) {
    out.push(`<rect x="${lx}" y="${110 + i * 16}" width="14" height="14" fill="${color(i / 4)}" stroke="#999"/><text x="${lx + 20}" y="${121 + i * 16}">${i * 25} % success</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

// ---- main --------------------------------------------------------------------------------

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (args.includes('--curve')) {
  for (const d of [0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95]) console.log(`δ = ${d}: ρ_DT = ${donohoTanner(d).toFixed(4)}`);
  process.exit(0);
}
const panels: Panel[] = [];
const started = performance.now();
for (const ensemble of ['gaussian', 'partialDCT'] as const) {
  const omp: Panel = { ensemble, solver: 'omp', rate: [], seconds: 0 };
  const fista: Panel = { ensemble, solver: 'fista', rate: [], seconds: 0 };
  for (const [i, delta] of DELTAS.entries()) {
    omp.rate.push([]);
    fista.rate.push([]);
    for (const [j, rho] of RHOS.entries()) {
      const r = await runCell(ensemble, delta, rho, 1 + i * 100 + j);
      omp.rate[i]!.push(r.ompOk / TRIALS);
      fista.rate[i]!.push(r.fistaOk / TRIALS);
      omp.seconds += r.ompSeconds;
      fista.seconds += r.fistaSeconds;
    }
    process.stdout.write(`${ensemble} δ = ${delta} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  panels.push(omp, fista);
}

const rows = DELTAS.map((d, i) => ({
  delta: d,
  donohoTanner: donohoTanner(d),
  ...Object.fromEntries(panels.map((p) => [`${p.solver}-${p.ensemble}`, crossing(p.rate[i]!)])),
}));
console.log(`\n50 % success curve ρ(δ), N = ${N}, ${TRIALS} trials per cell, backend ${BACKEND}:`);
console.log(['δ', 'DT ℓ1', ...panels.map((p) => `${p.solver}/${p.ensemble}`)].map((s) => s.padStart(16)).join(''));
for (const r of rows) {
  const values = [r.delta, r.donohoTanner, ...panels.map((p) => (r as Record<string, number>)[`${p.solver}-${p.ensemble}`]!)];
  console.log(values.map((v) => (Number.isFinite(v) ? v.toFixed(3) : '—').padStart(16)).join(''));
}
for (const p of panels) console.log(`${p.solver}/${p.ensemble}: ${p.seconds.toFixed(1)} s of solver time`);

mkdirSync(join(root, 'docs'), { recursive: true });
const name = quick ? 'cs-phase-quick' : 'cs-phase';
writeFileSync(join(root, 'docs', `${name}.svg`), svg(panels));
writeFileSync(
  join(root, 'docs', `${name}.json`),
  JSON.stringify({ n: N, trials: TRIALS, success: SUCCESS, deltas: DELTAS, rhos: RHOS, panels, curve50: rows }, null, 1),
);
console.log(`wrote docs/${name}.svg and docs/${name}.json in ${((performance.now() - started) / 1000).toFixed(0)} s`);
