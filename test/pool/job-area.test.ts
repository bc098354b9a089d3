/**
 * The job area (src/pool/job-area.ts), both sides in one thread: what the writer puts in a
 * worker's area and registration, the reader turns back into the job a port message would have
 * carried, with the same plan (as a structured clone tells plans apart: -0, NaN, key sets) and
 * views of the same memory; plans and buffers are sent once; a full plan table reuses its least
 * recently used slot; jobs that cannot go in the area say so. The pool's own tests
 * (pool.test.ts, the pooled conformance run) cover the area inside real workers.
 */
import { describe, expect, it } from 'vitest';
import type { JobMessage } from '../../src/pool/board.js';
import { AREA_STRIDE, AreaReader, AreaWriter, MAX_INPUTS, type Registration } from '../../src/pool/job-area.js';

const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
/** The storage of jobs that do not bring their own. */
const X = shared(8), OUT = shared(8);

function job(plan: unknown, x = X, out = OUT, begin = 0, end = 4): JobMessage {
  return {
    backend: 'js', op: 'unary', whole: false, plan,
    inputs: [{ dtype: 'float32', shape: [x.length], strides: [1], offset: 0, storage: x }], out, begin, end,
  };
}

/** A writer and the reader of worker 1 (not 0: the area's offsets are checked too). */
function pair() {
  const area = new Float64Array(new SharedArrayBuffer(2 * AREA_STRIDE * 8));
  const writer = new AreaWriter(area);
  const reader = new AreaReader(area, 1);
  // Sends `j` as the pool would, and returns what the worker reads and whether it was registered.
  const send = (j: JobMessage) => {
    const reg = writer.write(1, j);
    if (reg === false) return { reg, got: undefined };
    expect(reader.isAreaJob).toBe(true);
    expect(reader.registrations).toBe(reg ? 1 : 0);
    if (reg) reader.register(structuredClone(reg) as Registration);
    return { reg, got: reader.job() };
  };
  return { writer, reader, send };
}

