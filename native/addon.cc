// addon.cc — the Node-API surface of the native backend: argument decoding (args.h), the async
// worker (worker.h) and the kernels (kernels/, which never see Node). Context-aware: all state is
// per environment (LeptonAddon instance data), so the addon loads in every worker thread.
//
// Exports (each kernel entry takes one object of named properties; see the decode functions):
//   init({ isa?, nativeError? }) → { isa, available }   pick an ISA path, hand in the error factory
//   isa() → string                                       the path in use
//   <op>(args) → Promise<void>                           async: runs on the libuv pool
//   <op>Sync(args) → undefined                           sync: for pool workers (row ranges)
//   prepackB({ b, bOffset, bStrides, k, n }) → handle    B packed once for matmul's packedB (object form)
//   releasePackedB(handle) → bytes                       frees a handle's matrix before GC would
// for op in matmul, conv2d, pool2d, unary, binary, reduce, cholesky, solveSPD, ridge, where,
// softmax, batchNorm, layerNorm, remap, concat, gather, and the general linear algebra solve,
// lu, qr, svd, eigh (linalg_entries.h; their packed outputs: kernels/linalg_ops.h). Outputs are
// JS-allocated typed arrays that the kernel writes; cholesky, solveSPD and ridge report a
// non-positive pivot through their `info` Float64Array(3) [pivot, value, tolerance] (pivot −1: ok).
#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "kernels/batch_norm.h"
#include "kernels/cholesky.h"
#include "kernels/conv2d.h"
#include "kernels/elementwise.h"
#include "kernels/lasso_gram.h"
#include "kernels/layer_norm.h"
#include "kernels/matmul.h"
#include "kernels/pool2d.h"
#include "kernels/prepack.h"
#include "kernels/reduce.h"
#include "kernels/shape.h"
#include "kernels/softmax.h"
#include "kernels/threadpool.h"
#include "kernels/ukernel.h"
#include "kernels/where.h"
#include "linalg_entries.h"
#include "worker.h"

namespace lepton {
namespace {

template <class R>
Activation read_activation(const R& r) {
  return static_cast<Activation>(r.choice("activation", {"none", "relu", "sigmoid"}));
}

// Optional `threads` (matmul, conv2d, pool2d, unary, binary): the addon's own threads for this call, default 1; more than
// the CPUs this process may use are not started.
template <class R>
int read_threads(const R& r) {
  if (!r.has("threads")) return 1;
  const int64_t t = r.positive("threads");
  return static_cast<int>(std::min<int64_t>(t, ThreadPool::hardware_threads()));
}

// A prepackB handle: one packed matrix of either dtype, tagged so that no other External passes.
// releasePackedB() drops the matrix at once (a kernel still running on it holds its own reference);
// the External's finalizer reports to the GC only the bytes not released yet.
struct PackedHandle {
  std::shared_ptr<const PackedMatrix<float>> f32;
  std::shared_ptr<const PackedMatrix<double>> f64;
  int64_t bytes = 0;  // reported to the GC as external memory, until released
  bool released() const { return f32 == nullptr && f64 == nullptr; }
  template <class T>
  std::shared_ptr<const PackedMatrix<T>> get() const {
    if constexpr (std::is_same_v<T, float>) {
      return f32;
    } else {
      return f64;
    }
  }
};
const napi_type_tag kPackedTag = {0x6c6570746f6e2d70ULL, 0x61636b6564422d31ULL};

// The addon's thread pool reaches the kernels that take one.
template <class A>
void attach_pool(A&, ThreadPool*) {}
template <class T>
void attach_pool(MatmulArgs<T>& a, ThreadPool* pool) { a.pool = pool; }
template <class T>
void attach_pool(Conv2dArgs<T>& a, ThreadPool* pool) { a.pool = pool; }
template <class T>
void attach_pool(Pool2dArgs<T>& a, ThreadPool* pool) { a.pool = pool; }
template <class T>
void attach_pool(UnaryArgs<T>& a, ThreadPool* pool) { a.pool = pool; }
template <class T>
void attach_pool(BinaryArgs<T>& a, ThreadPool* pool) { a.pool = pool; }

// The choices of unary, binary and reduce's `fn`, as the flat layouts give them to JavaScript
// (the same order as decode's lists below).
constexpr const char* kUnaryFns = "relu|sigmoid|exp|log|log1p|expm1|sqrt|rsqrt|abs|neg|sign|square|tanh|sin|cos|erf|gelu|softplus|leakyRelu|clip";
constexpr const char* kBinaryFns = "add|sub|mul|div|pow|maximum|minimum|mod|equal|notEqual|less|lessEqual|greater|greaterEqual";
constexpr const char* kReduceFns = "sum|mean|max|min|prod|argmax|argmin|logSumExp|variance|std|norm";

// ───────────────────────────── matmul ─────────────────────────────
// { a, aOffset, aStrides, b, bOffset, bStrides, bias?, biasOffset, biasStrides, out, batchShape,
//   m, n, k, activation, rowBegin, rowEnd }. Strides are element strides of op(A) as
//   [...batch, row (i), column (p)], of op(B) as [...batch, p, j] and of the bias as
//   [...batch, i, j], batch strides broadcast to batchShape; out is dense [batch·m, n].
// Whether this call carries a packedB handle: only the object form can (the flat form carries
// numbers and typed arrays, and is not asked).
template <class R>
bool carries_packed(const R& r) {
  if constexpr (std::is_same_v<R, FlatReader>) {
    return false;
  } else {
    return r.has("packedB");
  }
}

struct MatmulOp {
  static constexpr const char* kName = "matmul";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"m"}, {"n"}, {"k"}, {"batchShape", true}, {"activation", false, "none|relu|sigmoid"}, {"aOffset"}, {"aStrides", true},
      {"bOffset"}, {"bStrides", true}, {"biasOffset"}, {"biasStrides", true}, {"rowBegin"}, {"rowEnd"}, {"threads"}};
  static constexpr const char* kFlatArrays[] = {"a", "b", "bias", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = MatmulArgs<T>;

  template <class T, class R>
  static void view(R& r, const char* name, const char* offset, const char* strides, const Dims& dims, MatrixView<T>* v) {
    const std::size_t rank = dims.size();
    v->offset = r.integer(offset);
    std::vector<int64_t> s = r.integers(strides, static_cast<int64_t>(rank));
    Span<T> arr = r.template array<T>(name, 0);
    r.check_extent(name, arr.length, v->offset, dims, s);
    v->data = arr.data;
    v->batch_strides.assign(s.begin(), s.end() - 2);
    v->rs = s[rank - 2];
    v->cs = s[rank - 1];
  }

  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.m = r.integer("m");
    p.n = r.integer("n");
    p.k = r.integer("k");
    p.batch_shape = r.integers("batchShape", -1);
    p.activation = read_activation(r);
    const int64_t batch = r.product(p.batch_shape, "the batch size");
    const int64_t rows = r.mul(batch, p.m, "batch·m");
    const int64_t out_size = r.mul(rows, p.n, "the output size");
    r.mul(p.m, p.k, "m·k");
    r.mul(p.k, p.n, "k·n");
    const Dims a_dims(p.batch_shape, p.m, p.k), b_dims(p.batch_shape, p.k, p.n), c_dims(p.batch_shape, p.m, p.n);
    view<T>(r, "a", "aOffset", "aStrides", a_dims, &p.a);
    // With packedB (a prepackB handle, attached by the entry) b, bOffset and bStrides are not read.
    if (!carries_packed(r)) view<T>(r, "b", "bOffset", "bStrides", b_dims, &p.b);
    if (r.has("bias")) view<T>(r, "bias", "biasOffset", "biasStrides", c_dims, &p.bias);
    p.out = r.template array<T>("out", out_size).data;
    p.row_begin = r.integer("rowBegin");
    p.row_end = r.integer("rowEnd");
    p.threads = read_threads(r);
    if (p.row_begin > p.row_end || p.row_end > rows) {
      r.range_error("rowBegin and rowEnd must satisfy 0 ≤ rowBegin ≤ rowEnd ≤ batch·m = " + std::to_string(rows) +
                    "; received " + std::to_string(p.row_begin) + " and " + std::to_string(p.row_end));
    }
    return p;
  }
  static Status run(const Args<float>& p) { return matmul_f32(p); }
  static Status run(const Args<double>& p) { return matmul_f64(p); }
};

