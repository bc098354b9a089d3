/** The printed and JSON forms of a tensor (src/format.ts), checked against hand-written text. */
import { describe, expect, it } from 'vitest';
import { formatTensor, tensorJson } from '../../src/format.js';

const range = (n: number, f = (i: number) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('formatTensor', () => {
  it('prints a 2-D tensor as numpy does, with dtype, shape and device first', () => {
    expect(formatTensor('float32', [2, 2], new Float32Array([1, 2, 3, 4]), 'cpu')).toBe(
      'Tensor float32 [2, 2] on cpu\n[[1, 2],\n [3, 4]]',
    );
  });

  it('right-aligns one common fixed-point format, with the fewest decimals that show every value', () => {
    expect(formatTensor('float32', [2, 3], new Float32Array([1.5, -2.25, 3, 0.1, 100, -0]), 'cpu')).toBe(
      'Tensor float32 [2, 3] on cpu\n[[  1.50,  -2.25,   3.00],\n [  0.10, 100.00,   0.00]]',
    );
    // float32 rounding (0.1 is 0.100000001…) does not show.
    expect(formatTensor('float32', [1], new Float32Array([0.1]), 'cpu')).toBe('Tensor float32 [1] on cpu\n[0.1]');
    // At most four decimals.
    expect(formatTensor('float64', [2], [Math.PI, 1], 'cpu')).toBe('Tensor float64 [2] on cpu\n[3.1416, 1.0000]');
  });

  it('separates the 2-D blocks of a 3-D tensor by a blank line', () => {
    expect(formatTensor('float64', [2, 2, 2], range(8, (i) => i + 1), 'cpu')).toBe(
      'Tensor float64 [2, 2, 2] on cpu\n[[[1, 2],\n  [3, 4]],\n\n [[5, 6],\n  [7, 8]]]',
    );
  });

  it('prints scalars, size-1 and empty tensors', () => {
    expect(formatTensor('int32', [], new Int32Array([7]), 'cpu')).toBe('Tensor int32 [] on cpu\n7');
    expect(formatTensor('float32', [1, 1], [2.5], 'cpu')).toBe('Tensor float32 [1, 1] on cpu\n[[2.5]]');
    expect(formatTensor('float32', [0], [], 'cpu')).toBe('Tensor float32 [0] on cpu\n[]');
    expect(formatTensor('float32', [0, 3], [], 'cpu')).toBe('Tensor float32 [0, 3] on cpu\n[]');
    expect(formatTensor('float32', [2, 0], [], 'cpu')).toBe('Tensor float32 [2, 0] on cpu\n[[]]');
  });

  it('uses exponent notation for tiny or huge magnitudes, and names NaN and infinities', () => {
    expect(formatTensor('float32', [3], [1e-6, 1, NaN], 'cpu')).toBe('Tensor float32 [3] on cpu\n[1.0000e-6, 1.0000e+0,       NaN]');
    expect(formatTensor('float64', [2], [2.5e9, -1.5], 'cpu')).toBe('Tensor float64 [2] on cpu\n[ 2.5000e+9, -1.5000e+0]');
    // Whole floats print as integers (the header says the dtype).
    expect(formatTensor('float64', [2], [2.5e9, -1], 'cpu')).toBe('Tensor float64 [2] on cpu\n[2500000000,         -1]');
    expect(formatTensor('float64', [3], [Infinity, -Infinity, 0.5], 'cpu')).toBe('Tensor float64 [3] on cpu\n[ Inf, -Inf,  0.5]');
    expect(formatTensor('int32', [3], new Int32Array([-2147483648, 0, 5]), 'cpu')).toBe(
      'Tensor int32 [3] on cpu\n[-2147483648,           0,           5]',
    );
  });

  it('summarises every long axis past 1000 elements with the first and last three', () => {
    expect(formatTensor('float32', [30, 40], range(1200), 'cpu')).toBe(
      [
        'Tensor float32 [30, 40] on cpu',
        '[[   0,    1,    2, …,   37,   38,   39],',
        ' [  40,   41,   42, …,   77,   78,   79],',
        ' [  80,   81,   82, …,  117,  118,  119],',
        ' …,',
        ' [1080, 1081, 1082, …, 1117, 1118, 1119],',
        ' [1120, 1121, 1122, …, 1157, 1158, 1159],',
        ' [1160, 1161, 1162, …, 1197, 1198, 1199]]',
      ].join('\n'),
    );
    // 1000 elements exactly: all shown (wrapped), no summary.
    const full = formatTensor('int32', [1000], range(1000), 'cpu');
    expect(full).not.toContain('…');
    expect(full.split('\n').every((l) => l.length <= 75)).toBe(true);
    expect(full).toContain(' 999]');
    // A short axis of a big tensor is kept whole; the long one is cut.
    const tall = formatTensor('float32', [2000, 2], range(4000), 'cpu');
    expect(tall.split('\n')).toEqual([
      'Tensor float32 [2000, 2] on cpu',
      '[[   0,    1],',
      ' [   2,    3],',
      ' [   4,    5],',
      ' …,',
      ' [3994, 3995],',
      ' [3996, 3997],',
      ' [3998, 3999]]',
    ]);
  });

  it('wraps a long row at 75 characters, continuation lines indented under the first value', () => {
    expect(formatTensor('float32', [30], range(30, (i) => i * 1.5), 'cpu')).toBe(
      [
        'Tensor float32 [30] on cpu',
        '[ 0.0,  1.5,  3.0,  4.5,  6.0,  7.5,  9.0, 10.5, 12.0, 13.5, 15.0, 16.5,',
        ' 18.0, 19.5, 21.0, 22.5, 24.0, 25.5, 27.0, 28.5, 30.0, 31.5, 33.0, 34.5,',
        ' 36.0, 37.5, 39.0, 40.5, 42.0, 43.5]',
      ].join('\n'),
    );
  });

  it('says where the values are when it has none', () => {
    expect(formatTensor('float32', [2, 2], undefined, 'webgpu')).toBe(
      'Tensor float32 [2, 2] on webgpu (values on webgpu: await t.data() to read them)',
    );
    expect(formatTensor('float64', [3], undefined, 'cpu')).toBe('Tensor float64 [3] on cpu (values pending: await t.data() to read them)');
    expect(formatTensor('float32', [3], [1, 2, 3], 'cpu', { disposed: true })).toBe('Tensor float32 [3] on cpu (disposed)');
  });

  it('takes numpy-like options', () => {
    expect(formatTensor('int32', [10], range(10), 'cpu', { threshold: 5, edgeItems: 2 })).toBe('Tensor int32 [10] on cpu\n[0, 1, …, 8, 9]');
    expect(formatTensor('float64', [1], [Math.E], 'cpu', { precision: 2 })).toBe('Tensor float64 [1] on cpu\n[2.72]');
  });
});

describe('tensorJson', () => {
  it('is dtype, shape and the flat row-major values, and survives JSON', () => {
    const j = tensorJson('int32', [2, 2], new Int32Array([1, 2, 3, 4]));
    expect(j).toEqual({ dtype: 'int32', shape: [2, 2], data: [1, 2, 3, 4] });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(tensorJson('float32', [], new Float32Array([0.5]))).toEqual({ dtype: 'float32', shape: [], data: [0.5] });
    expect(tensorJson('float64', [0, 2], new Float64Array(0))).toEqual({ dtype: 'float64', shape: [0, 2], data: [] });
  });
});
