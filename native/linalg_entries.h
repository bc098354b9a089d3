// linalg_entries.h — argument decoding of the general linear-algebra entries (included by
// addon.cc, inside namespace lepton): solve, lu, qr, svd, eigh. Each takes one object; the input
// `a`, `b` and the packed `out` are of one type (Float32Array or Float64Array: the type of
// `out`), dense row-major, and every length is checked against the shapes before a pointer is
// taken (see native/kernels/linalg_ops.h for the packed layouts).
#ifndef LEPTON_NATIVE_LINALG_ENTRIES_H_
#define LEPTON_NATIVE_LINALG_ENTRIES_H_

#include <algorithm>
#include <string>

#include "args.h"
#include "kernels/linalg_ops.h"

namespace lepton {

// { a, b, out, n, nrhs, info }: X = A⁻¹B; info (Float64Array ≥ 1) gets the first zero pivot or −1.
struct LinalgSolveOp {
  static constexpr const char* kName = "solve";
  static constexpr FlatField kFlatFields[] = {{"n"}, {"nrhs"}};
  static constexpr const char* kFlatArrays[] = {"a", "b", "out", "info"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LinalgSolveArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.n = r.integer("n");
    p.nrhs = r.integer("nrhs");
    const int64_t size = r.mul(p.n, p.nrhs, "n·nrhs");
    p.a = r.template array<T>("a", r.mul(p.n, p.n, "n·n")).data;
    p.b = r.template array<T>("b", size).data;
    p.out = r.template array<T>("out", size).data;
    p.info = r.template array<double>("info", 1).data;
    return p;
  }
  static Status run(const Args<float>& p) { return linalg_solve(p); }
  static Status run(const Args<double>& p) { return linalg_solve(p); }
};

// { a, out, m, n }: out = [p (m), l (m·k), u (k·n)].
struct LinalgLuOp {
  static constexpr const char* kName = "lu";
  static constexpr FlatField kFlatFields[] = {{"m"}, {"n"}};
  static constexpr const char* kFlatArrays[] = {"a", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LinalgLuArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.m = r.integer("m");
    p.n = r.integer("n");
    const int64_t k = std::min(p.m, p.n);
    p.a = r.template array<T>("a", r.mul(p.m, p.n, "m·n")).data;
    const int64_t size = r.add(p.m, r.add(r.mul(p.m, k, "m·k"), r.mul(k, p.n, "k·n"), "the factors' size"), "the output size");
    p.out = r.template array<T>("out", size).data;
    return p;
  }
  static Status run(const Args<float>& p) { return linalg_lu(p); }
  static Status run(const Args<double>& p) { return linalg_lu(p); }
};

// { a, out, m, n, rows }: rows = min(m, n) (reduced) or m (complete); out = [q (m·rows), r (rows·n)].
struct LinalgQrOp {
  static constexpr const char* kName = "qr";
  static constexpr FlatField kFlatFields[] = {{"m"}, {"n"}, {"rows"}};
  static constexpr const char* kFlatArrays[] = {"a", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LinalgQrArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.m = r.integer("m");
    p.n = r.integer("n");
    p.rows = r.integer("rows");
    if (p.rows != p.m && p.rows != std::min(p.m, p.n)) {
      r.range_error("rows must be min(m, n) = " + std::to_string(std::min(p.m, p.n)) + " (reduced) or m = " +
                    std::to_string(p.m) + " (complete); received " + std::to_string(p.rows));
    }
    p.a = r.template array<T>("a", r.mul(p.m, p.n, "m·n")).data;
    p.out = r.template array<T>("out", r.add(r.mul(p.m, p.rows, "m·rows"), r.mul(p.rows, p.n, "rows·n"), "the output size")).data;
    return p;
  }
  static Status run(const Args<float>& p) { return linalg_qr(p); }
  static Status run(const Args<double>& p) { return linalg_qr(p); }
};

// { a, out, m, n, vectors: 'none'|'thin'|'full' }: out = [u, s, vt] or [s].
struct LinalgSvdOp {
  static constexpr const char* kName = "svd";
  static constexpr FlatField kFlatFields[] = {{"m"}, {"n"}, {"vectors", false, "none|thin|full"}};
  static constexpr const char* kFlatArrays[] = {"a", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LinalgSvdArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.m = r.integer("m");
    p.n = r.integer("n");
    p.vectors = static_cast<SvdVectors>(r.choice("vectors", {"none", "thin", "full"}));
    const int64_t k = std::min(p.m, p.n);
    const bool full = p.vectors == SvdVectors::kFull, want = p.vectors != SvdVectors::kNone;
    const int64_t ucols = want ? (full ? p.m : k) : 0, vrows = want ? (full ? p.n : k) : 0;
    p.a = r.template array<T>("a", r.mul(p.m, p.n, "m·n")).data;
    const int64_t size = r.add(r.mul(p.m, ucols, "m·ucols"), r.add(k, r.mul(vrows, p.n, "vrows·n"), "the output size"), "the output size");
    p.out = r.template array<T>("out", size).data;
    return p;
  }
  static Status run(const Args<float>& p) { return linalg_svd(p); }
  static Status run(const Args<double>& p) { return linalg_svd(p); }
};

// { a, out, n }: out = [values (n), vectors (n·n)].
struct LinalgEighOp {
  static constexpr const char* kName = "eigh";
  static constexpr FlatField kFlatFields[] = {{"n"}};
  static constexpr const char* kFlatArrays[] = {"a", "out"};
  static constexpr FlatLayout kFlat = flat_layout(kFlatFields, kFlatArrays);
  template <class T>
  using Args = LinalgEighArgs<T>;
  template <class T, class R>
  static Args<T> decode(R& r, const Isa* isa) {
    Args<T> p;
    p.isa = isa;
    p.n = r.integer("n");
    const int64_t nn = r.mul(p.n, p.n, "n·n");
    p.a = r.template array<T>("a", nn).data;
    p.out = r.template array<T>("out", r.add(p.n, nn, "the output size")).data;
    return p;
  }
  static Status run(const Args<float>& p) { return linalg_eigh(p); }
  static Status run(const Args<double>& p) { return linalg_eigh(p); }
};

}  // namespace lepton

#endif  // LEPTON_NATIVE_LINALG_ENTRIES_H_
