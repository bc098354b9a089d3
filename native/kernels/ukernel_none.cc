// ukernel_none.cc — on architectures without the x86 paths (arm64, …), the AVX entries of the
// ISA table are absent and the portable path runs.
#include "ukernel.h"

namespace lepton {
const Isa* isa_avx2() { return nullptr; }
const Isa* isa_avx512() { return nullptr; }
}  // namespace lepton
