#!/bin/sh
# Builds bench/native/probe (the command-line probe) and probe.so (for compare.py): the kernels
# compiled as binding.gyp compiles them, each ISA file with its own -m flags (never -march=native).
set -e
cd "$(dirname "$0")"
K=../../native/kernels
F="-std=c++17 -O3 -fno-math-errno -pthread -fPIC"
mkdir -p obj
g++ $F -c $K/ukernel_avx512.cc -o obj/avx512.o -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma &
g++ $F -c $K/ukernel_avx2.cc -o obj/avx2.o -mavx2 -mfma &
for f in ukernel_ref matmul threadpool cache_info; do g++ $F -c $K/$f.cc -o obj/$f.o; done
wait
g++ $F probe.cc obj/*.o -o probe
g++ $F -shared probe.cc obj/*.o -o probe.so
