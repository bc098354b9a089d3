/**
 * Householder QR (LAPACK geqrf / orgqr / ormqr), row-major float64, in place.
 *
 * `qrF64` reduces the m×n matrix A to R with k = min(m, n) reflectors H_j = I − τ_j·v_j·v_jᵀ
 * (v_j[j] = 1, zeros above): R lands in the upper triangle (trapezoid when m < n), v_j below the
 * diagonal of column j, τ_j in `tau`. Reflectors follow LAPACK's larfg (β = −sign(α)·‖x‖), so
 * Q and R have numpy's signs. Applying H_j to the trailing columns is one pass over the rows to
 * form w = vᵀA and one to subtract τ·v·wᵀ, both with contiguous inner loops.
 * Cost: 2·m·n² − 2n³/3 flops; forming Q (m×cols) about as much again.
 */

/**
 * Builds the reflector that maps x = (alpha, x[1:]) to (β, 0, …): writes v[1:] over x[1:] and
 * returns [β, τ]. `x` is read at a[off + i·stride] for 1 ≤ i < len.
 */
export function householder(a: Float64Array, alpha: number, off: number, stride: number, len: number): [number, number] {
  let scale = 0;
  for (let i = 1; i < len; i++) scale = Math.max(scale, Math.abs(a[off + i * stride]!));
  if (scale === 0) return [alpha, 0];
  let ss = 0;
  for (let i = 1; i < len; i++) {
    const v = a[off + i * stride]! / scale;
    ss += v * v;
  }
  const xnorm = scale * Math.sqrt(ss);
  const norm = Math.hypot(alpha, xnorm);
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  const f = 1 / (alpha - beta);
  for (let i = 1; i < len; i++) a[off + i * stride] = a[off + i * stride]! * f;
  return [beta, tau];
}

/** Factors row-major m×n `a` in place (R above, reflectors below); `tau` holds min(m, n) entries. */
export function qrF64(m: number, n: number, a: Float64Array, tau: Float64Array): void {
  const k = Math.min(m, n);
  const w = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const [beta, t] = householder(a, a[j * n + j]!, j * n + j, n, m - j);
    tau[j] = t;
    a[j * n + j] = beta;
    if (t === 0 || j + 1 >= n) continue;
    // w = vᵀ·A[j:, j+1:], then A[j:, j+1:] −= τ·v·wᵀ.
    for (let c = j + 1; c < n; c++) w[c] = a[j * n + c]!;
    for (let i = j + 1; i < m; i++) {
      const vi = a[i * n + j]!;
      if (vi === 0) continue;
      const ri = i * n;
      for (let c = j + 1; c < n; c++) w[c] = w[c]! + vi * a[ri + c]!;
    }
    for (let c = j + 1; c < n; c++) a[j * n + c] = a[j * n + c]! - t * w[c]!;
    for (let i = j + 1; i < m; i++) {
      const f = t * a[i * n + j]!;
      if (f === 0) continue;
      const ri = i * n;
      for (let c = j + 1; c < n; c++) a[ri + c] = a[ri + c]! - f * w[c]!;
    }
  }
}

/**
 * The first `cols` columns of Q = H_0·H_1·…·H_{k−1} (m×cols row-major), from the output of qrF64:
 * cols = min(m, n) is the reduced Q, cols = m the complete one. Reflectors are applied to I
 * backwards, each touching only rows and columns ≥ j.
 */
export function qrFormQ(m: number, n: number, a: Float64Array, tau: Float64Array, cols: number): Float64Array {
  const k = Math.min(m, n);
  const q = new Float64Array(m * cols);
  for (let i = 0; i < Math.min(m, cols); i++) q[i * cols + i] = 1;
  const w = new Float64Array(cols);
  for (let j = k - 1; j >= 0; j--) {
    const t = tau[j]!;
    if (t === 0) continue;
    for (let c = j; c < cols; c++) w[c] = q[j * cols + c]!;
    for (let i = j + 1; i < m; i++) {
      const vi = a[i * n + j]!;
      if (vi === 0) continue;
      const ri = i * cols;
      for (let c = j; c < cols; c++) w[c] = w[c]! + vi * q[ri + c]!;
    }
    for (let c = j; c < cols; c++) q[j * cols + c] = q[j * cols + c]! - t * w[c]!;
    for (let i = j + 1; i < m; i++) {
      const f = t * a[i * n + j]!;
      if (f === 0) continue;
      const ri = i * cols;
      for (let c = j; c < cols; c++) q[ri + c] = q[ri + c]! - f * w[c]!;
    }
  }
  return q;
}

/** B ← Qᵀ·B in place for row-major B (m×nrhs), from the output of qrF64 (H_0 first). */
export function qrApplyQt(m: number, n: number, a: Float64Array, tau: Float64Array, b: Float64Array, nrhs: number): void {
  const k = Math.min(m, n);
  const w = new Float64Array(nrhs);
  for (let j = 0; j < k; j++) {
    const t = tau[j]!;
    if (t === 0) continue;
    for (let c = 0; c < nrhs; c++) w[c] = b[j * nrhs + c]!;
    for (let i = j + 1; i < m; i++) {
      const vi = a[i * n + j]!;
      if (vi === 0) continue;
      for (let c = 0; c < nrhs; c++) w[c] = w[c]! + vi * b[i * nrhs + c]!;
    }
    for (let c = 0; c < nrhs; c++) b[j * nrhs + c] = b[j * nrhs + c]! - t * w[c]!;
    for (let i = j + 1; i < m; i++) {
      const f = t * a[i * n + j]!;
      if (f === 0) continue;
      for (let c = 0; c < nrhs; c++) b[i * nrhs + c] = b[i * nrhs + c]! - f * w[c]!;
    }
  }
}
