// unary.wgsl — y[i] = f(x[view(i)]) for the unary functions (f32; i32 for relu, abs, neg, sign,
// square, clip); x may be a strided view, y is row-major. Values travel as 32-bit words and are
// bitcast to the dtype. NaN is detected on the bits (WGSL lets implementations assume no NaN in
// float comparisons) and passes through every function as NaN. Where WGSL's builtins are loose
// (log near 1: absolute error 2^-21; sin/cos: absolute 2^-11 in [−π, π]; tanh near 0 and for large
// |x|), the functions below use series or range reduction instead:
// - log1p, expm1: series for |x| < 0.5, the builtins beyond;
// - erf, erfc: the series of erf for |x| < 0.5, else erfc(z) = t·e^(−z² + P(t)), t = 1/(1 + z/2)
//   (the Chebyshev-fitted form of Numerical Recipes; relative error < 1.2e-7 for all z ≥ 0);
// - gelu = x/2·erfc(−x/√2) (exact GELU; the tail keeps its relative accuracy);
// - log near 1 through log1p; tanh = t/(t + 2), t = expm1(2x), clamped to ±10;
// - sin, cos: reduced by π/2 in three parts (Cody–Waite), then Taylor polynomials on [−π/4, π/4]
//   (good to ~1e-7 for |x| up to ~6000; WGSL's builtins promise only 2^-11 absolute in [−π, π]).
// bindings: 0 x (read) · 1 y (read_write) · 2 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
// fn_id: 0 relu, 1 sigmoid, 2 exp, 3 log, 4 log1p, 5 expm1, 6 sqrt, 7 rsqrt, 8 abs, 9 neg, 10 sign,
// 11 square, 12 tanh, 13 sin, 14 cos, 15 erf, 16 gelu, 17 softplus, 18 leakyRelu, 19 clip
// is_int: 1 for int32 · bounds: bit 0 lo present, bit 1 hi present (clip; i32 words for int32)
struct Params { x: View, size: u32, fn_id: u32, is_int: u32, alpha: f32, lo: f32, hi: f32, bounds: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

const NAN_BITS: u32 = 0x7fc00000u;

fn is_nan(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

fn source_index(i: u32) -> u32 {
  var rem = i;
  var at = params.x.offset;
  for (var j = 0u; j < params.x.rank; j++) {
    let d = params.x.rank - 1u - j;
    let n = params.x.shape[d >> 2u][d & 3u];
    at += (rem % n) * params.x.strides[d >> 2u][d & 3u];
    rem /= n;
  }
  return at;
}

fn log1p_f(v: f32) -> f32 {
  if (abs(v) < 0.5) {
    // log1p(v) = 2·atanh(s), s = v / (2 + v), |s| ≤ 1/3
    let s = v / (2.0 + v);
    let s2 = s * s;
    let p = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 / 15.0))))));
    return 2.0 * s * p;
  }
  return log(1.0 + v);
}

fn expm1_f(v: f32) -> f32 {
  if (abs(v) < 0.5) {
    return v * (1.0 + v * (1.0 / 2.0 + v * (1.0 / 6.0 + v * (1.0 / 24.0 + v * (1.0 / 120.0 + v * (1.0 / 720.0 + v * (1.0 / 5040.0 + v * (1.0 / 40320.0 + v / 362880.0))))))));
  }
  return exp(v) - 1.0;
}

// erfc(z) for z ≥ 0 (relative error < 1.2e-7).
fn erfc_pos(z: f32) -> f32 {
  if (z > 10.0) {
    return 0.0;
  }
  let t = 1.0 / (1.0 + 0.5 * z);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(-z * z + p);
}

fn erf_small(v: f32) -> f32 {
  // 2/√π · Σ (−1)ⁿ v^(2n+1) / (n!(2n+1)), |v| < 0.5
  let v2 = v * v;
  return 1.1283791671 * v * (1.0 + v2 * (-1.0 / 3.0 + v2 * (1.0 / 10.0 + v2 * (-1.0 / 42.0 + v2 * (1.0 / 216.0 + v2 * (-1.0 / 1320.0 + v2 / 9360.0))))));
}

fn erf_f(v: f32) -> f32 {
  if (abs(v) < 0.5) {
    return erf_small(v);
  }
  let r = 1.0 - erfc_pos(abs(v));
  return select(r, -r, v < 0.0);
}

fn erfc_f(v: f32) -> f32 {
  if (v >= 0.5) {
    return erfc_pos(v);
  }
  if (v > -0.5) {
    return 1.0 - erf_small(v);
  }
  return 2.0 - erfc_pos(-v);
}

