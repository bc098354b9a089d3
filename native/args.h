// args.h — decoding and checking the raw addon's arguments. Each kernel entry takes one plain
// object of named properties (typed arrays, dimensions, strides, offsets, choices). Nothing is
// trusted: every typed array's type and length is checked against every shape, stride and offset
// that could reach it before a pointer is taken, every dimension is an integer in [0, 2^53) whose
// products stay below 2^53, and a failed check throws a JavaScript TypeError (wrong kind of
// value) or RangeError (a value out of range). Typed arrays read here are kept alive by
// references that the async worker holds until it settles.
#ifndef LEPTON_NATIVE_ARGS_H_
#define LEPTON_NATIVE_ARGS_H_

#include <napi.h>

#include <cmath>
#include <cstring>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

namespace lepton {

// The largest dimension, stride, offset or product of them that the glue accepts: 2^53 − 1, the
// largest integer a JavaScript number holds exactly. Products of two such checked values fit int64.
constexpr int64_t kMaxExact = (int64_t{1} << 53) - 1;
// Dimensions of a batch shape or an elementwise shape.
constexpr std::size_t kMaxRank = 32;

// Up to kMaxRank + 2 dimensions on the stack (a batch shape and a matrix's two): what a decoder
// builds for every call without an allocation.
struct Dims {
  int64_t v[kMaxRank + 2] = {};
  std::size_t n = 0;
  Dims() = default;
  Dims(const std::vector<int64_t>& batch, int64_t rows, int64_t cols) {
    // A batch shape is read with at most kMaxRank entries.
    for (int64_t d : batch) v[n++] = d;
    v[n++] = rows;
    v[n++] = cols;
  }
  std::size_t size() const { return n; }
  int64_t operator[](std::size_t i) const { return v[i]; }
  const int64_t* begin() const { return v; }
  const int64_t* end() const { return v + n; }
};

template <class T>
struct Span {
  T* data = nullptr;
  int64_t length = 0;
};

template <class T>
constexpr napi_typedarray_type typed_array_type() {
  if constexpr (std::is_same_v<T, float>) return napi_float32_array;
  if constexpr (std::is_same_v<T, double>) return napi_float64_array;
  return napi_int32_array;
}

inline const char* typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "typed array";
  }
}

// What both readers share: the op's name for messages, the checks of typed arrays against
// shapes, overflow-checked arithmetic, and the record of every array read (to re-check it, or to
// keep it alive for an async call).
class ReaderBase {
 public:
  ReaderBase(Napi::Env env, const char* op) : env_(env), op_(op) {}

  Napi::Env env() const { return env_; }
  const char* op() const { return op_; }

  [[noreturn]] void type_error(const std::string& what) const {
    throw Napi::TypeError::New(env_, std::string(op_) + ": " + what);
  }
  [[noreturn]] void range_error(const std::string& what) const {
    throw Napi::RangeError::New(env_, std::string(op_) + ": " + what);
  }

