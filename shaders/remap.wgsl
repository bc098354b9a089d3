// remap.wgsl — out[i] = x[c(i)] or the constant: per output axis d, output coordinate id reads
// input coordinate j = start[d] + id·step[d], resolved by mode when it falls outside [0, n)
// (0 constant: the element is `value`; 1 reflect: mirrored without the edge, period 2(n − 1);
// 2 edge: clamped; 3 wrap: period n). flip, negative-step slices, pad and tile. Values travel as
// 32-bit words (f32 or i32 alike); `value` is the constant's bits.
// bindings: 0 x (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

// x's view: shape is the INPUT shape (rank ≤ 8), strides its element strides.
struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
struct Params {
  x: View,
  out_shape: array<vec4<u32>, 2>,
  start: array<vec4<i32>, 2>,
  step: array<vec4<i32>, 2>,
  mode: u32,
  value: u32,
  size: u32,
  _p: u32,
}

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

fn resolve(j: i32, n: i32) -> i32 {
  if (j >= 0 && j < n) {
    return j;
  }
  if (params.mode == 0u || n == 0) {
    return -1;
  }
  if (params.mode == 2u) {
    return select(n - 1, 0, j < 0);
  }
  if (params.mode == 3u) {
    return ((j % n) + n) % n;
  }
  if (n == 1) {
    return 0;
  }
  let period = 2 * (n - 1);
  let k = ((j % period) + period) % period;
  return select(period - k, k, k < n);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  var rem = i;
  var at = params.x.offset;
  var constant = false;
  for (var q = 0u; q < params.x.rank; q++) {
    let d = params.x.rank - 1u - q;
    let m = params.out_shape[d >> 2u][d & 3u];
    let id = rem % m;
    rem /= m;
    let j = params.start[d >> 2u][d & 3u] + i32(id) * params.step[d >> 2u][d & 3u];
    let c = resolve(j, i32(params.x.shape[d >> 2u][d & 3u]));
    if (c < 0) {
      constant = true;
    } else {
      at += u32(c) * params.x.strides[d >> 2u][d & 3u];
    }
  }
  out[i] = select(x[at], params.value, constant);
}
