#!/usr/bin/env bash
# Installs Quelle into ./.venv (and, as root on Debian/Ubuntu, the system libraries Qt needs
# and the Tesseract OCR engine).
#   bash packaging/install.sh          # to run Quelle
#   bash packaging/install.sh --test   # also the test tools and the bundle's build tools
# Versions and hashes come from packaging/lock/. A second run with an unchanged lock takes a
# few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[[ "${1:-}" == "--test" ]] && extras="[test]"

# Qt's shared libraries for the window, the offscreen test platform and Xvfb screenshots.
qt_libs=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
         libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
         libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
         libxcb-xkb1 libnss3 fonts-dejavu-core xvfb
         # The Tesseract OCR engine with English and German data, for scanned PDF pages.
         tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu)
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

# Every package comes from the lock (packaging/lock/, made by packaging/update-lock.sh):
# exact versions, each file checked against its hash. quelle.txt to run; dev.txt adds the
# test tools and the bundle's build tools on the same versions; build.txt holds what builds
# llama.cpp and Quelle's own package, so no build fetches unpinned tools.
lock=packaging/lock/quelle.txt
[[ -n "$extras" ]] && lock=packaging/lock/dev.txt

# llama-cpp-python's lines of the lock (its source archive and hash), and all the others.
llama_lines() { awk '/^llama-cpp-python==/ {on = 1; print; next} /^[^ ]/ {on = 0} on' "$1"; }
other_lines() { awk '/^llama-cpp-python==/ {on = 1; next} /^[^ ]/ {on = 0} !on' "$1"; }

pip_install() { .venv/bin/python -m pip install -q --require-hashes --no-deps "$@"; }

# llama.cpp is built from its locked source once per machine and kept outside the checkout.
# On x86-64 the build targets every CPU with AVX2 instead of this one: a native build also
# uses AMX tile instructions where the CPU has them, and kernels that do not grant AMX to
# programs (virtual machines often do not) stop such a build with "Illegal instruction".
llama_flags=""
[[ $(uname -m) == x86_64 ]] && llama_flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
llama_key=$( (llama_lines "$lock" | grep -o 'sha256:[0-9a-f]*' | sort; echo "$llama_flags"
    cat packaging/lock/build.txt; "${PYTHON:-python3}" -V) | sha256sum | cut -c1-12)
wheelhouse="${XDG_CACHE_HOME:-$HOME/.cache}/quelle/llama-$llama_key"
install_llama() {
    if ! compgen -G "$wheelhouse/llama_cpp_python-*.whl" >/dev/null; then
        echo "Building llama.cpp (about ten minutes, once per machine)"
        PATH="$PWD/.venv/bin:$PATH" CMAKE_ARGS="$llama_flags" .venv/bin/python -m pip wheel -q \
            --no-cache-dir --no-deps --no-build-isolation --require-hashes \
            -r <(llama_lines "$lock") -w "$wheelhouse"
    fi
    .venv/bin/python -m pip install -q --force-reinstall --no-deps "$wheelhouse"/llama_cpp_python-*.whl
}

python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
stamp=".venv/.quelle-installed${extras}-$(cat pyproject.toml "$lock" packaging/lock/build.txt | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
    rm -f .venv/.quelle-installed*
    pip_install -r packaging/lock/build.txt
    # Before anything else is installed: the lock must agree with pyproject.toml.
    .venv/bin/python packaging/check_lock.py
    install_llama
    pip_install -r <(other_lines "$lock")
    .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
    # The lock must hold every dependency of every package it installs.
    if ! problems=$(.venv/bin/python -m pip check); then
        echo "install: the lock ($lock) is incomplete; run packaging/update-lock.sh --keep:" >&2
        echo "$problems" >&2
        exit 1
    fi
    touch "$stamp"
fi
# The window's translations, compiled from app/quelle/i18n/*.ts (quick, so every time).
if [[ -f packaging/build_translations.sh ]]; then bash packaging/build_translations.sh; fi
echo "Quelle is installed in .venv"
