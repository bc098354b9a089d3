// reduce.wgsl — sum or mean over some axes. The host splits the input's dimensions into kept
// (the output's, row-major) and reduced ones; one workgroup makes one output element: each
// invocation folds a strided share of the `count` reduced elements, then a tree in workgroup
// memory adds the WG partial sums. int32 adds as u32 (wraps at 32 bits like the stored int32).
// bindings: 0 x (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(outSize, maxX), ceil(outSize / maxX), 1); workgroup_size WG (a power of two)
override WG: u32 = 64u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
// kept.offset is x's offset; reduced.offset is unused · mean: 1 divides by count
struct Params { kept: View, reduced: View, out_size: u32, count: u32, mean: u32, is_int: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> partial_f: array<f32, WG>;
var<workgroup> partial_i: array<u32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * groups.x + wid.x;
  if (o >= params.out_size) {
    return;
  }
  // Offset of output element o's first input element.
  var rem = o;
  var base = params.kept.offset;
  for (var j = 0u; j < params.kept.rank; j++) {
    let d = params.kept.rank - 1u - j;
    let n = params.kept.shape[d >> 2u][d & 3u];
    base += (rem % n) * params.kept.strides[d >> 2u][d & 3u];
    rem /= n;
  }
  var acc_f = 0.0;
  var acc_i = 0u;
  for (var r = lid; r < params.count; r += WG) {
    var left = r;
    var at = base;
    for (var j = 0u; j < params.reduced.rank; j++) {
      let d = params.reduced.rank - 1u - j;
      let n = params.reduced.shape[d >> 2u][d & 3u];
      at += (left % n) * params.reduced.strides[d >> 2u][d & 3u];
      left /= n;
    }
    let v = x[at];
    acc_f += bitcast<f32>(v);
    acc_i += v;
  }
  partial_f[lid] = acc_f;
  partial_i[lid] = acc_i;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      partial_f[lid] += partial_f[lid + s];
      partial_i[lid] += partial_i[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    if (params.is_int == 1u) {
      out[o] = partial_i[0];
    } else if (params.mean == 1u) {
      out[o] = bitcast<u32>(partial_f[0] / f32(params.count));
    } else {
      out[o] = bitcast<u32>(partial_f[0]);
    }
  }
}
