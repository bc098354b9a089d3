// matmul_small.wgsl — matmul.wgsl's contract (same Params and bindings) for products whose C is
// too thin for a 64×64 tile (matrix·vector, n or m < 16): one invocation per element of C loops
// over k with strided reads; no workgroup memory and no barriers.
// bindings: 0 a (read) · 1 b (read) · 2 bias (read; a dummy when has_bias = 0) · 3 c (read_write) · 4 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(batch·m·n / WG)
override WG: u32 = 256u;

// *_row / *_col: element strides of op(X)[row][col]; *_batch: strides of the batch dims (0 = broadcast)
// act: 0 none, 1 relu, 2 sigmoid
struct Params {
  m: u32, n: u32, k: u32, batch_rank: u32,
  a_offset: u32, a_row: u32, a_col: u32, b_offset: u32,
  b_row: u32, b_col: u32, bias_offset: u32, bias_row: u32,
  bias_col: u32, has_bias: u32, act: u32, _p0: u32,
  batch_shape: vec4<u32>,
  a_batch: vec4<u32>,
  b_batch: vec4<u32>,
  bias_batch: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

fn activate(v: f32) -> f32 {
  // NaN stays NaN (seen on the bits: WGSL lets an implementation assume no NaN, and exp(NaN) may
  // come back as anything).
  if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u) {
    return v;
  }
  if (params.act == 1u) {
    return select(v, 0.0, v < 0.0);
  }
  if (params.act == 2u) {
    return 1.0 / (1.0 + exp(-v));
  }
  return v;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.y * groups.x * WG + gid.x;
  let per = params.m * params.n;
  var batch = 1u;
  for (var d = 0u; d < params.batch_rank; d++) {
    batch *= params.batch_shape[d];
  }
  if (e >= batch * per) {
    return;
  }
  let z = e / per;
  let i = (e % per) / params.n;
  let j = e % params.n;
  var a_at = params.a_offset + i * params.a_row;
  var b_at = params.b_offset + j * params.b_col;
  var bias_at = params.bias_offset + i * params.bias_row + j * params.bias_col;
  var rem = z;
  for (var q = 0u; q < params.batch_rank; q++) {
    let d = params.batch_rank - 1u - q;
    let id = rem % params.batch_shape[d];
    rem /= params.batch_shape[d];
    a_at += id * params.a_batch[d];
    b_at += id * params.b_batch[d];
    bias_at += id * params.bias_batch[d];
  }
  var acc = 0.0;
  for (var p = 0u; p < params.k; p++) {
    acc = fma(a[a_at + p * params.a_col], b[b_at + p * params.b_row], acc);
  }
  if (params.has_bias == 1u) {
    acc += bias[bias_at];
  }
  c[e] = activate(acc);
}
