/**
 * The cluster bench's sparse-recovery problem, the same in the bench process and in the plain
 * processes of its ceiling run: A [K, N] Gaussian (seed 1, float64) and Y = A·X for `signals`
 * columns of X with `sparsity` non-zeros each, from a fixed linear congruential sequence.
 * `L` is the library module (the built dist).
 */
export function ompProblem(L, { N, K, signals, sparsity }) {
  const A = L.randn([K, N], { seed: 1, dtype: 'float64' });
  const X = new Float64Array(N * signals);
  let s = 2024;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let c = 0; c < signals; c++) for (let j = 0; j < sparsity; j++) X[Math.floor(next() * N) * signals + c] = next() * 2 - 1;
  return { A, Y: L.matmul(A, L.tensor(X, [N, signals])) };
}
