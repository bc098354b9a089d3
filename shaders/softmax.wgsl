// softmax.wgsl — softmax or logSoftmax of each line of a row-major [outer, n, inner] f32 input
// (a line: fixed outer and inner index, stride inner). One workgroup per line: a tree for the
// maximum m (a NaN wins, detected on the bits), a tree for s = Σ e^(x − m), then each
// invocation writes its share: e^(x − m)/s, or x − m − log s.
// bindings: 0 x (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(lines, maxX), ceil(lines / maxX), 1), lines = outer·inner; workgroup_size WG (a power of two)
override WG: u32 = 64u;

struct Params { lines: u32, n: u32, inner: u32, log: u32, offset: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> part: array<f32, WG>;
var<workgroup> nan_seen: array<u32, WG>;

fn is_nan(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let line = wid.y * groups.x + wid.x;
  if (line >= params.lines) {
    return;
  }
  let start = (line / params.inner) * params.n * params.inner + line % params.inner;
  var m = -3.4028234e38f;  // the lowest f32: an all −Infinity line then gives 0/0 = NaN, as on the CPU
  var nan = 0u;
  for (var j = lid; j < params.n; j += WG) {
    let bits = x[params.offset + start + j * params.inner];
    if (is_nan(bits)) {
      nan = 1u;
    } else {
      m = max(m, bitcast<f32>(bits));
    }
  }
  part[lid] = m;
  nan_seen[lid] = nan;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      part[lid] = max(part[lid], part[lid + k]);
      nan_seen[lid] = nan_seen[lid] | nan_seen[lid + k];
    }
    workgroupBarrier();
  }
  let line_max = part[0];
  let any_nan = nan_seen[0];
  workgroupBarrier();
  var s = 0.0;
  for (var j = lid; j < params.n; j += WG) {
    s += exp(bitcast<f32>(x[params.offset + start + j * params.inner]) - line_max);
  }
  part[lid] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      part[lid] = part[lid] + part[lid + k];
    }
    workgroupBarrier();
  }
  let total = part[0];
  // A NaN anywhere, or +Infinity (whose shifted value is Infinity − Infinity), makes the line NaN.
  let bad = any_nan == 1u || bitcast<u32>(line_max) == 0x7f800000u;
  let log_total = log(total);
  for (var j = lid; j < params.n; j += WG) {
    let v = bitcast<f32>(x[params.offset + start + j * params.inner]);
    var r: f32;
    if (params.log == 1u) {
      r = v - line_max - log_total;
    } else {
      r = exp(v - line_max) / total;
    }
    out[start + j * params.inner] = select(bitcast<u32>(r), 0x7fc00000u, bad);
  }
}
