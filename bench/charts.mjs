/**
 * Charts of the bench results, rendered to SVG by Vega-Lite (bench/peers/svg.mjs) from the JSON
 * files in bench/results — never drawn by hand. `npm run bench` runs it after a full run.
 *
 *   node bench/charts.mjs [--out docs/bench] [--allow-quick] [result.json ...]
 *
 * Without file arguments it takes the newest full (non --quick) result of each suite; with
 * --allow-quick a suite that only has quick results is charted from its newest one (the chart's
 * title says so). Only correct, timed figures are drawn (no skipped, failed or WRONG variants).
 *   docs/bench/matmul.svg         GFLOP/s against n per variant, float32 and float64 side by side
 *   docs/bench/matmul-shapes.svg  GFLOP/s, tall-skinny and matrix-vector
 *   docs/bench/conv2d.svg         GFLOP/s per variant, one panel per case
 *   docs/bench/cnn.svg            ms per forward pass (batch 64) per variant
 *   docs/bench/ridge.svg          ms per solve per variant, one panel (and scale) per case
 *   docs/bench/pool.svg           speed-up of all threads over one per backend and peer
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const outDir = outIndex >= 0 ? argv[outIndex + 1] : join(here, '..', 'docs', 'bench');
const allowQuick = argv.includes('--allow-quick');
const files = argv.filter((a, i) => a.endsWith('.json') && argv[i - 1] !== '--out');

let toSvg;
try {
  ({ toSvg } = await import('./peers/svg.mjs'));
} catch (error) {
  console.error(`charts: vega / vega-lite did not load from bench/peers (${String(error.message).split('\n')[0]}); run: node bench/peers/install.mjs`);
  process.exit(1);
}

/** The newest result file per suite (full runs first). */
function latest() {
  const dir = join(here, 'results');
  const bySuite = new Map();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    let data;
    try {
      data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      continue;
    }
    // Files of this suite format only (older bench scripts wrote other shapes).
    if (!Array.isArray(data.results) || !data.suite || !data.method || data.results.some((r) => typeof r.group !== 'string')) continue;
    // Names sort by date within a suite: the last one seen is the newest.
    const slot = bySuite.get(data.suite) ?? {};
    slot[data.quick ? 'quick' : 'full'] = data;
    bySuite.set(data.suite, slot);
  }
  for (const [suite, slot] of bySuite) {
    const pick = slot.full ?? (allowQuick ? slot.quick : undefined);
    if (pick) bySuite.set(suite, pick);
    else bySuite.delete(suite);
  }
  return bySuite;
}

const loaded = files.length ? new Map(files.map((f) => JSON.parse(readFileSync(f, 'utf8'))).map((d) => [d.suite, d])) : latest();

/** One colour per variant across every chart: lepton-compute's variants first, then the peers. */
const RANK = ['js×1', 'js×', 'js local', 'js split', 'native×1', 'native×', 'native local', 'native split', 'webgpu', 'webgpu cold', 'numpy×1', 'numpy×', 'scipy×1', 'scipy×', 'onnxruntime×1', 'onnxruntime×', 'tfjs-wasm', 'tfjs-cpu', 'ml-matrix', 'js', 'native', 'numpy', 'scipy', 'onnxruntime'];
const rank = (v) => {
  const exact = RANK.indexOf(v);
  if (exact >= 0) return exact;
  const prefix = RANK.findIndex((p) => p.endsWith('×') && v.startsWith(p));
  return prefix >= 0 ? prefix : RANK.length;
};
/** 24 distinguishable colours (tableau20 and four more), in the variants' canonical order. */
const PALETTE = ['#4c78a8', '#9ecae9', '#54a24b', '#88d27a', '#e45756', '#ff9d98', '#f58518', '#ffbf79', '#439894', '#83bcb6', '#b279a2', '#d6a5c9', '#79706e', '#bab0ac', '#eeca3b', '#ffe479', '#9d755d', '#fcbfd2', '#1b9e77', '#7570b3', '#666666', '#a6761d', '#e7298a', '#66a61e'];
const valid = (r) => Number.isFinite(r.medianMs) && !r.skipped && !r.error && r.check?.ok !== false;
const caption = (d) => `${d.machine.cpu}, ${d.machine.cores} cores, Node ${d.machine.node}${d.machine.gpu && !d.machine.gpu.error ? `, GPU ${d.machine.gpu.description ?? d.machine.gpu.architecture}` : ''} — ${d.date.slice(0, 10)}${d.quick ? ' (quick subset)' : ''}`;
/** Filled in once every chart's rows are known (see the end): one colour per variant across charts. */
const COLOR = { field: 'variant', type: 'nominal', title: 'variant' };
const config = { font: 'Helvetica, Arial, sans-serif', view: { stroke: null }, axis: { grid: true, gridOpacity: 0.4 } };