// ───────────────────────────── conv2d ─────────────────────────────
// { x, w, bias?, out, layout: 'NCHW'|'NHWC', batch, inC, inH, inW, outC, outH, outW, kh, kw,
//   strideH, strideW, dilationH, dilationW, padTop, padLeft, groups, activation, rowBegin, rowEnd };
// x, w, bias, out dense.
struct Conv2dOp {
  static constexpr const char* kName = "conv2d";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"layout", false, "NCHW|NHWC"}, {"batch"}, {"inC"}, {"inH"}, {"inW"}, {"outC"}, {"outH"}, {"outW"}, {"kh"}, {"kw"},
      {"strideH"}, {"strideW"}, {"dilationH"}, {"dilationW"}, {"padTop"}, {"padLeft"}, {"groups"},
      {"activation", false, "none|relu|sigmoid"}, {"pool", false, "max|avg"}, {"poolKh"}, {"poolKw"}, {"poolStrideH"},
      {"poolStrideW"}, {"rowBegin"}, {"rowEnd"}, {"threads"}};
  static constexpr const char* kFlatArrays[] = {"x", "w", "bias", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = Conv2dArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.nhwc = r.choice("layout", {"NCHW", "NHWC"}) == 1;
    p.batch = r.integer("batch");
    p.in_c = r.positive("inC");
    p.in_h = r.positive("inH");
    p.in_w = r.positive("inW");
    p.out_c = r.positive("outC");
    p.out_h = r.integer("outH");
    p.out_w = r.integer("outW");
    p.kh = r.positive("kh");
    p.kw = r.positive("kw");
    p.stride_h = r.positive("strideH");
    p.stride_w = r.positive("strideW");
    p.dilation_h = r.positive("dilationH");
    p.dilation_w = r.positive("dilationW");
    p.pad_top = r.integer("padTop");
    p.pad_left = r.integer("padLeft");
    p.groups = r.positive("groups");
    p.activation = read_activation(r);
    if (p.in_c % p.groups != 0 || p.out_c % p.groups != 0) {
      r.range_error("groups (" + std::to_string(p.groups) + ") must divide inC (" + std::to_string(p.in_c) +
                    ") and outC (" + std::to_string(p.out_c) + ")");
    }
    // Every index the kernel forms stays below 2^53 (so int64 arithmetic never overflows).
    r.add(r.mul(p.out_h, p.stride_h, "outH·strideH"), r.add(p.pad_top, r.mul(p.kh, p.dilation_h, "kh·dilationH"), "padTop"), "the row span");
    r.add(r.mul(p.out_w, p.stride_w, "outW·strideW"), r.add(p.pad_left, r.mul(p.kw, p.dilation_w, "kw·dilationW"), "padLeft"), "the column span");
    const int64_t x_size = r.product({p.batch, p.in_c, p.in_h, p.in_w}, "the size of x");
    const int64_t w_size = r.product({p.out_c, p.in_c / p.groups, p.kh, p.kw}, "the size of w");
    // Optional fused pooling epilogue { pool: 'max'|'avg', poolKh, poolKw, poolStrideH, poolStrideW }:
    // out is then the pooled [batch, outC, ⌊(outH − poolKh)/poolStrideH⌋ + 1, …] and the row range
    // counts pooled rows.
    int64_t rows_h = p.out_h, rows_w = p.out_w;
    if (r.has("pool")) {
      PoolEpilogue& e = p.fused_pool;
      e.kind = r.choice("pool", {"max", "avg"}) == 0 ? PoolEpilogue::kMax : PoolEpilogue::kAvg;
      e.kh = r.positive("poolKh");
      e.kw = r.positive("poolKw");
      e.stride_h = r.positive("poolStrideH");
      e.stride_w = r.positive("poolStrideW");
      e.out_h = p.out_h >= e.kh ? (p.out_h - e.kh) / e.stride_h + 1 : 0;
      e.out_w = p.out_w >= e.kw ? (p.out_w - e.kw) / e.stride_w + 1 : 0;
      rows_h = e.out_h;
      rows_w = e.out_w;
    }
    const int64_t out_size = r.product({p.batch, p.out_c, rows_h, rows_w}, "the size of out");
    const int64_t rows = r.mul(p.batch, rows_h, "batch·outH");
    p.x = r.template array<T>("x", x_size).data;
    p.w = r.template array<T>("w", w_size).data;
    if (r.has("bias")) p.bias = r.template array<T>("bias", p.out_c).data;
    p.out = r.template array<T>("out", out_size).data;
    p.row_begin = r.integer("rowBegin");
    p.row_end = r.integer("rowEnd");
    p.threads = read_threads(r);
    if (p.row_begin > p.row_end || p.row_end > rows) {
      r.range_error("rowBegin and rowEnd must satisfy 0 ≤ rowBegin ≤ rowEnd ≤ batch·outH = " + std::to_string(rows));
    }
    return p;
  }
  static Status run(const Args<float>& p) { return conv2d_f32(p); }
  static Status run(const Args<double>& p) { return conv2d_f64(p); }
};