  // a·b, failing when the product passes 2^53 − 1 (`what` names it in the message).
  int64_t mul(int64_t a, int64_t b, const char* what) const {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r) || r > kMaxExact) {
      range_error(std::string(what) + " overflows: " + std::to_string(a) + " × " + std::to_string(b) +
                  " is past 2^53");
    }
    return r;
  }
  int64_t add(int64_t a, int64_t b, const char* what) const {
    int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r) || r > kMaxExact) {
      range_error(std::string(what) + " overflows: " + std::to_string(a) + " + " + std::to_string(b) +
                  " is past 2^53");
    }
    return r;
  }
  int64_t product(const std::vector<int64_t>& dims, const char* what) const {
    int64_t p = 1;
    for (int64_t d : dims) p = mul(p, d, what);
    return p;
  }

  // Checks that every element a strided view can reach lies inside an array of `length`:
  // offset + Σ (dims[i] − 1)·strides[i] < length (nothing is reached when a dimension is 0).
  void check_extent(const char* name, int64_t length, int64_t offset, const std::vector<int64_t>& dims,
                    const std::vector<int64_t>& strides) const {
    check_extent<std::vector<int64_t>, std::vector<int64_t>>(name, length, offset, dims, strides);
  }
  // The same for `dims` and `strides` of any kind with size(), [] and a range (a Dims).
  template <class D, class S>
  void check_extent(const char* name, int64_t length, int64_t offset, const D& dims, const S& strides) const {
    for (int64_t d : dims) {
      if (d == 0) return;
    }
    int64_t last = offset;
    for (std::size_t i = 0; i < dims.size(); ++i) last = add(last, mul(dims[i] - 1, strides[i], name), name);
    if (last >= length) {
      range_error(std::string(name) + " is too short for its shape, strides and offset: element " +
                  std::to_string(last) + " is reached and it holds " + std::to_string(length));
    }
  }

  // Property getters are JavaScript: one read after an array was checked could have detached it.
  // Called once every argument was read, this re-reads each array and fails if any changed.
  void verify_unchanged() const {
    for (const Checked& c : checked()) {
      std::size_t length = 0;
      void* data = nullptr;
      if (!typed_array_info(c.array, &length, &data) || static_cast<int64_t>(length) != c.length ||
          (c.length > 0 && data != c.data)) {
        range_error(std::string(c.name) + " changed (detached or resized) while the arguments were read");
      }
    }
  }

  // Async entries only: the kernel runs on another thread after this call returns, so every array
  // must sit on memory JavaScript cannot pull away meanwhile. A plain ArrayBuffer can be detached
  // (transferred) or, if resizable, shrunk; a SharedArrayBuffer can neither.
  void verify_shared() const {
    for (const Checked& c : checked()) {
      napi_typedarray_type type;
      napi_value buffer;
      std::size_t length = 0, offset = 0;
      void* data = nullptr;
      bool plain = true;
      if (napi_get_typedarray_info(env_, c.array, &type, &length, &data, &buffer, &offset) != napi_ok ||
          napi_is_arraybuffer(env_, buffer, &plain) != napi_ok || plain) {
        type_error(std::string(c.name) +
                   " must be a view of a SharedArrayBuffer for the async entry (an ArrayBuffer can be detached "
                   "or resized while the kernel runs); copy it into shared memory or call the Sync entry");
      }
    }
  }

 protected:
  // What one napi_get_typedarray_info query says of a value: "is it a typed array (ok), of which
  // type, how long, where". The query is costly (Node tests the value against each kind of typed
  // array in turn), so a reader asks it once per value where it can.
  struct ArrayInfo {
    bool ok = false;
    napi_typedarray_type type = napi_int8_array;
    std::size_t length = 0;
    void* data = nullptr;
  };
  ArrayInfo query(Napi::Value v) const {
    ArrayInfo q;
    // No handle on the ArrayBuffer and no byte offset asked for: `data` has the offset applied.
    q.ok = napi_get_typedarray_info(env_, v, &q.type, &q.length, &q.data, nullptr, nullptr) == napi_ok;
    return q;
  }

  // `v` as a typed array of element type T with at least `min_length` elements, recorded.
  template <class T>
  Span<T> checked_array(const char* name, Napi::Value v, int64_t min_length) {
    return checked_array<T>(name, v, query(v), min_length);
  }
  // The same, with `v` already queried (`q`).
  template <class T>
  Span<T> checked_array(const char* name, Napi::Value v, const ArrayInfo& q, int64_t min_length) {
    constexpr napi_typedarray_type want = typed_array_type<T>();
    if (!q.ok || q.type != want) {
      type_error(std::string(name) + " must be a " + typed_array_name(want) + "; received " + describe(v));
    }
    const std::size_t length = q.length;
    void* data = q.data;
    Span<T> s;
    s.length = static_cast<int64_t>(length);
    s.data = s.length > 0 ? static_cast<T*>(data) : nullptr;
    if (s.length < min_length) {
      range_error(std::string(name) + " is too short: it holds " + std::to_string(s.length) +
                  " elements and the shapes need " + std::to_string(min_length));
    }
    if (s.length > 0 && s.data == nullptr) range_error(std::string(name) + " has a detached buffer");
    if (n_arrays_ == kMaxChecked) range_error("reads more typed arrays than the reader records");
    arrays_[n_arrays_++] = {v, name, s.data, s.length};
    return s;
  }

  napi_typedarray_type checked_kind(const char* name, Napi::Value v) const { return checked_kind(name, v, query(v)); }
  napi_typedarray_type checked_kind(const char* name, Napi::Value v, const ArrayInfo& q) const {
    if (!q.ok) type_error(std::string(name) + " must be a typed array; received " + describe(v));
    return q.type;
  }

  // An integer in [lo, kMaxExact]; `index` ≥ 0 names entry `index` of the array `name` (the label
  // is only built on failure). `shown` is what the message says was received.
  template <class Shown>
  int64_t checked_integer(const char* name, double d, int64_t lo, int64_t index, const Shown& shown) const {
    if (!(d >= static_cast<double>(lo)) || d > static_cast<double>(kMaxExact) || std::floor(d) != d) {
      range_error(label(name, index) + " must be an integer in [" + std::to_string(lo) + ", 2^53); received " + shown());
    }
    return static_cast<int64_t>(d);
  }

  static std::string label(const char* name, int64_t index) {
    return index < 0 ? std::string(name) : std::string(name) + "[" + std::to_string(index) + "]";
  }

  // The references that keep `first` and every decoded array alive, for an async entry (a sync
  // call holds its arguments on the stack: making references would only cost).
  std::vector<Napi::Reference<Napi::Value>> references(Napi::Value first) const {
    std::vector<Napi::Reference<Napi::Value>> refs;
    refs.reserve(n_arrays_ + 1);
    refs.push_back(Napi::Persistent(first));
    for (const Checked& c : checked()) refs.push_back(Napi::Persistent(c.array));
    return refs;
  }

  // Element count and data pointer (byte offset applied) of a typed array over an ArrayBuffer or
  // a SharedArrayBuffer.
  bool typed_array_info(Napi::Value v, std::size_t* length, void** data) const {
    napi_typedarray_type type;
    napi_value buffer;
    std::size_t offset = 0;
    return napi_get_typedarray_info(env_, v, &type, length, data, &buffer, &offset) == napi_ok;
  }

  std::string describe(Napi::Value v) const {
    if (v.IsUndefined()) return "undefined";
    if (v.IsNull()) return "null";
    if (v.IsNumber()) return describe_number(v.As<Napi::Number>().DoubleValue());
    if (v.IsString()) return "'" + v.As<Napi::String>().Utf8Value() + "' (string)";
    if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
    if (v.IsTypedArray()) {
      return std::string(typed_array_name(v.As<Napi::TypedArray>().TypedArrayType())) + "(" +
             std::to_string(v.As<Napi::TypedArray>().ElementLength()) + ")";
    }
    if (v.IsArray()) return "an array";
    if (v.IsFunction()) return "a function";
    if (v.IsBigInt()) return "a bigint";
    if (v.IsObject()) return "an object";
    return "a value of another type";
  }

  static std::string describe_number(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    if (std::floor(d) == d && std::fabs(d) < 1e18) return std::to_string(static_cast<int64_t>(d));
    return std::to_string(d);
  }

  Napi::Env env_;
  const char* op_;

 private:
  struct Checked {
    Napi::Value array;
    const char* name;
    const void* data;
    int64_t length;
  };
  // The arrays read, in a fixed block (no allocation per call): an op reads at most six.
  static constexpr std::size_t kMaxChecked = 12;
  struct CheckedList {
    const Checked* first;
    const Checked* last;
    const Checked* begin() const { return first; }
    const Checked* end() const { return last; }
  };
  CheckedList checked() const { return {arrays_, arrays_ + n_arrays_}; }
  Checked arrays_[kMaxChecked];
  std::size_t n_arrays_ = 0;
};

