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
const scratch = { meta: new Float64Array(256) };

/** An op's encoder: writes a call's numbers into the reused buffer and returns it. */
export type Encode = (args: AddonArgs) => Float64Array;

interface Field {
  name: string;
  list: boolean;
  choices: Map<string, number> | undefined;
}

function fieldsOf(layout: FlatLayout): Field[] {
  return layout.fields.map((f) => ({
    name: f.name,
    list: f.list,
    choices: f.choices === undefined ? undefined : new Map(f.choices.split('|').map((c, i) => [c, i] as const)),
  }));
}

/** The encoder as a loop over the fields (one keyed load site for every field name: megamorphic). */
function loopEncoder(fields: readonly Field[]): Encode {
  return (args) => {
    let need = fields.length;
    for (const f of fields) if (f.list) need += (args[f.name] as readonly number[] | undefined)?.length ?? 0;
    if (need > scratch.meta.length) scratch.meta = new Float64Array(2 * need);
    const m = scratch.meta;
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
}

/**
 * The same encoder unrolled into one function per op, a load site per field, so that each site
 * sees one name (bench/dispatch.bench.mjs times a call through each). The names come from the
 * addon's own layouts and enter the source as JSON string literals.
 * Undefined where code generation is disallowed (--disallow-code-generation-from-strings).
 */
function unrolledEncoder(fields: readonly Field[]): Encode | undefined {
  const key = (f: Field) => `args[${JSON.stringify(f.name)}]`;
  const lines = [`let need = ${fields.length};`];
  // The loop encoder's statements, field by field (the test holds the two to the same numbers).
  for (const f of fields) if (f.list) lines.push(`need += ${key(f)}?.length ?? 0;`);
  lines.push('if (need > scratch.meta.length) scratch.meta = new Float64Array(2 * need);', 'const m = scratch.meta;', 'let at = 0;', 'let v;');
  fields.forEach((f, i) => {
    lines.push(`v = ${key(f)};`);
    if (f.list) lines.push('{ const n = v ? v.length : 0; m[at++] = n; for (let j = 0; j < n; j++) m[at++] = v[j]; }');
    else if (f.choices) lines.push(`m[at++] = v === undefined ? NaN : (choices[${i}].get(v) ?? -1);`);
    else lines.push("m[at++] = typeof v === 'number' ? v : NaN;");
  });
  lines.push('return m;');
  try {
    const body = new Function('scratch', 'choices', 'args', lines.join('\n')) as (s: typeof scratch, c: readonly (Map<string, number> | undefined)[], a: AddonArgs) => Float64Array;
    const choices = fields.map((f) => f.choices);
    return (args) => body(scratch, choices, args);
  } catch {
    return undefined;
  }
}

/** Both encoders of a layout (the test checks they write the same numbers). */
export function encodersOf(layout: FlatLayout): { loop: Encode; unrolled: Encode | undefined } {
  const fields = fieldsOf(layout);
  return { loop: loopEncoder(fields), unrolled: unrolledEncoder(fields) };
}

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
  const { loop, unrolled } = encodersOf(layout);
  const encode = unrolled ?? loop;
  const names = layout.arrays;
  const entry = found.bind(addon);
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
