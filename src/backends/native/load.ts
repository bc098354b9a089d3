/**
 * Finds and loads the native addon (`lepton.node`), never throwing: every candidate that fails
 * adds a line to the reason, and the reason ends with the fix. Candidates, in order:
 *   1. an explicit path (`options.path`, else the `LEPTON_NATIVE_ADDON` environment variable);
 *   2. node-gyp-build over the package root: `build/Release`, then `prebuilds/<platform>-<arch>/`;
 *   3. `build/Release/lepton.node` directly (when node-gyp-build itself is missing).
 * The package root is the nearest directory above this file whose package.json is named
 * lepton-compute, so the same code works from `src/` (tests, tsx) and from the bundles in `dist/`.
 * Then `init()` picks the instruction-set path (`LEPTON_NATIVE_ISA=scalar|avx2|avx512` forces one)
 * and hands in the factory of NATIVE_FAILURE errors.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { LeptonError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';
import type { OpName } from '../../plans.js';
import type { FlatLayout } from './flat.js';

export { packageRoot };

/** Arguments of every raw kernel entry: one object of named typed arrays, numbers and choices. */
export type AddonArgs = Record<string, unknown>;

/**
 * The ops of the op table that the native backend composes from other addon entries or runs on
 * the shared js kernels (src/backends/native/index.ts says which): they have no entry of their own.
 */
export const COMPOSED_OPS = ['inv', 'det', 'slogdet', 'lstsq', 'pinv', 'matrixRank', 'triangularSolve', 'fft'] as const;
export type ComposedOp = (typeof COMPOSED_OPS)[number];

/** The ops the addon has an entry for. */
export type NativeEntry = Exclude<OpName, ComposedOp>;

/**
 * The raw addon, as `native/addon.cc` exports it: for every op with an entry an async
 * `<op>(args)` (off the JS thread; its arrays must be on SharedArrayBuffers) and a synchronous
 * twin `<op>Sync(args)`; and the flat form `<op>Flat(meta, ...arrays)` the library calls (flat.ts).
 */
export type NativeAddon = {
  init(options?: { isa?: string; nativeError?: (op: string, message: string) => Error }): { isa: string; available: string };
  isa(): string;
  /** Each op's flat layout (see flat.ts); absent from addons built before the flat form. */
  flatLayouts?(): Partial<Record<NativeEntry, FlatLayout>>;
  /** B (k×n, `b[bOffset + p·bStrides[0] + j·bStrides[1]]`) packed once for matmul's `packedB` (object form only). */
  prepackB?(args: { b: Float32Array | Float64Array; bOffset: number; bStrides: readonly number[]; k: number; n: number }): object;
  /** Frees a prepackB handle's matrix now (absent from addons built before it: the GC frees it). */
  releasePackedB?(handle: object): number;
} & { [K in NativeEntry]: (args: AddonArgs) => Promise<void> } & { [K in NativeEntry as `${K}Sync`]: (args: AddonArgs) => void } & {
  [K in NativeEntry as `${K}Flat`]?: (meta: Float64Array, ...arrays: unknown[]) => void;
};

export type LoadResult =
  | { ok: true; addon: NativeAddon; path: string; isa: string; available: string[] }
  | { ok: false; reason: string };

export interface LoadOptions {
  /** Load exactly this .node file (default: the LEPTON_NATIVE_ADDON environment variable). */
  path?: string;
  /** The package root to search (default: found from this file). */
  root?: string;
  /** Force an instruction-set path (default: the LEPTON_NATIVE_ISA environment variable). */
  isa?: string;
}

const FIX =
  'Build it with "npm rebuild lepton-compute" (npm 11 first needs "npm install-scripts approve lepton-compute"), ' +
  'or "npm run build:native" in a clone; it needs a C++17 compiler, make and python3. Or use another backend';

/** Loads and initialises the addon, or says why it cannot, in one line that names the fix. */
export function loadAddon(options: LoadOptions = {}): LoadResult {
  const failures: string[] = [];
  const env = typeof process === 'object' && process ? process.env : {};
  const explicit = options.path ?? env['LEPTON_NATIVE_ADDON'];
  let found: { addon: NativeAddon; path: string } | undefined;
  let root: string | undefined;
  try {
    root = options.root ?? packageRoot();
    const req = createRequire(join(root ?? process.cwd(), 'package.json'));
    if (explicit) {
      found = attempt(req, resolve(explicit), failures, `${explicit}`);
    } else {
      if (!root) failures.push('the lepton-compute package root was not found above this file');
      else {
        let gypBuild: { resolve(dir: string): string } | undefined;
        try {
          gypBuild = req('node-gyp-build') as { resolve(dir: string): string };
        } catch (e) {
          failures.push(`node-gyp-build is not installed (${firstLine(e)})`);
        }
        if (gypBuild) {
          let file: string | undefined;
          try {
            file = gypBuild.resolve(root);
          } catch (e) {
            failures.push(firstLine(e));
          }
          if (file) found = attempt(req, file, failures, file);
        }
        if (!found) {
          const built = join(root, 'build', 'Release', 'lepton.node');
          if (existsSync(built)) found = attempt(req, built, failures, built);
          else failures.push(`${built} not found`);
        }
      }
    }
  } catch (e) {
    failures.push(firstLine(e));
  }
  if (!found) return { ok: false, reason: `the native addon could not be loaded: ${failures.join('; ')}. ${FIX}.` };
  const { addon, path } = found;
  const forced = options.isa ?? env['LEPTON_NATIVE_ISA'];
  try {
    const { isa, available } = addon.init({
      ...(forced ? { isa: forced } : {}),
      nativeError: (op, message) =>
        new LeptonError('NATIVE_FAILURE', op, message, "Retry with { backend: 'js' }; please report the failure"),
    });
    return { ok: true, addon, path, isa, available: available.split(',') };
  } catch (e) {
    const hint = forced ? 'Unset LEPTON_NATIVE_ISA or set it to a path this machine runs (scalar, avx2 or avx512)' : FIX;
    return { ok: false, reason: `the native addon at ${path} failed to initialise: ${firstLine(e)}. ${hint}.` };
  }
}

function attempt(req: NodeJS.Require, file: string, failures: string[], label: string): { addon: NativeAddon; path: string } | undefined {
  try {
    return { addon: req(file) as NativeAddon, path: file };
  } catch (e) {
    failures.push(`${label}: ${firstLine(e)}`);
    return undefined;
  }
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.trim();
}