// The object form: `<op>Sync({ name: value, … })`, every value read by name.
class ArgReader : public ReaderBase {
 public:
  ArgReader(const Napi::CallbackInfo& info, const char* op) : ReaderBase(info.Env(), op) {
    if (info.Length() < 1 || !info[0].IsObject() || info[0].IsArray() || info[0].IsTypedArray()) {
      type_error("expects one argument object; received " + describe(info.Length() < 1 ? env_.Undefined() : info[0]));
    }
    obj_ = info[0].As<Napi::Object>();
  }

  bool has(const char* name) const {
    Napi::Value v = obj_.Get(name);
    return !v.IsUndefined() && !v.IsNull();
  }

  // The element type of typed array `name` (TypeError when it is not a typed array).
  napi_typedarray_type kind(const char* name) const { return checked_kind(name, obj_.Get(name)); }

  // Typed array `name` of element type T, at least `min_length` elements long.
  template <class T>
  Span<T> array(const char* name, int64_t min_length) {
    return checked_array<T>(name, obj_.Get(name), min_length);
  }

  // An integer in [lo, kMaxExact].
  int64_t integer(const char* name, int64_t lo = 0) const { return integer_value(name, obj_.Get(name), lo, -1); }
  int64_t positive(const char* name) const { return integer(name, 1); }