// ───────────────────────────── pool2d ─────────────────────────────
// { x, out, kind: 'max'|'avg', layout, batch, channels, inH, inW, outH, outW, kh, kw, strideH,
//   strideW, padTop, padLeft, rowBegin, rowEnd }; x and out dense.
struct Pool2dOp {
  static constexpr const char* kName = "pool2d";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"kind", false, "max|avg"}, {"layout", false, "NCHW|NHWC"}, {"batch"}, {"channels"}, {"inH"}, {"inW"}, {"outH"},
      {"outW"}, {"kh"}, {"kw"}, {"strideH"}, {"strideW"}, {"padTop"}, {"padLeft"}, {"rowBegin"}, {"rowEnd"}, {"threads"}};
  static constexpr const char* kFlatArrays[] = {"x", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = Pool2dArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.max = r.choice("kind", {"max", "avg"}) == 0;
    p.nhwc = r.choice("layout", {"NCHW", "NHWC"}) == 1;
    p.batch = r.integer("batch");
    p.channels = r.integer("channels");
    p.in_h = r.integer("inH");
    p.in_w = r.integer("inW");
    p.out_h = r.integer("outH");
    p.out_w = r.integer("outW");
    p.kh = r.positive("kh");
    p.kw = r.positive("kw");
    p.stride_h = r.positive("strideH");
    p.stride_w = r.positive("strideW");
    p.pad_top = r.integer("padTop");
    p.pad_left = r.integer("padLeft");
    r.add(r.mul(p.out_h, p.stride_h, "outH·strideH"), r.add(p.pad_top, p.kh, "padTop + kh"), "the row span");
    r.add(r.mul(p.out_w, p.stride_w, "outW·strideW"), r.add(p.pad_left, p.kw, "padLeft + kw"), "the column span");
    const int64_t x_size = r.product({p.batch, p.channels, p.in_h, p.in_w}, "the size of x");
    const int64_t out_size = r.product({p.batch, p.channels, p.out_h, p.out_w}, "the size of out");
    const int64_t rows = r.mul(p.batch, p.out_h, "batch·outH");
    p.x = r.template array<T>("x", x_size).data;
    p.out = r.template array<T>("out", out_size).data;
    p.row_begin = r.integer("rowBegin");
    p.row_end = r.integer("rowEnd");
    p.threads = read_threads(r);
    if (p.row_begin > p.row_end || p.row_end > rows) {
      r.range_error("rowBegin and rowEnd must satisfy 0 ≤ rowBegin ≤ rowEnd ≤ batch·outH = " + std::to_string(rows));
    }
    return p;
  }
  static Status run(const Args<float>& p) { return pool2d_f32(p); }
  static Status run(const Args<double>& p) { return pool2d_f64(p); }
};

// ───────────────────────────── unary ─────────────────────────────
// { x, out, fn: 'relu'|'sigmoid'|…|'clip', alpha?, min?, max?, begin, end }; x and out dense
// (Int32Array: relu, abs, neg, sign, square, clip). alpha finite (default 0); min and max not
// NaN (default ∓Infinity).
struct UnaryOp {
  static constexpr const char* kName = "unary";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"fn", false, kUnaryFns}, {"alpha"}, {"min"}, {"max"}, {"begin"}, {"end"}, {"threads"}};
  static constexpr const char* kFlatArrays[] = {"x", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = UnaryArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.fn = static_cast<UnaryFn>(r.choice("fn", {"relu", "sigmoid", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt",
                                                "abs", "neg", "sign", "square", "tanh", "sin", "cos", "erf", "gelu",
                                                "softplus", "leakyRelu", "clip"}));
    if (std::is_same_v<T, int32_t> && !unary_int_ok(p.fn)) r.type_error("this fn needs a Float32Array or Float64Array");
    p.alpha = r.has("alpha") ? r.finite("alpha") : 0.0;
    p.lo = r.has("min") ? r.number("min") : -INFINITY;
    p.hi = r.has("max") ? r.number("max") : INFINITY;
    p.begin = r.integer("begin");
    p.end = r.integer("end");
    if (p.begin > p.end) r.range_error("begin must not exceed end");
    p.x = r.template array<T>("x", p.end).data;
    p.out = r.template array<T>("out", p.end).data;
    p.threads = read_threads(r);
    return p;
  }
  static Status run(const Args<float>& p) { return unary_f32(p); }
  static Status run(const Args<double>& p) { return unary_f64(p); }
  static Status run(const Args<int32_t>& p) { return unary_i32(p); }
};

// ───────────────────────────── binary ─────────────────────────────
// { a, aOffset, aStrides, b, bOffset, bStrides, out, shape, fn: 'add'|…|'greaterEqual', begin,
//   end }; operand strides broadcast to `shape` (0 where an operand repeats); out dense, of a's
//   type, or an Int32Array for the comparisons.
struct BinaryOp {
  static constexpr const char* kName = "binary";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"fn", false, kBinaryFns}, {"shape", true}, {"aOffset"}, {"aStrides", true}, {"bOffset"}, {"bStrides", true},
      {"begin"}, {"end"}, {"threads"}};
  static constexpr const char* kFlatArrays[] = {"a", "b", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = BinaryArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.fn = static_cast<BinaryFn>(r.choice("fn", {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "mod", "equal",
                                                  "notEqual", "less", "lessEqual", "greater", "greaterEqual"}));
    if (std::is_same_v<T, int32_t> && (p.fn == BinaryFn::kDiv || p.fn == BinaryFn::kPow)) {
      r.type_error("div and pow need a Float32Array or Float64Array");
    }
    p.shape = r.integers("shape", -1);
    const int64_t rank = static_cast<int64_t>(p.shape.size());
    const int64_t size = r.product(p.shape, "the output size");
    p.a_offset = r.integer("aOffset");
    p.a_strides = r.integers("aStrides", rank);
    p.b_offset = r.integer("bOffset");
    p.b_strides = r.integers("bStrides", rank);
    Span<T> a = r.template array<T>("a", 0);
    Span<T> b = r.template array<T>("b", 0);
    r.check_extent("a", a.length, p.a_offset, p.shape, p.a_strides);
    r.check_extent("b", b.length, p.b_offset, p.shape, p.b_strides);
    p.a = a.data;
    p.b = b.data;
    if (is_comparison(p.fn)) {
      p.mask = r.template array<int32_t>("out", size).data;
    } else {
      p.out = r.template array<T>("out", size).data;
    }
    p.begin = r.integer("begin");
    p.end = r.integer("end");
    if (p.begin > p.end || p.end > size) r.range_error("begin and end must satisfy 0 ≤ begin ≤ end ≤ " + std::to_string(size));
    p.threads = read_threads(r);
    return p;
  }
  static Status run(const Args<float>& p) { return binary_f32(p); }
  static Status run(const Args<double>& p) { return binary_f64(p); }
  static Status run(const Args<int32_t>& p) { return binary_i32(p); }
};

