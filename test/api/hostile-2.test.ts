/**
 * Hostile callers, second part (issue 18): creation from holey, huge or shape-shifting data; int32
 * ranges in every creation function; sizes refused up front by every op and plan (the limits of
 * src/limits.ts); rank limits that every backend shares; NaN through every elementwise op on every
 * backend (webgpu where it runs); revoked Proxies as options of every op; solvers given an
 * already-aborted signal. Each case must end in a typed error or the right answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import {
  add,
  arange,
  avgPool2d,
  backends,
  closePool,
  configure,
  conv2d,
  cs,
  eye,
  full,
  LeptonError,
  matmul,
  maxPool2d,
  ones,
  rand,
  randn,
  relu,
  sum,
  tensor,
  Tensor,
  zeros,
  type BackendName,
} from '../../src/index.js';
import { allocating, MAX_ELEMENTS, MAX_RANK } from '../../src/limits.js';

const infos = await backends();
const available = (name: string) => infos.find((b) => b.name === name)?.available === true;
const CPU: BackendName[] = (['js', 'native', 'wasm'] as const).filter(available);
const GPU = available('webgpu');

/** The code of the error `f` throws at the call (or of its deferred work), or 'no error'. */
async function codeOf(f: () => unknown): Promise<string> {
  try {
    const r = f();
    if (Tensor.is(r)) await r.data();
    else if (r instanceof Promise) await r;
  } catch (e) {
    if (e instanceof LeptonError) return e.code;
    return `untyped ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  return 'no error';
}

describe('creation: holes, int32 ranges, huge and shape-shifting data', () => {
  it('nested arrays with holes are refused, not shifted', async () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(await codeOf(() => tensor([1, , 3] as never))).toBe('INVALID_ARGUMENT');
    // eslint-disable-next-line no-sparse-arrays
    expect(await codeOf(() => tensor([[1, 2], [, 4]] as never))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => tensor(new Array(3) as number[]))).toBe('INVALID_ARGUMENT');
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([1, , 3] as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: tensor: data has a hole at data[1] (an empty slot of a sparse array). Fill every entry with a number, e.g. [1, 0, 3] instead of [1, , 3].]`);
    // An explicit undefined is not a number either.
    expect(await codeOf(() => tensor([1, undefined, 3] as never))).toBe('INVALID_ARGUMENT');
    // Regular data still reads right, in order.
    expect(Array.from(tensor([[1, 2], [3, 4]]).dataSync())).toEqual([1, 2, 3, 4]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('int32 values outside [-2^31, 2^31 - 1] are refused by every creation function alike', async () => {
    const int32 = { dtype: 'int32' } as const;
    for (const v of [2 ** 40, 2 ** 31, -(2 ** 31) - 1, 0.5, Number.NaN, Infinity]) {
      expect(await codeOf(() => full([2], v, int32)), `full ${v}`).toBe('INVALID_ARGUMENT');
      expect(await codeOf(() => tensor([v], int32)), `tensor ${v}`).toBe('INVALID_ARGUMENT');
    }
    expect(Array.from(full([2], -(2 ** 31), int32).dataSync())).toEqual([-(2 ** 31), -(2 ** 31)]);
    expect(Array.from(full([1], 2 ** 31 - 1, int32).dataSync())).toEqual([2 ** 31 - 1]);
    expect(await codeOf(() => arange(2 ** 31, 2 ** 31 + 3, 1, int32))).toBe('INVALID_ARGUMENT');
    // The last value leaves the range even though the start does not.
    expect(await codeOf(() => arange(2 ** 31 - 2, 2 ** 31 + 2, 1, int32))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => arange(0, 3, 0.5, int32))).toBe('INVALID_ARGUMENT');
    expect(Array.from(arange(2 ** 31 - 3, 2 ** 31, 1, int32).dataSync())).toEqual([2 ** 31 - 3, 2 ** 31 - 2, 2 ** 31 - 1]);
    expect(Array.from(arange(-(2 ** 31), -(2 ** 31) + 6, 3, int32).dataSync())).toEqual([-(2 ** 31), -(2 ** 31) + 3]);
  });

  it('a nested-array getter, a Proxy or an Array subclass is read once per entry', () => {
    let reads = 0;
    const data: number[][] = [[1, 2], [3, 4]];
    Object.defineProperty(data, 1, { get: () => (++reads === 1 ? [3, 4] : [3, 4, 5]), enumerable: true });
    const t = tensor(data);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    expect(reads).toBe(1);

    // A Proxy that answers differently on each read: every index (and the length) is read once.
    const gets = new Map<PropertyKey, number>();
    const proxy = new Proxy([5, 6, 7], {
      get(target, key, receiver) {
        gets.set(key, (gets.get(key) ?? 0) + 1);
        if (key === 'length') return gets.get(key) === 1 ? 3 : 1000;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(Array.from(tensor(proxy).dataSync())).toEqual([5, 6, 7]);
    expect([gets.get('length'), gets.get('0'), gets.get('1'), gets.get('2')]).toEqual([1, 1, 1, 1]);

    // An Array subclass with a lying iterator: the entries are read by index, not by iteration.
    class Liar extends Array<number> {
      override [Symbol.iterator](): ArrayIterator<number> {
        return [9, 9, 9, 9, 9][Symbol.iterator]();
      }
    }
    const liar = Liar.from([1, 2, 3]) as Liar;
    expect(Array.from(tensor(liar).dataSync())).toEqual([1, 2, 3]);
    expect(zeros(Liar.from([2, 3]) as Liar).shape).toEqual([2, 3]);
  });

  it('a shape whose getter changes between reads gives one consistent shape (never [2, 1.5])', async () => {
    for (const make of [zeros, ones, (s: number[]) => full(s, 7), (s: number[]) => rand(s, { seed: 1 }), (s: number[]) => tensor([1, 2, 3, 4], s)]) {
      let reads = 0;
      const shape = [2, 2];
      Object.defineProperty(shape, 1, { get: () => (++reads === 1 ? 2 : 1.5), enumerable: true });
      const t = make(shape);
      expect(t.shape).toEqual([2, 2]);
      expect(t.size).toBe(4);
      expect(t.dataSync().length).toBe(4);
      expect(reads).toBe(1);
      // Read as 1.5 the first time: refused, typed.
      const bad = [2, 2];
      Object.defineProperty(bad, 1, { get: () => 1.5, enumerable: true });
      expect(await codeOf(() => make(bad))).toBe('INVALID_ARGUMENT');
    }
    let reads = 0;
    const target = [2, 2];
    Object.defineProperty(target, 1, { get: () => (++reads === 1 ? 2 : 1.5), enumerable: true });
    expect(tensor([1, 2, 3, 4]).reshape(target).shape).toEqual([2, 2]);
    expect(reads).toBe(1);
  });

  it('a sparse array of length 2^32 - 1 is refused at once, not walked for minutes', async () => {
    const sparse: number[] = [];
    sparse.length = 2 ** 32 - 1;
    const started = performance.now();
    expect(await codeOf(() => tensor(sparse))).toBe('SHAPE_MISMATCH');
    const holey: number[] = [];
    holey.length = 2 ** 31 - 1;
    holey[0] = 1;
    expect(await codeOf(() => tensor(holey))).toBe('INVALID_ARGUMENT');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('arange with a step too small for the range is refused, typed', async () => {
    expect(await codeOf(() => arange(0, 1, 1e-300))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(() => arange(0, 2 ** 31))).toBe('INVALID_ARGUMENT');
    expect(arange(0, 1, 0.25).dataSync()).toEqual(Float32Array.from([0, 0.25, 0.5, 0.75]));
  });

  it('creation options are own data: dtype or device set on Object.prototype is not picked up', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['dtype'] = 'int32';
    proto['seed'] = 5;
    try {
      expect(zeros([2]).dtype).toBe('float32');
      expect(tensor([1.5]).dtype).toBe('float32');
      expect(eye(2).dtype).toBe('float32');
      expect(arange(3).dtype).toBe('float32');
      expect(rand([3]).dataSync()).not.toEqual(rand([3], { seed: 5 }).dataSync());
    } finally {
      delete proto['dtype'];
      delete proto['seed'];
    }
  });
});

describe('sizes are refused up front, typed, past 2^31 - 1 elements per tensor', () => {
  it('creation: a 100 GB zeros, a 10^10-element full, eye(1e6), rand past the limit', async () => {
    expect(MAX_ELEMENTS).toBe(2 ** 31 - 1);
    expect(await codeOf(() => zeros([25e9]))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => zeros([1e5, 1e5]))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => full([2 ** 31], 1))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => eye(1e6))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => eye(1e5, 1e5))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => randn([2 ** 20, 2 ** 12]))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => zeros([2 ** 53, 2 ** 53]))).toBe('SHAPE_MISMATCH');
    expect(() => zeros([25e9])).toThrowErrorMatchingInlineSnapshot(`[ShapeError: zeros: the tensor would hold 25,000,000,000 elements (shape [25000000000]), more than the limit of 2,147,483,647 (2^31 - 1) elements per tensor. Split the work into smaller pieces.]`);
    expect(await codeOf(() => new Tensor('float32', [2 ** 31], new Float32Array(1)))).toBe('INVALID_ARGUMENT');
  });

  it('scratch past the limit: ridge\'s Gram, full SVD, complete QR, pinv', async () => {
    const wide = zeros([1, 100_000]);
    expect(await codeOf(() => L.ridge(wide, zeros([1, 1]), { lambda: 1, form: 'primal' }))).toBe('SHAPE_MISMATCH');
    const tall = zeros([100_000, 1]);
    expect(await codeOf(() => L.linalg.svd(tall))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => L.linalg.qr(tall, { mode: 'complete' }))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => L.linalg.pinv(tall))).toBe('SHAPE_MISMATCH');
    // The thin forms of the same inputs fit and compute: a zero matrix has singular value 0.
    expect(Array.from(await L.linalg.svd(tall, { fullMatrices: false }).s.data())).toEqual([0]);
    expect(L.linalg.qr(tall).q.shape).toEqual([100_000, 1]);
    // The dual form of the same ridge needs only a 1×1 system: x = Aᵀ(AAᵀ + λI)⁻¹y = 0 for A = 0.
    expect(Array.from((await L.ridge(wide, ones([1, 1]), { lambda: 1, form: 'dual' }).data()).slice(0, 3))).toEqual([0, 0, 0]);
  });

  it('an engine allocation failure under the limit becomes OutOfMemoryError', () => {
    expect(() => allocating('zeros', 2 ** 33, () => {
      throw new RangeError('Array buffer allocation failed');
    })).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY', name: 'OutOfMemoryError' }));
    expect(allocating('zeros', 8, () => 42)).toBe(42);
  });

  for (const backend of [...CPU, ...(GPU ? (['webgpu'] as const) : [])]) {
    it(`ops on ${backend}: a 40 GB matmul output, broadcasts past the limit`, () => opLimits(backend));
  }
});