  double finite(const char* name) const {
    Napi::Value v = obj_.Get(name);
    if (!v.IsNumber()) type_error(std::string(name) + " must be a number; received " + describe(v));
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d)) range_error(std::string(name) + " must be finite; received " + describe(v));
    return d;
  }

  // A number that is not NaN (±Infinity allowed: e.g. an absent clip bound).
  double number(const char* name) const {
    Napi::Value v = obj_.Get(name);
    if (!v.IsNumber()) type_error(std::string(name) + " must be a number; received " + describe(v));
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isnan(d)) range_error(std::string(name) + " must not be NaN");
    return d;
  }

  // An array of integers in [lo, kMaxExact] with `length` entries (any length ≤ kMaxRank if < 0).
  std::vector<int64_t> integers(const char* name, int64_t length, int64_t lo = 0) const {
    Napi::Value v = obj_.Get(name);
    if (!v.IsArray()) type_error(std::string(name) + " must be an array of integers; received " + describe(v));
    Napi::Array arr = v.As<Napi::Array>();
    const uint32_t len = arr.Length();
    if (length >= 0 && len != length) {
      range_error(std::string(name) + " must have " + std::to_string(length) + " entries; received " +
                  std::to_string(len));
    }
    if (len > kMaxRank) range_error(std::string(name) + " has more than " + std::to_string(kMaxRank) + " entries");
    std::vector<int64_t> out(len);
    for (uint32_t i = 0; i < len; ++i) out[i] = integer_value(name, arr.Get(i), lo, static_cast<int64_t>(i));
    return out;
  }

  // One of `options`; returns its index.
  int choice(const char* name, std::initializer_list<const char*> options) const {
    Napi::Value v = obj_.Get(name);
    std::string list;
    int i = 0;
    if (v.IsString()) {
      const std::string s = v.As<Napi::String>().Utf8Value();
      for (const char* o : options) {
        if (s == o) return i;
        ++i;
      }
    }
    for (const char* o : options) list += (list.empty() ? "'" : ", '") + std::string(o) + "'";
    type_error(std::string(name) + " must be one of " + list + "; received " + describe(v));
  }

  std::vector<Napi::Reference<Napi::Value>> take_references() const { return references(obj_); }

 private:
  int64_t integer_value(const char* name, Napi::Value v, int64_t lo, int64_t index) const {
    if (!v.IsNumber()) type_error(label(name, index) + " must be an integer; received " + describe(v));
    const double d = v.As<Napi::Number>().DoubleValue();
    return checked_integer(name, d, lo, index, [&] { return describe(v); });
  }

  Napi::Object obj_;
};