describe('job area', () => {
  it('carries the job, and sends its plan and buffers only once', () => {
    const { send } = pair();
    const x = shared(8), out = shared(8);
    x.set([1, -2, 3, -4, 5, -6, 7, -8]);
    const plan = { fn: 'relu', dtype: 'float32', outShape: [8], alpha: 0, min: NaN, max: NaN };
    const first = send(job(plan, x, out, 0, 4));
    expect(first.reg && first.reg.plan?.entry.plan).toEqual(plan);
    expect(first.reg && first.reg.buffers.length).toBe(2);
    const again = send(job({ ...plan }, x, out, 4, 8));
    expect(again.reg).toBeUndefined();
    const got = again.got!;
    expect([got.begin, got.end]).toEqual([4, 8]);
    expect(got.plan).toEqual(plan);
    expect(got.inputs[0]!.shape).toEqual([8]);
    // The views are of the caller's memory: a write through one is seen through the other.
    expect(Array.from(got.inputs[0]!.storage)).toEqual([1, -2, 3, -4, 5, -6, 7, -8]);
    got.out[5] = 42;
    expect(out[5]).toBe(42);
  });

  it('carries views at offsets into one buffer, and input offsets', () => {
    const { send } = pair();
    const whole = new Float64Array(new SharedArrayBuffer(64 * 8));
    whole.forEach((_, i) => (whole[i] = i));
    const x = whole.subarray(8, 24), out = whole.subarray(32, 48);
    const j: JobMessage = {
      backend: 'native', op: 'unary', whole: true, threads: 2, plan: { fn: 'neg' },
      inputs: [undefined, { dtype: 'float64', shape: [4, 2], strides: [2, 1], offset: 3, storage: x }], out, begin: 0, end: 1,
    };
    const { reg, got } = send(j);
    expect(reg && reg.buffers.length).toBe(1); // one buffer, two views
    expect(got!.inputs[0]).toBeUndefined();
    expect(got!.inputs[1]!.offset).toBe(3);
    expect(got!.inputs[1]!.storage[0]).toBe(8);
    expect(got!.out.length).toBe(16);
    expect(got!.out[0]).toBe(32);
    expect([got!.backend, got!.whole, got!.threads]).toEqual(['native', true, 2]);
  });

  it('tells plans apart as a structured clone would', () => {
    const { send } = pair();
    const cases: unknown[] = [
      { v: 0 }, { v: -0 }, { v: NaN }, { v: Infinity }, { v: null }, { v: undefined }, {}, { v: 0, w: 1 }, { w: 1, v: 0 }, { v: [0] }, { v: [-0] }, { v: '0' },
      { v: new Float64Array([0]) }, { v: new Float64Array([-0]) }, { v: new Float32Array([0]) },
    ];
    for (const plan of cases) {
      const { got } = send(job(plan));
      expect(got!.plan).toEqual(plan);
      // toEqual takes -0 for 0: check each number's sign too.
      const v = (plan as { v?: unknown }).v;
      if (typeof v === 'number') expect(Object.is((got!.plan as { v: number }).v, v)).toBe(true);
      if (Array.isArray(v) || ArrayBuffer.isView(v)) expect(Object.is((got!.plan as { v: number[] }).v[0], (v as number[])[0])).toBe(true);
    }
    // Key order alone does not make a plan new, and a NaN equals a NaN.
    expect(send(job({ w: 1, v: 0 })).reg).toBeUndefined();
    expect(send(job({ v: NaN })).reg).toBeUndefined();
  });

  it('tells inputs apart by dtype, shape and strides', () => {
    const { send } = pair();
    const x = shared(8);
    const base = job({ fn: 'relu' }, x);
    send(base);
    const reshaped = { ...base, inputs: [{ ...base.inputs[0]!, shape: [2, 4], strides: [4, 1] }] };
    const r = send(reshaped);
    expect(r.reg && r.reg.plan).toBeDefined();
    expect(r.got!.inputs[0]!.shape).toEqual([2, 4]);
    expect(send(base).got!.inputs[0]!.shape).toEqual([8]);
  });

  it('reuses the least recently used slot once the table is full', () => {
    const { send } = pair();
    for (let i = 0; i < 40; i++) expect(send(job({ i })).got!.plan).toEqual({ i });
    // The last 16 are still held; older ones are registered again, and read back right.
    for (let i = 39; i >= 24; i--) expect(send(job({ i })).reg).toBeUndefined();
    const old = send(job({ i: 3 }));
    expect(old.reg && old.reg.plan).toBeDefined();
    expect(old.got!.plan).toEqual({ i: 3 });
    for (let i = 39; i >= 25; i--) expect(send(job({ i })).got!.plan).toEqual({ i });
  });

  it('starts over for a replaced worker, and leaves jobs it cannot carry to the port', () => {
    const { writer, send } = pair();
    const x = shared(8);
    send(job({ a: 1 }, x));
    writer.reset(1);
    const fresh = send(job({ a: 1 }, x));
    expect(fresh.reg && fresh.reg.plan).toBeDefined();
    expect(fresh.reg && fresh.reg.buffers.length).toBe(2);
    expect(writer.write(1, { ...job({ a: 1 }), setup: { module: 1 } })).toBe(false);
    const many = { ...job({ a: 1 }), inputs: Array.from({ length: MAX_INPUTS + 1 }, () => job({}).inputs[0]) };
    expect(writer.write(1, many)).toBe(false);
    expect(send({ ...job({ a: 1 }), inputs: Array.from({ length: MAX_INPUTS }, () => job({}).inputs[0]) }).got!.inputs.length).toBe(MAX_INPUTS);
  });

  it('fails a job whose plan or buffer the worker never got, instead of guessing', () => {
    const area = new Float64Array(new SharedArrayBuffer(AREA_STRIDE * 8));
    const writer = new AreaWriter(area);
    const reader = new AreaReader(area, 0);
    expect(writer.write(0, job({ a: 1 }))).toBeTruthy(); // registration not delivered
    expect(() => reader.job()).toThrow(/never registered/);
  });
});
