// binary.wgsl — out[i] = a[view_a(i)] ∘ b[view_b(i)] with numpy broadcasting: both views carry
// the output's shape, with stride 0 along broadcast dimensions. ∘: add, sub, mul, div, pow,
// maximum, minimum, mod (numpy's: the sign of the divisor), and the comparisons, which write i32
// 0/1 whatever the operands' type. int32 arithmetic works on the words as u32, which wraps at 32
// bits exactly as int32 does (two's complement). NaN is detected on the bits (WGSL lets an
// implementation assume no NaN in comparisons). pow: WGSL's pow is exp2(y·log2(x)) and undefined
// for x < 0, so integer exponents up to 64 in magnitude multiply by squaring, and the sign and the
// special cases of C's pow are handled here.
// bindings: 0 a (read) · 1 b (read) · 2 out (read_write) · 3 params (uniform)
// dispatch: (min(G, maxX), ceil(G / maxX), 1), G = ceil(size / WG)
override WG: u32 = 256u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
// fn_id: 0 add, 1 sub, 2 mul, 3 div, 4 pow, 5 maximum, 6 minimum, 7 mod, 8 equal, 9 notEqual,
// 10 less, 11 lessEqual, 12 greater, 13 greaterEqual · is_int: 1 for int32 operands
struct Params { a: View, b: View, size: u32, fn_id: u32, is_int: u32 }

@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

const NAN_BITS: u32 = 0x7fc00000u;
const INF_BITS: u32 = 0x7f800000u;

fn is_nan(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > INF_BITS;
}

fn is_inf(bits: u32) -> bool {
  return (bits & 0x7fffffffu) == INF_BITS;
}

fn pow_f(p: f32, q: f32, pb: u32, qb: u32) -> u32 {
  if (q == 0.0 || p == 1.0) {
    return bitcast<u32>(1.0);
  }
  if (is_nan(pb) || is_nan(qb)) {
    return NAN_BITS;
  }
  if (is_inf(qb)) {
    let m = abs(p);
    if (m == 1.0) { return bitcast<u32>(1.0); }
    return select(0u, INF_BITS, (m > 1.0) == (q > 0.0));
  }
  let integral = q == trunc(q);
  let odd = integral && abs(q) < 16777216.0 && (i32(abs(q)) & 1) == 1;
  if (p < 0.0 && !integral) {
    return NAN_BITS;
  }
  let negative = (pb & 0x80000000u) != 0u && odd;
  let base = abs(p);
  var bits: u32;
  if (base == 0.0) {
    bits = select(0u, INF_BITS, q < 0.0);
  } else if (is_inf(pb)) {
    bits = select(INF_BITS, 0u, q < 0.0);
  } else if (integral && abs(q) <= 64.0) {
    var e = u32(abs(q));
    var s = base;
    var m = 1.0;
    loop {
      if (e == 0u) { break; }
      if ((e & 1u) == 1u) { m = m * s; }
      s = s * s;
      e = e >> 1u;
    }
    if (q < 0.0) { m = 1.0 / m; }
    bits = bitcast<u32>(m);
  } else {
    bits = bitcast<u32>(exp2(q * log2(base)));
  }
  return select(bits, bits | 0x80000000u, negative);
}

fn mod_f(p: f32, q: f32, pb: u32, qb: u32) -> u32 {
  if (is_nan(pb) || is_nan(qb) || is_inf(pb) || q == 0.0) {
    return NAN_BITS;
  }
  var r: f32;
  if (is_inf(qb)) {
    r = p;
  } else {
    r = p - q * trunc(p / q);
    // p/q may round past an integer: keep |r| < |q|
    if (abs(r) >= abs(q)) { r = 0.0; }
  }
  if (r == 0.0) {
    return qb & 0x80000000u;  // ±0 by the divisor's sign
  }
  if ((r < 0.0) != (q < 0.0)) {
    r = r + q;
  }
  return bitcast<u32>(r);
}

fn max_f(pb: u32, qb: u32, larger: bool) -> u32 {
  if (is_nan(pb)) { return pb; }
  if (is_nan(qb)) { return qb; }
  let p = bitcast<f32>(pb);
  let q = bitcast<f32>(qb);
  let wins = select((p < q), (p > q), larger);
  return select(qb, pb, wins);
}

fn compare_f(pb: u32, qb: u32) -> u32 {
  let nan = is_nan(pb) || is_nan(qb);
  let p = bitcast<f32>(pb);
  let q = bitcast<f32>(qb);
  var c: bool;
  switch params.fn_id {
    case 8u: { c = p == q; }
    case 9u: { return select(u32(p != q), 1u, nan); }
    case 10u: { c = p < q; }
    case 11u: { c = p <= q; }
    case 12u: { c = p > q; }
    default: { c = p >= q; }
  }
  return select(u32(c), 0u, nan);
}

fn compare_i(p: i32, q: i32) -> u32 {
  switch params.fn_id {
    case 8u: { return u32(p == q); }
    case 9u: { return u32(p != q); }
    case 10u: { return u32(p < q); }
    case 11u: { return u32(p <= q); }
    case 12u: { return u32(p > q); }
    default: { return u32(p >= q); }
  }
}

fn mod_i(p: i32, q: i32) -> u32 {
  if (q == 0 || q == -1) {
    return 0u;
  }
  var r = p % q;
  if (r != 0 && ((r < 0) != (q < 0))) {
    r = r + q;
  }
  return bitcast<u32>(r);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.y * groups.x * WG + gid.x;
  if (i >= params.size) {
    return;
  }
  // Both views have the output's shape: one walk over the dimensions gives both offsets.
  var rem = i;
  var at_a = params.a.offset;
  var at_b = params.b.offset;
  for (var j = 0u; j < params.a.rank; j++) {
    let d = params.a.rank - 1u - j;
    let n = params.a.shape[d >> 2u][d & 3u];
    let id = rem % n;
    rem /= n;
    at_a += id * params.a.strides[d >> 2u][d & 3u];
    at_b += id * params.b.strides[d >> 2u][d & 3u];
  }
  let u = a[at_a];
  let v = b[at_b];
  if (params.is_int == 1u) {
    let p = bitcast<i32>(u);
    let q = bitcast<i32>(v);
    switch params.fn_id {
      case 0u: { out[i] = u + v; }
      case 1u: { out[i] = u - v; }
      case 2u: { out[i] = u * v; }
      case 5u: { out[i] = bitcast<u32>(max(p, q)); }
      case 6u: { out[i] = bitcast<u32>(min(p, q)); }
      case 7u: { out[i] = mod_i(p, q); }
      default: { out[i] = compare_i(p, q); }
    }
    return;
  }
  let p = bitcast<f32>(u);
  let q = bitcast<f32>(v);
  switch params.fn_id {
    case 0u: { out[i] = bitcast<u32>(p + q); }
    case 1u: { out[i] = bitcast<u32>(p - q); }
    case 2u: { out[i] = bitcast<u32>(p * q); }
    case 3u: { out[i] = bitcast<u32>(p / q); }
    case 4u: { out[i] = pow_f(p, q, u, v); }
    case 5u: { out[i] = max_f(u, v, true); }
    case 6u: { out[i] = max_f(u, v, false); }
    case 7u: { out[i] = mod_f(p, q, u, v); }
    default: { out[i] = compare_f(u, v); }
  }
}
