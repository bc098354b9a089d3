// reduce.wgsl — the reductions over some axes. The host splits the input's dimensions into kept
// (the output's, row-major) and reduced ones; one workgroup makes one output element: each
// invocation folds a strided share of the `count` reduced elements into a small state, then a
// tree in workgroup memory combines the WG states. The states (three 32-bit words a, b, c):
//   sum, mean: a = Σ (f32, or u32 for int32: wraps at 32 bits like the stored int32)
//   prod: a = Π (f32, or u32: wraps) · max, min: a = the extreme, c = elements seen
//   argmax, argmin: a = the extreme, b = its index (the first: ties and merges keep the lower), c = seen
//   logSumExp: a = m (running maximum), b = Σ e^(x − m) (merged as s₁e^(m₁−m) + s₂e^(m₂−m))
//   variance, std: a = mean, b = M2, c = n (Welford per invocation, Chan et al.'s merge)
//   norm: ord 1 a = Σ|x| · ord ∞ a = max |x| · ord 2 a = scale, b = Σ (x/scale)² (LAPACK's nrm2 scaling)
// NaN is detected on the bits (WGSL lets an implementation assume no NaN in comparisons): max,
// min and argmax/argmin let a NaN win (numpy), the others carry it through their arithmetic.
// bindings: 0 x (read) · 1 out (read_write) · 2 params (uniform)
// dispatch: (min(outSize, maxX), ceil(outSize / maxX), 1); workgroup_size WG (a power of two)
override WG: u32 = 64u;

struct View { rank: u32, offset: u32, _p0: u32, _p1: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2> }
// kept.offset is x's offset; reduced.offset is unused
// fn_id: 0 sum, 1 mean, 2 max, 3 min, 4 prod, 5 argmax, 6 argmin, 7 logSumExp, 8 variance, 9 std, 10 norm
// ord (norm): 1, 2, or 0 for Infinity · ddof (variance, std)
struct Params { kept: View, reduced: View, out_size: u32, count: u32, fn_id: u32, is_int: u32, ddof: u32, ord: u32 }

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

struct State { a: u32, b: u32, c: u32 }

var<workgroup> partial: array<State, WG>;

const NEG_INF_BITS: u32 = 0xff800000u;
const NAN_BITS: u32 = 0x7fc00000u;