// ───────────────────────────── reduce ─────────────────────────────
// { x, out, fn: 'sum'|'mean'|'max'|…|'norm', shape, outStrides, count, ddof?, ord? }; x dense over
// shape; outStrides: per input dimension, the output's stride (0 on reduced axes); out dense.
// ddof: variance/std's, < the reduced count; ord: norm's, 1, 2 or Infinity.
struct ReduceOp {
  static constexpr const char* kName = "reduce";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"fn", false, kReduceFns}, {"ddof"}, {"ord"}, {"shape", true}, {"outStrides", true}, {"count"}};
  static constexpr const char* kFlatArrays[] = {"x", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class In, class Out, class R>
  static ReduceArgs<In, Out> decode2(R& r) {
    ReduceArgs<In, Out> p;
    p.fn = static_cast<ReduceFn>(r.choice("fn", {"sum", "mean", "max", "min", "prod", "argmax", "argmin", "logSumExp",
                                                  "variance", "std", "norm"}));
    constexpr bool kIndexOut = std::is_same_v<Out, int32_t> && !std::is_same_v<In, int32_t>;
    const bool index_fn = p.fn == ReduceFn::kArgmax || p.fn == ReduceFn::kArgmin;
    if (kIndexOut != (index_fn && !std::is_same_v<In, int32_t>)) {
      r.type_error("argmax and argmin of a float input write an Int32Array; every other float reduction writes x's type");
    }
    p.ddof = r.has("ddof") ? r.integer("ddof") : 0;
    p.ord = r.has("ord") ? r.number("ord") : 2.0;
    if (p.fn == ReduceFn::kNorm && p.ord != 1 && p.ord != 2 && !std::isinf(p.ord)) r.range_error("ord must be 1, 2 or Infinity");
    p.shape = r.integers("shape", -1);
    p.out_strides = r.integers("outStrides", static_cast<int64_t>(p.shape.size()));
    p.count = static_cast<double>(r.positive("count"));
    if ((p.fn == ReduceFn::kVariance || p.fn == ReduceFn::kStd) && p.ddof >= static_cast<int64_t>(p.count)) {
      r.range_error("ddof must be less than count");
    }
    const int64_t size = r.product(p.shape, "the input size");
    p.x = r.template array<In>("x", size).data;
    Span<Out> out = r.template array<Out>("out", 0);
    // Every output slot the walk reaches: Σ (shape[d] − 1)·outStrides[d] < out.length.
    r.check_extent("out", out.length, 0, p.shape, p.out_strides);
    p.out = out.data;
    p.out_size = out.length;
    return p;
  }
  static Status run(const ReduceArgs<float, float>& p) { return reduce_f32(p); }
  static Status run(const ReduceArgs<double, double>& p) { return reduce_f64(p); }
  static Status run(const ReduceArgs<int32_t, int32_t>& p) { return reduce_i32(p); }
  static Status run(const ReduceArgs<int32_t, double>& p) { return reduce_i32_f64(p); }
  static Status run(const ReduceArgs<float, int32_t>& p) { return reduce_f32_i32(p); }
  static Status run(const ReduceArgs<double, int32_t>& p) { return reduce_f64_i32(p); }
};

// ───────────────────────────── where ─────────────────────────────
// { cond (Int32Array), condOffset, condStrides, a, aOffset, aStrides, b, bOffset, bStrides, out,
//   shape }; strides broadcast to `shape`; a, b and out of one type; out dense.
struct WhereOp {
  static constexpr const char* kName = "where";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"shape", true}, {"condOffset"}, {"condStrides", true}, {"aOffset"}, {"aStrides", true}, {"bOffset"},
      {"bStrides", true}};
  static constexpr const char* kFlatArrays[] = {"cond", "a", "b", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = WhereArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.shape = r.integers("shape", -1);
    const int64_t rank = static_cast<int64_t>(p.shape.size());
    const int64_t size = r.product(p.shape, "the output size");
    p.cond_offset = r.integer("condOffset");
    p.cond_strides = r.integers("condStrides", rank);
    p.a_offset = r.integer("aOffset");
    p.a_strides = r.integers("aStrides", rank);
    p.b_offset = r.integer("bOffset");
    p.b_strides = r.integers("bStrides", rank);
    Span<int32_t> cond = r.template array<int32_t>("cond", 0);
    Span<T> a = r.template array<T>("a", 0);
    Span<T> b = r.template array<T>("b", 0);
    r.check_extent("cond", cond.length, p.cond_offset, p.shape, p.cond_strides);
    r.check_extent("a", a.length, p.a_offset, p.shape, p.a_strides);
    r.check_extent("b", b.length, p.b_offset, p.shape, p.b_strides);
    p.cond = cond.data;
    p.a = a.data;
    p.b = b.data;
    p.out = r.template array<T>("out", size).data;
    return p;
  }
  static Status run(const Args<float>& p) { return where_f32(p); }
  static Status run(const Args<double>& p) { return where_f64(p); }
  static Status run(const Args<int32_t>& p) { return where_i32(p); }
};

// ───────────────────────────── softmax ─────────────────────────────
// { x, out, fn: 'softmax'|'logSoftmax', outer, n, inner }; x and out dense [outer, n, inner].
struct SoftmaxOp {
  static constexpr const char* kName = "softmax";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"fn", false, "softmax|logSoftmax"}, {"outer"}, {"n"}, {"inner"}};
  static constexpr const char* kFlatArrays[] = {"x", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = SoftmaxArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.log = r.choice("fn", {"softmax", "logSoftmax"}) == 1;
    p.outer = r.integer("outer");
    p.n = r.integer("n");
    p.inner = r.integer("inner");
    const int64_t size = r.product({p.outer, p.n, p.inner}, "the size of x");
    p.x = r.template array<T>("x", size).data;
    p.out = r.template array<T>("out", size).data;
    return p;
  }
  static Status run(const Args<float>& p) { return softmax_f32(p); }
  static Status run(const Args<double>& p) { return softmax_f64(p); }
};

// ───────────────────────────── batchNorm ─────────────────────────────
// { x, mean, variance, offset?, scale?, out, outer, channels, inner, epsilon }; x and out dense
// [outer, channels, inner]; the vectors [channels]; epsilon finite and ≥ 0.
struct BatchNormOp {
  static constexpr const char* kName = "batchNorm";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"outer"}, {"channels"}, {"inner"}, {"epsilon"}};
  static constexpr const char* kFlatArrays[] = {"x", "mean", "variance", "offset", "scale", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = BatchNormArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.outer = r.integer("outer");
    p.channels = r.integer("channels");
    p.inner = r.integer("inner");
    p.epsilon = r.finite("epsilon");
    if (p.epsilon < 0) r.range_error("epsilon must be ≥ 0");
    const int64_t size = r.product({p.outer, p.channels, p.inner}, "the size of x");
    p.x = r.template array<T>("x", size).data;
    p.mean = r.template array<T>("mean", p.channels).data;
    p.variance = r.template array<T>("variance", p.channels).data;
    if (r.has("offset")) p.offset = r.template array<T>("offset", p.channels).data;
    if (r.has("scale")) p.scale = r.template array<T>("scale", p.channels).data;
    p.out = r.template array<T>("out", size).data;
    return p;
  }
  static Status run(const Args<float>& p) { return batch_norm_f32(p); }
  static Status run(const Args<double>& p) { return batch_norm_f64(p); }
};

// ───────────────────────────── layerNorm ─────────────────────────────
// { x, gamma?, beta?, out, outer, n, epsilon }; x and out dense [outer, n]; gamma, beta [n].
struct LayerNormOp {
  static constexpr const char* kName = "layerNorm";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"outer"}, {"n"}, {"epsilon"}};
  static constexpr const char* kFlatArrays[] = {"x", "gamma", "beta", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LayerNormArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.outer = r.integer("outer");
    p.n = r.positive("n");
    p.epsilon = r.finite("epsilon");
    if (p.epsilon < 0) r.range_error("epsilon must be ≥ 0");
    const int64_t size = r.mul(p.outer, p.n, "the size of x");
    p.x = r.template array<T>("x", size).data;
    if (r.has("gamma")) p.gamma = r.template array<T>("gamma", p.n).data;
    if (r.has("beta")) p.beta = r.template array<T>("beta", p.n).data;
    p.out = r.template array<T>("out", size).data;
    return p;
  }
  static Status run(const Args<float>& p) { return layer_norm_f32(p); }
  static Status run(const Args<double>& p) { return layer_norm_f64(p); }
};

