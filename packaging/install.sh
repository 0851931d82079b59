#!/usr/bin/env bash
# Installs Quelle into ./.venv (and, as root on Debian/Ubuntu, the system libraries Qt needs).
#   bash packaging/install.sh          # to run Quelle
#   bash packaging/install.sh --test   # also the test tools
# A second run with an unchanged pyproject.toml takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[[ "${1:-}" == "--test" ]] && extras="[test]"

# Qt's shared libraries for the window, the offscreen test platform and Xvfb screenshots.
qt_libs=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
         libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
         libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
         libxcb-xkb1 libnss3 fonts-dejavu-core xvfb)
# The test suite also validates the desktop files (packaging/test-packages.txt).
if [[ -n "$extras" && -f packaging/test-packages.txt ]]; then
    mapfile -t test_pkgs < <(grep -v '^#' packaging/test-packages.txt | grep .)
    qt_libs+=("${test_pkgs[@]}")
fi
if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    missing=()
    for pkg in "${qt_libs[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        echo "Installing system libraries: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
fi

# llama.cpp is built from source once per machine and kept outside the checkout. On x86-64
# the build targets every CPU with AVX2 instead of this one: a native build also uses AMX
# tile instructions where the CPU has them, and kernels that do not grant AMX to programs
# (virtual machines often do not) stop such a build with "Illegal instruction".
llama_version=0.3.36
llama_flags=""
[[ $(uname -m) == x86_64 ]] && llama_flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
wheelhouse="${XDG_CACHE_HOME:-$HOME/.cache}/quelle/llama-$(echo "$llama_version $llama_flags" | sha256sum | cut -c1-12)"
install_llama() {
    if ! compgen -G "$wheelhouse/llama_cpp_python-*.whl" >/dev/null; then
        echo "Building llama.cpp (about ten minutes, once per machine)"
        CMAKE_ARGS="$llama_flags" .venv/bin/python -m pip wheel -q --no-cache-dir --no-deps \
            "llama-cpp-python==$llama_version" -w "$wheelhouse"
    fi
    .venv/bin/python -m pip install -q --force-reinstall --no-deps "$wheelhouse"/llama_cpp_python-*.whl
}

python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
stamp=".venv/.quelle-installed${extras}-$(sha256sum pyproject.toml | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # torch first and pinned: any other release pulls a multi-GB CUDA build.
    .venv/bin/python -m pip install -q "torch==2.13.0"
    install_llama
    .venv/bin/python -m pip install -q -e ".${extras}"
    touch "$stamp"
fi
# The window's translations, compiled from app/quelle/i18n/*.ts (quick, so every time).
if [[ -f packaging/build_translations.sh ]]; then bash packaging/build_translations.sh; fi
echo "Quelle is installed in .venv"
