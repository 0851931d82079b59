#!/usr/bin/env bash
# Removes what packaging/install-desktop.sh installed for the current user. The library,
# settings, caches and logs stay unless --purge is given; then they go too, without asking.
#   bash packaging/uninstall-desktop.sh [--purge]
# Honours HOME and XDG_DATA_HOME (and XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_STATE_HOME for
# --purge, as Quelle itself does).
set -euo pipefail
app_id=io.github.quelle_app.Quelle

purge=false
case "${1:-}" in
"") ;;
--purge) purge=true ;;
*)
    echo "usage: $0 [--purge]" >&2
    exit 2
    ;;
esac

data="${XDG_DATA_HOME:-$HOME/.local/share}"
app_dir="$data/quelle/app"
launcher="$HOME/.local/bin/quelle"

# Removes PATH (a file, link or folder) and says so; a missing PATH is not an error.
remove() {
    local path="$1"
    if [[ -e "$path" || -L "$path" ]]; then
        rm -rf "$path"
        echo "Removed $path"
    fi
}

# Removes DIR if nothing is left in it.
remove_if_empty() {
    if rmdir "$1" 2>/dev/null; then
        echo "Removed the empty $1"
    fi
}

# True when DIR exists and holds nothing but, at most, the index file named CACHE.
holds_only() {
    local dir="$1" cache="$2"
    [[ -d "$dir" && -z "$(find "$dir" -mindepth 1 -maxdepth 1 ! -name "$cache" -print -quit)" ]]
}

if [[ -L "$launcher" && "$(readlink "$launcher")" == "$app_dir/quelle" ]]; then
    remove "$launcher"
elif [[ -e "$launcher" || -L "$launcher" ]]; then
    echo "Kept $launcher: it does not point into $app_dir"
fi
remove "$app_dir"
remove_if_empty "$data/quelle"
remove "$data/metainfo/$app_id.metainfo.xml"
remove_if_empty "$data/metainfo"

remove "$data/applications/$app_id.desktop"
if holds_only "$data/applications" mimeinfo.cache; then
    remove "$data/applications"
elif [[ -d "$data/applications" ]] && command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$data/applications"
    echo "Updated the desktop database"
fi

hicolor="$data/icons/hicolor"
for icon in "$hicolor"/*/apps/quelle.png "$hicolor"/scalable/apps/quelle.svg; do
    [[ -e "$icon" ]] || continue
    remove "$icon"
    rmdir "${icon%/*}" "${icon%/apps/*}" 2>/dev/null || true
done
if holds_only "$hicolor" icon-theme.cache; then
    remove "$hicolor"
    remove_if_empty "$data/icons"
elif [[ -d "$hicolor" ]] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -f -t "$hicolor"
    echo "Updated the icon cache"
fi

if $purge; then
    remove "$data/Quelle"
    remove "${XDG_CONFIG_HOME:-$HOME/.config}/Quelle"
    remove "${XDG_CACHE_HOME:-$HOME/.cache}/Quelle"
    remove "${XDG_STATE_HOME:-$HOME/.local/state}/Quelle"
else
    echo "Kept the library and settings (--purge removes them)"
fi
echo "Quelle is uninstalled"
