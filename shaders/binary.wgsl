// binary.wgsl — out[i] = a[view_a(i)] ∘ b[view_b(i)] for ∘ in add, sub, mul, div with numpy
// broadcasting: both views carry the output's shape, with stride 0 along broadcast dimensions.
// int32 works on the words as u32, which wraps at 32 bits exactly as int32 does (two's complement).
// bindings: 0 a (read) · 1 b (read) · 2 out (read_write) · 3 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
// fn_id: 0 add, 1 sub, 2 mul, 3 div · is_int: 1 for int32
struct Params { a: View, b: View, size: u32, fn_id: u32, is_int: u32 }

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  // Both views have the output's shape: one walk over the dimensions gives both offsets.
  var rem = i;
  var at_a = params.a.offset;
  var at_b = params.b.offset;
  for (var j = 0u; j < params.a.rank; j++) {
    let d = params.a.rank - 1u - j;
    let n = params.a.shape[d >> 2u][d & 3u];
    let id = rem % n;
    rem /= n;
    at_a += id * params.a.strides[d >> 2u][d & 3u];
    at_b += id * params.b.strides[d >> 2u][d & 3u];
  }
  let u = a[at_a];
  let v = b[at_b];
  if (params.is_int == 1u) {
    switch params.fn_id {
      case 0u: { out[i] = u + v; }
      case 1u: { out[i] = u - v; }
      default: { out[i] = u * v; }
    }
    return;
  }
  let p = bitcast<f32>(u);
  let q = bitcast<f32>(v);
  var r: f32;
  switch params.fn_id {
    case 0u: { r = p + q; }
    case 1u: { r = p - q; }
    case 2u: { r = p * q; }
    default: { r = p / q; }
  }
  out[i] = bitcast<u32>(r);
}
