/**
 * Several outputs through one dispatch: an op whose plan is a PackedPlan gets one flat tensor of
 * [total] elements back from dispatch (its kernel wrote every output into it at the plan's
 * offsets), and `unpack` turns it into the outputs. Float parts are row-major views of the flat
 * tensor (no copy; they share its pending work, so a pool or GPU result stays deferred). Integer
 * parts (pivots, a rank) are stored exactly in the float dtype and come back as int32 tensors,
 * converted once the values are there: at once for a computed result, else when the work settles
 * (a read waits as for any pending tensor).
 */
import type { OutputPart, PackedPlan } from '../plans.js';
import { Tensor, type Pending } from '../tensor.js';

/** The outputs of a packed plan, in the order of `plan.parts`. The flat handle is disposed. */
export function unpack(flat: Tensor, plan: PackedPlan): Tensor[] {
  const out = plan.parts.map((part) => (part.int ? intPart(flat, part) : flat._part(part.shape, part.offset)));
  flat.dispose();
  return out;
}

const toInt32 = (values: ArrayLike<number>): Int32Array => Int32Array.from(values, (v) => Math.round(v));

function intPart(flat: Tensor, part: OutputPart): Tensor {
  const view = flat._part(part.shape, part.offset);
  const pending = view._pending;
  if (view.device === 'cpu' && (!pending || (pending.settled && pending.error === undefined))) {
    const t = new Tensor('int32', part.shape, toInt32(view.dataSync()));
    view.dispose();
    return t;
  }
  const work = new IntWork(view);
  const t = Tensor._deferred('int32', part.shape, view.device, work);
  work.start(t);
  return t;
}

/** Converts a float view to int32 once the work behind it settles, into a deferred tensor. */
class IntWork implements Pending {
  settled = false;
  error: unknown = undefined;
  readonly promise: Promise<void>;
  #resolve!: () => void;
  #view: Tensor;
  #target: Tensor | undefined;

  constructor(view: Tensor) {
    this.#view = view;
    this.promise = new Promise<void>((resolve) => (this.#resolve = resolve));
  }

  start(target: Tensor): void {
    this.#target = target;
    const p = this.#view._pending;
    const ready = p && !p.settled ? p.promise : Promise.resolve();
    void ready.then(async () => {
      if (this.settled) return;
      try {
        const values = toInt32(await this.#view.data());
        const cpu = new Tensor('int32', this.#view.shape, values);
        const result = this.#view.device === 'webgpu' ? await cpu.to('webgpu') : cpu;
        if (!this.settled) this.#finish(undefined, result);
      } catch (e) {
        this.#finish(e);
      }
    });
  }

  #finish(error: unknown, result?: Tensor): void {
    if (this.settled) return;
    if (result) this.#target!._adopt(result);
    this.settled = true;
    this.error = error;
    this.#view.dispose();
    this.#resolve();
  }

  waitSync(op: string): void {
    if (this.settled) return;
    const p = this.#view._pending;
    if (p && !p.settled) p.waitSync(op);
    // The view's own read throws the work's error, or a typed error where it cannot wait.
    try {
      this.#finish(undefined, new Tensor('int32', this.#view.shape, toInt32(this.#view.dataSync())));
    } catch (e) {
      this.#finish(e);
    }
  }
}
