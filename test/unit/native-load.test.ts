/** The native loader never throws: each failure becomes one reason line that names the fix. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSED_OPS, loadAddon, packageRoot } from '../../src/backends/native/load.js';
import { backends } from '../../src/index.js';
import { OP_NAMES } from '../../src/plans.js';

describe('native loader', () => {
  it('finds the package root from its own file', () => {
    expect(packageRoot()).toBe(process.cwd());
  });

  it('a bogus explicit path gives a reason that names the path and the fix', () => {
    const r = loadAddon({ path: '/nonexistent/lepton.node' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain('/nonexistent/lepton.node');
    expect(r.reason).toContain('npm run build:native');
    expect(r.reason.split('\n')).toHaveLength(1);
  });

  it('a file that is not an addon gives a reason, not a throw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lepton-load-'));
    const file = join(dir, 'lepton.node');
    writeFileSync(file, 'not an ELF file');
    const r = loadAddon({ path: file });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/could not be loaded: .*lepton\.node.*npm run build:native/);
  });

  it('a package root without a build or prebuild lists every place it looked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lepton-root-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lepton-compute' }));
    const saved = process.env['LEPTON_NATIVE_ADDON'];
    delete process.env['LEPTON_NATIVE_ADDON'];
    const r = loadAddon({ root: dir });
    if (saved !== undefined) process.env['LEPTON_NATIVE_ADDON'] = saved;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain(join(dir, 'build', 'Release', 'lepton.node'));
    expect(r.reason).toContain('npm run build:native');
  });

  const built = loadAddon();
  describe.skipIf(!built.ok)('with the addon built', () => {
    it('picks an instruction-set path this CPU runs, and can be forced to each', () => {
      if (!built.ok) return;
      expect(built.available).toContain('scalar');
      expect(built.available).toContain(built.isa);
      for (const isa of built.available) {
        const forced = loadAddon({ isa });
        expect(forced.ok && forced.isa).toBe(isa);
      }
      loadAddon(); // back to the best path
    });

    it('an unknown forced path is a reason naming LEPTON_NATIVE_ISA', () => {
      const r = loadAddon({ isa: 'avx9000' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/unknown instruction-set path 'avx9000'.*LEPTON_NATIVE_ISA/);
      loadAddon();
    });

    it("the addon's entry points and flat layouts are the op table's, three entries per op", () => {
      if (!built.ok) return;
      const exported = Object.getOwnPropertyNames(built.addon).filter((k) => typeof (built.addon as unknown as Record<string, unknown>)[k] === 'function').sort();
      // The ops native composes from other entries or runs on the shared js kernels have none.
      const entries = OP_NAMES.filter((op) => !(COMPOSED_OPS as readonly string[]).includes(op));
      const expected = ['init', 'isa', 'prepackB', 'releasePackedB', 'flatLayouts', ...entries.flatMap((op) => [op, `${op}Sync`, `${op}Flat`])].sort();
      expect(exported).toEqual(expected);
      expect(Object.keys(built.addon.flatLayouts!()).sort()).toEqual([...entries].sort());
    });

    it('backends() lists native as available', async () => {
      const native = (await backends()).find((b) => b.name === 'native')!;
      expect(native.available).toBe(true);
      // Every op of the op table (the general linalg ops and the FFTs too: addon entries, composites over them, or the shared js kernels).
      expect([...native.ops].sort()).toEqual([...OP_NAMES].sort());
    });
  });
});
