// conv2d.wgsl — 2-D convolution as an implicit GEMM, f32, register-tiled like matmul.wgsl:
// for group g, C[oc][col] = Σ_kk W[g·ocg + oc][kk] · X̂[kk][col] with col = (n, oh, ow) and
// kk = (ic, ky, kx); X̂ (the im2col matrix) is never stored: each tile of it is gathered from x,
// with zeros for padded cells. x, w and out are addressed through (n, c, h, w) / (o, i, h, w)
// strides, so NCHW, NHWC and strided views share the code. Fused bias and activation.
// bindings: 0 x (read) · 1 w (read) · 2 bias (read; a dummy when has_bias = 0) · 3 out (read_write) · 4 params (uniform)
// dispatch: (ceil(batch·outH·outW / (4·WG_X)), ceil((outC/groups) / (4·WG_Y)), groups)
override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TK: u32 = 16u;

// act: 0 none, 1 relu, 2 sigmoid
struct Params {
  batch: u32, in_c: u32, in_h: u32, in_w: u32,
  out_c: u32, out_h: u32, out_w: u32, kh: u32,
  kw: u32, stride_h: u32, stride_w: u32, dilation_h: u32,
  dilation_w: u32, pad_top: u32, pad_left: u32, groups: u32,
  x_offset: u32, w_offset: u32, bias_offset: u32, bias_stride: u32,
  has_bias: u32, act: u32, _p0: u32, _p1: u32,
  x_strides: vec4<u32>,
  w_strides: vec4<u32>,
  out_strides: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> tile_w: array<f32, WG_Y * 4u * TK>;
var<workgroup> tile_x: array<f32, WG_X * 4u * TK>;

fn activate(v: f32) -> f32 {
  // NaN stays NaN (seen on the bits: WGSL lets an implementation assume no NaN, and exp(NaN) may
  // come back as anything).
  if ((bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u) {
    return v;
  }
  if (params.act == 1u) {
    return select(v, 0.0, v < 0.0);
  }
  if (params.act == 2u) {
    return 1.0 / (1.0 + exp(-v));
  }
  return v;
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let tm = WG_Y * 4u;
  let tn = WG_X * 4u;
  let g = wid.z;
  let ocg = params.out_c / params.groups;
  let icg = params.in_c / params.groups;
  let window = params.kh * params.kw;
  let m = ocg;
  let n = params.batch * params.out_h * params.out_w;
  let k = icg * window;
  let row0 = wid.y * tm;
  let col0 = wid.x * tn;
  let xs = params.x_strides;
  let ws = params.w_strides;
  let threads = WG_X * WG_Y;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < k; k0 += TK) {
    for (var e = li; e < tm * TK; e += threads) {
      let r = e / TK;
      let kk = e % TK;
      let gi = row0 + r;
      let gk = k0 + kk;
      var v = 0.0;
      if (gi < m && gk < k) {
        let ic = gk / window;
        let ky = (gk / params.kw) % params.kh;
        let kx = gk % params.kw;
        v = w[params.w_offset + (g * ocg + gi) * ws.x + ic * ws.y + ky * ws.z + kx * ws.w];
      }
      tile_w[kk * tm + r] = v;
    }
    for (var e = li; e < tn * TK; e += threads) {
      let kk = e / tn;
      let jj = e % tn;
      let gk = k0 + kk;
      let col = col0 + jj;
      var v = 0.0;
      if (gk < k && col < n) {
        let ic = gk / window;
        let ky = (gk / params.kw) % params.kh;
        let kx = gk % params.kw;
        let ow = col % params.out_w;
        let oh = (col / params.out_w) % params.out_h;
        let b = col / (params.out_w * params.out_h);
        let iy = i32(oh * params.stride_h + ky * params.dilation_h) - i32(params.pad_top);
        let ix = i32(ow * params.stride_w + kx * params.dilation_w) - i32(params.pad_left);
        if (iy >= 0 && iy < i32(params.in_h) && ix >= 0 && ix < i32(params.in_w)) {
          v = x[params.x_offset + b * xs.x + (g * icg + ic) * xs.y + u32(iy) * xs.z + u32(ix) * xs.w];
        }
      }
      tile_x[kk * tn + jj] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let ar = kk * tm + lid.y * 4u;
      let bc = kk * tn + lid.x * 4u;
      let bv = vec4<f32>(tile_x[bc], tile_x[bc + 1u], tile_x[bc + 2u], tile_x[bc + 3u]);
      acc[0] = fma(vec4<f32>(tile_w[ar]), bv, acc[0]);
      acc[1] = fma(vec4<f32>(tile_w[ar + 1u]), bv, acc[1]);
      acc[2] = fma(vec4<f32>(tile_w[ar + 2u]), bv, acc[2]);
      acc[3] = fma(vec4<f32>(tile_w[ar + 3u]), bv, acc[3]);
    }
    workgroupBarrier();
  }
  let os = params.out_strides;
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= m) {
      break;
    }
    let oc = g * ocg + i;
    for (var q = 0u; q < 4u; q++) {
      let col = col0 + lid.x * 4u + q;
      if (col >= n) {
        break;
      }
      let ow = col % params.out_w;
      let oh = (col / params.out_w) % params.out_h;
      let b = col / (params.out_w * params.out_h);
      var v = acc[r][q];
      if (params.has_bias == 1u) {
        v += bias[params.bias_offset + oc * params.bias_stride];
      }
      out[b * os.x + oc * os.y + oh * os.z + ow * os.w] = activate(v);
    }
  }
}
