/**
 * The demo's compressive-sensing pipeline, written against the library's public API only (it
 * takes the library's namespace as an argument, so the page runs it on the browser bundle and a
 * test can run it in Node on src/).
 *
 * Block-wise sensing of an S×S image: each B×B block x (n = B² pixels, one column of X [n, blocks])
 * is measured as y = Φx with Φ [m, n] (Gaussian with unit columns, or m rows of the partial DCT),
 * m = ratio·n. In the block DCT basis Ψ (cs.dct2d(B, B)), x = Ψᵀs with s sparse-ish, so the
 * solvers see A = ΦΨᵀ [m, n] and all blocks at once as Y [m, blocks]:
 *   ridge:  s = argmin ‖As − y‖² + λ‖s‖²          (the linear baseline)
 *   FISTA:  s = argmin ½‖As − y‖² + λ‖s‖₁         (cs.fista)
 *   OMP:    s with at most m/3 nonzeros            (cs.omp)
 * and the image is Ψᵀs again.
 */

/** A 128×128 grayscale test scene in [0, 1], drawn in code: sky, sun, hills, a house. */
export function testImage(size = 128) {
  const img = new Float32Array(size * size);
  const s = size / 128;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const y = r / s;
      const x = c / s;
      let v = 0.3 + 0.35 * (y / 128); // sky, lighter towards the horizon
      const d = Math.hypot(x - 92, y - 30);
      if (d < 15) v = 0.97;
      else if (d < 19) v = Math.max(v, 0.97 - (d - 15) * 0.12); // the sun's halo
      const hill = 78 + 10 * Math.sin(x / 13) + 6 * Math.cos(x / 7 + 1);
      if (y > hill) v = 0.22 + 0.08 * Math.sin(x / 3) * Math.sin(y / 4) + 0.1 * ((y - hill) / 60); // textured hills
      if (x >= 22 && x < 58 && y >= 70 && y < 104) v = 0.8; // house
      if (y >= 52 && y < 70 && Math.abs(x - 40) < (y - 52) * 1.15) v = 0.45; // roof
      if (((x >= 28 && x < 36) || (x >= 44 && x < 52)) && y >= 76 && y < 84) v = 0.12; // windows
      if (x >= 36 && x < 44 && y >= 88 && y < 104) v = 0.3; // door
      img[r * size + c] = v;
    }
  }
  return img;
}

/** Image [S·S] (row-major) → blocks as columns [B², (S/B)²]. */
export function toBlocks(img, size, block) {
  const per = size / block;
  const n = block * block;
  const out = new Float32Array(n * per * per);
  for (let br = 0; br < per; br++)
    for (let bc = 0; bc < per; bc++) {
      const col = br * per + bc;
      for (let i = 0; i < block; i++)
        for (let j = 0; j < block; j++) out[(i * block + j) * per * per + col] = img[(br * block + i) * size + bc * block + j];
    }
  return out;
}

/** The inverse of toBlocks. */
export function fromBlocks(cols, size, block) {
  const per = size / block;
  const img = new Float32Array(size * size);
  for (let br = 0; br < per; br++)
    for (let bc = 0; bc < per; bc++) {
      const col = br * per + bc;
      for (let i = 0; i < block; i++)
        for (let j = 0; j < block; j++) img[(br * block + i) * size + bc * block + j] = cols[(i * block + j) * per * per + col];
    }
  return img;
}

/**
 * Builds the sensing problem once per (ratio, operator): Φ, A = ΦΨᵀ, Ψᵀ as a matrix, Y = ΦX.
 * `operator`: 'gaussian' (default) or 'dct' (partial DCT rows).
 */
export async function sense(L, image, { size = 128, block = 16, ratio = 0.3, operator = 'gaussian', seed = 7 } = {}) {
  const n = block * block;
  const blocks = (size / block) ** 2;
  const m = Math.max(1, Math.round(ratio * n));
  const X = L.tensor(toBlocks(image, size, block), [n, blocks]);
  const Psi = L.cs.dct2d(block, block);
  const eye = L.eye(n);
  const PsiT = await Psi.adjoint(eye); // column k: the k-th DCT basis image
  eye.dispose();
  let Phi;
  if (operator === 'dct') {
    const P = L.cs.partialDCT(m, n, { seed });
    const I = L.eye(n);
    Phi = (await P.forward(I)); // [m, n]: the kept DCT rows as a matrix
    I.dispose();
  } else {
    Phi = L.cs.gaussian(m, n, { seed });
  }
  const A = await L.matmul(Phi, PsiT);
  const Y = await L.matmul(Phi, X);
  return { size, block, n, m, blocks, X, Phi, PsiT, A, Y };
}

/** Coefficients [n, blocks] → image [S·S] through Ψᵀ, clipped to [0, 1]. */
export async function synthesize(L, p, S) {
  const cols = await L.matmul(p.PsiT, S, { backend: 'js' });
  const img = fromBlocks(await cols.data(), p.size, p.block);
  cols.dispose();
  for (let i = 0; i < img.length; i++) img[i] = Math.min(1, Math.max(0, img[i]));
  return img;
}

