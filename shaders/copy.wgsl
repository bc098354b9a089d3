// copy.wgsl — out[i] = src[view(i)]: a strided view copied into row-major order, one 32-bit word
// per element (any 4-byte dtype). contiguous() and the readback of views use it.
// bindings: 0 src (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG); i = (y·nx + x)·WG + local
override WG: u32 = 256u;

// A strided operand: element [i0, …] lives at offset + Σ id·strides[d] (rank ≤ 8).
struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
struct Params { src: View, size: u32 }

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

fn source_index(i: u32) -> u32 {
  var rem = i;
  var at = params.src.offset;
  for (var j = 0u; j < params.src.rank; j++) {
    let d = params.src.rank - 1u - j;
    let n = params.src.shape[d >> 2u][d & 3u];
    at += (rem % n) * params.src.strides[d >> 2u][d & 3u];
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
  out[i] = src[source_index(i)];
}
