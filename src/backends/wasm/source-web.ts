/**
 * Where the wasm module's bytes come from outside Node (`#wasm-source`, the `default` condition):
 * fetched lazily, on the backend's first probe, from `dist/wasm/<name>` beside the browser bundle
 * (`../wasm/` relative to dist/browser/lepton.js), so the bundle's own size does not change.
 * Never throws: a failed fetch is a reason with the fix.
 */
export type ModuleBytes = { ok: true; bytes: Uint8Array; from: string } | { ok: false; reason: string };

/** Fetches the module file `name` (e.g. "lepton.wasm"). */
export async function moduleBytes(name: string): Promise<ModuleBytes> {
  let url: URL;
  try {
    url = new URL(`../wasm/${name}`, import.meta.url);
  } catch (e) {
    return { ok: false, reason: `the module URL could not be formed from ${import.meta.url} (${String(e)})` };
  }
  try {
    const res = await fetch(url);
    if (!res.ok) {
      return { ok: false, reason: `fetching ${url.href} answered ${res.status} ${res.statusText}. Serve dist/wasm/ beside dist/browser/, or use another backend` };
    }
    return { ok: true, bytes: new Uint8Array(await res.arrayBuffer()), from: url.href };
  } catch (e) {
    return { ok: false, reason: `fetching ${url.href} failed (${String(e)}). Serve dist/wasm/ beside dist/browser/, or use another backend` };
  }
}
