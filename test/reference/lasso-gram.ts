/**
 * Reference for lassoGram: the lasso in Gram form, min ½xᵀGx − cᵀx + ½yy + λ‖x‖₁, by cyclic
 * coordinate descent (x_j ← S(c_j − Σ_{i≠j} G_ji x_i, λ)/G_jj, the method scikit-learn uses, so it
 * shares nothing with the library's FISTA) run to a change of 1e-15, and the duality gap of a
 * point computed from its definition (dual point θ = s·(y − A_W x), s = min(1, λ/‖Aᵀ(Ax − y)‖∞)).
 */

/** The objective and the duality gap at x of one problem (G k×k row-major). */
export function refGap(g: ArrayLike<number>, c: ArrayLike<number>, yy: number, lambda: number, x: ArrayLike<number>): { objective: number; gap: number } {
  const k = c.length;
  let xgx = 0;
  let cx = 0;
  let l1 = 0;
  let worst = 0;
  for (let i = 0; i < k; i++) {
    let gi = 0;
    for (let j = 0; j < k; j++) gi += g[i * k + j]! * x[j]!;
    xgx += x[i]! * gi;
    cx += c[i]! * x[i]!;
    l1 += Math.abs(x[i]!);
    worst = Math.max(worst, Math.abs(gi - c[i]!));
  }
  const rr = Math.max(0, xgx - 2 * cx + yy); // ‖A x − y‖²
  const objective = 0.5 * rr + lambda * l1;
  const s = worst > lambda ? lambda / worst : 1;
  // D(θ) = ½yy − ½‖y − θ‖², with θ = s·(y − Ax): ‖y − θ‖² = ‖(1 − s)y + s·Ax‖².
  const dual = 0.5 * yy - 0.5 * ((1 - s) ** 2 * yy + 2 * s * (1 - s) * cx + s * s * xgx);
  return { objective, gap: objective - dual };
}

/** The minimiser by coordinate descent (to a largest coordinate change ≤ 1e-15·max|x|). */
export function refLassoGram(g: ArrayLike<number>, c: ArrayLike<number>, lambda: number, sweeps = 200000): Float64Array {
  const k = c.length;
  const x = new Float64Array(k);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let change = 0;
    let size = 0;
    for (let j = 0; j < k; j++) {
      const d = g[j * k + j]!;
      if (!(d > 0)) continue;
      let r = c[j]!;
      for (let i = 0; i < k; i++) if (i !== j) r -= g[j * k + i]! * x[i]!;
      const v = r > lambda ? (r - lambda) / d : r < -lambda ? (r + lambda) / d : 0;
      change = Math.max(change, Math.abs(v - x[j]!));
      x[j] = v;
      size = Math.max(size, Math.abs(v));
    }
    if (change <= 1e-15 * Math.max(size, 1e-300)) break;
  }
  return x;
}
