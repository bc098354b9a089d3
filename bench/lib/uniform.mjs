/**
 * Seeded uniform float32 values in [-0.5, 0.5) (a linear congruential generator): the same
 * operands for every contender, in Node and in the browser bench page (no Node imports here).
 */
export function uniform(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/** One square float32 GEMM case: its flops, the calls per round (about 1.5 GFLOP of work) and its two operands. */
export function gemmCase(n) {
  const flops = 2 * n ** 3;
  return { flops, reps: Math.max(3, Math.min(30, Math.round(1.5e9 / flops))), A: uniform(n * n, 1), B: uniform(n * n, 2) };
}
