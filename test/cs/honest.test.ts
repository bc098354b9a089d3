/**
 * Solvers on bad data (issue 13 / issue 18): NaN/±Infinity in A, y, x0 or an operator's output is
 * a typed INVALID_ARGUMENT naming the argument and the first bad index; operators that return the
 * wrong shape are refused; absurd sizes are refused up front; a divergence is reported as such;
 * every function that takes an AbortSignal checks it first, and long loops let timers fire.
 * Each case runs on every CPU backend available (js, native).
 */
import { describe, expect, it } from 'vitest';
import { cs, matmul, tensor, zeros, type Tensor } from '../../src/index.js';
import { backendMatrix } from '../util/backends.js';
import { sparseSignal } from './signals.js';
import { failure, settled } from '../util/settled.js';


function withValue(t: Tensor, index: number, value: number): Tensor {
  const v = Float64Array.from(t.dataSync());
  v[index] = value;
  return tensor(t.dtype === 'float64' ? v : Float32Array.from(v), [...t.shape]);
}

const backends = (await backendMatrix()).filter((b) => b.available && b.name !== 'webgpu');

for (const { name: backend } of backends) {
  describe(`bad data [${backend}]`, () => {
    const A = cs.gaussian(24, 40, { seed: 1, dtype: 'float64' });
    const x = sparseSignal(40, 3, 2);
    const solvers = {
      fista: (a: Tensor, y: Tensor) => cs.fista(a, y, { lambda: 1e-3, backend }),
      omp: (a: Tensor, y: Tensor) => cs.omp(a, y, { sparsity: 3, backend }),
      chooseLambda: (a: Tensor, y: Tensor) => cs.chooseLambda(a, y, { backend }),
      lassoPath: (a: Tensor, y: Tensor) => cs.lassoPath(a, y, { count: 3, backend }),
      ridgePath: (a: Tensor, y: Tensor) => cs.ridgePath(a, y, { lambdas: [1], backend }),
    };

    it.each(Object.keys(solvers))('%s: NaN or ±Infinity in y is refused with its index', async (solver) => {
      const run = solvers[solver as keyof typeof solvers];
      const y = await matmul(A, x);
      expect(await failure('INVALID_ARGUMENT', () => run(A, withValue(y, 17, NaN)))).toBe(
        `cs.${solver}: y must hold finite values; received NaN at index 17. Remove or replace the non-finite values.`);
      expect(await failure('INVALID_ARGUMENT', () => run(A, withValue(y, 0, Infinity)))).toContain('received Infinity at index 0');
      expect(await failure('INVALID_ARGUMENT', () => run(A, withValue(y, 23, -Infinity)))).toContain('received -Infinity at index 23');
    });

    it.each(Object.keys(solvers))('%s: NaN in A is refused with its row and column', async (solver) => {
      const run = solvers[solver as keyof typeof solvers];
      const y = await matmul(A, x);
      const message = await failure('INVALID_ARGUMENT', () => run(withValue(A, 5 * 40 + 7, NaN), y));
      expect(message).toBe(`cs.${solver}: A must hold finite values; received NaN at index 207 (row 5, column 7). Remove or replace the non-finite values.`);
    });

    it('a NaN in one column of a batch names the signal', async () => {
      const X = sparseSignal(40, 3, 4, 'float64', 5);
      const Y = withValue(await matmul(A, X), 8 * 5 + 3, NaN);
      expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, Y, { lambda: 1e-3, backend }))).toBe(
        'cs.fista: y must hold finite values; received NaN at index 43 (row 8, signal 3). Remove or replace the non-finite values.');
      expect(await failure('INVALID_ARGUMENT', () => cs.omp(A, Y, { sparsity: 3, backend }))).toContain('(row 8, signal 3)');
      const Yok = await matmul(A, X);
      expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, Yok, { lambda: 1e-3, x0: withValue(zeros([40, 5], { dtype: 'float64' }), 2, NaN), backend })))
        .toContain('x0 must hold finite values; received NaN at index 2');
    });

    it('operators whose outputs are short, long, of another dtype or not finite are refused', async () => {
      const y = await matmul(A, x);
      const ok = cs.operator(A);
      const short = cs.operator({ shape: [24, 40], dtype: 'float64', forward: (v) => zeros(v.rank === 1 ? [23] : [23, v.shape[1]!], { dtype: 'float64' }), adjoint: (v) => ok.adjoint(v) });
      expect(await failure('SHAPE_MISMATCH', () => cs.omp(short, y, { sparsity: 3, backend }))).toMatch(/^cs\.operator\.forward: forward must return \[24(,\d+)?\] for an input \[40(,\d+)?\]; received \[23(,\d+)?\]/);
      expect(await failure('SHAPE_MISMATCH', () => cs.fista(short, y, { lambda: 1e-3, backend }))).toContain('forward must return [24] for an input [40]; received [23]');
      const long = cs.operator({ shape: [24, 40], dtype: 'float64', forward: (v) => ok.forward(v), adjoint: () => zeros([41], { dtype: 'float64' }) });
      expect(await failure('SHAPE_MISMATCH', () => cs.fista(long, y, { lambda: 1e-3, backend }))).toContain('adjoint must return [40] for an input [24]; received [41]');
      const wrongType = cs.operator({ shape: [24, 40], dtype: 'float64', forward: (v) => ok.forward(v), adjoint: () => zeros([40]) });
      expect(await failure('DTYPE_MISMATCH', () => cs.fista(wrongType, y, { lambda: 1e-3, backend }))).toContain('adjoint must return a float64 tensor');
      const notTensor = cs.operator({ shape: [24, 40], forward: () => [1, 2] as never, adjoint: () => zeros([40]) });
      expect(await failure('INVALID_ARGUMENT', () => notTensor.forward(zeros([40])))).toContain('forward must return a Tensor [24]; received [1,2]');
      const nan = cs.operator({ shape: [24, 40], dtype: 'float64', forward: async (v) => withValue(await ok.forward(v), 4, NaN), adjoint: (v) => ok.adjoint(v) });
      expect(await failure('INVALID_ARGUMENT', () => cs.fista(nan, y, { lambda: 1e-3, backend }))).toContain('the forward output must hold finite values; received NaN at index 4');
      expect(await failure('INVALID_ARGUMENT', () => cs.omp(cs.operator({ shape: [24, 40], dtype: 'float64', forward: (v) => ok.forward(v), adjoint: async (v) => withValue(await ok.adjoint(v), 9, Infinity) }), y, { sparsity: 2, backend })))
        .toContain('received Infinity at index 9');
    });

    it('a too small Lipschitz constant ends as diverged, never converged', async () => {
      const y = await matmul(A, x);
      for (const lipschitz of [1e-30, 1e-3, 0.2]) {
        const r = await cs.fista(A, y, { lambda: 1e-3, lipschitz, maxIter: 5000, backend });
        expect(r.converged).toBe(false);
        expect(r.reason).toBe('diverged');
      }
    });

    it('every function that takes a signal checks it first, and a running loop sees AbortSignal.timeout fire on time', async () => {
      const y = await matmul(A, x);
      const aborted = AbortSignal.abort();
      for (const run of [
        () => cs.normEstimate(A, { signal: aborted, backend }),
        () => cs.chooseLambda(A, y, { signal: aborted, backend }),
        () => cs.fista(A, y, { lambda: 1e-3, signal: aborted, backend }),
        () => cs.omp(A, y, { signal: aborted, backend }),
        () => cs.lassoPath(A, y, { signal: aborted, backend }),
        () => cs.lassoCV(A, y, { signal: aborted, backend }),
        () => cs.ridgePath(A, y, { lambdas: [1], signal: aborted, backend }),
        () => cs.dottest(A, { signal: aborted, backend }),
        () => cs.operator(A).forward(x, { signal: aborted, backend }),
      ]) {
        await expect(settled(() => run())).rejects.toMatchObject({ name: 'AbortError' });
      }
      // A long run (tol 0: it would go to maxIter) stopped by a 100 ms timeout.
      const big = cs.gaussian(200, 400, { seed: 3, dtype: 'float64' });
      const yb = await matmul(big, sparseSignal(400, 20, 5));
      const started = performance.now();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await expect(settled(() => cs.fista(big, yb, { lambda: 1e-6, tol: 0, maxIter: 1e7, signal: AbortSignal.timeout(100), backend }))).rejects.toMatchObject({ name: 'TimeoutError' });
      clearInterval(timer);
      const elapsed = performance.now() - started;
      expect(ticks).toBeGreaterThan(0);
      // 10 % of the timeout on an idle machine; the shared CI box gets a wider margin.
      expect(elapsed).toBeLessThan(100 * 1.1 + 150);
    });

    it('A disposed while a solver runs rejects it with DisposedTensorError (the solvers may read A\'s storage in place)', async () => {
      for (const solve of [
        (a: Tensor, y: Tensor) => cs.omp(a, y, { sparsity: 250, tol: 0, backend }),
        (a: Tensor, y: Tensor) => cs.fista(a, y, { lambda: 1e-6, criterion: 'gap', tol: 0, maxIter: 1e6, backend }),
        (a: Tensor, y: Tensor) => cs.fista(a, y, { lambda: 1e-6, tol: 0, maxIter: 1e6, backend }),
      ]) {
        const big = cs.gaussian(300, 800, { seed: 3, dtype: 'float64' });
        const y = await matmul(big, sparseSignal(800, 40, 5));
        // Each solve takes far longer than the 4 ms after which the loops let the event loop turn:
        // the timer disposes A mid-run.
        setTimeout(() => big.dispose(), 0);
        await expect(settled(() => solve(big, y))).rejects.toMatchObject({ name: 'DisposedTensorError' });
      }
    });
  });
}

