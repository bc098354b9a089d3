/**
 * The orthonormal DCT-II and its inverse (the orthonormal DCT-III) in O(n log n), for any length n.
 *
 * Algorithm (Makhoul 1980, "A fast cosine transform in one and two dimensions"): reorder x into
 * v (even samples ascending, then odd samples descending), take one complex FFT of length n, and
 * rotate: C[k] = Re(e^{−iπk/2n}·V[k]). The inverse runs the same steps backwards:
 * V[k] = e^{iπk/2n}(C[k] − i·C[n−k]) (C[n] = 0), v = IFFT(V), then undo the reordering.
 * The FFT is an iterative radix-2 Cooley–Tukey for powers of two and Bluestein's chirp-z (three
 * power-of-two FFTs of length ≥ 2n − 1) for other lengths. Plans (twiddles, chirps) are cached
 * per length. Everything is float64 on the calling thread; a call allocates its own scratch.
 */

/** A cached FFT plan for one length. */
interface FftPlan {
  readonly n: number;
  /** Radix-2 lengths: cos/sin of −2πj/n for j < n/2 and the bit-reversal permutation. */
  readonly cos?: Float64Array;
  readonly sin?: Float64Array;
  readonly rev?: Uint32Array;
  /** Bluestein lengths: the inner power-of-two plan, the chirp and the FFT of its conjugate. */
  readonly inner?: FftPlan;
  readonly chirpRe?: Float64Array;
  readonly chirpIm?: Float64Array;
  readonly kernelRe?: Float64Array;
  readonly kernelIm?: Float64Array;
}

interface DctPlan {
  readonly n: number;
  readonly fft: FftPlan;
  /** cos/sin of πk/2n. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

const fftPlans = new Map<number, FftPlan>();
const dctPlans = new Map<number, DctPlan>();

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

function fftPlan(n: number): FftPlan {
  let plan = fftPlans.get(n);
  if (plan) return plan;
  if (isPowerOfTwo(n)) {
    const half = n >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let j = 0; j < half; j++) {
      cos[j] = Math.cos((-2 * Math.PI * j) / n);
      sin[j] = Math.sin((-2 * Math.PI * j) / n);
    }
    const bits = Math.round(Math.log2(n));
    const rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      rev[i] = r;
    }
    plan = { n, cos, sin, rev };
  } else {
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    const inner = fftPlan(m);
    // chirp w[j] = e^{−iπj²/n}; j² is reduced mod 2n first so that the angle stays accurate.
    const chirpRe = new Float64Array(n);
    const chirpIm = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const angle = (Math.PI * ((j * j) % (2 * n))) / n;
      chirpRe[j] = Math.cos(angle);
      chirpIm[j] = -Math.sin(angle);
    }
    // The convolution kernel is conj(w) laid out circularly over m points, then transformed.
    const kernelRe = new Float64Array(m);
    const kernelIm = new Float64Array(m);
    kernelRe[0] = chirpRe[0]!;
    kernelIm[0] = -chirpIm[0]!;
    for (let j = 1; j < n; j++) {
      kernelRe[j] = kernelRe[m - j] = chirpRe[j]!;
      kernelIm[j] = kernelIm[m - j] = -chirpIm[j]!;
    }
    radix2(inner, kernelRe, kernelIm, false);
    plan = { n, inner, chirpRe, chirpIm, kernelRe, kernelIm };
  }
  fftPlans.set(n, plan);
  return plan;
}

/** In-place iterative radix-2 FFT (inverse = conjugate twiddles, unscaled). */
function radix2(plan: FftPlan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const { n } = plan;
  const rev = plan.rev!;
  const cos = plan.cos!;
  const sin = plan.sin!;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const sign = inverse ? -1 : 1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0, t = 0; j < half; j++, t += step) {
        const wr = cos[t]!;
        const wi = sign * sin[t]!;
        const p = start + j;
        const q = p + half;
        const xr = re[q]! * wr - im[q]! * wi;
        const xi = re[q]! * wi + im[q]! * wr;
        re[q] = re[p]! - xr;
        im[q] = im[p]! - xi;
        re[p] = re[p]! + xr;
        im[p] = im[p]! + xi;
      }
    }
  }
}

/** In-place complex FFT of any length (unscaled in both directions). */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (n <= 1) return;
  const plan = fftPlan(n);
  if (plan.rev) {
    radix2(plan, re, im, inverse);
    return;
  }
  // Bluestein: X[k] = w[k]·Σ_j (x[j]·w[j])·conj(w[k−j]), a convolution done with FFTs of length m.
  // The inverse transform is conj(FFT(conj(x))).
  const inner = plan.inner!;
  const m = inner.n;
  const cr = plan.chirpRe!;
  const ci = plan.chirpIm!;
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  const s = inverse ? -1 : 1;
  for (let j = 0; j < n; j++) {
    const xr = re[j]!;
    const xi = s * im[j]!;
    ar[j] = xr * cr[j]! - xi * ci[j]!;
    ai[j] = xr * ci[j]! + xi * cr[j]!;
  }
  radix2(inner, ar, ai, false);
  const kr = plan.kernelRe!;
  const ki = plan.kernelIm!;
  for (let j = 0; j < m; j++) {
    const pr = ar[j]! * kr[j]! - ai[j]! * ki[j]!;
    ai[j] = ar[j]! * ki[j]! + ai[j]! * kr[j]!;
    ar[j] = pr;
  }
  radix2(inner, ar, ai, true);
  const scale = 1 / m;
  for (let k = 0; k < n; k++) {
    const yr = ar[k]! * scale;
    const yi = ai[k]! * scale;
    re[k] = yr * cr[k]! - yi * ci[k]!;
    im[k] = s * (yr * ci[k]! + yi * cr[k]!);
  }
}

function dctPlan(n: number): DctPlan {
  let plan = dctPlans.get(n);
  if (plan) return plan;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cos[k] = Math.cos((Math.PI * k) / (2 * n));
    sin[k] = Math.sin((Math.PI * k) / (2 * n));
  }
  plan = { n, fft: fftPlan(n), cos, sin };
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
