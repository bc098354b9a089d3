/**
 * The complex FFT of any length, in float64, and the line drivers the fft ops run.
 *
 * Algorithm: an iterative radix-2 Cooley–Tukey for powers of two (n/2·log2 n butterflies), and
 * Bluestein's chirp-z for other lengths: X[k] = w[k]·Σ_j (x[j]·w[j])·conj(w[k−j]) with
 * w[j] = e^{−iπj²/n}, a circular convolution done with three power-of-two FFTs of length
 * m ≥ 2n − 1. Both are O(n log n). Plans (twiddles, bit reversal, chirps) are immutable and cached
 * per length (at most FFT_PLAN_CACHE lengths are kept); every call allocates its own scratch, so
 * concurrent calls share nothing mutable.
 *
 * Layout of the line drivers: a tensor of shape [outer, n, inner] (the transformed axis in the
 * middle), complex values interleaved as (re, im) pairs in a trailing dimension of 2. Line
 * (o, i) holds the elements at ((o·n + j)·inner + i)·2 for j < n.
 *
 * Used by the fft ops (src/ops/fft.ts) and by the DCT of src/cs/dct.ts.
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

const fftPlans = new Map<number, FftPlan>();
/** How many lengths keep a cached plan; the cache is emptied when a new length would pass it. */
const FFT_PLAN_CACHE = 64;

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
  if (fftPlans.size >= FFT_PLAN_CACHE) fftPlans.clear();
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


/**
 * Transforms every line of a [outer, n, inner, 2] complex array: dst line = scale·FFT(src line)
 * (inverse: the conjugate-twiddle transform, e^{+2πijk/n}). `src` and `dst` may be the same array.
 */
export function fftLines(
  src: Float64Array,
  dst: Float64Array,
  outer: number,
  n: number,
  inner: number,
  inverse: boolean,
  scale: number,
): void {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let j = 0; j < n; j++) {
        const p = 2 * (base + j * inner);
        re[j] = src[p]!;
        im[j] = src[p + 1]!;
      }
      fft(re, im, inverse);
      for (let j = 0; j < n; j++) {
        const p = 2 * (base + j * inner);
        dst[p] = re[j]! * scale;
        dst[p + 1] = im[j]! * scale;
      }
    }
  }
}

/**
 * The FFT of real lines: src is [outer, n, inner] real, dst is [outer, n/2 + 1 (floor), inner, 2]
 * complex, the non-negative frequencies only (the rest are their conjugates), times `scale`.
 */
export function rfftLines(
  src: Float64Array,
  dst: Float64Array,
  outer: number,
  n: number,
  inner: number,
  scale: number,
): void {
  const half = (n >> 1) + 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < n; j++) re[j] = src[o * n * inner + j * inner + i]!;
      im.fill(0);
      fft(re, im, false);
      for (let k = 0; k < half; k++) {
        const p = 2 * (o * half * inner + k * inner + i);
        dst[p] = re[k]! * scale;
        dst[p + 1] = im[k]! * scale;
      }
    }
  }
}

/**
 * The inverse of rfftLines: src is [outer, m, inner, 2] complex holding non-negative frequencies,
 * dst is [outer, n, inner] real. As numpy's irfft: the first ⌊n/2⌋ + 1 inputs are used (missing
 * ones are zero), the spectrum is completed by Hermitian symmetry, the imaginary parts of the
 * zero frequency (and of the Nyquist frequency for even n) are ignored, and dst = scale·Re(IFFT).
 */
export function irfftLines(
  src: Float64Array,
  dst: Float64Array,
  outer: number,
  m: number,
  inner: number,
  n: number,
  scale: number,
): void {
  const half = (n >> 1) + 1;
  const used = Math.min(half, m);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      re.fill(0);
      im.fill(0);
      for (let k = 0; k < used; k++) {
        const p = 2 * (o * m * inner + k * inner + i);
        re[k] = src[p]!;
        im[k] = src[p + 1]!;
      }
      im[0] = 0;
      if (n % 2 === 0 && used === half) im[half - 1] = 0;
      for (let k = 1; n - k > k; k++) {
        re[n - k] = re[k]!;
        im[n - k] = -im[k]!;
      }
      fft(re, im, true);
      for (let j = 0; j < n; j++) dst[o * n * inner + j * inner + i] = re[j]! * scale;
    }
  }
}