describe('absurd sizes are refused up front', () => {
  it('operators and matrices past the stated limits', async () => {
    expect(await failure('INVALID_ARGUMENT', () => cs.operator({ shape: [16, 1e12], forward: (v) => v, adjoint: (v) => v }))).toBe(
      'cs.operator: shape[1] must be at most 2^27 = 134217728 (the solvers keep float64 vectors of this length); received 1000000000000. Split the problem into smaller pieces.');
    expect(await failure('INVALID_ARGUMENT', () => cs.partialDCT(10, 2 ** 31))).toContain('n must be at most 2^27 = 134217728');
    expect(await failure('INVALID_ARGUMENT', () => cs.gaussian(1e5, 1e5))).toContain('the matrix would hold 100000·100000 = 10000000000 elements, more than the limit 2^27');
    expect(await failure('INVALID_ARGUMENT', () => cs.dct2d(2 ** 14, 2 ** 14))).toContain('height·width must be at most 2^27');
    expect(await failure('INVALID_ARGUMENT', () => cs.sample(100, [3, 100]))).toBe('cs.sample: indices must be integers in [0, 100); received 100 (number) at position 1');
    expect(await failure('INVALID_ARGUMENT', () => cs.partialDCT(2 ** 16, 2 ** 16).toMatrix())).toContain('the explicit matrix would hold 65536·65536');
  });

  it('options are read once, as own properties: nothing inherited from Object.prototype', async () => {
    const A = cs.gaussian(8, 12, { seed: 1, dtype: 'float64' });
    const y = await matmul(A, sparseSignal(12, 2, 1));
    const proto = Object.prototype as Record<string, unknown>;
    proto.lambda = 1;
    proto.maxIter = 1;
    try {
      expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, {} as never))).toContain('lambda is required');
      const r = await cs.fista(A, y, { lambda: 1e-4, tol: 1e-8 });
      expect(r.iterations).toBeGreaterThan(1);
    } finally {
      delete proto.lambda;
      delete proto.maxIter;
    }
    let reads = 0;
    const options = { get lambda() { reads++; return 1e-3; } };
    await cs.fista(A, y, options);
    expect(reads).toBe(1);
    expect(await failure('INVALID_ARGUMENT', () => cs.fista(A, y, { lambda: 1, tol: 1e-3, tole: 1 } as never))).toContain("unknown option 'tole'");
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(await failure('INVALID_ARGUMENT', () => cs.omp(A, y, revoked.proxy))).toContain('options could not be read');
  });
});
