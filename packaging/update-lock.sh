#!/usr/bin/env bash
# Moves the lock forward: re-resolves pyproject.toml's dependencies to today's newest
# releases that its ranges allow, writes packaging/lock/*.txt (exact versions with hashes)
# and prints what moved. A lock change lands only with a green run of the README's whole
# test command (bash .ci/run).
#   bash packaging/update-lock.sh                       # everything to its newest release
#   bash packaging/update-lock.sh --keep                # after editing pyproject.toml: keep
#                                                       # every pin that still fits
#   bash packaging/update-lock.sh -P transformers -P …  # move only these packages (uv's
#                                                       # --upgrade-package)
# The supported platform is Linux x86-64 with glibc 2.36 or newer (Debian 12, Ubuntu 24.04),
# CPython 3.11, CPU torch. torch's CPU wheel comes
# from QUELLE_TORCH_WHEELS: a folder or page of wheels (default: /opt/wheels where it holds
# one, else PyTorch's CPU wheel page).
set -euo pipefail
cd "$(dirname "$0")/.."

uv_version=0.13.9
lock=packaging/lock
tools=build/lock-tools
if ! "$tools/bin/uv" --version 2>/dev/null | grep -q " $uv_version"; then
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q "uv==$uv_version"
fi
uv=$tools/bin/uv

torch_wheels=${QUELLE_TORCH_WHEELS:-}
if [[ -z $torch_wheels ]]; then
    if compgen -G "/opt/wheels/torch-2.13.0+cpu-*.whl" >/dev/null; then
        torch_wheels=/opt/wheels
    else
        torch_wheels=https://download.pytorch.org/whl/cpu/torch/
    fi
fi

mode=(--upgrade)
if [[ ${1:-} == --keep ]]; then
    mode=()
    shift
fi
while (($#)); do
    case $1 in
    -P)
        [[ ${mode[0]:-} == --upgrade-package ]] || mode=()
        mode+=(--upgrade-package "$2")
        shift 2
        ;;
    *)
        echo "update-lock: unknown argument $1" >&2
        exit 2
        ;;
    esac
done

pins() { # name==version lines of a lock file, for comparing and as constraints
    [[ -f $1 ]] && grep -E '^[A-Za-z0-9]' "$1" | sed 's/ *\\$//' | sort || true
}
mkdir -p "$lock" build
for name in quelle dev build; do pins "$lock/$name.txt" >"build/lock-before-$name.txt"; done

compile() { # compile OUTPUT [uv pip compile arguments...]
    local output=$1
    shift
    "$uv" pip compile --quiet --generate-hashes --python-version 3.11 \
        --python-platform x86_64-manylinux_2_36 --find-links "$torch_wheels" \
        --custom-compile-command "bash packaging/update-lock.sh" \
        "${mode[@]}" -o "$output" "$@"
}

# What Quelle runs on; then the test tools and the bundle's build tools on top of exactly
# those versions (so `install.sh` and `install.sh --test` share every pin they have in
# common); then what builds llama.cpp and Quelle's own package without build isolation.
compile "$lock/quelle.txt" pyproject.toml
pins "$lock/quelle.txt" >build/lock-constraints.txt
compile "$lock/dev.txt" pyproject.toml --extra test --extra bundle -c build/lock-constraints.txt
compile "$lock/build.txt" "$lock/build.in"

echo "What moved:"
moved=0
for name in quelle dev build; do
    if ! diff <(cat "build/lock-before-$name.txt") <(pins "$lock/$name.txt") \
        >"build/lock-diff-$name.txt"; then
        moved=1
        echo "  $lock/$name.txt:"
        sed -n 's/^</    -/p; s/^>/    +/p' "build/lock-diff-$name.txt"
    fi
done
((moved)) || echo "  nothing"
echo "Pinned: $(pins "$lock/dev.txt" | wc -l) packages to test and bundle, of them" \
    "$(pins "$lock/quelle.txt" | wc -l) to run; $(pins "$lock/build.txt" | wc -l) to build."
echo "Next: bash .ci/run (a lock change lands only with the whole test command green)."
