// layer_norm.wgsl — layer normalisation of each row of a row-major [outer, n] f32 input:
// y = (x − mean)/√(var + ε)·gamma + beta with the biased variance Σ(x − mean)²/n. One workgroup
// per row: a tree for Σx, then a tree for Σ(x − mean)² (two passes, no cancellation), then each
// invocation writes its share. Absent gamma / beta are flagged (their bindings then alias x).
// bindings: 0 x · 1 gamma · 2 beta (read) · 3 out (read_write) · 4 params (uniform)
// dispatch: (min(outer, maxX), ceil(outer / maxX), 1); workgroup_size WG (a power of two)
override WG: u32 = 64u;

// has: bit 0 gamma present, bit 1 beta present
struct Params { outer: u32, n: u32, has: u32, x_offset: u32, epsilon: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> part: array<f32, WG>;

fn tree_sum(lid: u32, v: f32) -> f32 {
  part[lid] = v;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      part[lid] = part[lid] + part[lid + k];
    }
    workgroupBarrier();
  }
  let total = part[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * groups.x + wid.x;
  if (row >= params.outer) {
    return;
  }
  let start = row * params.n;
  var s = 0.0;
  for (var j = lid; j < params.n; j += WG) {
    s += x[params.x_offset + start + j];
  }
  let mean = tree_sum(lid, s) / f32(params.n);
  var ss = 0.0;
  for (var j = lid; j < params.n; j += WG) {
    let d = x[params.x_offset + start + j] - mean;
    ss += d * d;
  }
  let k = inverseSqrt(tree_sum(lid, ss) / f32(params.n) + params.epsilon);
  for (var j = lid; j < params.n; j += WG) {
    var y = (x[params.x_offset + start + j] - mean) * k;
    if ((params.has & 1u) != 0u) {
      y = y * gamma[j];
    }
    if ((params.has & 2u) != 0u) {
      y = y + beta[j];
    }
    out[start + j] = y;
  }
}
