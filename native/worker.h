// worker.h — KernelWorker<Op, T>: the one AsyncWorker behind every async kernel entry. The
// decoded arguments (plain pointers and numbers) are moved in; the references taken while
// decoding keep every typed array alive until the promise settles. Execute() runs on a libuv
// thread and touches no Napi value; OnOK/OnError run back on the JavaScript thread.
#ifndef LEPTON_NATIVE_WORKER_H_
#define LEPTON_NATIVE_WORKER_H_

#include <napi.h>

#include <utility>
#include <vector>

#include "kernels/status.h"

namespace lepton {

// Builds the JavaScript error for a kernel failure (defined in addon.cc: the NATIVE_FAILURE
// error class handed in at init, else a plain Error).
Napi::Value make_native_error(Napi::Env env, const char* op, const Status& status);

template <class Op, class Args>
class KernelWorker final : public Napi::AsyncWorker {
 public:
  KernelWorker(Napi::Env env, Args args, std::vector<Napi::Reference<Napi::Value>> keep_alive)
      : Napi::AsyncWorker(env, Op::kName),
        args_(std::move(args)),
        keep_alive_(std::move(keep_alive)),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { status_ = Op::run(args_); }

  void OnOK() override {
    if (status_.ok()) {
      deferred_.Resolve(Env().Undefined());
    } else {
      deferred_.Reject(make_native_error(Env(), Op::kName, status_));
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Args args_;
  std::vector<Napi::Reference<Napi::Value>> keep_alive_;
  Napi::Promise::Deferred deferred_;
  Status status_;
};

}  // namespace lepton

#endif  // LEPTON_NATIVE_WORKER_H_
