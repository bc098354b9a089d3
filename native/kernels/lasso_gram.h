// lasso_gram.h — many small lasso problems in Gram form, min ½xᵀGx − cᵀx + ½yy + λ‖x‖₁, each by
// FISTA with adaptive restart to a duality-gap target (the inner solver of cs.fista's working
// sets). The same algorithm, step for step, as the js kernel (src/kernels/lasso-gram.ts).
#ifndef LEPTON_KERNELS_LASSO_GRAM_H_
#define LEPTON_KERNELS_LASSO_GRAM_H_

#include <cstdint>

#include "status.h"
#include "ukernel.h"

namespace lepton {

struct LassoGramArgs {
  const Isa* isa = nullptr;
  int64_t batch = 0, k = 0, n = 0, max_iter = 1;
  int64_t begin = 0, end = 0;    // problems [begin, end)
  const double* g = nullptr;       // [batch, k, k], symmetric PSD; with columns one [n, n]
  const int32_t* columns = nullptr;  // [batch, k]: −1 or a row/column of g; nullptr: g per problem
  const double* c = nullptr;       // [batch, k]
  const double* params = nullptr;  // [batch, 3]: λ, yy, gap target
  const double* x0 = nullptr;      // [batch, k] or nullptr (start at 0)
  // Packed [batch·k x | batch iterations | batch gap | batch lipschitz].
  double* out = nullptr;
};

Status lasso_gram_f64(const LassoGramArgs& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_LASSO_GRAM_H_