// One argument the flat form carries in its Float64Array: a number (NaN: absent), or a list
// stored as its length and then its entries.
struct FlatField {
  const char* name;
  bool list = false;
  // A choice: its options, '|'-separated, in the order decode's choice() lists them (the flat
  // form carries the index).
  const char* choices = nullptr;
};

// The layout of an op's flat form: its numbers in order, then its typed arrays in order.
struct FlatLayout {
  const FlatField* fields;
  std::size_t n_fields;
  const char* const* arrays;
  std::size_t n_arrays;
};
template <std::size_t F, std::size_t A>
constexpr FlatLayout flat_layout(const FlatField (&fields)[F], const char* const (&arrays)[A]) {
  return {fields, F, arrays, A};
}

// The flat form: `<op>Flat(meta, ...arrays)`. Every number and list of numbers sits in one
// Float64Array `meta` at the places `layout` gives (a caller reuses one buffer call after call),
// the typed arrays follow as positional arguments; nothing is looked up by name and no JavaScript
// runs while the arguments are read. A choice is the index of its option. Every value passes the
// same checks as in the object form, with the same messages.
class FlatReader : public ReaderBase {
 public:
  FlatReader(const Napi::CallbackInfo& info, const char* op, const FlatLayout& layout)
      : ReaderBase(info.Env(), op), info_(info), layout_(layout) {
    const ArrayInfo q = info.Length() < 1 ? ArrayInfo{} : query(info[0]);
    if (!q.ok || q.type != napi_float64_array) {
      type_error("expects a Float64Array of its numbers first; received " +
                 describe(info.Length() < 1 ? env_.Undefined() : info[0]));
    }
    meta_ = static_cast<const double*>(q.data);
    meta_length_ = static_cast<int64_t>(q.length);
    if (layout.n_fields > kMaxFields) range_error("has more fields than the flat form holds");
    if (layout.n_arrays > kMaxArrays) range_error("has more arrays than the flat form holds");
    int64_t at = 0;
    std::size_t i = 0;
    for (std::size_t j = 0; j < layout.n_fields; ++j) {
      const FlatField& f = layout.fields[j];
      if (at >= meta_length_) range_error("meta is too short: it holds " + std::to_string(meta_length_) + " numbers");
      at_[i++] = at;
      if (!f.list) {
        at += 1;
        continue;
      }
      const double n = meta_[at];
      if (!(n >= 0) || n > static_cast<double>(kMaxRank) || std::floor(n) != n) {
        range_error(std::string(f.name) + " must have at most " + std::to_string(kMaxRank) + " entries; received " +
                    describe_number(n) + " as its length");
      }
      at += 1 + static_cast<int64_t>(n);
    }
    if (at > meta_length_) range_error("meta is too short: it holds " + std::to_string(meta_length_) + " numbers");
  }

  bool has(const char* name) const {
    if (const int a = array_index(name); a >= 0) {
      const napi_valuetype t = info_[1 + a].Type();
      return t != napi_undefined && t != napi_null;
    }
    const int f = field_index(name);
    return f >= 0 && (is_list(f) || !std::isnan(meta_[at_[f]]));
  }

  napi_typedarray_type kind(const char* name) const {
    const int a = require_array(name);
    return checked_kind(name, info_[1 + a], queried(a));
  }

  template <class T>
  Span<T> array(const char* name, int64_t min_length) {
    const int a = require_array(name);
    return checked_array<T>(name, info_[1 + a], queried(a), min_length);
  }

  int64_t integer(const char* name, int64_t lo = 0) const {
    const double d = meta_[at_[require_field(name)]];
    return checked_integer(name, d, lo, -1, [d] { return describe_number(d); });
  }
  int64_t positive(const char* name) const { return integer(name, 1); }

