/**
 * Symmetric eigen-decomposition in float64: A = U·diag(values)·Uᵀ.
 *
 * Algorithm: Householder reduction to tridiagonal form T = QᵀAQ (one reflector per column, the
 * trailing block updated by a symmetric rank-2 correction: ~(4/3)·n³ flops for the reduction),
 * then the implicit-shift QL iteration with Wilkinson-style shifts on T, deflating from the top
 * (each sweep a chain of Givens rotations; the rotations are applied to the rows of Z, so Z = Q
 * gives the eigenvectors, ~3·n³ flops for the usual < 2 sweeps per eigenvalue, and Z = Bᵀ·Q gives
 * Uᵀ·B without forming U). Values come out ascending; vectors are the columns of a row-major n×n
 * array, orthonormal to rounding.
 *
 * Layout: a is n×n row-major; only its lower triangle is read (the upper is assumed equal).
 * Pure float64 loops, no imports: the op layer wraps it (linalg.eigh) and cs uses it directly.
 */

/** The result of `eighF64`: ascending eigenvalues and the matching eigenvectors as columns. */
export interface EighResult {
  /** n eigenvalues, ascending. */
  values: Float64Array;
  /** n×n row-major; column j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Thrown (as a plain Error, for the op layer to type) when QL does not converge: only for NaN/Infinity input. */
const MAX_SWEEPS = 60;

/**
 * Householder tridiagonalisation in place. On return d holds the diagonal of T, e[i] the
 * sub-diagonal T[i+1, i] (e[n−1] = 0), and the reflectors are kept in w (column k below the
 * diagonal holds v_k, beta[k] its factor) so that Q = H_0·H_1·…·H_{n−3}, H_k = I − beta_k·v_k·v_kᵀ.
 */
function tridiagonalize(n: number, w: Float64Array, d: Float64Array, e: Float64Array, beta: Float64Array): void {
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // x = w[k+1:, k]; v = x + sign(x0)·‖x‖·e0, beta = 2/(vᵀv).
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(w[i * n + k]!);
    if (scale === 0) {
      beta[k] = 0;
      e[k] = 0;
      continue;
    }
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) {
      const v = w[i * n + k]! / scale;
      w[i * n + k] = v;
      norm2 += v * v;
    }
    const x0 = w[(k + 1) * n + k]!;
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    // vᵀv = ‖x‖² − 2·alpha·x0 + alpha² = 2·(‖x‖² − alpha·x0)
    const vv = 2 * (norm2 - alpha * x0);
    w[(k + 1) * n + k] = x0 - alpha;
    const b = vv > 0 ? 2 / vv : 0;
    beta[k] = b;
    e[k] = alpha * scale;
    if (b === 0) continue;
    // p = b·A22·v (A22 = w[k+1:, k+1:], symmetric: read the lower triangle), then
    // q = p − (b/2)(pᵀv)·v and A22 ← A22 − v·qᵀ − q·vᵀ (lower triangle only).
    for (let i = k + 1; i < n; i++) p[i] = 0;
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = w[row + k]!;
      let s = 0;
      for (let j = k + 1; j < i; j++) {
        const aij = w[row + j]!;
        s += aij * w[j * n + k]!;
        p[j] += aij * vi;
      }
      p[i] += s + w[row + i]! * vi;
    }
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      p[i] *= b;
      pv += p[i]! * w[i * n + k]!;
    }
    const half = 0.5 * b * pv;
    for (let i = k + 1; i < n; i++) p[i] -= half * w[i * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = w[row + k]!;
      const qi = p[i]!;
      for (let j = k + 1; j <= i; j++) w[row + j] -= vi * p[j]! + qi * w[j * n + k]!;
    }
  }
  for (let i = 0; i < n; i++) d[i] = w[i * n + i]!;
  if (n >= 2) e[n - 2] = w[(n - 1) * n + (n - 2)]!;
  if (n >= 1) e[n - 1] = 0;
  if (n >= 2) beta[n - 2] = 0;
}

/**
 * Applies Qᵀ to the rows of z (rows × n, row-major) from the right: z ← z·Q, i.e. each row r
 * becomes (Qᵀ·r)ᵀ. With z = I this forms Q's columns as rows of… we only use it on z = Bᵀ.
 */
function applyQRight(n: number, w: Float64Array, beta: Float64Array, z: Float64Array, rows: number): void {
  // z·Q = z·H_0·H_1·…: apply H_0 first.
  for (let k = 0; k < n - 2; k++) {
    const b = beta[k]!;
    if (b === 0) continue;
    for (let r = 0; r < rows; r++) {
      const row = r * n;
      let s = 0;
      for (let i = k + 1; i < n; i++) s += z[row + i]! * w[i * n + k]!;
      s *= b;
      if (s === 0) continue;
      for (let i = k + 1; i < n; i++) z[row + i] -= s * w[i * n + k]!;
    }
  }
}

