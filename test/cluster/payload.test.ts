/**
 * The cluster's parts that need no Redis: the tensor wire format and its checksum, slicing and
 * joining along an axis, rebuilding errors by name, and connect() with no Redis (the embedded
 * cluster), each against hand-derived values or the local op.
 */
import { describe, expect, it } from 'vitest';
import { connect, PayloadError } from '../../src/cluster/index.js';
import { fromErrorRecord, toErrorRecord } from '../../src/cluster/errors.js';
import { concatAxis, decodeTensor, encodeTensor, sha256, sliceAxis, type Dense } from '../../src/cluster/payload.js';
import { Keys, decodeNotice, encodeNotice, prepare, verify, type PartRecord } from '../../src/cluster/store.js';
import { BackendUnavailableError, InvalidArgumentError, ShapeError, cs, randn, tensor, type Tensor } from '../../src/index.js';
import { refMatmul } from '../reference/matmul.js';
import { expectClose, tol } from '../util/close.js';

function dense(shape: number[], dtype: Dense['dtype'] = 'float64'): Dense {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : new Int32Array(size);
  for (let i = 0; i < size; i++) data[i] = dtype === 'int32' ? i - 3 : i * 0.5 - 1.25;
  return { dtype, shape, data };
}

async function same(a: Tensor, b: Tensor): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
}

describe('cluster payload format', () => {
  it.each([
    { shape: [], dtype: 'float32' as const },
    { shape: [1], dtype: 'float64' as const },
    { shape: [7, 13], dtype: 'float32' as const },
    { shape: [3, 0, 5], dtype: 'int32' as const },
    { shape: [2, 3, 5, 7], dtype: 'float64' as const },
  ])('round-trips $dtype $shape bit for bit', ({ shape, dtype }) => {
    const d = dense(shape, dtype);
    const bytes = encodeTensor(d);
    // 'LPT1', dtype, rank, 2 zero bytes, dims, padding to 8, then the elements.
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('LPT1');
    const head = Math.ceil((8 + 4 * shape.length) / 8) * 8;
    expect(bytes.byteLength).toBe(head + d.data.byteLength);
    const back = decodeTensor(bytes);
    expect(back.dtype).toBe(dtype);
    expect(back.shape).toEqual(shape);
    expect(Array.from(back.data)).toEqual(Array.from(d.data));
  });

  it('decodes from an unaligned offset (a slice of a socket buffer)', () => {
    const bytes = encodeTensor(dense([3, 2]));
    const shifted = Buffer.alloc(bytes.byteLength + 3);
    bytes.copy(shifted, 3);
    expect(Array.from(decodeTensor(shifted.subarray(3)).data)).toEqual(Array.from(dense([3, 2]).data));
  });

  it('names a payload by its sha256 and rejects changed bytes with PAYLOAD_CORRUPT', () => {
    const keys = new Keys('q');
    const u = prepare(keys, dense([4, 4]));
    expect(u.ref.sha256).toBe(sha256(u.bytes));
    expect(u.ref.key).toBe(`lepton:q:t:${u.ref.sha256}`);
    expect(verify(u.bytes, u.ref, 'test').shape).toEqual([4, 4]);
    const bad = Buffer.from(u.bytes);
    bad[bad.length - 1] ^= 0x80;
    const err = (() => {
      try {
        verify(bad, u.ref, 'cs.omp');
      } catch (e) {
        return e;
      }
      return undefined;
    })() as PayloadError;
    expect(err).toBeInstanceOf(PayloadError);
    expect(err.code).toBe('PAYLOAD_CORRUPT');
    expect(err.message).toMatch(/^cs\.omp: tensor payload lepton:q:t:[0-9a-f]{64} fails its checksum: expected sha256 [0-9a-f]{64}; received [0-9a-f]{64} \(144 bytes\)\. Something overwrote the key; submit the call again\.$/);
  });

  it('rejects a malformed payload with PAYLOAD_CORRUPT', () => {
    const bytes = encodeTensor(dense([2, 2]));
    expect(() => decodeTensor(bytes.subarray(0, bytes.length - 8))).toThrow(expect.objectContaining({ code: 'PAYLOAD_CORRUPT' }));
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 0;
    expect(() => decodeTensor(wrongMagic)).toThrow(/magic bytes are not LPT1/);
  });
});

