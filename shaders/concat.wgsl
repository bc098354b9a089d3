// concat.wgsl — one input of concat: out[base + Σ id_d·dst_strides[d]] = x[view(i)] for every
// element i of the input (its slab of the row-major output starts at `base`). One dispatch per
// input. 32-bit words (f32 or i32 alike).
// bindings: 0 x (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG), size = the input's size
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
struct Params { x: View, dst_strides: array<vec4<u32>, 2>, base: u32, size: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  var rem = i;
  var src = params.x.offset;
  var dst = params.base;
  for (var q = 0u; q < params.x.rank; q++) {
    let d = params.x.rank - 1u - q;
    let n = params.x.shape[d >> 2u][d & 3u];
    let id = rem % n;
    rem /= n;
    src += id * params.x.strides[d >> 2u][d & 3u];
    dst += id * params.dst_strides[d >> 2u][d & 3u];
  }
  out[dst] = x[src];
}
