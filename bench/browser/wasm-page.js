/**
 * The page of bench/wasm-browser.bench.mjs: float32 GEMM on lepton's wasm backend, tfjs-backend-wasm
 * and jax-js's wasm device, all on `threads` threads, in one page (calls interleaved across the
 * contenders, as bench/wasm.bench.mjs does in Node). Query: threads=1|2, sizes=256,512,1024,
 * rounds=N. The result is published on window.bench (and document.body.dataset.state).
 */
const q = new URLSearchParams(location.search);
const threads = Number(q.get('threads') ?? 1);
const sizes = (q.get('sizes') ?? '256,512,1024').split(',').map(Number);
const rounds = Number(q.get('rounds') ?? 3);
const out = document.getElementById('out');
const { gemmCase } = await import('/bench/lib/uniform.mjs');

/** What navigator.hardwareConcurrency says from now on (peers size their thread pools from it). */
const cores = (value) => Object.defineProperty(navigator, 'hardwareConcurrency', { value, configurable: true });

async function main() {
  const L = await import('/dist/browser/lepton.js');
  await L.setBackend('wasm');
  await L.configure({ threads });
  const tf = globalThis.tf;
  tf.enableProdMode();
  tf.wasm.setWasmPaths('/bench/peers/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  // tfjs's Emscripten build starts hardwareConcurrency / 2 pthreads up front; XNNPACK then uses
  // setThreadsCount of them (the calling thread included).
  cores(2 * threads);
  tf.wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  // jax-js starts hardwareConcurrency workers when it initialises.
  cores(threads);
  const jax = await import('/bench/peers/node_modules/@jax-js/jax/dist/index.js');
  await jax.init();
  jax.defaultDevice('wasm');
  const env = {
    crossOriginIsolated,
    userAgent: navigator.userAgent,
    tfjsThreads: tf.wasm.getThreadsCount(),
    tfjsVersion: tf.version_core,
  };
  // The first wasm op makes later tensors live in lepton's wasm memory.
  await L.matmul(L.zeros([8, 8]), L.zeros([8, 8])).data();
  const results = [];
  for (const n of sizes) {
    const { flops, reps, A, B } = gemmCase(n);
    const la = L.tensor(A, [n, n]);
    const lb = L.tensor(B, [n, n]);
    const ta = tf.tensor2d(A, [n, n]);
    const tb = tf.tensor2d(B, [n, n]);
    const ja = jax.numpy.array(A).reshape([n, n]);
    const jb = jax.numpy.array(B).reshape([n, n]);
    const contenders = [
      // (A split op returns its output pending: wait for the values without copying them out.)
      { name: 'lepton wasm', fn: async () => { const c = L.matmul(la, lb); if (c._pending && !c._pending.settled) await c._pending.promise; c.dispose(); } },
      { name: 'tfjs-wasm', fn: async () => tf.matMul(ta, tb).dispose() },
      { name: 'jax-js wasm', fn: async () => (await jax.numpy.matmul(ja.ref, jb.ref).blockUntilReady()).dispose() },
    ];
    // The three agree (a wrong kernel would be fast for nothing).
    const c = L.matmul(la, lb);
    const lv = await c.data();
    const tv = await tf.matMul(ta, tb).data();
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(lv[i] - tv[i]));
    c.dispose();
    if (worst > 1e-3) throw new Error(`lepton and tfjs differ by ${worst} at n = ${n}`);
    for (const k of contenders) for (let i = 0; i < 3; i++) await k.fn();
    const times = new Map(contenders.map((k) => [k.name, []]));
    for (let r = 0; r < rounds * reps; r++) {
      for (const k of contenders) {
        const t0 = performance.now();
        await k.fn();
        times.get(k.name).push(performance.now() - t0);
      }
    }
    for (const k of contenders) {
      const g = times.get(k.name).map((ms) => flops / ms / 1e6).sort((x, y) => x - y);
      results.push({ n, threads, contender: k.name, best: g[g.length - 1], median: g[Math.floor(g.length / 2)], min: g[0], calls: g.length });
    }
    la.dispose();
    lb.dispose();
    ta.dispose();
    tb.dispose();
    ja.dispose();
    jb.dispose();
    out.textContent = JSON.stringify(results, null, 1);
  }
  const pool = await L.poolStats();
  await L.closePool();
  return { env, pool, results };
}

main().then(
  (r) => {
    window.bench = r;
    document.body.dataset.state = 'done';
  },
  (e) => {
    window.bench = { error: String(e?.stack ?? e) };
    out.textContent = String(e?.stack ?? e);
    document.body.dataset.state = 'error';
  },
);