describe('cluster slicing and joining', () => {
  it('slices [2, 5, 3] along axis 1 into hand-checked blocks, and joins them back', () => {
    const d = dense([2, 5, 3], 'int32'); // values i - 3, i = 0..29
    const s = sliceAxis(d, 1, 1, 3);
    expect(s.shape).toEqual([2, 2, 3]);
    // rows 1..2 of each of the 2 outer blocks: elements 3..8 and 18..23
    expect(Array.from(s.data)).toEqual([0, 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20]);
    const parts = [sliceAxis(d, 1, 0, 1), s, sliceAxis(d, 1, 3, 5)];
    const joined = concatAxis(parts, 1);
    expect(joined.shape).toEqual([2, 5, 3]);
    expect(Array.from(joined.data)).toEqual(Array.from(d.data));
  });

  it.each([0, 1, 2])('slices of 2 along axis %i of a [3, 7, 5] tensor join to the original', (axis) => {
    const d = dense([3, 7, 5]);
    const parts: Dense[] = [];
    for (let b = 0; b < d.shape[axis]!; b += 2) parts.push(sliceAxis(d, axis, b, Math.min(d.shape[axis]!, b + 2)));
    expect(Array.from(concatAxis(parts, axis).data)).toEqual(Array.from(d.data));
  });

  it('refuses parts that do not join, naming the fix', () => {
    expect(() => concatAxis([dense([2, 3]), dense([3, 3])], 1)).toThrow(/Give split\.outputAxis/);
  });
});

describe('cluster errors travel by name', () => {
  it.each([
    new ShapeError('matmul', 'inner dimensions differ; received [2,3] and [4,5]', 'Transpose one operand'),
    new InvalidArgumentError('cs.omp', 'sparsity must be a positive integer; received 0'),
    new BackendUnavailableError('conv2d', 'no kernel', undefined, 'UNSUPPORTED_OP'),
    new PayloadError('PAYLOAD_MISSING', 'cluster', 'gone; received nothing'),
    new InvalidArgumentError(undefined, 'no op prefix'),
  ])('$name $code comes back as the same class, code, op and message', (original) => {
    const back = fromErrorRecord(JSON.parse(JSON.stringify(toErrorRecord(original))));
    expect(back.constructor).toBe(original.constructor);
    expect(back.name).toBe(original.name);
    expect(back.code).toBe(original.code);
    expect(back.op).toBe(original.op);
    expect(back.message).toBe(original.message);
  });
});

describe('cluster notices', () => {
  it('carry the record and its inlined payloads byte for byte, and refuse what is not one', () => {
    const keys = new Keys('q');
    const a = prepare(keys, dense([2, 3]));
    const b = prepare(keys, dense([5], 'int32'));
    const record: PartRecord = { ok: true, value: { x: { $tensor: a.ref }, y: [{ $tensor: b.ref }, 7] }, worker: 'w1' };
    const message = encodeNotice('call-1', 4, { record }, [a, b]);
    const notice = decodeNotice(message)!;
    expect(notice.callId).toBe('call-1');
    expect(notice.part).toBe(4);
    expect(notice.record).toEqual(record);
    expect([...notice.inline.keys()]).toEqual([a.ref.key, b.ref.key]);
    expect(Buffer.compare(notice.inline.get(a.ref.key)!, a.bytes)).toBe(0);
    expect(Array.from(verify(notice.inline.get(b.ref.key)!, b.ref, 'relu').data)).toEqual([-3, -2, -1, 0, 1]);

    const failed = decodeNotice(encodeNotice('call-2', 0, { failed: 'TypeError: boom' }))!;
    expect(failed.record).toBeUndefined();
    expect(failed.failed).toBe('TypeError: boom');
    expect(failed.inline.size).toBe(0);

    expect(decodeNotice(Buffer.from('no newline'))).toBeUndefined();
    expect(decodeNotice(Buffer.from('{not json\n'))).toBeUndefined();
    expect(decodeNotice(Buffer.from('{"callId":1,"part":0,"inline":[]}\n'))).toBeUndefined();
    // A payload cut short: the notice is refused, so the result is read from Redis instead.
    expect(decodeNotice(message.subarray(0, message.byteLength - 1))).toBeUndefined();
  });
});

