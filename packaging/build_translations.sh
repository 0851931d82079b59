#!/usr/bin/env bash
# Compiles the window's translations, app/quelle/i18n/*.ts, into the .qm files Quelle loads
# (app/quelle/i18n/quelle_de.qm, …). Says nothing when all goes well; otherwise prints
# lrelease's messages and exits non-zero. Needs the virtualenv that packaging/install.sh makes.
set -euo pipefail
cd "$(dirname "$0")/.."

lrelease=.venv/bin/pyside6-lrelease
fail() {
    echo "build_translations: $*" >&2
    exit 1
}
[[ -x $lrelease ]] || fail "$lrelease is missing; run packaging/install.sh first"

shopt -s nullglob
sources=(app/quelle/i18n/*.ts)
((${#sources[@]})) || fail "no translations (*.ts) in app/quelle/i18n"

for ts in "${sources[@]}"; do
    qm="${ts%.ts}.qm"
    # Into a temporary file first: a failed run never leaves a truncated .qm behind.
    if ! output=$("$lrelease" "$ts" -qm "$qm.tmp" 2>&1); then
        rm -f "$qm.tmp"
        echo "$output" >&2
        fail "lrelease could not compile $ts"
    fi
    # lrelease reports "Updating …" and "Generated …"; anything else is a warning.
    if grep -Ev '^[[:space:]]*(Updating |Generated )' <<<"$output" | grep -q '[^[:space:]]'; then
        rm -f "$qm.tmp"
        echo "$output" >&2
        fail "lrelease warned about $ts"
    fi
    [[ -s $qm.tmp ]] || { rm -f "$qm.tmp"; fail "lrelease wrote an empty $qm"; }
    mv -f "$qm.tmp" "$qm"
done
