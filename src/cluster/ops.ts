/**
 * The ops a cluster runs, by name: a table built from the package's public exports (no string
 * eval, no backend or pool import), with each op's arity and how the results of a fan-out join.
 */
import {
  Tensor,
  add,
  avgPool2d,
  conv2d,
  cs,
  div,
  linalg,
  matmul,
  maxPool2d,
  mean,
  mul,
  relu,
  ridge,
  sigmoid,
  sub,
  sum,
  type ChooseLambdaOptions,
  type ChooseLambdaResult,
  type Conv2dOptions,
  type FistaOptions,
  type FistaResult,
  type MatmulOptions,
  type OmpOptions,
  type OmpResult,
  type OpOptions,
  type Pool2dOptions,
  type ReduceOptions,
  type RidgeOptions,
} from '../index.js';

/** Every op the cluster can run, with its inputs, options and result (the public signatures). */
export interface ClusterOps {
  matmul: { inputs: readonly [a: Tensor, b: Tensor]; options: MatmulOptions; result: Tensor };
  conv2d: { inputs: readonly [x: Tensor, w: Tensor]; options: Conv2dOptions; result: Tensor };
  maxPool2d: { inputs: readonly [x: Tensor]; options: Pool2dOptions; result: Tensor };
  avgPool2d: { inputs: readonly [x: Tensor]; options: Pool2dOptions; result: Tensor };
  relu: { inputs: readonly [x: Tensor]; options: OpOptions; result: Tensor };
  sigmoid: { inputs: readonly [x: Tensor]; options: OpOptions; result: Tensor };
  add: { inputs: readonly [a: Tensor, b: Tensor]; options: OpOptions; result: Tensor };
  sub: { inputs: readonly [a: Tensor, b: Tensor]; options: OpOptions; result: Tensor };
  mul: { inputs: readonly [a: Tensor, b: Tensor]; options: OpOptions; result: Tensor };
  div: { inputs: readonly [a: Tensor, b: Tensor]; options: OpOptions; result: Tensor };
  sum: { inputs: readonly [x: Tensor]; options: ReduceOptions; result: Tensor };
  mean: { inputs: readonly [x: Tensor]; options: ReduceOptions; result: Tensor };
  ridge: { inputs: readonly [A: Tensor, y: Tensor]; options: RidgeOptions; result: Tensor };
  'linalg.cholesky': { inputs: readonly [S: Tensor]; options: OpOptions; result: Tensor };
  'linalg.solveSPD': { inputs: readonly [S: Tensor, B: Tensor]; options: OpOptions; result: Tensor };
  'cs.omp': { inputs: readonly [A: Tensor, y: Tensor]; options: OmpOptions; result: OmpResult };
  'cs.fista': { inputs: readonly [A: Tensor, y: Tensor]; options: FistaOptions; result: FistaResult };
  'cs.chooseLambda': { inputs: readonly [A: Tensor, y: Tensor]; options: ChooseLambdaOptions; result: ChooseLambdaResult };
  'cs.relativeError': { inputs: readonly [xTrue: Tensor, xHat: Tensor]; options: Record<string, never>; result: number };
  'cs.snr': { inputs: readonly [xTrue: Tensor, xHat: Tensor]; options: Record<string, never>; result: number };
}

/** The name of an op the cluster runs. */
export type ClusterOpName = keyof ClusterOps;

/** Options as they arrive from a job: validated by the op itself. */
export type OptionsBag = Record<string, unknown>;

/** How the results of the parts of a fan-out become one result. */
type Join = (parts: readonly unknown[], joinTensors: (xs: readonly Tensor[]) => Promise<Tensor>) => Promise<unknown>;

interface OpEntry {
  readonly arity: number;
  readonly run: (inputs: readonly Tensor[], options: OptionsBag) => Promise<unknown>;
  /** null: the op's results do not join, so it cannot be split. */
  readonly join: Join | null;
}

const joinTensors: Join = (parts, joinT) => joinT(parts.map((p) => expectTensorResult(p)));

