// where.wgsl — out[i] = cond[view_c(i)] != 0 ? a[view_a(i)] : b[view_b(i)], numpy broadcasting:
// the three views carry the output's shape, with stride 0 along broadcast dimensions. Values
// travel as 32-bit words (f32 or i32 alike); cond is i32.
// bindings: 0 cond (read) · 1 a (read) · 2 b (read) · 3 out (read_write) · 4 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
struct Params { c: View, a: View, b: View, size: u32 }

@group(0) @binding(0) var<storage, read> cond: array<u32>;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  var rem = i;
  var at_c = params.c.offset;
  var at_a = params.a.offset;
  var at_b = params.b.offset;
  for (var j = 0u; j < params.c.rank; j++) {
    let d = params.c.rank - 1u - j;
    let n = params.c.shape[d >> 2u][d & 3u];
    let id = rem % n;
    rem /= n;
    at_c += id * params.c.strides[d >> 2u][d & 3u];
    at_a += id * params.a.strides[d >> 2u][d & 3u];
    at_b += id * params.b.strides[d >> 2u][d & 3u];
  }
  out[i] = select(b[at_b], a[at_a], cond[at_c] != 0u);
}
