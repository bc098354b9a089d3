/**
 * The work each bench case does, described by a plain JSON "spec" so that the same inputs and the
 * same lepton-compute call can be rebuilt anywhere: in the suite, and in the child process that
 * times WebGPU's cold first call (bench/lib/webgpu-cold.mjs). Inputs are drawn with fixed seeds.
 *
 * Specs:
 *   { op: 'matmul', dtype, m, k, n, vector? }           a [m,k] · b [k,n] (b [k] when vector)
 *   { op: 'conv2d', dtype, x, w, padding, stride, groups }  NCHW x, OIHW w
 *   { op: 'cnn', dtype, batch, inC, h, w, filters, hidden }  the small CNN forward pass
 *   { op: 'ridge', dtype, K, N, signals, form, lambda }  A [K,N] Gaussian, y [K] or [K,signals]
 *   { op: 'relu', dtype, size }
 */

/** FLOPs of one call (multiply-add = 2), as the GFLOP/s column counts them. */
export function flopsOf(spec) {
  switch (spec.op) {
    case 'matmul':
      return 2 * spec.m * spec.k * (spec.vector ? 1 : spec.n);
    case 'conv2d': {
      const [batch, , h, w] = spec.x;
      const [outC, inPerGroup, kh, kw] = spec.w;
      const s = spec.stride ?? 1;
      const p = spec.padding ?? 0;
      const outH = Math.floor((h + 2 * p - kh) / s) + 1;
      const outW = Math.floor((w + 2 * p - kw) / s) + 1;
      return 2 * batch * outC * outH * outW * inPerGroup * kh * kw;
    }
    case 'cnn': {
      const { batch, inC, h, w, filters, hidden } = spec;
      const features = filters * (h / 2) * (w / 2);
      return 2 * batch * (filters * h * w * inC * 9 + features * hidden + hidden);
    }
    case 'ridge': {
      // Gram matrix (symmetric: counted in full, as the kernels form it), right-hand side,
      // Cholesky n³/3, two triangular solves per signal, and the dual's final Aᵀ product.
      const { K, N, signals } = spec;
      const s = spec.form === 'primal' ? N : K;
      const gram = 2 * s * s * (spec.form === 'primal' ? K : N);
      const rhs = spec.form === 'primal' ? 2 * N * K * signals : 0;
      const back = spec.form === 'dual' ? 2 * N * K * signals : 0;
      return gram + rhs + s ** 3 / 3 + 2 * s * s * signals + back;
    }
    case 'relu':
      return spec.size;
    default:
      throw new Error(`unknown spec op ${spec.op}`);
  }
}

/** He-scaled normal draws (so that activations stay O(1) through the CNN). */
function scaled(lib, shape, seed, dtype, scale) {
  const data = Float64Array.from(lib.randn(shape, { seed, dtype }).dataSync(), (v) => v * scale);
  return lib.tensor(dtype === 'float32' ? Float32Array.from(data) : data, shape, { dtype });
}

/**
 * The inputs of a spec as CPU tensors (row-major, contiguous: `dataSync()` is what peers get).
 * @returns {Record<string, import('../../dist/index.js').Tensor>}
 */
export function makeInputs(lib, spec) {
  const { dtype } = spec;
  switch (spec.op) {
    case 'matmul':
      return {
        a: lib.randn([spec.m, spec.k], { seed: 1, dtype }),
        b: lib.randn(spec.vector ? [spec.k] : [spec.k, spec.n], { seed: 2, dtype }),
      };
    case 'conv2d':
      return {
        x: lib.randn(spec.x, { seed: 3, dtype }),
        w: scaled(lib, spec.w, 4, dtype, Math.sqrt(2 / (spec.w[1] * spec.w[2] * spec.w[3]))),
      };
    case 'cnn': {
      const { batch, inC, h, w, filters, hidden } = spec;
      const features = filters * (h / 2) * (w / 2);
      return {
        x: lib.randn([batch, inC, h, w], { seed: 11, dtype }),
        cw: scaled(lib, [filters, inC, 3, 3], 12, dtype, Math.sqrt(2 / (inC * 9))),
        cb: scaled(lib, [filters], 13, dtype, 0.1),
        w1: scaled(lib, [features, hidden], 14, dtype, Math.sqrt(2 / features)),
        b1: scaled(lib, [hidden], 15, dtype, 0.1),
        w2: scaled(lib, [hidden, 1], 16, dtype, Math.sqrt(1 / hidden)),
        b2: scaled(lib, [1], 17, dtype, 0.1),
      };
    }
    case 'ridge':
      return {
        A: lib.randn([spec.K, spec.N], { seed: 21, dtype }),
        y: lib.randn(spec.signals === 1 ? [spec.K] : [spec.K, spec.signals], { seed: 22, dtype }),
      };
    case 'relu':
      return { x: lib.randn([spec.size], { seed: 31, dtype }) };
    default:
      throw new Error(`unknown spec op ${spec.op}`);
  }
}

/** Moves every input to the GPU (outside any timing). */
export async function toGpu(inputs) {
  const out = {};
  for (const [name, t] of Object.entries(inputs)) out[name] = await t.to('webgpu');
  return out;
}

/**
 * lepton-compute's call for a spec: `(inputs, backend) => Promise<Tensor>`. Intermediate tensors
 * are disposed (on the GPU they hold buffers).
 */
const packed = new WeakMap();
/** `prepack(w)` once per weight tensor (outside the timing after the warm-up), then the same packed tensor. */
function packedOnce(lib, w) {
  let p = packed.get(w);
  if (!p) {
    p = lib.prepack(w);
    packed.set(w, p);
  }
  return p;
}

export function leptonOp(lib, spec) {
  switch (spec.op) {
    case 'matmul':
      return (t, backend) => lib.matmul(t.a, t.b, { backend });
    case 'conv2d':
      return (t, backend) =>
        lib.conv2d(t.x, t.w, { padding: spec.padding ?? 0, stride: spec.stride ?? 1, groups: spec.groups ?? 1, backend });
    case 'cnn':
      // As a user writes it with this library: the max-pool fused into the convolution (its pooled
      // tile written while in cache), and the first dense layer's weights packed once (prepack).
      return async (t, backend) => {
        const p = await lib.conv2d(t.x, t.cw, { padding: 1, bias: t.cb, activation: 'relu', pool: { type: 'max', kernel: 2 }, backend });
        const flat = p.reshape([spec.batch, p.size / spec.batch]);
        const d1 = await lib.matmul(flat, packedOnce(lib, t.w1), { bias: t.b1, activation: 'relu', backend });
        if (flat !== p) flat.dispose();
        p.dispose();
        const y = await lib.matmul(d1, t.w2, { bias: t.b2, activation: 'sigmoid', backend });
        d1.dispose();
        return y;
      };
    case 'ridge':
      return (t, backend) => lib.ridge(t.A, t.y, { lambda: spec.lambda, form: spec.form, backend });
    case 'relu':
      return (t, backend) => lib.relu(t.x, { backend });
    default:
      throw new Error(`unknown spec op ${spec.op}`);
  }
}
