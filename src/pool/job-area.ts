/**
 * Jobs without a message: a posted MessagePort message costs the caller and the worker about
 * 4 µs between them (structured clone, the port's queue and its wake-up signal), 30 times the
 * 0.13 µs of the Atomics hand-off itself, and most of what a small split op costs. So a job whose
 * plan and storage the worker already holds travels as numbers in the worker's job area (a
 * Float64Array over shared memory beside the board): the plan as a slot of the worker's plan
 * table, each storage as an id in its buffer table with its byte offset and length.
 *
 * The calling thread keeps a mirror of each worker's tables. A job with a plan or buffer the
 * worker lacks sends them first, in one message the worker takes before the job (REGISTER), so
 * the tables never disagree. A job's plan is found in the mirror by comparing it, and its inputs'
 * dtypes, shapes and strides, with each plan the worker holds, as a structured clone would tell
 * them apart (same()). Jobs with more than MAX_INPUTS inputs and jobs that carry a backend setup
 * go as messages, as before.
 *
 * Bounds: a worker's plan table holds PLAN_SLOTS plans (a new one takes the least recently used
 * one's slot); a buffer the calling thread has collected is dropped from
 * every worker's table with its next job (which then brings a registration), so a worker keeps
 * alive only storage that was live at its last job.
 */
import { sameShape } from '../shape.js';
import type { JobMessage, TensorDesc } from './board.js';

/** Float64 fields per worker in the job area. */
export const AREA_STRIDE = 64;
/** Offsets within a worker's area. */
const KIND = 0;
const REGISTER = 1;
const PLAN = 2;
const BEGIN = 3;
const END = 4;
const OUT = 5; // buffer id, byte offset, length
/** 4 fields per input: buffer id, byte offset, length, offset (an absent input's stay unused: its plan entry says it is absent). */
const INPUTS = 8;
const INPUT_FIELDS = 4;
/** Inputs that fit a worker's area. */
export const MAX_INPUTS = Math.floor((AREA_STRIDE - INPUTS) / INPUT_FIELDS);
/** KIND values: the job is the next port message, or the area's numbers. */
export const PORT_JOB = 0;
export const AREA_JOB = 1;
/** Plans a worker's table holds (the caller's mirror reuses the least recently used slot). */
const PLAN_SLOTS = 16;

type Storage = TensorDesc['storage'];
type Dtype = TensorDesc['dtype'];

/** A plan table entry: what a job message carries besides its ranges and storage. */
interface PlanEntry {
  backend: JobMessage['backend'];
  op: string;
  whole: boolean;
  threads: number | undefined;
  plan: unknown;
  /** Each input's view but its storage and offset (undefined: no input). */
  inputs: Array<{ dtype: Dtype; shape: number[]; strides: number[] } | undefined>;
  outDtype: Dtype;
}

/** What the worker takes off its port before an area job that brings new entries. */
export interface Registration {
  register: true;
  plan?: { slot: number; entry: PlanEntry };
  buffers: Array<[id: number, buffer: SharedArrayBuffer]>;
  drops: number[];
}

const dtypeOf = (a: Storage): Dtype => (a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : 'int32');

/**
 * Whether a structured clone of `a` is indistinguishable from one of `b`: numbers by Object.is
 * (so -0 is not 0, and NaN is NaN), arrays and typed arrays element by element, objects key by
 * key. A tenth of a microsecond for a small plan, where building any text key costs ten times that.
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || a !== 0 || 1 / a === 1 / (b as number);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return typeof a === 'number' && a !== a && b !== b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (ArrayBuffer.isView(a)) {
    if (!ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<number>, y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(b) || ArrayBuffer.isView(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  let n = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** Whether `entry` describes `job`, whose output is `outDtype` (everything but its ranges and storage). */
function describes(entry: PlanEntry, job: JobMessage, outDtype: Dtype): boolean {
  if (entry.op !== job.op || entry.backend !== job.backend || entry.whole !== job.whole || entry.threads !== job.threads) return false;
  if (entry.outDtype !== outDtype || entry.inputs.length !== job.inputs.length) return false;
  for (let i = 0; i < entry.inputs.length; i++) {
    const e = entry.inputs[i], d = job.inputs[i];
    if (e === undefined || d === undefined) {
      if (e !== d) return false;
    } else if (e.dtype !== d.dtype || !sameShape(e.shape, d.shape) || !sameShape(e.strides, d.strides)) {
      return false;
    }
  }
  return same(entry.plan, job.plan);
}

/**
 * The calling thread's side, one per pool: the mirror of each worker's tables, and the encoder
 * of a part into a worker's area.
 */
