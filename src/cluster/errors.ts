/**
 * The cluster's own error, and the table that rebuilds an op's error on the caller's side.
 *
 * A worker that fails on bad input writes `{ name, code, op, message }` beside the call's results;
 * the caller turns it back into the same class with the same `code` and message, by name, from the
 * error classes the package exports (a table, never `eval`).
 */
import {
  BackendUnavailableError,
  DTypeError,
  DeviceLostError,
  DisposedTensorError,
  InvalidArgumentError,
  LeptonError,
  NotPositiveDefiniteError,
  ShapeError,
  WorkerCrashedError,
  type ErrorCode,
} from '../index.js';

/**
 * A tensor payload read from Redis that is not what the job referenced: its sha256 differs
 * (`PAYLOAD_CORRUPT`), or its key is gone (`PAYLOAD_MISSING`: the TTL ran out, or Redis lost it).
 */
export class PayloadError extends LeptonError {
  override name = 'PayloadError';
  constructor(code: 'PAYLOAD_CORRUPT' | 'PAYLOAD_MISSING', op: string | undefined, message: string, hint?: string) {
    super(code, op, message, hint);
  }
}

/** An error as it travels through Redis. */
export interface ErrorRecord {
  readonly name: string;
  readonly code: string;
  readonly op: string | undefined;
  /** The full message, as `err.message` read on the worker. */
  readonly message: string;
}

export function toErrorRecord(err: LeptonError): ErrorRecord {
  return { name: err.name, code: err.code, op: err.op, message: err.message };
}

/** LeptonErrors that say the machine failed, not the input: the job is retried. */
export function isRetryable(err: LeptonError): boolean {
  return err.code === 'WORKER_CRASHED' || err.code === 'DEVICE_LOST' || err.code === 'PAYLOAD_MISSING';
}

type Rebuild = (op: string | undefined, rest: string, code: string) => LeptonError;

const CLASSES: Readonly<Record<string, Rebuild>> = {
  ShapeError: (op, rest) => new ShapeError(op, rest),
  DTypeError: (op, rest) => new DTypeError(op, rest),
  InvalidArgumentError: (op, rest) => new InvalidArgumentError(op, rest),
  BackendUnavailableError: (op, rest, code) =>
    new BackendUnavailableError(op, rest, undefined, code === 'UNSUPPORTED_OP' ? 'UNSUPPORTED_OP' : 'BACKEND_UNAVAILABLE'),
  DeviceLostError: (op, rest) => new DeviceLostError(op, rest),
  WorkerCrashedError: (op, rest) => new WorkerCrashedError(op, rest),
  DisposedTensorError: (op, rest) => new DisposedTensorError(op, rest),
  NotPositiveDefiniteError: (op, rest) => new NotPositiveDefiniteError(op, rest),
  PayloadError: (op, rest, code) => new PayloadError(code === 'PAYLOAD_MISSING' ? 'PAYLOAD_MISSING' : 'PAYLOAD_CORRUPT', op, rest),
};

const CODES: readonly ErrorCode[] = [
  'INVALID_ARGUMENT', 'SHAPE_MISMATCH', 'DTYPE_MISMATCH', 'BACKEND_UNAVAILABLE', 'UNSUPPORTED_OP',
  'DISPOSED_TENSOR', 'NOT_POSITIVE_DEFINITE', 'DEVICE_LOST', 'WORKER_CRASHED', 'NATIVE_FAILURE',
  'GPU_FAILURE', 'PAYLOAD_CORRUPT', 'PAYLOAD_MISSING',
];

function isErrorCode(code: string): code is ErrorCode {
  return (CODES as readonly string[]).includes(code);
}

/**
 * The same class, code and message as the worker's error. The classes compose their message as
 * `op: rest`, so the op prefix is taken off and given back as `op`.
 */
export function fromErrorRecord(record: ErrorRecord): LeptonError {
  const { op, message } = record;
  const rest = op !== undefined && message.startsWith(`${op}: `) ? message.slice(op.length + 2) : message;
  const opArg = rest === message ? undefined : op;
  const rebuild = CLASSES[record.name];
  if (rebuild) return rebuild(opArg, rest, record.code);
  const err = new LeptonError(isErrorCode(record.code) ? record.code : 'INVALID_ARGUMENT', opArg, rest);
  err.name = record.name;
  return err;
}
