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

class ArgReader {
 public:
  ArgReader(const Napi::CallbackInfo& info, const char* op) : env_(info.Env()), op_(op) {
    if (info.Length() < 1 || !info[0].IsObject() || info[0].IsArray() || info[0].IsTypedArray()) {
      type_error("expects one argument object; received " + describe(info.Length() < 1 ? env_.Undefined() : info[0]));
    }
    obj_ = info[0].As<Napi::Object>();
    keep(obj_);
  }

  Napi::Env env() const { return env_; }
  const char* op() const { return op_; }

  [[noreturn]] void type_error(const std::string& what) const {
    throw Napi::TypeError::New(env_, std::string(op_) + ": " + what);
  }
  [[noreturn]] void range_error(const std::string& what) const {
    throw Napi::RangeError::New(env_, std::string(op_) + ": " + what);
  }

  bool has(const char* name) const {
    Napi::Value v = obj_.Get(name);
    return !v.IsUndefined() && !v.IsNull();
  }

  // The element type of typed array `name` (TypeError when it is not a typed array).
  napi_typedarray_type kind(const char* name) const {
    Napi::Value v = obj_.Get(name);
    if (!v.IsTypedArray()) type_error(std::string(name) + " must be a typed array; received " + describe(v));
    return v.As<Napi::TypedArray>().TypedArrayType();
  }

  // Typed array `name` of element type T, at least `min_length` elements long.
  template <class T>
  Span<T> array(const char* name, int64_t min_length) {
    Napi::Value v = obj_.Get(name);
    constexpr napi_typedarray_type want = typed_array_type<T>();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != want) {
      type_error(std::string(name) + " must be a " + typed_array_name(want) + "; received " + describe(v));
    }
    Span<T> s;
    std::size_t length = 0;
    void* data = nullptr;
    if (!typed_array_info(v, &length, &data)) type_error(std::string(name) + " could not be read as a typed array");
    s.length = static_cast<int64_t>(length);
    s.data = s.length > 0 ? static_cast<T*>(data) : nullptr;
    if (s.length < min_length) {
      range_error(std::string(name) + " is too short: it holds " + std::to_string(s.length) +
                  " elements and the shapes need " + std::to_string(min_length));
    }
    if (s.length > 0 && s.data == nullptr) range_error(std::string(name) + " has a detached buffer");
    keep(v);
    arrays_.push_back({v, name, s.data, s.length});
    return s;
  }

  // An integer in [lo, kMaxExact].
  int64_t integer(const char* name, int64_t lo = 0) const {
    Napi::Value v = obj_.Get(name);
    return integer_value(name, v, lo);
  }
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
    for (uint32_t i = 0; i < len; ++i) {
      const std::string entry = std::string(name) + "[" + std::to_string(i) + "]";
      out[i] = integer_value(entry.c_str(), arr.Get(i), lo);
    }
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
  // Called once every property was read, this re-reads each array and fails if any changed.
  void verify_unchanged() const {
    for (const Checked& c : arrays_) {
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
    for (const Checked& c : arrays_) {
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

  // The references that keep every decoded array (and the argument object) alive.
  std::vector<Napi::Reference<Napi::Value>> take_references() { return std::move(refs_); }

 private:
  int64_t integer_value(const char* name, Napi::Value v, int64_t lo) const {
    if (!v.IsNumber()) type_error(std::string(name) + " must be an integer; received " + describe(v));
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= static_cast<double>(lo)) || d > static_cast<double>(kMaxExact) || std::floor(d) != d) {
      range_error(std::string(name) + " must be an integer in [" + std::to_string(lo) + ", 2^53); received " +
                  describe(v));
    }
    return static_cast<int64_t>(d);
  }

  // Element count and data pointer (byte offset applied) of a typed array over an ArrayBuffer or
  // a SharedArrayBuffer.
  bool typed_array_info(Napi::Value v, std::size_t* length, void** data) const {
    napi_typedarray_type type;
    napi_value buffer;
    std::size_t offset = 0;
    return napi_get_typedarray_info(env_, v, &type, length, data, &buffer, &offset) == napi_ok;
  }

  void keep(Napi::Value v) { refs_.push_back(Napi::Persistent(v)); }

  std::string describe(Napi::Value v) const {
    if (v.IsUndefined()) return "undefined";
    if (v.IsNull()) return "null";
    if (v.IsNumber()) {
      const double d = v.As<Napi::Number>().DoubleValue();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      if (std::floor(d) == d && std::fabs(d) < 1e18) return std::to_string(static_cast<int64_t>(d));
      return std::to_string(d);
    }
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

  struct Checked {
    Napi::Value array;
    const char* name;
    const void* data;
    int64_t length;
  };

  Napi::Env env_;
  const char* op_;
  std::vector<Checked> arrays_;
  Napi::Object obj_;
  std::vector<Napi::Reference<Napi::Value>> refs_;
};

}  // namespace lepton

#endif  // LEPTON_NATIVE_ARGS_H_