// ───────────────────────────── shape copies ─────────────────────────────
// remap { x, xOffset, xStrides, inShape, outShape, start, step, mode: 'constant'|'reflect'|'edge'|
//   'wrap', value (Float64Array(1): NaN is a valid constant), out }: output coordinate i of axis d
//   reads input coordinate start[d] + i·step[d], resolved by mode (always inside [0, n) or the
//   constant). concat { x, xOffset, xStrides, xShape, outShape, axis, at, out }: one input into
//   its slab [at, at + xShape[axis]) of the output. gather { x, xOffset, xStrides, xShape, axis,
//   indices (Int32Array, each in [0, xShape[axis])), count, out }. Outputs dense.
struct RemapOp {
  static constexpr const char* kName = "remap";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"inShape", true}, {"outShape", true}, {"xStrides", true}, {"xOffset"}, {"start", true}, {"step", true},
      {"mode", false, "constant|reflect|edge|wrap"}};
  static constexpr const char* kFlatArrays[] = {"value", "x", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = RemapArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    p.in_shape = r.integers("inShape", -1);
    const int64_t rank = static_cast<int64_t>(p.in_shape.size());
    p.out_shape = r.integers("outShape", rank);
    p.x_strides = r.integers("xStrides", rank);
    p.x_offset = r.integer("xOffset");
    p.start = r.integers("start", rank, -kMaxExact);
    p.step = r.integers("step", rank, -kMaxExact);
    for (int64_t d = 0; d < rank; ++d) {
      // |start| + |step|·outShape[d] < 2^53: every coordinate formed fits.
      r.add(p.start[d] < 0 ? -p.start[d] : p.start[d], r.mul(p.step[d] < 0 ? -p.step[d] : p.step[d], p.out_shape[d], "step·outShape"),
            "start + step·outShape");
    }
    p.mode = static_cast<RemapMode>(r.choice("mode", {"constant", "reflect", "edge", "wrap"}));
    p.value = static_cast<T>(r.template array<double>("value", 1).data[0]);
    Span<T> x = r.template array<T>("x", 0);
    r.check_extent("x", x.length, p.x_offset, p.in_shape, p.x_strides);
    p.x = x.data;
    p.out = r.template array<T>("out", r.product(p.out_shape, "the output size")).data;
    return p;
  }
  static Status run(const Args<float>& p) { return remap_f32(p); }
  static Status run(const Args<double>& p) { return remap_f64(p); }
  static Status run(const Args<int32_t>& p) { return remap_i32(p); }
};

// concat's and gather's input: x, xOffset, xStrides, xShape (rank ≥ 1) and axis < rank.
template <class T, class A, class R>
void decode_axis_view(R& r, A* p) {
  p->x_shape = r.integers("xShape", -1);
  const int64_t rank = static_cast<int64_t>(p->x_shape.size());
  if (rank == 0) r.range_error("xShape must have at least one dimension");
  p->x_strides = r.integers("xStrides", rank);
  p->x_offset = r.integer("xOffset");
  p->axis = r.integer("axis");
  if (p->axis >= rank) r.range_error("axis must be < " + std::to_string(rank));
  Span<T> x = r.template array<T>("x", 0);
  r.check_extent("x", x.length, p->x_offset, p->x_shape, p->x_strides);
  p->x = x.data;
}

struct ConcatOp {
  static constexpr const char* kName = "concat";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"xShape", true}, {"xStrides", true}, {"xOffset"}, {"axis"}, {"outShape", true}, {"at"}};
  static constexpr const char* kFlatArrays[] = {"x", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = ConcatArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    decode_axis_view<T>(r, &p);
    const int64_t rank = static_cast<int64_t>(p.x_shape.size());
    p.out_shape = r.integers("outShape", rank);
    p.at = r.integer("at");
    for (int64_t d = 0; d < rank; ++d) {
      if (d != p.axis && p.x_shape[d] != p.out_shape[d]) r.range_error("xShape and outShape differ off the axis");
    }
    if (r.add(p.at, p.x_shape[p.axis], "at + xShape[axis]") > p.out_shape[p.axis]) {
      r.range_error("the slab [at, at + xShape[axis]) passes outShape[axis]");
    }
    p.out = r.template array<T>("out", r.product(p.out_shape, "the output size")).data;
    return p;
  }
  static Status run(const Args<float>& p) { return concat_f32(p); }
  static Status run(const Args<double>& p) { return concat_f64(p); }
  static Status run(const Args<int32_t>& p) { return concat_i32(p); }
};

struct GatherOp {
  static constexpr const char* kName = "gather";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"xShape", true}, {"xStrides", true}, {"xOffset"}, {"axis"}, {"count"}};
  static constexpr const char* kFlatArrays[] = {"x", "indices", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = GatherArgs<T>;

  template <class T, class R>
  static Args<T> decode(R& r, const Isa*) {
    Args<T> p;
    decode_axis_view<T>(r, &p);
    p.count = r.integer("count");
    p.indices = r.template array<int32_t>("indices", p.count).data;
    // Checked here for the error, and again by the kernel (an async caller could still write the
    // shared indices before it runs).
    for (int64_t k = 0; k < p.count; ++k) {
      if (p.indices[k] < 0 || p.indices[k] >= p.x_shape[p.axis]) {
        r.range_error("indices[" + std::to_string(k) + "] is " + std::to_string(p.indices[k]) + ", outside [0, xShape[axis])");
      }
    }
    std::vector<int64_t> out_shape = p.x_shape;
    out_shape[p.axis] = p.count;
    p.out = r.template array<T>("out", r.product(out_shape, "the output size")).data;
    return p;
  }
  static Status run(const Args<float>& p) { return gather_f32(p); }
  static Status run(const Args<double>& p) { return gather_f64(p); }
  static Status run(const Args<int32_t>& p) { return gather_i32(p); }
};

// ───────────────────────────── linalg ─────────────────────────────
// cholesky { s, out, n, info } · solveSPD { s, b, out, n, nrhs, info } ·
// ridge { a, y, out, m, n, signals, lambda, form: 'primal'|'dual', info }; all dense;
// info is a Float64Array of 3.
struct CholeskyOp {
  static constexpr const char* kName = "cholesky";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"n"}};
  static constexpr const char* kFlatArrays[] = {"s", "out", "info"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = CholeskyArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.n = r.integer("n");
    const int64_t size = r.mul(p.n, p.n, "n·n");
    p.s = r.template array<T>("s", size).data;
    p.out = r.template array<T>("out", size).data;
    p.info = r.template array<double>("info", 3).data;
    return p;
  }
  static Status run(const Args<float>& p) { return cholesky_f32(p); }
  static Status run(const Args<double>& p) { return cholesky_f64(p); }
};

