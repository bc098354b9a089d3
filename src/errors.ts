/**
 * Every error the library throws on purpose. Users branch on `err.code` (stable strings), not
 * on `instanceof`: an install that holds both the ESM and the CommonJS build holds two copies
 * of each class.
 *
 * Message grammar: `<op>: <what is wrong>; <what was received>. <how to fix>.`
 */

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'BACKEND_UNAVAILABLE'
  | 'UNSUPPORTED_OP'
  | 'DISPOSED_TENSOR'
  | 'NOT_POSITIVE_DEFINITE'
  | 'DEVICE_LOST'
  | 'WORKER_CRASHED'
  | 'NATIVE_FAILURE'
  | 'GPU_FAILURE'
  | 'PAYLOAD_CORRUPT'
  | 'PAYLOAD_MISSING'
  | 'OUT_OF_MEMORY';

function compose(op: string | undefined, message: string, hint: string | undefined): string {
  const head = op ? `${op}: ${message}` : message;
  if (!hint) return head;
  return `${head}. ${hint.endsWith('.') ? hint : `${hint}.`}`;
}

/** The base of every error the library throws on purpose. */
export class LeptonError extends Error {
  override name = 'LeptonError';
  constructor(
    readonly code: ErrorCode,
    readonly op: string | undefined,
    message: string,
    hint?: string,
    options?: ErrorOptions,
  ) {
    super(compose(op, message, hint), options);
  }
}

/** A shape, rank or size that the op cannot take. */
export class ShapeError extends LeptonError {
  override name = 'ShapeError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('SHAPE_MISMATCH', op, message, hint);
  }
}

/** A dtype the op cannot take, or operands of different dtypes (there is no silent promotion). */
export class DTypeError extends LeptonError {
  override name = 'DTypeError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('DTYPE_MISMATCH', op, message, hint);
  }
}

/** An option or argument of the wrong type or out of its range. */
export class InvalidArgumentError extends LeptonError {
  override name = 'InvalidArgumentError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('INVALID_ARGUMENT', op, message, hint);
  }
}

/** A backend that was asked for by name but cannot run here, or that lacks the op. */
export class BackendUnavailableError extends LeptonError {
  override name = 'BackendUnavailableError';
  constructor(
    op: string | undefined,
    message: string,
    hint?: string,
    code: 'BACKEND_UNAVAILABLE' | 'UNSUPPORTED_OP' = 'BACKEND_UNAVAILABLE',
  ) {
    super(code, op, message, hint);
  }
}

/** The GPU device was lost while work was in flight. */
export class DeviceLostError extends LeptonError {
  override name = 'DeviceLostError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('DEVICE_LOST', op, message, hint);
  }
}

/** A pool worker died while it ran the op. */
export class WorkerCrashedError extends LeptonError {
  override name = 'WorkerCrashedError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('WORKER_CRASHED', op, message, hint);
  }
}

/** A tensor was used after `dispose()`. */
export class DisposedTensorError extends LeptonError {
  override name = 'DisposedTensorError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('DISPOSED_TENSOR', op, message, hint);
  }
}

/** A Cholesky factorisation met a pivot that is not positive: the matrix is not SPD. */
export class NotPositiveDefiniteError extends LeptonError {
  override name = 'NotPositiveDefiniteError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('NOT_POSITIVE_DEFINITE', op, message, hint);
  }
}

/** A buffer within the size limits (src/limits.ts) that the machine could not allocate. */
export class OutOfMemoryError extends LeptonError {
  override name = 'OutOfMemoryError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('OUT_OF_MEMORY', op, message, hint);
  }
}

/** For internal bugs only: never for a caller's mistake. */
export function invariant(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new Error(`lepton-compute internal error: ${message()}`);
}

/**
 * The error of `code` with an already formatted `message` (an error that crossed a thread or a
 * process as data), as the class that code belongs to.
 */
export function errorFromCode(code: string, message: string): LeptonError {
  switch (code) {
    case 'SHAPE_MISMATCH':
      return new ShapeError(undefined, message);
    case 'DTYPE_MISMATCH':
      return new DTypeError(undefined, message);
    case 'INVALID_ARGUMENT':
      return new InvalidArgumentError(undefined, message);
    case 'BACKEND_UNAVAILABLE':
    case 'UNSUPPORTED_OP':
      return new BackendUnavailableError(undefined, message, undefined, code);
    case 'DEVICE_LOST':
      return new DeviceLostError(undefined, message);
    case 'WORKER_CRASHED':
      return new WorkerCrashedError(undefined, message);
    case 'DISPOSED_TENSOR':
      return new DisposedTensorError(undefined, message);
    case 'NOT_POSITIVE_DEFINITE':
      return new NotPositiveDefiniteError(undefined, message);
    case 'OUT_OF_MEMORY':
      return new OutOfMemoryError(undefined, message);
    default:
      return new LeptonError(code as ErrorCode, undefined, message);
  }
}
