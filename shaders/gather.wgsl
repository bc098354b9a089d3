// gather.wgsl — out[p…, k, q…] = x[p…, indices[k], q…] along `axis`: the output is x's shape with
// the axis replaced by the number of indices (the indices flattened; they are checked and wrapped
// into [0, n) on the CPU before upload). 32-bit words (f32 or i32 alike).
// bindings: 0 x (read) · 1 indices (read) · 2 out (read_write) · 3 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
struct Params { x: View, axis: u32, count: u32, size: u32, _p: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  var rem = i;
  var at = params.x.offset;
  for (var q = 0u; q < params.x.rank; q++) {
    let d = params.x.rank - 1u - q;
    let stride = params.x.strides[d >> 2u][d & 3u];
    if (d == params.axis) {
      let k = rem % params.count;
      rem /= params.count;
      at += indices[k] * stride;
    } else {
      let n = params.x.shape[d >> 2u][d & 3u];
      at += (rem % n) * stride;
      rem /= n;
    }
  }
  out[i] = x[at];
}