describe('connect() with no Redis: the embedded cluster', () => {
  it('map of cs.omp over column blocks equals one local call, with progress per part', async () => {
    const c = await connect();
    expect(c.mode).toBe('embedded');
    const A = randn([16, 40], { seed: 1, dtype: 'float64' });
    const Y = randn([16, 11], { seed: 2, dtype: 'float64' });
    const seen: number[] = [];
    c.on('progress', ({ done, total }) => {
      expect(total).toBe(3);
      seen.push(done);
    });
    const got = await c.map('cs.omp', [A, Y], { sparsity: 5 }, { split: { input: 1, axis: 1, size: 4 } });
    const local = await cs.omp(A, Y, { sparsity: 5 });
    await same(got.x, local.x);
    expect(got.supports).toEqual(local.supports);
    expect(got.residuals).toEqual(local.residuals);
    expect(seen).toEqual([1, 2, 3]);
    expect(await c.stats()).toEqual({ queued: 0, active: 0, completed: 3, failed: 0, workers: [] });
    await c.close();
  });

  it('matmul by row blocks (a prime row count, blocks of 4) matches the float64 reference', async () => {
    const c = await connect();
    const a = randn([13, 7], { seed: 3 });
    const b = randn([7, 5], { seed: 4 });
    const ref = async (x: Tensor) => ({ data: Float64Array.from(await x.data()), shape: [...x.shape] });
    await expectClose(await c.run('matmul', [a, b], {}, { split: { input: 0, axis: 0, size: 4 } }),
      refMatmul(await ref(a), await ref(b)), tol('float32', 7), 'row blocks');
    // transB: b's rows are the result's columns, so the join axis is 1.
    const bt = randn([5, 7], { seed: 5 });
    await expectClose(await c.run('matmul', [a, bt], { transB: true }, { split: { input: 1, axis: 0, size: 2, outputAxis: 1 } }),
      refMatmul(await ref(a), await ref(bt), { transB: true }), tol('float32', 7), 'column blocks of a·bᵀ');
    await c.close();
  });

  it('checks the op name, the inputs and the split', async () => {
    const c = await connect();
    const x = tensor([1, 2, 3]);
    await expect(c.run('nope' as 'relu', [x])).rejects.toThrow(/^cluster: op must be one of matmul, .*; received 'nope'\. Use the public name of the op/);
    await expect(c.run('matmul', [x] as never)).rejects.toThrow("cluster: matmul takes an array of 2 tensors; received [a float32 tensor [3]]");
    await expect(c.run('relu', [x], {}, { split: { input: 0, axis: 1, size: 1 } })).rejects.toThrow('split.axis must be an integer in [0, 1)');
    await expect(c.run('relu', [x], {}, { split: { input: 0, axis: 0, size: 0 } })).rejects.toThrow('split.size must be a positive integer; received 0');
    await expect(c.run('cs.snr', [x, x], {}, { split: { input: 0, axis: 0, size: 1 } })).rejects.toThrow("cs.snr's results do not join");
    await expect(c.map('relu', [x], {}, {} as never)).rejects.toThrow('map needs call.split');
    await expect(c.run('relu', [x], {}, { callId: 'a:b' })).rejects.toThrow(/callId must be/);
    // An op's own error is the op's, unchanged.
    await expect(c.run('cs.omp', [randn([4, 6], { seed: 1 }), randn([4], { seed: 2 })], { sparsity: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT', message: 'cs.omp: sparsity must be a positive integer; received 0 (number)',
    });
    await c.close();
  });

  it('an aborted call rejects with the signal\'s reason; resume() returns a call by id', async () => {
    const c = await connect();
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(c.run('relu', [tensor([1, -1])], {}, { signal: ac.signal })).rejects.toThrow('stop');
    const first = await c.run('relu', [tensor([1, -1])], {}, { callId: 'r1' });
    await same((await c.resume('r1')) as Tensor, first);
    await expect(c.resume('r2')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await c.close();
  });
});
