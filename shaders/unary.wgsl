// unary.wgsl — y[i] = f(x[view(i)]) for relu (f32 or i32) and sigmoid (f32); x may be a strided
// view, y is row-major. Values travel as 32-bit words and are bitcast to the dtype.
// relu keeps NaN and −0 (x < 0 ? 0 : x); sigmoid is 1 / (1 + e^(−x)).
// bindings: 0 x (read) · 1 y (read_write) · 2 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
// fn: 0 relu, 1 sigmoid · is_int: 1 for int32
struct Params { x: View, size: u32, fn_id: u32, is_int: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

fn source_index(i: u32) -> u32 {
  var rem = i;
  var at = params.x.offset;
  for (var j = 0u; j < params.x.rank; j++) {
    let d = params.x.rank - 1u - j;
    let n = params.x.shape[d >> 2u][d & 3u];
    at += (rem % n) * params.x.strides[d >> 2u][d & 3u];
    rem /= n;
  }
  return at;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  let v = x[source_index(i)];
  if (params.is_int == 1u) {
    y[i] = select(v, 0u, bitcast<i32>(v) < 0);
  } else if (params.fn_id == 0u) {
    y[i] = select(v, 0u, bitcast<f32>(v) < 0.0);
  } else {
    y[i] = bitcast<u32>(1.0 / (1.0 + exp(-bitcast<f32>(v))));
  }
}