function expectTensorResult(value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw new TypeError('lepton-compute internal error: a part returned no tensor');
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fields(parts: readonly unknown[]): Record<string, unknown>[] {
  return parts.map((p) => {
    if (!isRecord(p)) throw new TypeError('lepton-compute internal error: a part returned no result object');
    return p;
  });
}

/** cs.omp over column blocks of y: the same fields one call over all columns gives. */
const joinOmp: Join = async (parts, joinT) => {
  const rs = fields(parts);
  const x = await joinT(rs.map((r) => expectTensorResult(r.x)));
  const supports = rs.flatMap((r) => r.supports as number[][]);
  const residuals = rs.flatMap((r) => r.residuals as number[]);
  const stopped = rs.map((r) => r.reason as OmpResult['reason']).filter((reason) => reason !== 'tolerance');
  const result: OmpResult = {
    x,
    supports,
    iterations: Math.max(0, ...supports.map((s) => s.length)),
    residual: Math.max(...residuals),
    residuals,
    converged: rs.every((r) => r.converged === true),
    reason: stopped.length > 0 ? stopped[stopped.length - 1]! : 'tolerance',
    reasons: rs.flatMap((r) => r.reasons as OmpResult['reasons']),
  };
  return result;
};

/** cs.fista over column blocks of y: each block stopped on its own, so iterations is their maximum. */
const joinFista: Join = async (parts, joinT) => {
  const rs = fields(parts);
  const x = await joinT(rs.map((r) => expectTensorResult(r.x)));
  const residuals = rs.flatMap((r) => r.residuals as number[]);
  const unfinished = rs.map((r) => r.reason as FistaResult['reason']).filter((reason) => reason !== 'tolerance');
  const result: FistaResult = {
    x,
    iterations: Math.max(0, ...rs.map((r) => r.iterations as number)),
    residual: Math.max(...residuals),
    residuals,
    converged: rs.every((r) => r.converged === true),
    reason: unfinished.length > 0 ? unfinished[0]! : 'tolerance',
    lipschitz: rs[0]!.lipschitz as number,
    // Per signal, joined in order; the objective sums over signals and the gap is the worst, as one call reports them.
    objectives: rs.flatMap((r) => r.objectives as number[]),
    objective: rs.reduce((s, r) => s + (r.objective as number), 0),
    gaps: rs.flatMap((r) => r.gaps as number[]),
    gap: Math.max(...rs.map((r) => r.gap as number)),
  };
  return result;
};

const unary = (fn: (x: Tensor, o: OptionsBag) => Promise<unknown>): OpEntry =>
  ({ arity: 1, run: (i, o) => fn(i[0]!, o), join: joinTensors });
const binary = (fn: (a: Tensor, b: Tensor, o: OptionsBag) => Promise<unknown>, join: Join | null = joinTensors): OpEntry =>
  ({ arity: 2, run: (i, o) => fn(i[0]!, i[1]!, o), join });

/**
 * The bag, typed as the op's options. Each op validates its own options at run time (they came
 * through JSON, so only the op can tell whether they fit): this restates the type, it checks nothing.
 */
function opts<T extends object>(o: OptionsBag): T {
  return o as T;
}

export const OPS: Readonly<Record<ClusterOpName, OpEntry>> = Object.freeze({
  matmul: binary(async (a, b, o) => matmul(a, b, opts<MatmulOptions>(o))),
  conv2d: binary(async (x, w, o) => conv2d(x, w, opts<Conv2dOptions>(o))),
  maxPool2d: unary(async (x, o) => maxPool2d(x, opts<Pool2dOptions>(o))),
  avgPool2d: unary(async (x, o) => avgPool2d(x, opts<Pool2dOptions>(o))),
  relu: unary(async (x, o) => relu(x, opts<OpOptions>(o))),
  sigmoid: unary(async (x, o) => sigmoid(x, opts<OpOptions>(o))),
  add: binary(async (a, b, o) => add(a, b, opts<OpOptions>(o))),
  sub: binary(async (a, b, o) => sub(a, b, opts<OpOptions>(o))),
  mul: binary(async (a, b, o) => mul(a, b, opts<OpOptions>(o))),
  div: binary(async (a, b, o) => div(a, b, opts<OpOptions>(o))),
  sum: unary(async (x, o) => sum(x, opts<ReduceOptions>(o))),
  mean: unary(async (x, o) => mean(x, opts<ReduceOptions>(o))),
  ridge: binary(async (a, y, o) => ridge(a, y, opts<RidgeOptions>(o))),
  'linalg.cholesky': unary(async (s, o) => linalg.cholesky(s, opts<OpOptions>(o))),
  'linalg.solveSPD': binary(async (s, b, o) => linalg.solveSPD(s, b, opts<OpOptions>(o))),
  'cs.omp': binary(async (a, y, o) => cs.omp(a, y, opts<OmpOptions>(o)), joinOmp),
  'cs.fista': binary(async (a, y, o) => cs.fista(a, y, opts<FistaOptions>(o)), joinFista),
  'cs.chooseLambda': binary(async (a, y, o) => cs.chooseLambda(a, y, opts<ChooseLambdaOptions>(o)), null),
  'cs.relativeError': binary(async (a, b) => cs.relativeError(a, b), null),
  'cs.snr': binary(async (a, b) => cs.snr(a, b), null),
});

/** The op names, for messages. */
export const OP_NAMES = Object.keys(OPS) as ClusterOpName[];

export function isClusterOp(name: unknown): name is ClusterOpName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(OPS, name);
}
