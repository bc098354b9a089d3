/**
 * The README's table of headline ratios, computed from the newest full results in bench/results
 * (`--allow-quick`: fall back to --quick results where a suite has no full one). Prints Markdown
 * rows to paste under "## Performance"; `npm run bench` prints them at the end of a full run.
 *
 *   node bench/headline.mjs [--allow-quick]
 *
 * Ratio = median time of the peer (or of the 1-thread run) / median time of lepton-compute's
 * variant, on the same case in the same run: > 1 means lepton-compute is faster. "best lepton"
 * is the fastest correct lepton-compute variant of the case, "best" peer the fastest of its
 * thread counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const allowQuick = process.argv.includes('--allow-quick');

const newest = new Map();
for (const f of readdirSync(join(here, 'results')).filter((f) => f.endsWith('.json')).sort()) {
  let d;
  try {
    d = JSON.parse(readFileSync(join(here, 'results', f), 'utf8'));
  } catch {
    continue;
  }
  if (!d.method || !Array.isArray(d.results)) continue;
  const slot = newest.get(d.suite) ?? {};
  slot[d.quick ? 'quick' : 'full'] = d;
  newest.set(d.suite, slot);
}
const suite = (name) => {
  const s = newest.get(name);
  return s?.full ?? (allowQuick ? s?.quick : undefined);
};

const ok = (r) => r && Number.isFinite(r.medianMs) && !r.skipped && !r.error && r.check?.ok !== false;
/** The matching result rows of a case; `who` is a variant id, 'lepton' (best) or '<peer>*' (best thread count). */
function pick(d, group, label, who) {
  if (!d) return undefined;
  const T = d.machine.threadsAll;
  const rows = d.results.filter((r) => r.group === group && r.case === label && ok(r));
  const best = (xs) => xs.reduce((a, b) => (!a || b.medianMs < a.medianMs ? b : a), undefined);
  if (who === 'lepton') return best(rows.filter((r) => r.kind === 'lepton'));
  if (who.endsWith('*')) return best(rows.filter((r) => r.variant.startsWith(who.slice(0, -1))));
  return rows.find((r) => r.variant === who.replace('×T', `×${T}`));
}

/** Peers that run in a browser or in plain JavaScript (what the js backend stands in for). */
const JS_PEERS = ['ml-matrix', 'tfjs-cpu', 'tfjs-wasm'];
/** Threads a variant uses: `name×N`, else 1 (ml-matrix and TensorFlow.js run on one thread here). */
const threadsOf = (variant) => Number(/×(\d+)$/.exec(variant)?.[1] ?? 1);

/**
 * The fastest correct peer of a case using at most `threads` threads, among `names` (all peers
 * when omitted): every headline is against the fastest peer, never a chosen one.
 */
function fastestPeer(d, group, label, threads, names) {
  if (!d) return undefined;
  const rows = d.results.filter(
    (r) => r.group === group && r.case === label && r.kind !== 'lepton' && ok(r) && threadsOf(r.variant) <= threads && (!names || names.some((n) => r.variant.startsWith(n))),
  );
  return rows.reduce((a, b) => (!a || b.medianMs < a.medianMs ? b : a), undefined);
}

// [label, suite, group, case, lepton variant, peer]: peer is 'fastest' (any peer, same threads at
// most), 'fastest-js' (the fastest of JS_PEERS) or a lepton variant (thread scaling).
const ROWS = [
  ['native ×1 vs the fastest peer ×1', 'matmul', 'square float32', 'n=1024', 'native×1', 'fastest'],
  ['native ×all vs the fastest peer ×all', 'matmul', 'square float32', 'n=1024', 'native×T', 'fastest'],
  ['native ×1 vs the fastest peer ×1', 'conv2d', 'conv2d', '[8,64,56,56]*[64,64,3,3]', 'native×1', 'fastest'],
  ['native ×all vs the fastest peer ×all', 'conv2d', 'conv2d', '[8,64,56,56]*[64,64,3,3]', 'native×T', 'fastest'],
  ['js ×1 vs the fastest peer ×1', 'matmul', 'square float32', 'n=512', 'js×1', 'fastest'],
  ['js ×1 vs the fastest JavaScript/wasm peer', 'matmul', 'square float32', 'n=512', 'js×1', 'fastest-js'],
  ['js ×1 vs the fastest JavaScript/wasm peer', 'matmul', 'square float64', 'n=512', 'js×1', 'fastest-js'],
  ['js ×1 vs the fastest JavaScript/wasm peer', 'conv2d', 'conv2d', '[1,3,224,224]*[32,3,3,3]', 'js×1', 'fastest-js'],
  ['native ×all vs the fastest peer ×all', 'ridge', 'ridge dual', 'K=1024 N=4096 signals=256', 'native×T', 'fastest'],
  ['CNN forward: best lepton-compute vs the fastest peer', 'cnn', 'cnn', 'batch 64 3×32×32', 'lepton', 'fastest'],
  ['CNN forward: best lepton-compute vs the fastest JavaScript/wasm peer', 'cnn', 'cnn', 'batch 64 3×32×32', 'lepton', 'fastest-js'],
  ['pool: js all threads vs 1 thread', 'pool', 'scaling matmul f32', 'n=1024', 'js×T', 'js×1'],
  ['pool: native all threads vs 1 thread', 'pool', 'scaling matmul f32', 'n=1024', 'native×T', 'native×1'],
];

const lines = ['| Comparison | Case | Ratio | lepton-compute | peer |', '|---|---|---|---|---|'];
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 1000 ? `${ms.toPrecision(3)} ms` : `${(ms / 1000).toPrecision(3)} s`);
const seen = new Set();
for (const [what, s, group, label, ours, theirs] of ROWS) {
  const d = suite(s);
  const a = pick(d, group, label, ours);
  const b =
    theirs === 'fastest' ? a && fastestPeer(d, group, label, threadsOf(a.variant))
    : theirs === 'fastest-js' ? fastestPeer(d, group, label, Infinity, JS_PEERS)
    : pick(d, group, label, theirs);
  const ratio = a && b ? `${(b.medianMs / a.medianMs).toFixed(2)}×` : '—';
  lines.push(`| ${what} | ${s} ${group} ${label} | ${ratio} | ${a ? `${a.variant} ${fmt(a.medianMs)}` : '—'} | ${b ? `${b.variant} ${fmt(b.medianMs)}` : '—'} |`);
  if (d) seen.add(d);
}
const pool = suite('pool');
const overhead = pool?.dispatchOverheadMicros ?? {};
for (const [k, v] of Object.entries(overhead).filter(([k]) => k.endsWith(' 2'))) {
  lines.push(`| pool: dispatch overhead of a split op (${k.split(' ')[0]}) | relu of 2 elements | ${v.toFixed(0)} µs | | |`);
}
console.log(lines.join('\n'));
const any = [...seen][0];
if (any) console.log(`\nMachine: ${any.machine.cpu}, ${any.machine.cores} cores [${any.machine.cpuFeatures?.join(' ')}], Node ${any.machine.node}; runs of ${[...new Set([...seen].map((d) => d.date.slice(0, 10)))].join(', ')}${[...seen].some((d) => d.quick) ? ' (some --quick)' : ''}`);