struct SolveSpdOp {
  static constexpr const char* kName = "solveSPD";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"n"}, {"nrhs"}};
  static constexpr const char* kFlatArrays[] = {"s", "b", "out", "info"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = SolveSpdArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.n = r.integer("n");
    p.nrhs = r.integer("nrhs");
    p.s = r.template array<T>("s", r.mul(p.n, p.n, "n·n")).data;
    const int64_t size = r.mul(p.n, p.nrhs, "n·nrhs");
    p.b = r.template array<T>("b", size).data;
    p.out = r.template array<T>("out", size).data;
    p.info = r.template array<double>("info", 3).data;
    return p;
  }
  static Status run(const Args<float>& p) { return solve_spd_f32(p); }
  static Status run(const Args<double>& p) { return solve_spd_f64(p); }
};

struct RidgeOp {
  static constexpr const char* kName = "ridge";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"m"}, {"n"}, {"signals"}, {"lambda"}, {"form", false, "primal|dual"}};
  static constexpr const char* kFlatArrays[] = {"a", "y", "out", "info"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = RidgeArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.m = r.integer("m");
    p.n = r.integer("n");
    p.signals = r.integer("signals");
    p.lambda = r.finite("lambda");
    if (p.lambda < 0) r.range_error("lambda must be ≥ 0");
    p.dual = r.choice("form", {"primal", "dual"}) == 1;
    const int64_t gram = p.dual ? r.mul(p.m, p.m, "m·m") : r.mul(p.n, p.n, "n·n");
    (void)gram;
    p.a = r.template array<T>("a", r.mul(p.m, p.n, "m·n")).data;
    p.y = r.template array<T>("y", r.mul(p.m, p.signals, "m·signals")).data;
    p.out = r.template array<T>("out", r.mul(p.n, p.signals, "n·signals")).data;
    p.info = r.template array<double>("info", 3).data;
    return p;
  }
  static Status run(const Args<float>& p) { return ridge_f32(p); }
  static Status run(const Args<double>& p) { return ridge_f64(p); }
};

// ───────────────────────────── lassoGram ─────────────────────────────
// { g, c, params, x0?, columns?, out, batch, k, n, maxIter, begin, end }: g [batch, k, k] (n = k),
// or with columns (int32 [batch, k], each −1 or in [0, n)) one g [n, n]; c and x0 [batch, k];
// params [batch, 3] (λ, yy, target); out packed [batch·(k + 3)]; float64 only; problems
// [begin, end) with 0 ≤ begin ≤ end ≤ batch.
struct LassoGramOp {
  static constexpr const char* kName = "lassoGram";
  // The flat form's layout (every name decode reads; choices in decode's order).
  static constexpr FlatField kFlatFields[] = {{"batch"}, {"k"}, {"n"}, {"maxIter"}, {"begin"}, {"end"}};
  static constexpr const char* kFlatArrays[] = {"g", "c", "params", "x0", "columns", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LassoGramArgs;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.batch = r.integer("batch");
    p.k = r.integer("k");
    p.n = r.integer("n");
    p.max_iter = r.positive("maxIter");
    p.begin = r.integer("begin");
    p.end = r.integer("end");
    if (p.begin > p.end || p.end > p.batch) r.range_error("begin and end must satisfy 0 ≤ begin ≤ end ≤ batch (" + std::to_string(p.batch) + ")");
    const int64_t xs = r.mul(p.batch, p.k, "batch·k");
    if (r.has("columns")) {
      p.columns = r.template array<int32_t>("columns", xs).data;
      p.g = r.template array<double>("g", r.mul(p.n, p.n, "n·n")).data;
      for (int64_t i = 0; i < xs; ++i) {
        if (p.columns[i] < -1 || p.columns[i] >= p.n) r.range_error("columns[" + std::to_string(i) + "] must be −1 or in [0, n)");
      }
    } else {
      if (p.n != p.k) r.range_error("n must equal k without columns");
      p.g = r.template array<double>("g", r.mul(xs, p.k, "batch·k·k")).data;
    }
    p.c = r.template array<double>("c", xs).data;
    p.params = r.template array<double>("params", r.mul(p.batch, 3, "batch·3")).data;
    if (r.has("x0")) p.x0 = r.template array<double>("x0", xs).data;
    p.out = r.template array<double>("out", r.product({p.batch, p.k + 3}, "batch·(k + 3)")).data;
    return p;
  }
  static Status run(const LassoGramArgs& p) { return lasso_gram_f64(p); }
};

// The addon's op table: one line per op of src/plans.ts's OP_NAMES, with the struct that decodes
// its arguments and the entry that picks its element type. Every entry point (async, Sync, Flat)
// and every flat layout is made from it; test/unit/native-load.test.ts checks it against OP_NAMES.
#define LEPTON_OPS(X)                 \
  X(matmul, MatmulOp, MatmulEntry)    \
  X(conv2d, Conv2dOp, Entry)          \
  X(pool2d, Pool2dOp, Entry)          \
  X(unary, UnaryOp, EntryWithInt)     \
  X(binary, BinaryOp, EntryByInput)   \
  X(reduce, ReduceOp, Reduce)         \
  X(cholesky, CholeskyOp, Entry)      \
  X(solveSPD, SolveSpdOp, Entry)      \
  X(ridge, RidgeOp, Entry)            \
  X(where, WhereOp, EntryWithInt)     \
  X(softmax, SoftmaxOp, Entry)        \
  X(batchNorm, BatchNormOp, Entry)    \
  X(layerNorm, LayerNormOp, Entry)    \
  X(remap, RemapOp, EntryWithInt)     \
  X(concat, ConcatOp, EntryWithInt)   \
  X(gather, GatherOp, EntryWithInt)   \
  X(solve, LinalgSolveOp, Entry)      \
  X(lu, LinalgLuOp, Entry)            \
  X(qr, LinalgQrOp, Entry)            \
  X(svd, LinalgSvdOp, Entry)          \
  X(eigh, LinalgEighOp, Entry)        \
  X(lassoGram, LassoGramOp, Entry)

