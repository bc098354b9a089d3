/**
 * The orthonormal DCT-II and its inverse (the orthonormal DCT-III) in O(n log n), for any length n.
 *
 * Algorithm (Makhoul 1980, "A fast cosine transform in one and two dimensions"): reorder x into
 * v (even samples ascending, then odd samples descending), take one complex FFT of length n, and
 * rotate: C[k] = Re(e^{−iπk/2n}·V[k]). The inverse runs the same steps backwards:
 * V[k] = e^{iπk/2n}(C[k] − i·C[n−k]) (C[n] = 0), v = IFFT(V), then undo the reordering.
 * The FFT is an iterative radix-2 Cooley–Tukey for powers of two and Bluestein's chirp-z (three
 * power-of-two FFTs of length ≥ 2n − 1) for other lengths: the one in src/kernels/linalg/fft.ts
 * that the fft ops use too. Everything is float64 on the calling thread; a call allocates its own scratch.
 */
import { fft } from '../kernels/linalg/fft.js';

interface DctPlan {
  readonly n: number;
  /** cos/sin of πk/2n. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

const dctPlans = new Map<number, DctPlan>();

function dctPlan(n: number): DctPlan {
  let plan = dctPlans.get(n);
  if (plan) return plan;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cos[k] = Math.cos((Math.PI * k) / (2 * n));
    sin[k] = Math.sin((Math.PI * k) / (2 * n));
  }
  plan = { n, cos, sin };
  dctPlans.set(n, plan);
  return plan;
}

/**
 * Orthonormal DCT-II of `n` values read from `src` at `srcOffset + i·srcStride`, written to `dst`
 * at `dstOffset + k·dstStride`: X[k] = s_k Σ_i x[i] cos(πk(2i+1)/2n), s_0 = √(1/n), s_k = √(2/n).
 * `re` and `im` are caller-owned scratch of length ≥ n.
 */
export function dctInto(
  n: number,
  src: ArrayLike<number>,
  srcOffset: number,
  srcStride: number,
  dst: { [i: number]: number },
  dstOffset: number,
  dstStride: number,
  re: Float64Array,
  im: Float64Array,
): void {
  if (n === 1) {
    dst[dstOffset] = src[srcOffset]!;
    return;
  }
  const plan = dctPlan(n);
  const vr = re.length === n ? re : re.subarray(0, n);
  const vi = im.length === n ? im : im.subarray(0, n);
  const half = (n + 1) >> 1;
  for (let i = 0; i < half; i++) vr[i] = src[srcOffset + 2 * i * srcStride]!;
  for (let i = 0; i < n >> 1; i++) vr[n - 1 - i] = src[srcOffset + (2 * i + 1) * srcStride]!;
  vi.fill(0);
  fft(vr, vi, false);
  const s0 = Math.sqrt(1 / n);
  const sk = Math.sqrt(2 / n);
  for (let k = 0; k < n; k++) {
    const c = vr[k]! * plan.cos[k]! + vi[k]! * plan.sin[k]!;
    dst[dstOffset + k * dstStride] = c * (k === 0 ? s0 : sk);
  }
}

/**
 * Inverse of `dctInto` (the orthonormal DCT-III), with the same addressing: coefficients read from
 * `src`, samples written to `dst`.
 */
export function idctInto(
  n: number,
  src: ArrayLike<number>,
  srcOffset: number,
  srcStride: number,
  dst: { [i: number]: number },
  dstOffset: number,
  dstStride: number,
  re: Float64Array,
  im: Float64Array,
): void {
  if (n === 1) {
    dst[dstOffset] = src[srcOffset]!;
    return;
  }
  const plan = dctPlan(n);
  const vr = re.length === n ? re : re.subarray(0, n);
  const vi = im.length === n ? im : im.subarray(0, n);
  const s0 = Math.sqrt(n);
  const sk = Math.sqrt(n / 2);
  // Undo the orthonormal scaling, giving the unnormalised C[k] = Σ_i x[i] cos(πk(2i+1)/2n).
  for (let k = 0; k < n; k++) {
    const ck = src[srcOffset + k * srcStride]! * (k === 0 ? s0 : sk);
    const cnk = k === 0 ? 0 : src[srcOffset + (n - k) * srcStride]! * sk;
    // V[k] = e^{iπk/2n}·(C[k] − i·C[n−k])
    vr[k] = plan.cos[k]! * ck + plan.sin[k]! * cnk;
    vi[k] = plan.sin[k]! * ck - plan.cos[k]! * cnk;
  }
  fft(vr, vi, true);
  const inv = 1 / n;
  const half = (n + 1) >> 1;
  for (let i = 0; i < half; i++) dst[dstOffset + 2 * i * dstStride] = vr[i]! * inv;
  for (let i = 0; i < n >> 1; i++) dst[dstOffset + (2 * i + 1) * dstStride] = vr[n - 1 - i]! * inv;
}