/** The measurements as a picture: each block's m values in its own tile, scaled to [0, 1]; the rest of the tile dark. */
export async function measurementImage(p) {
  const y = await p.Y.data();
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const tile = new Float32Array(p.n * p.blocks).fill(0.04);
  for (let i = 0; i < p.m; i++) for (let c = 0; c < p.blocks; c++) tile[i * p.blocks + c] = 0.1 + 0.9 * ((y[i * p.blocks + c] - lo) / (hi - lo || 1));
  return fromBlocks(tile, p.size, p.block);
}

const now = () => performance.now();

/** (1 + u + v)^-1.5 for DCT coefficient (u, v) of a B×B block, in dct2d's row-major order. */
function dctWeights(block) {
  const w = new Float32Array(block * block);
  for (let u = 0; u < block; u++) for (let v = 0; v < block; v++) w[u * block + v] = (1 + u + v) ** -1.5;
  return w;
}

/**
 * Runs the three solvers on one backend. `backend`: 'js', 'wasm' or 'webgpu' (the op option; for webgpu
 * the operands are moved to the GPU first). Returns images, PSNRs (dB) and times (ms).
 */
export async function reconstruct(L, p, image, { backend = 'js', solvers = ['ridge', 'fista', 'omp'], fistaIter = 150 } = {}) {
  const ref = L.tensor(image, [image.length]);
  const gpu = backend === 'webgpu';
  const A = gpu ? await p.A.to('webgpu') : p.A;
  const Y = gpu ? await p.Y.to('webgpu') : p.Y;
  const out = {};
  const finish = async (name, S, t0) => {
    const cpu = gpu && S.device === 'webgpu' ? await S.to('cpu') : S;
    const ms = now() - t0;
    const img = await synthesize(L, p, cpu);
    const t = L.tensor(img, [img.length]);
    out[name] = { image: img, ms, psnr: await L.cs.psnr(t, ref, { peak: 1 }) };
    t.dispose();
    if (cpu !== S) cpu.dispose();
    S.dispose();
  };
  if (solvers.includes('ridge')) {
    // Tikhonov with a decay prior: columns scaled by w_uv = (1 + u + v)^-1.5, so low
    // frequencies cost less (plain ridge spreads the energy over all coefficients).
    const t0 = now();
    const w = dctWeights(p.block);
    const wRow = L.tensor(w, [1, p.n]);
    const wCol = L.tensor(w, [p.n, 1]);
    const [wr, wc] = gpu ? [await wRow.to('webgpu'), await wCol.to('webgpu')] : [wRow, wCol];
    const Aw = await L.mul(A, wr, { backend });
    const Sw = await L.ridge(Aw, Y, { lambda: 0.01, backend });
    const S = await L.mul(Sw, wc, { backend });
    for (const t of new Set([Aw, Sw, wRow, wCol, wr, wc])) t.dispose();
    await finish('ridge', S, t0);
  }
  if (solvers.includes('fista')) {
    const t0 = now();
    const g = await L.matmul(A, Y, { transA: true, backend });
    const gmax = Math.max(...Array.from(await g.data(), Math.abs));
    g.dispose();
    const r = await L.cs.fista(A, Y, { lambda: 0.004 * gmax, maxIter: fistaIter, tol: 1e-4, backend });
    out.fistaIterations = r.iterations;
    await finish('fista', r.x, t0);
  }
  if (solvers.includes('omp')) {
    // OMP's column selection and least squares run on the host whatever the backend.
    const t0 = now();
    const r = await L.cs.omp(p.A, p.Y, { sparsity: Math.max(1, Math.floor(p.m / 3)) });
    await finish('omp', r.x, t0);
  }
  if (gpu) {
    A.dispose();
    Y.dispose();
  }
  ref.dispose();
  return out;
}

/** Median GFLOP/s of an n×n×n float32 matmul on one backend (one warm-up, `runs` timed). */
export async function matmulGflops(L, backend, n = 256, runs = 3) {
  let a = L.randn([n, n], { seed: 1 });
  let b = L.randn([n, n], { seed: 2 });
  if (backend === 'webgpu') {
    a = await a.to('webgpu');
    b = await b.to('webgpu');
  }
  const once = async () => {
    const t0 = now();
    const c = L.matmul(a, b, { backend });
    // Ops split on the pool or run on the GPU return pending tensors: time until the values are here.
    await c.data();
    const ms = now() - t0;
    c.dispose();
    return ms;
  };
  await once();
  const times = [];
  for (let r = 0; r < runs; r++) times.push(await once());
  times.sort((x, y) => x - y);
  const ms = times[Math.floor(times.length / 2)];
  a.dispose();
  b.dispose();
  return { ms, gflops: (2 * n ** 3) / (ms * 1e6) };
}
