// matmul_vec4.wgsl — matmul.wgsl's contract and algorithm, for operands whose rows are
// contiguous and 16-byte aligned: op(A)[i][·] and op(B)[p][·] have unit stride, k and n are
// multiples of 4, and every offset and row/batch stride is a multiple of 4 (the host checks). The
// tiles are then loaded as vec4<f32> (a quarter of the loads), and B's tile is kept as vec4s.
// bindings: 0 a (read, vec4) · 1 b (read, vec4) · 2 bias (read; a dummy when has_bias = 0) · 3 c (read_write) · 4 params (uniform)
// dispatch: (ceil(n / (4·WG_X)), ceil(m / (4·WG_Y)), batch)
override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TK: u32 = 16u;

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

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// tile_a[kk·TM + r] = op(A)[row0 + r][k0 + kk]; tile_b[kk·WG_X + v] = op(B)[k0 + kk][col0 + 4v … 4v + 3]
var<workgroup> tile_a: array<f32, WG_Y * 4u * TK>;
var<workgroup> tile_b: array<vec4<f32>, WG_X * TK>;

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

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let tm = WG_Y * 4u;
  let tn = WG_X * 4u;
  let row0 = wid.y * tm;
  let col0 = wid.x * tn;
  let z = wid.z;
  var a_base = params.a_offset;
  var b_base = params.b_offset;
  var bias_base = params.bias_offset;
  var rem = z;
  for (var j = 0u; j < params.batch_rank; j++) {
    let d = params.batch_rank - 1u - j;
    let id = rem % params.batch_shape[d];
    rem /= params.batch_shape[d];
    a_base += id * params.a_batch[d];
    b_base += id * params.b_batch[d];
    bias_base += id * params.bias_batch[d];
  }
  let threads = WG_X * WG_Y;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < params.k; k0 += TK) {
    // TK is a multiple of 4: each vec4 of A covers four k of one row.
    for (var e = li; e < tm * (TK / 4u); e += threads) {
      let r = e / (TK / 4u);
      let kv = e % (TK / 4u);
      let gi = row0 + r;
      let gk = k0 + kv * 4u;
      var v = vec4<f32>(0.0);
      if (gi < params.m && gk < params.k) {
        v = a[(a_base + gi * params.a_row + gk) / 4u];
      }
      tile_a[(kv * 4u) * tm + r] = v.x;
      tile_a[(kv * 4u + 1u) * tm + r] = v.y;
      tile_a[(kv * 4u + 2u) * tm + r] = v.z;
      tile_a[(kv * 4u + 3u) * tm + r] = v.w;
    }
    for (var e = li; e < WG_X * TK; e += threads) {
      let kk = e / WG_X;
      let jv = e % WG_X;
      let gk = k0 + kk;
      let gj = col0 + jv * 4u;
      var v = vec4<f32>(0.0);
      if (gk < params.k && gj < params.n) {
        v = b[(b_base + gk * params.b_row + gj) / 4u];
      }
      tile_b[kk * WG_X + jv] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let ar = kk * tm + lid.y * 4u;
      let bv = tile_b[kk * WG_X + lid.x];
      acc[0] = fma(vec4<f32>(tile_a[ar]), bv, acc[0]);
      acc[1] = fma(vec4<f32>(tile_a[ar + 1u]), bv, acc[1]);
      acc[2] = fma(vec4<f32>(tile_a[ar + 2u]), bv, acc[2]);
      acc[3] = fma(vec4<f32>(tile_a[ar + 3u]), bv, acc[3]);
    }
    workgroupBarrier();
  }
  let out_base = z * params.m * params.n;
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= params.m) {
      break;
    }
    for (var q = 0u; q < 4u; q++) {
      let j = col0 + lid.x * 4u + q;
      if (j >= params.n) {
        break;
      }
      var v = acc[r][q];
      if (params.has_bias == 1u) {
        v += bias[bias_base + i * params.bias_row + j * params.bias_col];
      }
      c[out_base + i * params.n + j] = activate(v);
    }
  }
}
