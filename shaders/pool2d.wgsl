// pool2d.wgsl — max or average over kh×kw windows of each channel, padded cells left out (max
// ignores them and keeps NaN; avg divides by the count of real cells). One invocation per output
// element; x and out are read and written through (n, c, h, w) strides, so NCHW, NHWC and
// strided views are the same code.
// bindings: 0 x (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(batch·channels·outH·outW / WG)
override WG: u32 = 256u;

// kind: 0 max, 1 avg · strides in elements, ordered (n, c, h, w)
struct Params {
  batch: u32, channels: u32, in_h: u32, in_w: u32,
  out_h: u32, out_w: u32, kh: u32, kw: u32,
  stride_h: u32, stride_w: u32, pad_top: u32, pad_left: u32,
  x_offset: u32, kind: u32, size: u32, _p0: u32,
  x_strides: vec4<u32>,
  out_strides: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  let ow = i % params.out_w;
  let oh = (i / params.out_w) % params.out_h;
  let c = (i / (params.out_w * params.out_h)) % params.channels;
  let n = i / (params.out_w * params.out_h * params.channels);
  let y0 = i32(oh * params.stride_h) - i32(params.pad_top);
  let x0 = i32(ow * params.stride_w) - i32(params.pad_left);
  let y_begin = u32(max(y0, 0));
  let y_end = u32(min(y0 + i32(params.kh), i32(params.in_h)));
  let x_begin = u32(max(x0, 0));
  let x_end = u32(min(x0 + i32(params.kw), i32(params.in_w)));
  let s = params.x_strides;
  let base = params.x_offset + n * s.x + c * s.y;
  var acc = 0.0;
  var first = true;
  var nan = false;
  var nan_value = 0.0;
  for (var iy = y_begin; iy < y_end; iy++) {
    for (var ix = x_begin; ix < x_end; ix++) {
      let v = x[base + iy * s.z + ix * s.w];
      if (params.kind == 0u) {
        if (first || v > acc) {
          acc = v;
        } else if (is_nan(v)) {
          nan = true;
          nan_value = v;
        }
        first = false;
      } else {
        acc += v;
      }
    }
  }
  if (params.kind == 1u) {
    acc = acc / f32((y_end - y_begin) * (x_end - x_begin));
  }
  if (nan) {
    acc = nan_value;
  }
  let o = params.out_strides;
  out[n * o.x + c * o.y + oh * o.z + ow * o.w] = acc;
}
