// batch_norm.wgsl — inference batch normalisation of a row-major [outer, channels, inner] f32
// input: y = (x − mean[c]) / √(variance[c] + ε) · scale[c] + offset[c], c = (i / inner) % channels.
// One invocation per element. Absent offset / scale are flagged (their bindings then alias mean).
// bindings: 0 x · 1 mean · 2 variance · 3 offset · 4 scale (read) · 5 out (read_write) · 6 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

// has: bit 0 offset present, bit 1 scale present
struct Params { size: u32, channels: u32, inner: u32, has: u32, epsilon: f32, x_offset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> offset: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  let c = (i / params.inner) % params.channels;
  var k = inverseSqrt(variance[c] + params.epsilon);
  if ((params.has & 2u) != 0u) {
    k = k * scale[c];
  }
  var y = (x[params.x_offset + i] - mean[c]) * k;
  if ((params.has & 1u) != 0u) {
    y = y + offset[c];
  }
  out[i] = y;
}