async function opLimits(backend: BackendName): Promise<void> {
  const gpu = backend === 'webgpu';
  const on = async (t: Tensor) => (gpu ? t.to('webgpu') : t);
  const col = await on(zeros([1e5, 1]));
  const row = await on(zeros([1, 1e5]));
  expect(await codeOf(() => matmul(col, row, { backend }))).toBe('SHAPE_MISMATCH');
  expect(await codeOf(() => add(col, row, { backend }))).toBe('SHAPE_MISMATCH');
  // The same ops at a size that fits still compute.
  const small = matmul(await on(ones([3, 1])), await on(ones([1, 2])), { backend });
  expect(Array.from(await small.data())).toEqual([1, 1, 1, 1, 1, 1]);
}

describe('sizes are refused up front in conv2d and the pools', () => {
  for (const backend of [...CPU, ...(GPU ? (['webgpu'] as const) : [])]) {
    it(`conv2d and the pools on ${backend}: huge padding, stride and dilation are refused, typed`, () => windowLimits(backend));
  }

  it('plan functions refuse the same sizes (planConv2d)', () => {
    expect(() => L.planConv2d(zeros([1, 1, 4, 4]), ones([1, 1, 3, 3]), { padding: 1e9 })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => L.planConv2d(zeros([1, 1, 4, 4]), ones([1, 1, 3, 3]), { dilation: 2 ** 53, padding: 'same' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

async function windowLimits(backend: BackendName): Promise<void> {
  const gpu = backend === 'webgpu';
  const x = gpu ? await zeros([1, 1, 4, 4]).to('webgpu') : zeros([1, 1, 4, 4]);
  const w = gpu ? await ones([1, 1, 3, 3]).to('webgpu') : ones([1, 1, 3, 3]);
  const o = { backend };
  for (const options of [
    { padding: 1e9 }, // an output of 4·10^18 pixels
    { padding: 2 ** 53 },
    { padding: [0, 2 ** 40, 0, 0] as const },
    { stride: 2 ** 53 },
    { stride: [1, 2 ** 53] as const },
    { dilation: 2 ** 53 },
    { dilation: 2 ** 53, padding: 'same' as const }, // was a 5×5 output on js and webgpu
    { dilation: 2 ** 30, padding: 'same' as const }, // a dilated span of 2^31 + 1
  ]) {
    expect(await codeOf(() => conv2d(x, w, { ...options, ...o })), JSON.stringify(options)).toMatch(/^(SHAPE_MISMATCH|INVALID_ARGUMENT)$/);
  }
  expect(await codeOf(() => maxPool2d(x, { kernel: 2, stride: 2 ** 53, ...o }))).toBe('INVALID_ARGUMENT');
  expect(await codeOf(() => avgPool2d(x, { kernel: 2, padding: [1, 1, 2 ** 40, 1], ...o }))).toMatch(/^(SHAPE_MISMATCH|INVALID_ARGUMENT)$/);
  // 'same' with a large dilation that still fits: the output is the input's size (4×4, not 5×5).
  const same = conv2d(x, w, { dilation: 1000, padding: 'same', ...o });
  expect(same.shape).toEqual([1, 1, 4, 4]);
  expect(Array.from(await same.data())).toEqual(new Array(16).fill(0));
  const ramp = gpu ? await arange(16).reshape([1, 1, 4, 4]).to('webgpu') : arange(16).reshape([1, 1, 4, 4]);
  // Dilation 1000 on a 4×4 input: only the centre tap lands inside, so the output is the input.
  expect(Array.from(await conv2d(ramp, w, { dilation: 1000, padding: 'same', ...o }).data())).toEqual(Array.from({ length: 16 }, (_, i) => i));
}

const shape32 = new Array<number>(32).fill(1);
shape32[0] = 3;
shape32[31] = 4;

describe(`rank: at most ${MAX_RANK} dimensions, the same on every backend`, () => {
  it('rank 33 and more is refused at creation, reshape and construction, typed', async () => {
    expect(await codeOf(() => zeros(new Array(33).fill(1)))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => zeros(new Array(40).fill(1)))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => tensor([1, 2], new Array(33).fill(1).map((d, i) => (i === 0 ? 2 : d))))).toBe('SHAPE_MISMATCH');
    let deep: unknown = [1];
    for (let i = 0; i < 33; i++) deep = [deep];
    expect(await codeOf(() => tensor(deep as never))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => zeros([2]).reshape(new Array(33).fill(1).map((d, i) => (i === 0 ? 2 : d))))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => new Tensor('float32', new Array(33).fill(1), new Float32Array(1)))).toBe('INVALID_ARGUMENT');
  });

  for (const backend of CPU) {
    it(`rank 32 computes on ${backend}: a transposed relu, a broadcast add, a sum over an axis`, () => rank32(backend));
  }
});

async function rank32(backend: BackendName): Promise<void> {
  const x = randn(shape32, { seed: 31 });
  const v = x.dataSync(); // [3, 1…1, 4] row-major: v[i * 4 + j]
  const relu32 = await relu(x.transpose(), { backend }).data(); // [4, 1…1, 3]
  const added = await add(x, tensor([10, 20, 30, 40]), { backend }).data();
  const summed = await sum(x, { axis: 31, backend }).data();
  for (let i = 0; i < 3; i++) {
    let s = 0;
    for (let j = 0; j < 4; j++) {
      expect(relu32[j * 3 + i]).toBe(Math.max(0, v[i * 4 + j]!));
      expect(added[i * 4 + j]).toBeCloseTo(v[i * 4 + j]! + 10 * (j + 1), 5);
      s += v[i * 4 + j]!;
    }
    expect(summed[i]).toBeCloseTo(s, 5);
  }
}

// NaN in, NaN out for every float unary function, for maximum/minimum (numpy's, not fmax), for
  // clip, and for the fused relu/sigmoid of matmul and conv2d.
const values = [Number.NaN, 1, -2, 3];
type Aux = { one: Tensor; w: Tensor; zeros: Tensor };
const cases: Array<[string, (t: Tensor, o: { backend: BackendName }, aux: Aux) => Tensor]> = [
    ['relu', (t, o) => L.relu(t, o)], ['sigmoid', (t, o) => L.sigmoid(t, o)], ['exp', (t, o) => L.exp(t, o)],
    ['log', (t, o) => L.log(t, o)], ['log1p', (t, o) => L.log1p(t, o)], ['expm1', (t, o) => L.expm1(t, o)],
    ['sqrt', (t, o) => L.sqrt(t, o)], ['rsqrt', (t, o) => L.rsqrt(t, o)], ['abs', (t, o) => L.abs(t, o)],
    ['neg', (t, o) => L.neg(t, o)], ['sign', (t, o) => L.sign(t, o)], ['square', (t, o) => L.square(t, o)],
    ['tanh', (t, o) => L.tanh(t, o)], ['sin', (t, o) => L.sin(t, o)], ['cos', (t, o) => L.cos(t, o)],
    ['erf', (t, o) => L.erf(t, o)], ['gelu', (t, o) => L.gelu(t, o)], ['softplus', (t, o) => L.softplus(t, o)],
    ['leakyRelu', (t, o) => L.leakyRelu(t, o)], ['clip', (t, o) => L.clip(t, { min: -1, max: 1, ...o })],
    ['maximum', (t, o, aux) => L.maximum(t, aux.zeros, o)], ['minimum', (t, o, aux) => L.minimum(t, aux.zeros, o)],
    ['maximum (NaN second)', (t, o, aux) => L.maximum(aux.zeros, t, o)], ['minimum (NaN second)', (t, o, aux) => L.minimum(aux.zeros, t, o)],
    ['add', (t, o, aux) => L.add(t, aux.zeros, o)], ['mul', (t, o, aux) => L.mul(t, aux.zeros, o)],
    ['matmul + sigmoid', (t, o, aux) => L.matmul(t.reshape([4, 1]), aux.one, { activation: 'sigmoid', ...o })],
    ['matmul + relu', (t, o, aux) => L.matmul(t.reshape([4, 1]), aux.one, { activation: 'relu', ...o })],
    ['conv2d + sigmoid', (t, o, aux) => L.conv2d(t.reshape([1, 1, 2, 2]), aux.w, { activation: 'sigmoid', ...o })],
    ['conv2d + relu', (t, o, aux) => L.conv2d(t.reshape([1, 1, 2, 2]), aux.w, { activation: 'relu', ...o })],
];

describe('NaN passes through the elementwise ops and the fused activations as numpy does', () => {
  for (const backend of [...CPU, ...(GPU ? (['webgpu'] as const) : [])]) it(`on ${backend}`, () => nanThrough(backend));
});

async function nanThrough(backend: BackendName): Promise<void> {
  const on = async (t: Tensor) => (backend === 'webgpu' ? t.to('webgpu') : t);
  const aux = { one: await on(tensor([[1]])), w: await on(tensor([[[[1]]]])), zeros: await on(zeros([4])) };
  for (const [name, f] of cases) {
    const got = await f(await on(tensor(values)), { backend }, aux).data();
    expect(Number.isNaN(got[0]), `${name}(NaN) on ${backend} is ${got[0]}`).toBe(true);
    // The other entries are finite numbers computed as usual (NaN does not leak sideways).
    expect(Array.from(got.slice(1)).every((v) => !Number.isNaN(v)) || name === 'log' || name === 'sqrt' || name === 'rsqrt' || name === 'log1p', name).toBe(true);
  }
}

describe('the same cases on the pool (2 threads, every splittable op split)', () => {
  beforeAll(() => configure({ threads: 2, minFlopsPerPart: 0 }));
  afterAll(async () => {
    await closePool();
    await configure({ threads: 1, minFlopsPerPart: 200_000 });
  });
  for (const backend of CPU.filter((b) => b !== 'wasm')) {
    it(`sizes, windows, rank 32 and NaN, pooled ${backend}`, async () => {
      await opLimits(backend);
      await windowLimits(backend);
      await rank32(backend);
      await nanThrough(backend);
    });
  }
});

describe('a revoked Proxy as options gives a typed error in every op', () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const p = proxy as never;
  const x = tensor([[1, 2], [3, 4]]);
  const img = zeros([1, 1, 4, 4]);
  const spd = tensor([[2, 0], [0, 2]]);
  const calls: Array<[string, () => unknown]> = [
    ['zeros', () => zeros([2], p)], ['ones', () => ones([2], p)], ['full', () => full([2], 1, p)],
    ['tensor', () => tensor([1], p)], ['tensor (shape, options)', () => tensor([1], [1], p)], ['eye', () => eye(2, 2, p)],
    ['arange', () => arange(0, 3, 1, p)], ['rand', () => rand([2], p)], ['randn', () => L.randn([2], p)],
    ['matmul', () => matmul(x, x, p)], ['conv2d', () => conv2d(img, ones([1, 1, 3, 3]), p)],
    ['maxPool2d', () => maxPool2d(img, p)], ['avgPool2d', () => avgPool2d(img, p)],
    ['where', () => L.where(L.greater(x, 2), x, x, p)], ['softmax', () => L.softmax(x, p)], ['logSoftmax', () => L.logSoftmax(x, p)],
    ['batchNorm', () => L.batchNorm(x, tensor([0, 0]), tensor([1, 1]), p)], ['layerNorm', () => L.layerNorm(x, p)],
    ['ridge', () => L.ridge(x, tensor([[1], [2]]), p)], ['fft', () => L.fft(tensor([[1, 0], [2, 0]]), p)],
    ['ifft', () => L.ifft(tensor([[1, 0], [2, 0]]), p)], ['rfft', () => L.rfft(tensor([1, 2, 3, 4]), p)], ['irfft', () => L.irfft(tensor([[1, 0], [2, 0], [1, 0]]), p)],
    ['cholesky', () => L.linalg.cholesky(spd, p)], ['solveSPD', () => L.linalg.solveSPD(spd, tensor([[1], [1]]), p)],
    ['cs.normEstimate', () => cs.normEstimate(x, p)], ['cs.fista', () => cs.fista(x, tensor([1, 2]), p)],
    ['cs.omp', () => cs.omp(x, tensor([1, 2]), p)], ['cs.chooseLambda', () => cs.chooseLambda(x, tensor([1, 2]), p)],
    ['cs.gaussian', () => cs.gaussian(4, 8, p)],
  ];
  for (const name of ['relu', 'sigmoid', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'abs', 'neg', 'sign', 'square', 'tanh', 'sin', 'cos', 'erf', 'gelu', 'softplus', 'leakyRelu', 'clip'] as const) {
    calls.push([name, () => (L[name] as (t: Tensor, o: unknown) => Tensor)(x, p)]);
  }
  for (const name of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
    calls.push([name, () => (L[name] as (a: Tensor, b: Tensor, o: unknown) => Tensor)(x, x, p)]);
  }
  for (const name of ['sum', 'mean', 'max', 'min', 'prod', 'argmax', 'argmin', 'logSumExp', 'variance', 'std', 'norm'] as const) {
    calls.push([name, () => (L[name] as (t: Tensor, o: unknown) => Tensor)(x, p)]);
  }
  for (const name of ['lu', 'qr', 'svd', 'pinv', 'matrixRank', 'inv', 'det', 'slogdet'] as const) {
    const f = (L.linalg as unknown as Record<string, ((t: Tensor, o: unknown) => unknown) | undefined>)[name];
    if (f) calls.push([`linalg.${name}`, () => f(spd, p)]);
  }
  for (const name of ['solve', 'lstsq', 'triangularSolve'] as const) {
    const f = (L.linalg as unknown as Record<string, ((a: Tensor, b: Tensor, o: unknown) => unknown) | undefined>)[name];
    if (f) calls.push([`linalg.${name}`, () => f(spd, tensor([[1], [1]]), p)]);
  }
  // Every op takes options now (the linalg ops { backend, signal } since they go through dispatch).
  it.each(calls)('%s', async (_name, call) => {
    expect(await codeOf(call)).toBe('INVALID_ARGUMENT');
  });
});

describe('solvers given an already-aborted signal stop at once', () => {
  const a = cs.gaussian(8, 16, { seed: 3 });
  const y = randn([8], { seed: 4 });
  for (const [name, run] of [
    ['cs.normEstimate', (signal: AbortSignal) => cs.normEstimate(a, { signal })],
    ['cs.chooseLambda', (signal: AbortSignal) => cs.chooseLambda(a, y, { signal })],
    ['cs.fista', (signal: AbortSignal) => cs.fista(a, y, { lambda: 0.1, signal })],
    ['cs.omp', (signal: AbortSignal) => cs.omp(a, y, { sparsity: 2, signal })],
    ['cs.ridgePath', (signal: AbortSignal) => cs.ridgePath(a, y, { lambdas: [0.1, 1], signal })],
  ] as const) {
    it(name, async () => {
      await expect(Promise.resolve().then(() => run(AbortSignal.abort()) as Promise<unknown>)).rejects.toMatchObject({ name: 'AbortError' });
    });
  }
});
