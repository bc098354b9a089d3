// prepack.h — a B operand packed once (a weight used call after call: a dense layer, a sensing
// matrix) in exactly the panel layout the GEMM's micro-kernel reads, so matmul skips packing B.
//
// Layout: for each column block jc (NC wide, padded to a multiple of NR) and each depth block pc
// (KC deep), the ⌈nc/NR⌉ slivers of kc×NR that StridedB::pack writes, zero-padded. Panel (jc, pc)
// starts at jc·k + pc·ncp(jc). The blocking and NR of the ISA path that packed it are recorded:
// the GEMM uses that blocking, and refuses a packed matrix from another path (a different NR).
#ifndef LEPTON_KERNELS_PREPACK_H_
#define LEPTON_KERNELS_PREPACK_H_

#include <cstdint>
#include <memory>

#include "buffer.h"
#include "gemm.h"
#include "status.h"
#include "ukernel.h"

namespace lepton {

template <class T>
struct PackedMatrix {
  int64_t k = 0, n = 0;
  int nr = 0;
  GemmBlocking blocking;
  AlignedBuffer<T> data;

  int64_t bytes() const { return static_cast<int64_t>(data.size() * sizeof(T)); }
  const T* panel(int64_t jc, int64_t pc) const {
    const int64_t nc = std::min(blocking.nc, n - jc);
    const int64_t ncp = (nc + nr - 1) / nr * nr;
    return data.get() + jc * k + pc * ncp;
  }
};

// Packs B (k×n, element (p, j) at b[p·rs + j·cs]) for `isa`'s micro-kernel of T. Returns nullptr
// and sets *status when out of memory. k and n may be 0.
template <class T>
std::unique_ptr<PackedMatrix<T>> prepack_b(const Isa& isa, int64_t k, int64_t n, const T* b, int64_t rs, int64_t cs,
                                           Status* status) noexcept {
  const Ukernel<T>& uk = ukernel_of<T>(isa);
  std::unique_ptr<PackedMatrix<T>> m(new (std::nothrow) PackedMatrix<T>());
  if (m == nullptr) {
    *status = Status::OutOfMemory("a packed matrix");
    return nullptr;
  }
  m->k = k;
  m->n = n;
  m->nr = uk.nr;
  m->blocking = uk.blocking;
  m->blocking.nc = std::max<int64_t>(uk.nr, uk.blocking.nc / uk.nr * uk.nr);
  m->blocking.kc = std::max<int64_t>(1, uk.blocking.kc);
  const int64_t np = (n + uk.nr - 1) / uk.nr * uk.nr;
  if (!m->data.reset(static_cast<std::size_t>(k * np))) {
    *status = Status::OutOfMemory("a packed matrix of " + std::to_string(k) + "×" + std::to_string(n));
    return nullptr;
  }
  const StridedB<T> src{b, rs, cs};
  for (int64_t jc = 0; jc < n; jc += m->blocking.nc) {
    const int64_t nc = std::min(m->blocking.nc, n - jc);
    for (int64_t pc = 0; pc < k; pc += m->blocking.kc) {
      const int64_t kc = std::min(m->blocking.kc, k - pc);
      src.pack(pc, kc, jc, nc, uk.nr, const_cast<T*>(m->panel(jc, pc)));
    }
  }
  *status = Status::Ok();
  return m;
}

// The GEMM's B operand read from a PackedMatrix (gemm.h skips packing for it).
template <class T>
struct PrepackedB {
  static constexpr bool kPrepacked = true;
  const PackedMatrix<T>* m;
  int64_t kc() const { return m->blocking.kc; }
  int64_t nc() const { return m->blocking.nc; }
  const T* panel(int64_t jc, int64_t pc) const { return m->panel(jc, pc); }
};

}  // namespace lepton

#endif  // LEPTON_KERNELS_PREPACK_H_