/** Q itself (n×n row-major), accumulated backwards: Q = H_0·(H_1·(…·H_{n−3})). */
function formQ(n: number, w: Float64Array, beta: Float64Array): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const t = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const b = beta[k]!;
    if (b === 0) continue;
    // Q ← H_k·Q on rows k+1.. : t = b·vᵀQ, Q −= v·t.
    for (let j = k + 1; j < n; j++) t[j] = 0;
    for (let i = k + 1; i < n; i++) {
      const vi = w[i * n + k]!;
      if (vi === 0) continue;
      const row = i * n;
      for (let j = k + 1; j < n; j++) t[j] += vi * q[row + j]!;
    }
    for (let i = k + 1; i < n; i++) {
      const vi = b * w[i * n + k]!;
      if (vi === 0) continue;
      const row = i * n;
      for (let j = k + 1; j < n; j++) q[row + j] -= vi * t[j]!;
    }
  }
  return q;
}

/**
 * Implicit QL on the tridiagonal (d, e), rotations applied to columns i, i+1 of z (rows × n,
 * row-major). Returns false if an eigenvalue needed more than MAX_SWEEPS sweeps.
 */
function tridiagonalQl(n: number, d: Float64Array, e: Float64Array, z: Float64Array | undefined, rows: number): boolean {
  for (let l = 0; l < n; l++) {
    for (let sweep = 0; ; sweep++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (sweep === MAX_SWEEPS) return false;
      // Shift from the leading 2×2 block: the eigenvalue of it nearer d[l].
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (z) {
          for (let k = 0; k < rows; k++) {
            const row = k * n;
            const zi = z[row + i]!;
            const zj = z[row + i + 1]!;
            z[row + i + 1] = s * zi + c * zj;
            z[row + i] = c * zi - s * zj;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return true;
}

/** Sorts values ascending and permutes the columns of z (rows × n) alike. */
function sortAscending(n: number, d: Float64Array, z: Float64Array | undefined, rows: number): void {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a]! - d[b]!);
  if (order.every((v, i) => v === i)) return;
  const values = Float64Array.from(order, (i) => d[i]!);
  d.set(values);
  if (!z) return;
  const row = new Float64Array(n);
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < n; j++) row[j] = z[k * n + order[j]!]!;
    z.set(row, k * n);
  }
}

function decompose(n: number, a: Float64Array): { w: Float64Array; d: Float64Array; e: Float64Array; beta: Float64Array } {
  if (!Number.isInteger(n) || n < 0 || a.length < n * n) {
    throw new RangeError(`eighF64: a must hold n·n = ${n * n} values; received ${a.length}`);
  }
  const w = Float64Array.from(a.subarray(0, n * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const beta = new Float64Array(n);
  tridiagonalize(n, w, d, e, beta);
  return { w, d, e, beta };
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns of a row-major n×n array) of the
 * symmetric n×n matrix `a` (row-major, lower triangle read; `a` is not modified).
 * @throws RangeError when a is shorter than n·n, Error when QL fails (NaN/Infinity in a).
 * @example
 * const { values, vectors } = eighF64(2, Float64Array.of(2, 1, 1, 2));   // values [1, 3]
 */
export function eighF64(n: number, a: Float64Array): EighResult {
  const { w, d, e, beta } = decompose(n, a);
  const z = formQ(n, w, beta);
  if (!tridiagonalQl(n, d, e, z, n)) throw new Error('eighF64: the QL iteration did not converge (NaN or Infinity in a?)');
  sortAscending(n, d, z, n);
  return { values: d, vectors: z };
}

/**
 * Eigenvalues (ascending) of the symmetric n×n matrix `a` and the projections Uᵀ·B of the
 * columns of B (n×k row-major) on its eigenvectors, without forming U: the reflectors and
 * rotations are applied to B alone (O(n²·k) beyond the reduction). Returns P = Uᵀ·B, n×k row-major.
 * @throws RangeError for short arrays, Error when QL fails.
 * @example
 * const { values, projections } = eighProjectF64(m, gram, y, signals);
 */
export function eighProjectF64(n: number, a: Float64Array, b: Float64Array, k: number): { values: Float64Array; projections: Float64Array } {
  if (b.length < n * k) throw new RangeError(`eighProjectF64: b must hold n·k = ${n * k} values; received ${b.length}`);
  const { w, d, e, beta } = decompose(n, a);
  // z = Bᵀ (k × n); z·Q·W = (Uᵀ·B)ᵀ.
  const z = new Float64Array(k * n);
  for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) z[q * n + i] = b[i * k + q]!;
  applyQRight(n, w, beta, z, k);
  if (!tridiagonalQl(n, d, e, z, k)) throw new Error('eighProjectF64: the QL iteration did not converge (NaN or Infinity in a?)');
  sortAscending(n, d, z, k);
  const projections = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) projections[i * k + q] = z[q * n + i]!;
  return { values: d, projections };
}
