# The native backend: one addon target, `lepton`. GYP has no per-file flags, so each instruction-set
# path is a static library with its own -m flags (never -march=native), linked into the addon; the
# portable path is compiled with the target's default flags. Which path runs is chosen at load time
# from CPU features (native/kernels/ukernel_ref.cc). `lepton_sanitize=1` (npm run test:asan) adds
# AddressSanitizer and UndefinedBehaviorSanitizer.
{
  "variables": {
    "lepton_sanitize%": 0,
  },
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y", "-std=gnu++20"],
    "defines": [
      "NAPI_VERSION=8",
      "NODE_ADDON_API_DISABLE_DEPRECATED",
      "NAPI_CPP_EXCEPTIONS",
      # A pool worker terminated while it is inside the addon: the napi calls that follow fail
      # because its environment is shutting down; without this, the C++ exception node-addon-api
      # throws for the failed throw escapes the callback and aborts the whole process.
      "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
    ],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": ["-O3"],
    },
    "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"]}},
    "conditions": [
      ["lepton_sanitize==1", {
        "cflags_cc": ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g", "-O1"],
        "ldflags": ["-fsanitize=address,undefined"],
      }],
    ],
  },
  "targets": [
    {
      "target_name": "lepton",
      "sources": [
        "native/addon.cc",
        "native/kernels/ukernel_ref.cc",
        "native/kernels/matmul.cc",
        "native/kernels/conv2d.cc",
        "native/kernels/pool2d.cc",
        "native/kernels/elementwise.cc",
        "native/kernels/reduce.cc",
        "native/kernels/where.cc",
        "native/kernels/shape.cc",
        "native/kernels/softmax.cc",
        "native/kernels/lasso_gram.cc",
        "native/kernels/batch_norm.cc",
        "native/kernels/layer_norm.cc",
        "native/kernels/cholesky.cc",
        "native/kernels/linalg_vec.cc",
        "native/kernels/linalg_lu.cc",
        "native/kernels/linalg_qr.cc",
        "native/kernels/linalg_svd.cc",
        "native/kernels/linalg_eigh.cc",
        "native/kernels/linalg_ops.cc",
        "native/kernels/threadpool.cc",
        "native/kernels/cache_info.cc",
      ],
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["lepton_avx2", "lepton_avx512"]}, {"sources": ["native/kernels/ukernel_none.cc"]}],
      ],
    },
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "lepton_avx2",
          "type": "static_library",
          "sources": ["native/kernels/ukernel_avx2.cc"],
          "cflags_cc": ["-mavx2", "-mfma", "-fPIC"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"]},
        },
        {
          "target_name": "lepton_avx512",
          "type": "static_library",
          "sources": ["native/kernels/ukernel_avx512.cc"],
          "cflags_cc": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma", "-fPIC"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma"]},
        },
      ],
    }],
  ],
}
