/**
 * Every tuning number in one place: block sizes, tile sizes and size thresholds. Each is
 * measured on the machine named beside it; change them only with a benchmark from bench/.
 */

/**
 * js GEMM cache blocking and register tile (see src/backends/js/gemm.ts).
 *
 * Measured on a 2-core AMD EPYC (Zen 4: 32 KiB L1d, 1 MiB L2 per core), Node 20.20 / V8 11.3,
 * square float32 and float64 products, best of 8 alternating runs in one process (the machine
 * was shared, ±20% between runs). The micro-kernel is bound by instruction count (bounds-checked
 * typed-array loads and register spills), not by memory:
 * - register tile, n = 512: 12-accumulator tiles 4×3, 3×4 and 2×6 ran 4.8–5.2 GFLOP/s; 4×4
 *   and 6×2 4.6–5.0; 4×6 and 4×8 4.2–4.7 (more spills); unrolling the depth loop by 2 lost
 *   ~5%; float32 packed panels lost ~5% against float64 ones (a conversion per load).
 *   4×3 against 4×4 in gemm.ts itself: 5.1 vs 5.0 GFLOP/s at n = 256, 512 and 1024.
 * - blocks, n = 1024: MC 48–192, KC 128–512 and NC 256–1024 all landed within 4.7–5.1 GFLOP/s,
 *   i.e. within noise, so the blocks below just follow the cache sizes.
 */
export const JS_GEMM = Object.freeze({
  /** Rows of A packed per block: 96×256 doubles = 192 KiB, well inside L2. Multiple of MR. */
  MC: 96,
  /** Depth of a packed panel (A block MC×KC and B panel KC×NC). A B micro-panel is 6 KiB (L1). */
  KC: 256,
  /** Columns of B packed per panel: 256×1024 doubles = 2 MiB, shared by all MC blocks. */
  NC: 1024,
  /** Register tile: rows of C per micro-kernel call (gemm.ts is unrolled for MR×NR = 4×3). */
  MR: 4,
  /** Register tile: columns of C per micro-kernel call. */
  NR: 3,
});

/** Cholesky panel width for the blocked right-looking factorisation. */
export const JS_CHOLESKY_BLOCK = 64;

/** Elements of im2col scratch per block of output rows in js conv2d (1 Mi elements: 4–8 MiB). */
export const JS_IM2COL_BUDGET = 1 << 20;

/**
 * Elements of the band of convolution rows that js conv2d's fused pooling keeps (256 Ki elements:
 * 1–2 MiB, about the L2 of the machine above, as the native kernel's L2/4 band); a band always
 * holds at least one pooled row's kh rows. Not benchmarked on its own.
 */
export const JS_POOL_BAND_BUDGET = 1 << 18;

/**
 * Worker pool. An op is split only when each part gets at least this many flops: a split op
 * costs a few microseconds of dispatch, which 2·10⁵ flops (≈ 40 µs of js GEMM) repays.
 */
export const POOL_MIN_FLOPS_PER_PART = 200_000;

/**
 * native ridge is split across the pool (Gram and right-hand sides as pool-split matmuls, then the
 * addon's solve) only from this many Gram flops; below, one fused addon call is faster. Measured
 * with 2 threads: 128×512 dual (1.7·10⁷ flops) split 1.30 ms vs fused 0.85; 256×1024 dual
 * (1.3·10⁸) 4.2 vs 4.5 ms; 1024×4096 dual, 256 signals (8.6·10⁹) 180 vs 298 ms.
 */
export const NATIVE_RIDGE_SPLIT_MIN_FLOPS = 5e8;

/**
 * How long a worker spins on its slot after a job before it sleeps in Atomics.wait (µs): a
 * hand-off to a spinning worker costs well under a microsecond, a wake-up tens. Measured with an
 * empty split op back to back (2 cores): 100 µs gave ~130 µs per op (workers asleep by the next
 * one), 300–1000 µs gave 11–17 µs.
 */
export const POOL_SPIN_MICROS = 300;

/**
 * A split op of at most this many flops has the calling thread run one part itself (it blocks the
 * event loop for at most half of ~1 ms of js work, far less on native); a larger one goes wholly
 * to the workers while the caller awaits, so the event loop stays free.
 */
export const POOL_CALLER_JOINS_MAX_FLOPS = 4_000_000;

/** How long the calling thread, after running its own part, spins for the workers' parts (µs). */
export const POOL_CALLER_SPIN_MICROS = 50;

/**
 * webgpu: workgroup and tile sizes (passed to the shaders as `override` constants) and the
 * batching and pool limits. Not measured on a GPU yet (none at hand): defaults from common
 * practice (16×16 invocations each computing 4×4 of C, 16-deep K tiles).
 */
export const WEBGPU = Object.freeze({
  /** Invocations per workgroup of the elementwise, pool and copy shaders. */
  WORKGROUP: 256,
  /** Invocations per workgroup of the reduction shader (one workgroup per output element). */
  REDUCE_WORKGROUP: 64,
  /** matmul/conv2d: workgroup is WG_X × WG_Y invocations, each computing a 4×4 block of C. */
  GEMM_WG_X: 16,
  GEMM_WG_Y: 16,
  /** matmul/conv2d: depth of the shared-memory K tile. */
  GEMM_TK: 16,
  /**
   * matmul: when m or n is below this, the register-tiled kernel would leave most of its 64×64
   * tile idle (matrix·vector): matmul_small.wgsl (one invocation per element of C) runs instead.
   * On SwiftShader a 96×256 matrix·vector product took 15 ms tiled (the cost is per workgroup and
   * K step, whatever n is) and well under 1 ms small.
   */
  GEMM_THIN: 16,
  /** Dispatches per command submission (each has a 256-byte uniform slot). */
  UNIFORM_SLOTS: 256,
  /** Bytes of free buffers the pool keeps for reuse; beyond this, released buffers are destroyed. */
  POOL_BYTES: 256 * 1024 * 1024,
});