fn is_nan(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

fn f(bits: u32) -> f32 {
  return bitcast<f32>(bits);
}

fn u(v: f32) -> u32 {
  return bitcast<u32>(v);
}

fn initial() -> State {
  switch params.fn_id {
    case 4u: { return State(select(u(1.0), 1u, params.is_int == 1u), 0u, 0u); }
    case 7u: { return State(NEG_INF_BITS, 0u, 0u); }
    default: { return State(0u, 0u, 0u); }
  }
}

// Whether value p (bits) beats value q for max (larger) or min: NaN beats everything.
fn beats(p: u32, q: u32, larger: bool) -> bool {
  if (params.is_int == 1u) {
    let pi = bitcast<i32>(p);
    let qi = bitcast<i32>(q);
    return select((pi < qi), (pi > qi), larger);
  }
  if (is_nan(q)) {
    return false;
  }
  if (is_nan(p)) {
    return true;
  }
  return select((f(p) < f(q)), (f(p) > f(q)), larger);
}

// Folds element v (bits) with index r into s.
fn fold(s: State, v: u32, r: u32) -> State {
  var t = s;
  switch params.fn_id {
    case 0u, 1u: {
      t.a = select(u(f(s.a) + f(v)), s.a + v, params.is_int == 1u);
    }
    case 2u, 3u: {
      if (s.c == 0u || beats(v, s.a, params.fn_id == 2u)) { t.a = v; }
      t.c = 1u;
    }
    case 4u: {
      t.a = select(u(f(s.a) * f(v)), s.a * v, params.is_int == 1u);
    }
    case 5u, 6u: {
      if (s.c == 0u || beats(v, s.a, params.fn_id == 5u)) {
        t.a = v;
        t.b = r;
      }
      t.c = 1u;
    }
    case 7u: {
      let xv = f(v);
      let m = f(s.a);
      if (xv > m) {
        t.b = u(f(s.b) * exp(m - xv) + 1.0);
        t.a = v;
      } else {
        t.b = u(f(s.b) + exp(xv - m));
      }
      if (is_nan(v)) { t.a = NAN_BITS; }
    }
    case 8u, 9u: {
      let n = f32(s.c + 1u);
      let delta = f(v) - f(s.a);
      let mean = f(s.a) + delta / n;
      t.a = u(mean);
      t.b = u(f(s.b) + delta * (f(v) - mean));
      t.c = s.c + 1u;
    }
    default: {
      let a = abs(f(v));
      if (params.ord == 1u) {
        t.a = u(f(s.a) + a);
      } else if (params.ord == 0u) {
        if (is_nan(v) || (!is_nan(s.a) && a > f(s.a))) { t.a = u(a); }
      } else {
        let scale = f(s.a);
        if (a > scale) {
          let k = scale / a;
          t.b = u(1.0 + f(s.b) * k * k);
          t.a = u(a);
        } else if (scale > 0.0) {
          let k = a / scale;
          t.b = u(f(s.b) + k * k);
        } else {
          t.b = u(f(s.b) + a);  // a is 0, or NaN (which then stays)
        }
      }
    }
  }
  return t;
}

// Merges state q into p (q covers later elements of each invocation's share, or other shares).
fn merge(p: State, q: State) -> State {
  var t = p;
  switch params.fn_id {
    case 0u, 1u: {
      t.a = select(u(f(p.a) + f(q.a)), p.a + q.a, params.is_int == 1u);
    }
    case 2u, 3u: {
      if (q.c != 0u && (p.c == 0u || beats(q.a, p.a, params.fn_id == 2u))) { t.a = q.a; }
      t.c = p.c | q.c;
    }
    case 4u: {
      t.a = select(u(f(p.a) * f(q.a)), p.a * q.a, params.is_int == 1u);
    }
    case 5u, 6u: {
      if (q.c != 0u) {
        let larger = params.fn_id == 5u;
        // q wins if it beats p, or ties it (or both are NaN) at a lower index.
        let tie = !beats(p.a, q.a, larger) && !beats(q.a, p.a, larger);
        let nan_tie = params.is_int == 0u && is_nan(p.a) && is_nan(q.a);
        if (p.c == 0u || beats(q.a, p.a, larger) || ((tie || nan_tie) && q.b < p.b)) {
          t.a = q.a;
          t.b = q.b;
        }
      }
      t.c = p.c | q.c;
    }
    case 7u: {
      let m1 = f(p.a);
      let m2 = f(q.a);
      if (is_nan(p.a) || is_nan(q.a)) {
        t.a = NAN_BITS;
      } else if (p.a == NEG_INF_BITS) {
        t = q;
      } else if (q.a != NEG_INF_BITS) {
        let m = max(m1, m2);
        t.a = u(m);
        t.b = u(f(p.b) * exp(m1 - m) + f(q.b) * exp(m2 - m));
      }
    }
    case 8u, 9u: {
      if (p.c == 0u) {
        t = q;
      } else if (q.c != 0u) {
        let na = f32(p.c);
        let nb = f32(q.c);
        let n = na + nb;
        let delta = f(q.a) - f(p.a);
        t.a = u(f(p.a) + delta * (nb / n));
        t.b = u(f(p.b) + f(q.b) + delta * delta * (na * nb / n));
        t.c = p.c + q.c;
      }
    }
    default: {
      if (params.ord == 1u) {
        t.a = u(f(p.a) + f(q.a));
      } else if (params.ord == 0u) {
        if (is_nan(q.a) || (!is_nan(p.a) && f(q.a) > f(p.a))) { t.a = q.a; }
      } else {
        let s1 = f(p.a);
        let s2 = f(q.a);
        let s = max(s1, s2);
        if (s > 0.0) {
          let k1 = s1 / s;
          let k2 = s2 / s;
          t.a = u(s);
          t.b = u(f(p.b) * k1 * k1 + f(q.b) * k2 * k2);
        } else {
          t.b = u(f(p.b) + f(q.b));  // both zero, or a NaN carried in b
        }
      }
    }
  }
  return t;
}

fn finish(s: State) -> u32 {
  switch params.fn_id {
    case 1u: { return u(f(s.a) / f32(params.count)); }
    case 6u, 5u: { return s.b; }
    case 7u: {
      if (is_nan(s.a) || s.a == NEG_INF_BITS || s.a == 0x7f800000u) { return s.a; }
      return u(f(s.a) + log(f(s.b)));
    }
    case 8u: { return u(f(s.b) / f32(params.count - params.ddof)); }
    case 9u: { return u(sqrt(f(s.b) / f32(params.count - params.ddof))); }
    case 10u: {
      if (params.ord == 2u) {
        let scale = f(s.a);
        if (is_nan(s.b)) { return NAN_BITS; }
        return u(scale * sqrt(f(s.b)));
      }
      return s.a;
    }
    default: { return s.a; }
  }
}

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
  var s = initial();
  for (var r = lid; r < params.count; r += WG) {
    var left = r;
    var at = base;
    for (var j = 0u; j < params.reduced.rank; j++) {
      let d = params.reduced.rank - 1u - j;
      let n = params.reduced.shape[d >> 2u][d & 3u];
      at += (left % n) * params.reduced.strides[d >> 2u][d & 3u];
      left /= n;
    }
    s = fold(s, x[at], r);
  }
  partial[lid] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      partial[lid] = merge(partial[lid], partial[lid + k]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[o] = finish(partial[0]);
  }
}
