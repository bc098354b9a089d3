// status.h — the result of every kernel: ok, or a failure with a message. Kernels are noexcept
// and report through Status; the glue (addon.cc) turns a failure into a JavaScript error.
#ifndef LEPTON_KERNELS_STATUS_H_
#define LEPTON_KERNELS_STATUS_H_

#include <string>
#include <utility>

namespace lepton {

enum class StatusCode { kOk, kOutOfMemory, kInvalid };

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status OutOfMemory(std::string what) {
    return Status(StatusCode::kOutOfMemory, "out of memory while allocating " + std::move(what));
  }
  static Status Invalid(std::string message) { return Status(StatusCode::kInvalid, std::move(message)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace lepton

#endif  // LEPTON_KERNELS_STATUS_H_
