// ukernel_wasm.h — the WebAssembly SIMD128 entry of the per-ISA table (ukernel.h). Only the wasm
// module (native/wasm/, scripts/build-wasm.mjs) compiles ukernel_wasm.cc; the addon never calls it.
#ifndef LEPTON_KERNELS_UKERNEL_WASM_H_
#define LEPTON_KERNELS_UKERNEL_WASM_H_

#include "ukernel.h"

namespace lepton {

// The SIMD128 path; nullptr when this translation unit was not compiled with -msimd128.
const Isa* isa_wasm_simd128();

}  // namespace lepton

#endif  // LEPTON_KERNELS_UKERNEL_WASM_H_