function bars(d, rows, { value, title, independent = false }) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: caption(d) },
    data: { values: rows },
    config,
    // Panels in the order the suite ran its cases.
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: [...new Set(rows.map((r) => r.panel))], header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    // Each panel lists its own variants; `independent` also gives each its own value axis.
    resolve: { scale: { y: 'independent', ...(independent ? { x: 'independent' } : {}) } },
    spec: {
      width: 420,
      height: { step: 14 },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'variant', type: 'nominal', title: null, sort: null },
            x: { field: value.field, type: 'quantitative', title: value.title },
            color: { ...COLOR, legend: null },
            opacity: { field: 'kind', type: 'nominal', scale: { domain: ['lepton', 'peer'], range: [1, 0.55] }, legend: { title: null } },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 },
          encoding: {
            y: { field: 'variant', type: 'nominal', sort: null },
            x: { field: value.field, type: 'quantitative' },
            text: { field: value.field, type: 'quantitative', format: value.format ?? '.3~r' },
          },
        },
      ],
    },
  };
}

function rowsOf(d, pick = () => true) {
  return [...d.results].sort((a, b) => rank(a.variant) - rank(b.variant))
    .filter((r) => valid(r) && pick(r))
    .map((r, i) => ({
      panel: `${r.group} ${r.case}`,
      variant: r.variant,
      kind: r.kind,
      order: rank(r.variant),
      gflops: r.gflops,
      ms: r.medianMs,
      speedup: r.speedupOverOneThread,
      n: r.size,
      dtype: r.dtype,
    }));
}

const charts = [];
const matmul = loaded.get('matmul');
if (matmul) {
  const rows = rowsOf(matmul, (r) => r.group.startsWith('square'));
  charts.push([
    'matmul.svg',
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: 'matmul, square n×n: GFLOP/s (2n³ / median time)', subtitle: caption(matmul) },
      data: { values: rows },
      config,
      facet: { column: { field: 'dtype', type: 'nominal', title: null } },
      spec: {
        width: 300,
        height: 260,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { format: 'd' }, title: 'n' },
          y: { field: 'gflops', type: 'quantitative', title: 'GFLOP/s' },
          color: COLOR,
          strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['lepton', 'peer'], range: [[1, 0], [4, 3]] }, legend: { title: null, symbolType: 'stroke', symbolStrokeWidth: 2 } },
        },
      },
    },
  ]);
  const shapes = rowsOf(matmul, (r) => !r.group.startsWith('square'));
  if (shapes.length) charts.push(['matmul-shapes.svg', bars(matmul, shapes, { value: { field: 'gflops', title: 'GFLOP/s' }, title: 'matmul, tall-skinny and matrix-vector: GFLOP/s' })]);
}
const conv = loaded.get('conv2d');
if (conv) charts.push(['conv2d.svg', bars(conv, rowsOf(conv), { value: { field: 'gflops', title: 'GFLOP/s' }, title: 'conv2d (float32, 3×3, stride 1, pad 1): GFLOP/s' })]);
const cnn = loaded.get('cnn');
if (cnn) charts.push(['cnn.svg', bars(cnn, rowsOf(cnn), { value: { field: 'ms', title: 'ms per forward pass (lower is better)', format: '.3~r' }, title: `${cnn.title}: time per batch` })]);
const ridge = loaded.get('ridge');
if (ridge) charts.push(['ridge.svg', bars(ridge, rowsOf(ridge), { value: { field: 'ms', title: 'ms per solve (lower is better; each panel its own scale)' }, title: 'ridge (λ = 0.1; float64 unless the panel says float32): time per solve', independent: true })]);
const pool = loaded.get('pool');
if (pool) {
  const rows = rowsOf(pool, (r) => Number.isFinite(r.speedupOverOneThread));
  const overhead = Object.entries(pool.dispatchOverheadMicros ?? {})
    .filter(([k]) => k.endsWith(' 2'))
    .map(([k, v]) => `${k.split(' ')[0]} ${v.toFixed(0)} µs`)
    .join(', ');
  const spec = bars(pool, rows, { value: { field: 'speedup', title: `speed-up of ${pool.threadsAll} threads over 1`, format: '.2f' }, title: `worker pool: speed-up of ${pool.threadsAll} threads over 1 (same run)` });
  if (overhead) spec.title.subtitle = [caption(pool), `dispatch overhead of one split op (relu of 2 elements, split − local): ${overhead}`];
  charts.push(['pool.svg', spec]);
}

if (!charts.length) {
  console.error(`charts: no results to chart in bench/results${allowQuick ? '' : ' (only --quick ones? pass --allow-quick)'}`);
  process.exit(1);
}
// The colour scale: every variant drawn in any chart, lepton-compute's first, so that a variant
// has the same colour everywhere; each legend lists only its own chart's variants.
const allVariants = [...new Set(charts.flatMap(([, spec]) => spec.data.values.map((r) => r.variant)))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
COLOR.scale = { domain: allVariants, range: allVariants.map((_, i) => PALETTE[i % PALETTE.length]) };
mkdirSync(outDir, { recursive: true });
for (const [name, spec] of charts) {
  const own = new Set(spec.data.values.map((r) => r.variant));
  if (spec.spec.encoding?.color) spec.spec.encoding.color = { ...COLOR, legend: { values: allVariants.filter((v) => own.has(v)) } };
  for (const layer of spec.spec.layer ?? []) if (layer.encoding.color) layer.encoding.color = { ...COLOR, legend: null };
  const svg = await toSvg(spec);
  writeFileSync(join(outDir, name), svg);
  console.error(`charts: wrote ${join(outDir, name)}`);
}