export class AreaWriter {
  readonly #area: Float64Array;
  readonly #mirrors: Mirror[] = [];
  readonly #bufferIds = new WeakMap<ArrayBufferLike, number>();
  #nextBufferId = 1;
  readonly #finalizer = new FinalizationRegistry<number>((id) => {
    for (const m of this.#mirrors) {
      if (m.buffers.delete(id)) m.drops.push(id);
    }
  });

  constructor(area: Float64Array) {
    this.#area = area;
  }

  /** Forgets what worker `i` holds (it was replaced by a fresh one). */
  reset(i: number): void {
    this.#mirrors[i] = { plans: [], buffers: new Set(), drops: [] };
  }

  /**
   * Writes the part into worker `i`'s area and returns what to post first (a Registration, or
   * undefined when the worker holds everything); false when this job must go as a message.
   */
  write(i: number, job: JobMessage): Registration | undefined | false {
    if (job.setup !== undefined || job.inputs.length > MAX_INPUTS) return false;
    const m = (this.#mirrors[i] ??= { plans: [], buffers: new Set(), drops: [] });
    let reg: Registration | undefined;
    const outDtype = dtypeOf(job.out);
    // The worker's plans, most recently used first.
    const hit = m.plans.findIndex((p) => describes(p.entry, job, outDtype));
    let held: { slot: number; entry: PlanEntry };
    if (hit >= 0) {
      held = m.plans.splice(hit, 1)[0]!;
    } else {
      const slot = m.plans.length < PLAN_SLOTS ? m.plans.length : m.plans.pop()!.slot;
      const entry: PlanEntry = {
        backend: job.backend, op: job.op, whole: job.whole, threads: job.threads, plan: job.plan, outDtype,
        inputs: job.inputs.map((d) => d && { dtype: d.dtype, shape: d.shape, strides: d.strides }),
      };
      held = { slot, entry };
      reg = { register: true, plan: held, buffers: [], drops: [] };
    }
    m.plans.unshift(held);
    const a = this.#area;
    const at = i * AREA_STRIDE;
    const put = (field: number, storage: Storage): void => {
      const buffer = storage.buffer as SharedArrayBuffer;
      let id = this.#bufferIds.get(buffer);
      if (id === undefined) {
        id = this.#nextBufferId++;
        this.#bufferIds.set(buffer, id);
        this.#finalizer.register(buffer, id);
      }
      if (!m.buffers.has(id)) {
        m.buffers.add(id);
        (reg ??= { register: true, buffers: [], drops: [] }).buffers.push([id, buffer]);
      }
      a[at + field] = id;
      a[at + field + 1] = storage.byteOffset;
      a[at + field + 2] = storage.length;
    };
    put(OUT, job.out);
    job.inputs.forEach((d, k) => {
      if (!d) return;
      const field = INPUTS + k * INPUT_FIELDS;
      put(field, d.storage);
      a[at + field + 3] = d.offset;
    });
    if (m.drops.length > 0) {
      reg ??= { register: true, buffers: [], drops: [] };
      reg.drops = m.drops.splice(0);
    }
    a[at + KIND] = AREA_JOB;
    a[at + REGISTER] = reg ? 1 : 0;
    a[at + PLAN] = held.slot;
    a[at + BEGIN] = job.begin;
    a[at + END] = job.end;
    return reg;
  }

  /** Marks worker `i`'s next job as a port message. */
  portJob(i: number): void {
    this.#area[i * AREA_STRIDE + KIND] = PORT_JOB;
  }
}

interface Mirror {
  /** The plans in the worker's table and their slots, most recently used first. */
  plans: Array<{ slot: number; entry: PlanEntry }>;
  /** Buffer ids the worker holds. */
  buffers: Set<number>;
  /** Ids of buffers collected here, still held by the worker. */
  drops: number[];
}

const VIEWS = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

/** The worker's side: its tables, and the job its area describes. */
export class AreaReader {
  readonly #area: Float64Array;
  readonly #at: number;
  readonly #plans: PlanEntry[] = [];
  readonly #buffers = new Map<number, SharedArrayBuffer>();
  /** The last view made of each buffer (a loop of ops asks for the same ones again). */
  readonly #views = new Map<number, Storage>();

  constructor(area: Float64Array, worker: number) {
    this.#area = area;
    this.#at = worker * AREA_STRIDE;
  }

  /** Whether the posted job is in the area (else it is the next port message). */
  get isAreaJob(): boolean {
    return this.#area[this.#at + KIND] === AREA_JOB;
  }

  /** How many registration messages precede the job (0 or 1). */
  get registrations(): number {
    return this.#area[this.#at + REGISTER]!;
  }

  register(r: Registration): void {
    for (const id of r.drops) {
      this.#buffers.delete(id);
      this.#views.delete(id);
    }
    for (const [id, buffer] of r.buffers) this.#buffers.set(id, buffer);
    if (r.plan) this.#plans[r.plan.slot] = r.plan.entry;
  }

  /** The job in the area, as a port message would have carried it. */
  job(): JobMessage {
    const a = this.#area;
    const at = this.#at;
    const entry = this.#plans[a[at + PLAN]!];
    if (!entry) throw new Error(`job area: plan slot ${a[at + PLAN]} was never registered`);
    const view = (field: number, dtype: Dtype): Storage => {
      const id = a[at + field]!, byteOffset = a[at + field + 1]!, length = a[at + field + 2]!;
      const last = this.#views.get(id);
      if (last && last.byteOffset === byteOffset && last.length === length && last instanceof VIEWS[dtype]) return last;
      const buffer = this.#buffers.get(id);
      if (!buffer) throw new Error(`job area: buffer ${id} was never registered`);
      const made = new VIEWS[dtype](buffer as unknown as ArrayBuffer, byteOffset, length);
      this.#views.set(id, made);
      return made;
    };
    const inputs = entry.inputs.map((d, k): TensorDesc | undefined => {
      if (!d) return undefined;
      const field = INPUTS + k * INPUT_FIELDS;
      return { dtype: d.dtype, shape: d.shape, strides: d.strides, offset: a[at + field + 3]!, storage: view(field, d.dtype) };
    });
    return {
      backend: entry.backend, op: entry.op, whole: entry.whole, threads: entry.threads, plan: entry.plan, inputs,
      out: view(OUT, entry.outDtype), begin: a[at + BEGIN]!, end: a[at + END]!,
    };
  }
}
