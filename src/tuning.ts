/**
 * Every tuning number in one place: block sizes, tile sizes and size thresholds. Each is
 * measured on the machine named beside it; change them only with a benchmark from bench/.
 */

/** js GEMM cache blocking and register tile (see src/backends/js/gemm.ts). */
export const JS_GEMM = Object.freeze({
  /** Rows of A packed per block (fits L2 together with the B panel). */
  MC: 64,
  /** Depth of a packed panel (A block MC×KC and B panel KC×NC). */
  KC: 256,
  /** Columns of B packed per panel. */
  NC: 1024,
  /** Register tile: rows of C per micro-kernel call. */
  MR: 4,
  /** Register tile: columns of C per micro-kernel call. */
  NR: 4,
});

/** Cholesky panel width for the blocked right-looking factorisation. */
export const JS_CHOLESKY_BLOCK = 64;

/** Elements of im2col scratch per block of output rows in js conv2d (1 Mi elements: 4–8 MiB). */
export const JS_IM2COL_BUDGET = 1 << 20;