#define LEPTON_ENTRIES(name, Op, Kind)                                                 \
  InstanceMethod(#name, &LeptonAddon::Kind<Op, true, ArgReader>),                      \
      InstanceMethod(#name "Sync", &LeptonAddon::Kind<Op, false, ArgReader>),          \
      InstanceMethod(#name "Flat", &LeptonAddon::Kind<Op, false, FlatReader>),

constexpr bool same_name(const char* a, const char* b) { return *a == *b && (*a == '\0' || same_name(a + 1, b + 1)); }
#define LEPTON_NAME_CHECK(name, Op, Kind) static_assert(same_name(#name, Op::kName), "LEPTON_OPS: " #name " names another op");
LEPTON_OPS(LEPTON_NAME_CHECK)
#undef LEPTON_NAME_CHECK

// Makes an op's reader of either form: the object form names every argument, the flat form
// follows the op's kFlat layout.
template <class R>
struct ReaderOf;
template <>
struct ReaderOf<ArgReader> {
  template <class Op>
  static ArgReader make(const Napi::CallbackInfo& info) { return ArgReader(info, Op::kName); }
};
template <>
struct ReaderOf<FlatReader> {
  template <class Op>
  static FlatReader make(const Napi::CallbackInfo& info) { return FlatReader(info, Op::kName, Op::kFlat); }
};

// { op: { fields: [{ name, list, choices? }], arrays: [names] } } for every op's flat form.
template <class Op>
void add_layout(Napi::Env env, Napi::Object out) {
  Napi::Array fields = Napi::Array::New(env, Op::kFlat.n_fields);
  for (std::size_t i = 0; i < Op::kFlat.n_fields; ++i) {
    const FlatField& f = Op::kFlat.fields[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", f.name);
    o.Set("list", f.list);
    if (f.choices != nullptr) o.Set("choices", f.choices);
    fields.Set(static_cast<uint32_t>(i), o);
  }
  Napi::Array arrays = Napi::Array::New(env, Op::kFlat.n_arrays);
  for (std::size_t i = 0; i < Op::kFlat.n_arrays; ++i) arrays.Set(static_cast<uint32_t>(i), Op::kFlat.arrays[i]);
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("fields", fields);
  layout.Set("arrays", arrays);
  out.Set(Op::kName, layout);
}

// ───────────────────────────── the addon ─────────────────────────────

class LeptonAddon : public Napi::Addon<LeptonAddon> {
 public:
  LeptonAddon(Napi::Env env, Napi::Object exports) {
    std::string error;
    isa_ = select_isa("", &error);
    if (isa_ == nullptr) isa_ = &isa_scalar();
    DefineAddon(exports, {
                             InstanceMethod("init", &LeptonAddon::Configure),
                             InstanceMethod("isa", &LeptonAddon::IsaName),
                             InstanceMethod("prepackB", &LeptonAddon::PrepackB),
                             InstanceMethod("releasePackedB", &LeptonAddon::ReleasePackedB),
                             InstanceMethod("flatLayouts", &LeptonAddon::FlatLayouts),
                             // <op>(args) async, <op>Sync(args), <op>Flat(meta, ...arrays): one line per op in LEPTON_OPS.
                             LEPTON_OPS(LEPTON_ENTRIES)
                         });
  }

  // The error for a failed kernel: nativeError(op, message) when JS handed one in, else Error.
  Napi::Value NativeError(Napi::Env env, const char* op, const std::string& message) {
    if (!native_error_.IsEmpty()) {
      Napi::Value e = native_error_.Call({Napi::String::New(env, op), Napi::String::New(env, message)});
      if (e.IsObject()) return e;
    }
    return Napi::Error::New(env, std::string(op) + ": " + message).Value();
  }

 private:
  // init({ isa?: 'scalar'|'avx2'|'avx512'|'' , nativeError?: (op, message) => Error })
  Napi::Value Configure(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsObject()) throw Napi::TypeError::New(env, "init: expects an options object");
      Napi::Object o = info[0].As<Napi::Object>();
      // No isa (or ''): the best path this CPU runs.
      Napi::Value isa = o.Get("isa");
      if (!isa.IsUndefined() && !isa.IsNull() && !isa.IsString()) {
        throw Napi::TypeError::New(env, "init: isa must be a string");
      }
      std::string error;
      const Isa* chosen = select_isa(isa.IsString() ? isa.As<Napi::String>().Utf8Value() : "", &error);
      if (chosen == nullptr) throw Napi::RangeError::New(env, "init: " + error);
      isa_ = chosen;
      Napi::Value make = o.Get("nativeError");
      if (!make.IsUndefined()) {
        if (!make.IsFunction()) throw Napi::TypeError::New(env, "init: nativeError must be a function");
        native_error_ = Napi::Persistent(make.As<Napi::Function>());
      }
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("isa", isa_->name);
    out.Set("available", available_isas());
    return out;
  }

  Napi::Value IsaName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), isa_->name); }

  Napi::Value FlatLayouts(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
#define LEPTON_LAYOUT(name, Op, Kind) add_layout<Op>(env, out);
    LEPTON_OPS(LEPTON_LAYOUT)
#undef LEPTON_LAYOUT
    return out;
  }

  template <class Op, bool kAsync, class Args, class R>
  Napi::Value Launch(R& r, Args args) {
    r.verify_unchanged();
    attach_pool(args, &pool_);
    Napi::Env env = r.env();
    if (!kAsync) {
      Status s = Op::run(args);
      if (!s.ok()) throw Napi::Error(env, NativeError(env, Op::kName, s.message()));
      return env.Undefined();
    }
    r.verify_shared();
    auto* worker = new KernelWorker<Op, Args>(env, std::move(args), r.take_references());
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  // Float32Array / Float64Array ops: the dtype is the type of `out`.
  template <class Op, bool kAsync, class R = ArgReader>
  Napi::Value Entry(const Napi::CallbackInfo& info) {
    R r = ReaderOf<R>::template make<Op>(info);
    switch (r.kind("out")) {
      case napi_float32_array: return Launch<Op, kAsync>(r, Op::template decode<float>(r, isa_));
      case napi_float64_array: return Launch<Op, kAsync>(r, Op::template decode<double>(r, isa_));
      default: r.type_error("out must be a Float32Array or Float64Array");
    }
  }

  // matmul: Entry plus the optional packedB handle.
  template <class Op, bool kAsync, class R = ArgReader>  // Op: MatmulOp
  Napi::Value MatmulEntry(const Napi::CallbackInfo& info) {
    R r = ReaderOf<R>::template make<MatmulOp>(info);
    switch (r.kind("out")) {
      case napi_float32_array: {
        MatmulArgs<float> p = MatmulOp::decode<float>(r, isa_);
        attach_packed(info, r, &p);
        return Launch<MatmulOp, kAsync>(r, std::move(p));
      }
      case napi_float64_array: {
        MatmulArgs<double> p = MatmulOp::decode<double>(r, isa_);
        attach_packed(info, r, &p);
        return Launch<MatmulOp, kAsync>(r, std::move(p));
      }
      default: r.type_error("out must be a Float32Array or Float64Array");
    }
  }

  // The PackedHandle behind `v`, or nullptr when `v` is not one of ours.
  static PackedHandle* packed_handle(Napi::Env env, Napi::Value v) {
    bool ours = false;
    if (!v.IsExternal() || napi_check_object_type_tag(env, v, &kPackedTag, &ours) != napi_ok || !ours) return nullptr;
    return v.As<Napi::External<PackedHandle>>().Data();
  }

  template <class T, class R>
  void attach_packed(const Napi::CallbackInfo& info, const R& r, MatmulArgs<T>* p) {
    // The flat form has no packedB (it carries numbers and typed arrays only): the object form only.
    if (!carries_packed(r)) return;
    const PackedHandle* h = info[0].IsTypedArray() ? nullptr : packed_handle(info.Env(), info[0].As<Napi::Object>().Get("packedB"));
    if (h == nullptr) r.type_error("packedB must be a handle returned by prepackB()");
    if (h->released()) r.type_error("packedB was released (releasePackedB); call prepackB again");
    std::shared_ptr<const PackedMatrix<T>> m = h->get<T>();
    if (m == nullptr) {
      r.type_error(std::string("packedB holds ") + (h->f32 ? "float32" : "float64") + " values and out is a " +
                   typed_array_name(typed_array_type<T>()));
    }
    if (m->k != p->k || m->n != p->n) {
      r.range_error("packedB is " + std::to_string(m->k) + "×" + std::to_string(m->n) + " and the product needs B of " +
                    std::to_string(p->k) + "×" + std::to_string(p->n));
    }
    if (m->nr != ukernel_of<T>(*isa_).nr) {
      r.range_error("packedB was packed for another instruction-set path; call prepackB again after init()");
    }
    p->packed_b = std::move(m);
  }

  // prepackB({ b, bOffset, bStrides: [row, column], k, n }) → handle: B (k×n, Float32Array or
  // Float64Array) packed once for this ISA path, to pass as matmul's packedB call after call. The
  // handle owns a copy (later writes to b do not reach it); its memory is freed when it is
  // garbage-collected and is reported to the GC as external memory.
  Napi::Value PrepackB(const Napi::CallbackInfo& info) {
    ArgReader r(info, "prepackB");
    switch (r.kind("b")) {
      case napi_float32_array: return Prepack<float>(r);
      case napi_float64_array: return Prepack<double>(r);
      default: r.type_error("b must be a Float32Array or Float64Array");
    }
  }

  template <class T>
  Napi::Value Prepack(ArgReader& r) {
    Napi::Env env = r.env();
    const int64_t k = r.integer("k"), n = r.integer("n");
    r.mul(k, n, "k·n");
    const int64_t offset = r.integer("bOffset");
    const std::vector<int64_t> strides = r.integers("bStrides", 2);
    Span<T> b = r.template array<T>("b", 0);
    r.check_extent("b", b.length, offset, {k, n}, strides);
    r.verify_unchanged();
    Status s;
    std::unique_ptr<PackedMatrix<T>> m =
        prepack_b<T>(*isa_, k, n, k > 0 && n > 0 ? b.data + offset : nullptr, strides[0], strides[1], &s);
    if (m == nullptr) throw Napi::Error(env, NativeError(env, "prepackB", s.message()));
    const int64_t bytes = m->bytes();
    auto* h = new PackedHandle();
    if constexpr (std::is_same_v<T, float>) {
      h->f32 = std::move(m);
    } else {
      h->f64 = std::move(m);
    }
    h->bytes = bytes;
    Napi::External<PackedHandle> ext = Napi::External<PackedHandle>::New(env, h, [](Napi::Env e, PackedHandle* p) {
      if (p->bytes > 0) Napi::MemoryManagement::AdjustExternalMemory(e, -p->bytes);
      delete p;
    });
    napi_type_tag_object(env, ext, &kPackedTag);
    Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
    return ext;
  }

  // releasePackedB(handle) → bytes freed: frees a prepackB handle's matrix now instead of when the
  // handle is garbage-collected (lepton-compute calls it when the prepacked tensor is disposed).
  // A matmul still running on it keeps the matrix until it ends; a later matmul with the handle is a
  // TypeError. Releasing twice frees nothing the second time (returns 0).
  Napi::Value ReleasePackedB(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PackedHandle* h = info.Length() > 0 ? packed_handle(env, info[0]) : nullptr;
    if (h == nullptr) throw Napi::TypeError::New(env, "releasePackedB: expects a handle returned by prepackB()");
    const int64_t bytes = h->bytes;
    h->f32.reset();
    h->f64.reset();
    h->bytes = 0;
    if (bytes > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -bytes);
    return Napi::Number::New(env, static_cast<double>(bytes));
  }

  // Ops that also take Int32Array.
  template <class Op, bool kAsync, class R = ArgReader>
  Napi::Value EntryWithInt(const Napi::CallbackInfo& info) {
    R r = ReaderOf<R>::template make<Op>(info);
    switch (r.kind("out")) {
      case napi_float32_array: return Launch<Op, kAsync>(r, Op::template decode<float>(r, isa_));
      case napi_float64_array: return Launch<Op, kAsync>(r, Op::template decode<double>(r, isa_));
      case napi_int32_array: return Launch<Op, kAsync>(r, Op::template decode<int32_t>(r, isa_));
      default: r.type_error("out must be a Float32Array, Float64Array or Int32Array");
    }
  }

  // Ops whose element type is that of input `a` (binary: comparisons write an Int32Array).
  template <class Op, bool kAsync, class R = ArgReader>
  Napi::Value EntryByInput(const Napi::CallbackInfo& info) {
    R r = ReaderOf<R>::template make<Op>(info);
    switch (r.kind("a")) {
      case napi_float32_array: return Launch<Op, kAsync>(r, Op::template decode<float>(r, isa_));
      case napi_float64_array: return Launch<Op, kAsync>(r, Op::template decode<double>(r, isa_));
      case napi_int32_array: return Launch<Op, kAsync>(r, Op::template decode<int32_t>(r, isa_));
      default: r.type_error("a must be a Float32Array, Float64Array or Int32Array");
    }
  }

  // reduce: input and output types (the mean of an Int32Array is a Float64Array).
  template <class Op, bool kAsync, class R = ArgReader>  // Op: ReduceOp
  Napi::Value Reduce(const Napi::CallbackInfo& info) {
    R r = ReaderOf<R>::template make<ReduceOp>(info);
    const napi_typedarray_type x = r.kind("x"), out = r.kind("out");
    if (x == napi_float32_array && out == napi_float32_array) {
      return Launch<ReduceOp, kAsync>(r, ReduceOp::decode2<float, float>(r));
    }
    if (x == napi_float64_array && out == napi_float64_array) {
      return Launch<ReduceOp, kAsync>(r, ReduceOp::decode2<double, double>(r));
    }
    if (x == napi_int32_array && out == napi_int32_array) {
      return Launch<ReduceOp, kAsync>(r, ReduceOp::decode2<int32_t, int32_t>(r));
    }
    if (x == napi_int32_array && out == napi_float64_array) {
      return Launch<ReduceOp, kAsync>(r, ReduceOp::decode2<int32_t, double>(r));
    }
    if (x == napi_float32_array && out == napi_int32_array) {
      return Launch<ReduceOp, kAsync>(r, ReduceOp::decode2<float, int32_t>(r));
    }
    if (x == napi_float64_array && out == napi_int32_array) {
      return Launch<ReduceOp, kAsync>(r, ReduceOp::decode2<double, int32_t>(r));
    }
    r.type_error(std::string("x and out must be Float32Array/Float32Array, Float64Array/Float64Array, ") +
                 "Int32Array/Int32Array, Int32Array/Float64Array or Float32Array|Float64Array/Int32Array; received " + typed_array_name(x) + "/" +
                 typed_array_name(out));
  }

  const Isa* isa_ = nullptr;
  Napi::FunctionReference native_error_;
  ThreadPool pool_;  // the kernels' threads (matmul and conv2d `threads`), started on first use
};

}  // namespace

Napi::Value make_native_error(Napi::Env env, const char* op, const Status& status) {
  LeptonAddon* addon = env.GetInstanceData<LeptonAddon>();
  if (addon == nullptr) return Napi::Error::New(env, std::string(op) + ": " + status.message()).Value();
  return addon->NativeError(env, op, status.message());
}

}  // namespace lepton

using lepton::LeptonAddon;
NODE_API_ADDON(LeptonAddon)
