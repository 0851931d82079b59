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

python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
stamp=".venv/.quelle-installed${extras}-$(sha256sum pyproject.toml | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # torch first and pinned: any other release pulls a multi-GB CUDA build.
    .venv/bin/python -m pip install -q "torch==2.13.0"
    .venv/bin/python -m pip install -q -e ".${extras}"
    touch "$stamp"
fi
echo "Quelle is installed in .venv"