// sin or cos of v: v = k·π/2 + r with π/2 in three parts (Cody–Waite; exact products for
// |k| < 2^12), |r| ≤ π/4, then Taylor polynomials of sin r and cos r by the quadrant k mod 4.
fn sin_cos(v: f32, cosine: bool) -> f32 {
  let k = round(v * 0.63661977236);
  let r = ((v - k * 1.5703125) - k * 4.8375129699707031e-4) - k * 7.5497899548918821e-8;
  let r2 = r * r;
  let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 / 362880.0))));
  let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 - r2 / 3628800.0))));
  let q = (i32(k) + select(0, 1, cosine)) & 3;
  switch q {
    case 0: { return s; }
    case 1: { return c; }
    case 2: { return -s; }
    default: { return -c; }
  }
}

const INF_BITS: u32 = 0x7f800000u;
const NEG_INF_BITS: u32 = 0xff800000u;

fn apply_float(bits: u32) -> u32 {
  if (is_nan(bits)) {
    return bits;
  }
  let v = bitcast<f32>(bits);
  // The poles and infinities that WGSL's builtins need not get right.
  if (bits == INF_BITS) {
    switch params.fn_id {
      case 1u, 15u: { return bitcast<u32>(1.0); }
      case 7u: { return 0u; }
      case 12u: { return bitcast<u32>(1.0); }
      case 13u, 14u: { return NAN_BITS; }
      case 18u: { return bits; }
      default: {}
    }
  }
  if (bits == NEG_INF_BITS) {
    switch params.fn_id {
      case 1u, 2u, 17u: { return 0u; }
      case 5u, 15u, 12u: { return bitcast<u32>(-1.0); }
      case 16u: { return 0x80000000u; }
      case 13u, 14u: { return NAN_BITS; }
      default: {}
    }
  }
  if (v == 0.0) {
    switch params.fn_id {
      case 3u: { return NEG_INF_BITS; }
      case 7u: { return (bits & 0x80000000u) | INF_BITS; }
      default: {}
    }
  }
  if (v == -1.0 && params.fn_id == 4u) {
    return NEG_INF_BITS;
  }
  var r: f32;
  switch params.fn_id {
    case 0u: { r = select(v, 0.0, v < 0.0); }
    case 1u: { r = 1.0 / (1.0 + exp(-v)); }
    case 2u: { r = exp(v); }
    case 3u: {
      if (v < 0.0) { return NAN_BITS; }
      // Near 1, WGSL's log is only good to 2^-21 absolute: v − 1 is exact there (Sterbenz).
      r = select(log(v), log1p_f(v - 1.0), abs(v - 1.0) < 0.5);
    }
    case 4u: {
      if (v < -1.0) { return NAN_BITS; }
      r = log1p_f(v);
    }
    case 5u: { r = expm1_f(v); }
    case 6u: {
      if (v < 0.0) { return NAN_BITS; }
      r = sqrt(v);
    }
    case 7u: {
      if (v < 0.0) { return NAN_BITS; }
      r = inverseSqrt(v);
    }
    case 8u: { return bits & 0x7fffffffu; }
    case 9u: { return bits ^ 0x80000000u; }
    case 10u: {
      if (v == 0.0) { return bits; }
      r = select(-1.0, 1.0, v > 0.0);
    }
    case 11u: { r = v * v; }
    case 12u: {
      // tanh = t / (t + 2) with t = e^(2v) − 1 (accurate near 0); |v| ≥ 10 is ±1 in f32.
      let t = expm1_f(2.0 * clamp(v, -10.0, 10.0));
      r = t / (t + 2.0);
    }
    case 13u: { r = sin_cos(v, false); }
    case 14u: { r = sin_cos(v, true); }
    case 15u: { r = erf_f(v); }
    case 16u: { r = 0.5 * v * erfc_f(-v * 0.70710678118); }
    case 17u: { r = max(v, 0.0) + log1p_f(exp(-abs(v))); }
    case 18u: { r = select(v, params.alpha * v, v < 0.0); }
    default: {
      r = v;
      if ((params.bounds & 1u) != 0u && v < params.lo) { r = params.lo; }
      if ((params.bounds & 2u) != 0u && v > params.hi) { r = params.hi; }
    }
  }
  return bitcast<u32>(r);
}

fn apply_int(bits: u32) -> u32 {
  let v = bitcast<i32>(bits);
  switch params.fn_id {
    case 0u: { return select(bits, 0u, v < 0); }
    case 8u: { return select(bits, 0u - bits, v < 0); }
    case 9u: { return 0u - bits; }
    case 10u: { return bitcast<u32>(sign(v)); }
    case 11u: { return bits * bits; }
    default: {
      // int32 bounds travel as i32 words in the lo/hi slots.
      let lo = bitcast<i32>(bitcast<u32>(params.lo));
      let hi = bitcast<i32>(bitcast<u32>(params.hi));
      var r = v;
      if ((params.bounds & 1u) != 0u && v < lo) { r = lo; }
      if ((params.bounds & 2u) != 0u && v > hi) { r = hi; }
      return bitcast<u32>(r);
    }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  let v = x[source_index(i)];
  if (params.is_int == 1u) {
    y[i] = apply_int(v);
  } else {
    y[i] = apply_float(v);
  }
}
