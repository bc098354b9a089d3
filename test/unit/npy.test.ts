/**
 * .npy reading and writing (src/npy.ts, src/npy-node.ts) against files numpy wrote
 * (test/fixtures/npy/, made by make.py there) and, where python3 with numpy is installed, against
 * numpy reading what we write. Under CI numpy must be present.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromNpy, load, readNpyHeader, save, tensor, toNpy, type Tensor } from '../../src/index.js';
import { settled } from '../util/settled.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'npy');
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const values = async (t: Tensor): Promise<number[]> => Array.from(await t.data());

// What make.py saved: a = arange(1, 13).reshape(3, 4) / 8 - 0.5, ints = arange(12).reshape(3, 4) * 7 - 40.
const A = Array.from({ length: 12 }, (_, i) => (i + 1) / 8 - 0.5);
const INTS = Array.from({ length: 12 }, (_, i) => i * 7 - 40);

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const numpy = hasNumpy();
const CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

describe('fromNpy reads what numpy wrote', () => {
  it.each([
    ['f4-c.npy', 'float32', A],
    ['f8-c.npy', 'float64', A],
    ['i4-c.npy', 'int32', INTS],
    ['f4-be.npy', 'float32', A],
    ['f8-be.npy', 'float64', A],
    ['i4-be.npy', 'int32', INTS],
    ['f4-v2.npy', 'float32', A],
    ['f4-v3.npy', 'float32', A],
  ] as const)('%s', async (file, dtype, expected) => {
    const t = fromNpy(bytes(file));
    expect(t.dtype).toBe(dtype);
    expect(t.shape).toEqual([3, 4]);
    expect(await values(t)).toEqual(expected);
  });

  it('reads the header: version, byte order, order, shape', () => {
    expect(readNpyHeader(bytes('f4-be.npy'))).toMatchObject({ version: [1, 0], dtype: 'float32', littleEndian: false, fortranOrder: false, shape: [3, 4] });
    expect(readNpyHeader(bytes('f4-v3.npy')).version).toEqual([3, 0]);
    expect(readNpyHeader(bytes('f8-fortran.npy')).fortranOrder).toBe(true);
    // numpy aligns the data to 64 bytes.
    expect(readNpyHeader(bytes('f4-c.npy')).dataOffset % 64).toBe(0);
  });

  it('transposes Fortran-order data into row-major', async () => {
    const t = fromNpy(bytes('f8-fortran.npy'));
    expect(t.shape).toEqual([3, 4]);
    expect(await values(t)).toEqual(A);
    const u = fromNpy(bytes('i4-fortran-3d.npy'));
    expect(u.shape).toEqual([2, 3, 5]);
    expect(await values(u)).toEqual(Array.from({ length: 30 }, (_, i) => i - 7));
  });

  it('reads a scalar, a one-element and an empty array', async () => {
    const s = fromNpy(bytes('f8-scalar.npy'));
    expect(s.shape).toEqual([]);
    expect(await values(s)).toEqual([2.5]);
    const one = fromNpy(bytes('f4-one.npy'));
    expect(one.shape).toEqual([1]);
    expect(await values(one)).toEqual([3.25]);
    const empty = fromNpy(bytes('f4-empty.npy'));
    expect(empty.shape).toEqual([0, 3]);
    expect(empty.size).toBe(0);
  });

  it('keeps NaN, infinities, -0, subnormals and extremes bit for bit', async () => {
    const v = await values(fromNpy(bytes('f8-special.npy')));
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308]);
    expect(Object.is(v[3], -0)).toBe(true);
    expect(await values(fromNpy(bytes('i4-extremes.npy')))).toEqual([-(2 ** 31), 2 ** 31 - 1, 0]);
  });

  it('refuses other dtypes, other files and cut files with the fix', () => {
    expect(() => fromNpy(bytes('i8.npy'))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: fromNpy: dtype '<i8' is not float32, float64 or int32 (numpy writes those as '<f4', '<f8', '<i4'). Save it from numpy with np.save(path, arr) (arr.astype(np.float32), np.float64 or np.int32 as needed).]`,
    );
    expect(() => fromNpy(bytes('structured.npy'))).toThrow(/structured dtype/);
    expect(() => fromNpy(new TextEncoder().encode('not numpy at all'))).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: fromNpy: the bytes are not an .npy file (no \\x93NUMPY magic at the start); received 16 bytes. Pass the contents of a file np.save wrote (.npz archives hold several .npy files: unzip them first).]`,
    );
    const whole = bytes('f8-c.npy');
    expect(() => fromNpy(whole.subarray(0, whole.length - 8))).toThrow(/needs 96 bytes of data but the file holds 88/);
    expect(() => fromNpy(whole.subarray(0, 40))).toThrow(/header says it is 118 bytes long/);
    expect(() => fromNpy(whole.buffer as unknown as Uint8Array)).toThrow(/bytes must be a Uint8Array; received an ArrayBuffer/);
    for (const f of ['i8.npy', 'structured.npy']) {
      try {
        fromNpy(bytes(f));
      } catch (e) {
        expect((e as { code: string }).code).toBe('INVALID_ARGUMENT');
      }
    }
  });

  it('reads from a Uint8Array that is a window on a larger buffer', async () => {
    const file = bytes('f4-c.npy');
    const big = new Uint8Array(file.length + 13);
    big.set(file, 5);
    expect(await values(fromNpy(big.subarray(5, 5 + file.length)))).toEqual(A);
  });
});

describe('toNpy', () => {
  it('writes the bytes numpy writes for the same C-order little-endian array', () => {
    const t = tensor(A, [3, 4], { dtype: 'float32' });
    expect(Array.from(toNpy(t))).toEqual(Array.from(bytes('f4-c.npy')));
    expect(Array.from(toNpy(tensor(A, [3, 4], { dtype: 'float64' })))).toEqual(Array.from(bytes('f8-c.npy')));
    expect(Array.from(toNpy(tensor(INTS, [3, 4], { dtype: 'int32' })))).toEqual(Array.from(bytes('i4-c.npy')));
    expect(Array.from(toNpy(tensor([2.5], [], { dtype: 'float64' })))).toEqual(Array.from(bytes('f8-scalar.npy')));
    expect(Array.from(toNpy(tensor([3.25], [1], { dtype: 'float32' })))).toEqual(Array.from(bytes('f4-one.npy')));
  });

  it('round-trips views (transposed) in row-major order, and empty tensors', async () => {
    const t = tensor(INTS, [3, 4], { dtype: 'int32' }).transpose();
    const back = fromNpy(toNpy(t));
    expect(back.shape).toEqual([4, 3]);
    expect(await values(back)).toEqual(Array.from(await t.data()));
    const e = fromNpy(toNpy(tensor([], [0, 7], { dtype: 'float64' })));
    expect(e.shape).toEqual([0, 7]);
  });

  it('says what it wants when given no tensor', () => {
    expect(() => toNpy([1, 2] as unknown as Tensor)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: toNpy: t must be a Tensor; received an array. Create one with tensor(values).]`,
    );
  });
});

describe('load and save (Node)', () => {
  const work = mkdtempSync(join(tmpdir(), 'lepton-npy-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('load reads numpy files, save writes files load reads back', async () => {
    const t = await load(join(dir, 'f8-fortran.npy'));
    expect(await values(t)).toEqual(A);
    const path = join(work, 'x.npy');
    await save(path, t);
    expect(await values(await load(path))).toEqual(A);
    await expect(settled(() => load(join(work, 'missing.npy')))).rejects.toThrow(/ENOENT/);
    await expect(settled(() => load(42 as unknown as string))).rejects.toThrow(/path must be a string or a file URL; received number/);
  });

  it.skipIf(!numpy && !CI)('numpy reads what save wrote, values and dtype exact (needs python3 with numpy)', async () => {
    const cases: [string, Tensor][] = [
      ['f4', tensor(A, [3, 4], { dtype: 'float32' })],
      ['f8', tensor([NaN, -0, 1e-310, Math.PI, -Infinity], [5], { dtype: 'float64' })],
      ['i4', tensor(Array.from({ length: 30 }, (_, i) => i * 1000003 - 2 ** 30), [2, 3, 5], { dtype: 'int32' })],
    ];
    for (const [name, t] of cases) await save(join(work, `${name}.npy`), t);
    const script = [
      'import json, sys, numpy as np',
      'out = {}',
      'for name in ["f4", "f8", "i4"]:',
      '    a = np.load(sys.argv[1] + "/" + name + ".npy")',
      '    out[name] = [a.dtype.str, list(a.shape), [repr(float(x)) if a.dtype.kind == "f" else int(x) for x in a.ravel()]]',
      'print(json.dumps(out))',
    ].join('\n');
    const got = JSON.parse(execFileSync('python3', ['-c', script, work], { encoding: 'utf8' })) as Record<string, [string, number[], (string | number)[]]>;
    expect(got['f4']![0]).toBe('<f4');
    expect(got['f4']![1]).toEqual([3, 4]);
    expect(got['f4']![2].map(Number)).toEqual(A);
    expect(got['f8']![0]).toBe('<f8');
    expect(got['f8']![2]).toEqual(['nan', '-0.0', '1e-310', '3.141592653589793', '-inf']);
    expect(got['i4']![0]).toBe('<i4');
    expect(got['i4']![1]).toEqual([2, 3, 5]);
    expect(got['i4']![2]).toEqual(Array.from({ length: 30 }, (_, i) => i * 1000003 - 2 ** 30));
  });
});
