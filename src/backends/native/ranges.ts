/**
 * The native range kernels by op name, for pool workers: each worker thread loads its own addon
 * instance (the addon is context-aware) and runs the synchronous entry on its rows.
 */
import type { TypedArray } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import type { RangeOp } from '../js/ranges.js';
import { binaryArgs, conv2dArgs, matmulArgs, nativeAddon, pool2dArgs, unaryArgs } from './index.js';
import type { AddonArgs } from './load.js';

export type NativeRanges = (op: RangeOp, plan: unknown, inputs: Tensor[], out: TypedArray, begin: number, end: number) => void;

type ArgsBuilder = (plan: never, inputs: never, out: TypedArray, begin: number, end: number) => AddonArgs;

const BUILDERS: Readonly<Record<RangeOp, ArgsBuilder>> = {
  matmul: matmulArgs as ArgsBuilder,
  conv2d: conv2dArgs as ArgsBuilder,
  pool2d: pool2dArgs as ArgsBuilder,
  unary: unaryArgs as ArgsBuilder,
  binary: binaryArgs as ArgsBuilder,
};

/** Loads the addon on this thread; throws (failing the part) when it cannot load here. */
export function nativeRanges(): NativeRanges {
  const loaded = nativeAddon();
  if (!loaded.ok) throw new Error(`the native addon does not load in this worker: ${loaded.reason}`);
  const addon = loaded.addon;
  return (op, plan, inputs, out, begin, end) => {
    const build = BUILDERS[op] as (plan: unknown, inputs: Tensor[], out: TypedArray, begin: number, end: number) => AddonArgs;
    addon[`${op}Sync`](build(plan, inputs, out, begin, end));
  };
}