  double finite(const char* name) const {
    const double d = meta_[at_[require_field(name)]];
    if (!std::isfinite(d)) range_error(std::string(name) + " must be finite; received " + describe_number(d));
    return d;
  }

  double number(const char* name) const {
    const double d = meta_[at_[require_field(name)]];
    if (std::isnan(d)) range_error(std::string(name) + " must not be NaN");
    return d;
  }

  std::vector<int64_t> integers(const char* name, int64_t length, int64_t lo = 0) const {
    const int f = require_field(name);
    if (!is_list(f)) range_error(std::string(name) + " is not a list in the flat form");
    const int64_t at = at_[f];
    const int64_t len = static_cast<int64_t>(meta_[at]);
    if (length >= 0 && len != length) {
      range_error(std::string(name) + " must have " + std::to_string(length) + " entries; received " +
                  std::to_string(len));
    }
    std::vector<int64_t> out(static_cast<std::size_t>(len));
    for (int64_t i = 0; i < len; ++i) {
      const double d = meta_[at + 1 + i];
      out[static_cast<std::size_t>(i)] = checked_integer(name, d, lo, i, [d] { return describe_number(d); });
    }
    return out;
  }

  int choice(const char* name, std::initializer_list<const char*> options) const {
    const double d = meta_[at_[require_field(name)]];
    if (!(d >= 0) || d >= static_cast<double>(options.size()) || std::floor(d) != d) {
      std::string list;
      for (const char* o : options) list += (list.empty() ? "'" : ", '") + std::string(o) + "'";
      range_error(std::string(name) + " must be the index of one of " + list + "; received " + describe_number(d));
    }
    return static_cast<int>(d);
  }

  std::vector<Napi::Reference<Napi::Value>> take_references() const { return references(info_[0]); }

  // Reading the flat form runs no JavaScript (no getters, no conversions), so nothing can have
  // changed an array since it was checked.
  void verify_unchanged() const {}

 private:
  static constexpr std::size_t kMaxFields = 48;
  static constexpr std::size_t kMaxArrays = 8;

  // Array `a` as one query found it: asked once per call (no JavaScript runs while the flat form
  // is read, so the answer holds for the whole call).
  const ArrayInfo& queried(int a) const {
    if (!(asked_ & (1u << a))) {
      arrays_info_[a] = query(info_[1 + a]);
      asked_ |= 1u << a;
    }
    return arrays_info_[a];
  }

  // Decoders read the fields in about the layout's order: the search starts after the last one
  // found, and a name is first compared by address (the same literal) before by its characters.
  int field_index(const char* name) const {
    const std::size_t n = layout_.n_fields;
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t i = (next_field_ + j) % n;
      const char* f = layout_.fields[i].name;
      if (f == name || (f[0] == name[0] && std::strcmp(f, name) == 0)) {
        next_field_ = i + 1;
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  int array_index(const char* name) const {
    for (std::size_t i = 0; i < layout_.n_arrays; ++i) {
      if (layout_.arrays[i] == name || (layout_.arrays[i][0] == name[0] && std::strcmp(layout_.arrays[i], name) == 0)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  bool is_list(int f) const { return layout_.fields[f].list; }
  // A name the decoder reads that the layout lacks is a bug of this file, reported as such.
  int require_field(const char* name) const {
    const int f = field_index(name);
    if (f < 0) range_error(std::string("the flat layout has no field ") + name);
    return f;
  }
  int require_array(const char* name) const {
    const int a = array_index(name);
    if (a < 0) range_error(std::string("the flat layout has no array ") + name);
    return a;
  }

  const Napi::CallbackInfo& info_;
  const FlatLayout& layout_;
  const double* meta_ = nullptr;
  int64_t meta_length_ = 0;
  int64_t at_[kMaxFields] = {};
  mutable std::size_t next_field_ = 0;
  mutable ArrayInfo arrays_info_[kMaxArrays];
  mutable unsigned asked_ = 0;
};

}  // namespace lepton

#endif  // LEPTON_NATIVE_ARGS_H_
