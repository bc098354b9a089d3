/**
 * The packed forms of the tensors `prepack()` returns: which matrix was packed (the tensor's own
 * view of its storage, and whether matmul reads it transposed), and the packs backends make of it
 * on first use (the native addon's prepackB handle). A backend asks `packedFormOf(b)` for its B
 * operand; a tensor prepack did not make, or another view of the same storage, has none.
 *
 * Forms are keyed by the tensor's storage allocation (Tensor._storeKey): its views and the
 * aliases dispatch holds share it, no other tensor ever gets it (the CPU pool hands a freed buffer
 * out again under a new store), and a form dies with it (a WeakMap), so an undisposed tensor that
 * is garbage-collected takes its packs along (the addon frees a handle when it is collected).
 * `dispose()` of prepack's tensor frees them at once.
 *
 * Why a pack cannot go stale: tensors are immutable through the API, and prepack's tensor is a
 * copy the library made for it (its storage written once, by that copy, before any op can read it:
 * dispatch runs a kernel only after its inputs have settled). Ops write only fresh outputs;
 * `tensor()` copies a caller's array in; a tensor wrapping a caller's array (`new Tensor(…)`),
 * which the caller could still write, is never the one prepack returns: prepack copies it too.
 * The one way to change its values would be writing through `t.storage`, the kernels' read access,
 * which no documented use does.
 */
import { Tensor } from './tensor.js';

/** A backend's pack of one form (e.g. the native addon's handle), made on first use. */
export interface BackendPack {
  readonly handle: unknown;
  /** What the pack is valid for (native: the instruction-set path it was packed for). */
  readonly key: string;
  /** Frees the pack now (idempotent). */
  free(): void;
}

export interface PackedForm {
  /** matmul reads the tensor as op(B) = Bᵀ (packed for `{ transB: true }`). */
  readonly transB: boolean;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  /** Each backend's pack, by backend name. */
  readonly packs: Map<string, BackendPack>;
  released: boolean;
}

const forms = new WeakMap<object, PackedForm>();

/** Makes `t` (a CPU tensor prepack has just copied) a packed operand; disposing it frees its packs. */
export function markPacked(t: Tensor, transB: boolean): void {
  const key = Tensor._storeKey(t);
  if (!key) return;
  const form: PackedForm = { transB, shape: t.shape, strides: t.strides, offset: t.offset, packs: new Map(), released: false };
  forms.set(key, form);
  Tensor._whenDisposed(t, () => releasePacked(form));
}

/** The live packed form of exactly this view (prepack's tensor or an alias of it), if any. */
export function packedFormOf(t: Tensor | undefined): PackedForm | undefined {
  if (!t) return undefined;
  const key = Tensor._storeKey(t);
  const form = key && forms.get(key);
  if (!form || form.released || form.offset !== t.offset) return undefined;
  const { shape, strides } = t;
  for (let i = 0; i < shape.length; i++) if (shape[i] !== form.shape[i] || strides[i] !== form.strides[i]) return undefined;
  return shape.length === form.shape.length ? form : undefined;
}

/** Frees every pack of `form`; later lookups find none. */
export function releasePacked(form: PackedForm): void {
  form.released = true;
  for (const pack of form.packs.values()) pack.free();
  form.packs.clear();
}
