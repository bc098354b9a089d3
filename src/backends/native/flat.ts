/**
 * The addon's flat calling form: `<op>Flat(meta, ...arrays)`, where `meta` is one Float64Array
 * holding every number of the call and the typed arrays follow in order. The C++ side reads it
 * without a single property lookup (an object argument costs ~0.3 µs per named field through
 * N-API: 6–8 µs for a 4×4 matmul's seventeen), and this side reuses one `meta` buffer call after
 * call, so a call allocates nothing.
 *
 * The layout (which field sits where, which choices a field has) is the addon's own: `flatLayouts()`
 * returns the layout each op's decoder declares in native/addon.cc, and the encoder here is built
 * from it once per op. The builders in index.ts keep writing the named arguments of the object
 * form (the raw addon's documented surface); the encoder places them. A field the builder leaves
 * out is NaN (absent), a list is its length and then its entries, a choice the index of its option.
 */
import type { AddonArgs, NativeAddon, NativeEntry } from './load.js';

/** One field of an op's flat layout, as the addon describes it. */
export interface FlatField {
  name: string;
  list: boolean;
  /** A choice's options, `|`-separated, in the order whose index the field carries. */
  choices?: string;
}

export interface FlatLayout {
  fields: FlatField[];
  arrays: string[];
}

/** A call of one op's addon entry with its named arguments. */
export type FlatCall = (args: AddonArgs) => void;

type Entry = (meta: Float64Array, ...arrays: unknown[]) => void;

/** Each addon's layouts, read once (the addon builds the whole table on every call). */
const layoutCache = new WeakMap<NativeAddon, Partial<Record<NativeEntry, FlatLayout>> | undefined>();
function layoutsOf(addon: NativeAddon): Partial<Record<NativeEntry, FlatLayout>> | undefined {
  if (!layoutCache.has(addon)) layoutCache.set(addon, typeof addon.flatLayouts === 'function' ? addon.flatLayouts() : undefined);
  return layoutCache.get(addon);
}

/** The one reused argument buffer (grown when a call needs more; lists hold at most 32 entries). */
let meta = new Float64Array(256);

/**
 * The caller of `op`'s flat entry, or of its object entry `<op>Sync` when this addon has no flat
 * form (a prebuild older than the flat form).
 */
export function flatCaller(addon: NativeAddon, op: NativeEntry): FlatCall {
  const layout = layoutsOf(addon)?.[op];
  const found = addon[`${op}Flat`] as Entry | undefined;
  if (!layout || !found) {
    const sync = addon[`${op}Sync`] as (args: AddonArgs) => void;
    return (args) => sync(args);
  }
  const fields = layout.fields.map((f) => ({
    name: f.name,
    list: f.list,
    choices: f.choices === undefined ? undefined : new Map(f.choices.split('|').map((c, i) => [c, i] as const)),
  }));
  const names = layout.arrays;
  const entry = found.bind(addon);
  const encode = (args: AddonArgs): Float64Array => {
    let need = fields.length;
    for (const f of fields) if (f.list) need += (args[f.name] as readonly number[] | undefined)?.length ?? 0;
    if (need > meta.length) meta = new Float64Array(2 * need);
    const m = meta;
    let at = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = args[f.name];
      if (f.list) {
        const list = v as readonly number[] | undefined;
        const n = list ? list.length : 0;
        m[at++] = n;
        for (let j = 0; j < n; j++) m[at++] = list![j]!;
      } else if (f.choices) {
        m[at++] = v === undefined ? NaN : (f.choices.get(v as string) ?? -1);
      } else {
        m[at++] = typeof v === 'number' ? v : NaN;
      }
    }
    return m;
  };
  // Positional calls without a spread (which would allocate an array per call).
  switch (names.length) {
    case 2: {
      const [a0, a1] = names as [string, string];
      return (args) => entry(encode(args), args[a0], args[a1]);
    }
    case 3: {
      const [a0, a1, a2] = names as [string, string, string];
      return (args) => entry(encode(args), args[a0], args[a1], args[a2]);
    }
    case 4: {
      const [a0, a1, a2, a3] = names as [string, string, string, string];
      return (args) => entry(encode(args), args[a0], args[a1], args[a2], args[a3]);
    }
    default:
      return (args) => entry(encode(args), ...names.map((n) => args[n]));
  }
}
