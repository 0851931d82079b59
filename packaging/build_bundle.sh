#!/usr/bin/env bash
# Builds the desktop bundle: dist/quelle/, one folder with one executable, `quelle` (the
# window without arguments, the CLI with a command), then proves it with its self-test.
#   bash packaging/build_bundle.sh
# Needs the virtualenv that packaging/install.sh --test makes (and binutils' strip). About five
# minutes on 2 cores, then about a minute of self-test. Intermediate files: build/bundle.
# Test the result further: QUELLE_BUNDLE=dist/quelle bash tests/run.sh tests/test_bundle.py
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
fail() {
    echo "build_bundle: $*" >&2
    exit 1
}
[[ -x $python ]] || fail "$python is missing; run packaging/install.sh --test first"

# PyInstaller and its hooks (torch, transformers, PySide6, …) come from the lock with the
# test tools: it bundles what that virtualenv has installed.
"$python" -c "import PyInstaller" 2>/dev/null ||
    fail "PyInstaller is missing; run packaging/install.sh --test first"

if [[ -f packaging/build_translations.sh ]]; then
    bash packaging/build_translations.sh
else
    for ts in app/quelle/i18n/*.ts; do
        .venv/bin/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm" >/dev/null
    done
fi

started=$(date +%s)
# Analysis imports PySide6 and the window's modules in child processes: no display needed.
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} \
    "$python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/bundle packaging/bundle/quelle.spec
elapsed=$(($(date +%s) - started))
printf 'build_bundle: built dist/quelle in %dm%02ds\n' $((elapsed / 60)) $((elapsed % 60))
echo "build_bundle: size $(du -sh dist/quelle | cut -f1)"

# The spec leaves out some libraries (Qt Quick, the GTK theme's stack, …): every library
# left in the bundle must still find what it links to, in the bundle or on the system.
# libwayland-* come with every Wayland desktop (and only the Wayland plugins need them).
internal=$PWD/dist/quelle/_internal
unresolved=$(find "$internal" -name '*.so*' -type f -print0 |
    while IFS= read -r -d '' library; do
        LD_LIBRARY_PATH=$internal ldd "$library" 2>/dev/null |
            awk -v lib="${library#"$internal"/}" '/not found/ {print lib ": " $1}'
    done | grep -v ': libwayland-' || true)
[[ -z $unresolved ]] || fail "libraries with unresolved dependencies:
$unresolved"

echo "build_bundle: dist/quelle/quelle --self-test"
if ! QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} dist/quelle/quelle --self-test; then
    fail "the bundle's self-test failed"
fi
