#!/usr/bin/env bash
# Installs a built Quelle bundle for the current user: menu entry, icons, software-centre data
# and the `quelle` command. No root needed; packaging/uninstall-desktop.sh takes it out again.
#   bash packaging/install-desktop.sh [BUNDLE]   # BUNDLE: a PyInstaller one-folder build
#                                                # with the executable `quelle` (dist/quelle)
# Honours HOME and XDG_DATA_HOME.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
app_id=io.github.quelle_app.Quelle

bundle="${1:-$repo/dist/quelle}"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
app_dir="$data/quelle/app"
bin_dir="$HOME/.local/bin"
launcher="$bin_dir/quelle"

if [[ ! -x "$bundle/quelle" || -d "$bundle/quelle" ]]; then
    echo "No executable $bundle/quelle: build the bundle first or name its folder." >&2
    exit 1
fi
bundle="$(cd "$bundle" && pwd -P)"
if [[ -d "$app_dir" && "$bundle" == "$(cd "$app_dir" && pwd -P)" ]]; then
    echo "$bundle is the installed copy itself; name the build folder instead." >&2
    exit 1
fi
if [[ -e "$launcher" && ! -L "$launcher" ]]; then
    echo "$launcher exists and is not a link (an earlier install would be); move it away first." >&2
    exit 1
fi

# An argument of the Exec key, quoted as the Desktop Entry spec asks when it needs quoting.
exec_arg() {
    local arg="$1"
    if [[ "$arg" =~ ^[A-Za-z0-9_./+@:,-]+$ ]]; then
        printf '%s' "$arg"
        return
    fi
    arg="${arg//\\/\\\\}"
    arg="${arg//\"/\\\"}"
    arg="${arg//\`/\\\`}"
    arg="${arg//\$/\\\$}"
    arg="\"$arg\""
    printf '%s' "${arg//\\/\\\\}"
}

mkdir -p "$data/quelle"
rm -rf "$app_dir.new"
cp -a "$bundle" "$app_dir.new"
rm -rf "$app_dir"
mv "$app_dir.new" "$app_dir"
echo "Copied the bundle to $app_dir"

mkdir -p "$bin_dir"
ln -sfn "$app_dir/quelle" "$launcher"
echo "Linked $launcher"

mkdir -p "$data/applications"
desktop="$data/applications/$app_id.desktop"
launcher_arg="$(exec_arg "$launcher")"
while IFS= read -r line; do
    if [[ "$line" == "Exec=quelle" || "$line" == "Exec=quelle "* ]]; then
        line="Exec=$launcher_arg${line#Exec=quelle}"
    fi
    printf '%s\n' "$line"
done <"$here/linux/quelle.desktop" >"$desktop"
echo "Installed $desktop"

mkdir -p "$data/metainfo"
install -m 644 "$here/linux/quelle.metainfo.xml" "$data/metainfo/$app_id.metainfo.xml"
echo "Installed $data/metainfo/$app_id.metainfo.xml"

for png in "$repo"/app/quelle/ui/icons/quelle-*.png; do
    size="${png##*/quelle-}"
    size="${size%.png}"
    install -D -m 644 "$png" "$data/icons/hicolor/${size}x${size}/apps/quelle.png"
    echo "Installed $data/icons/hicolor/${size}x${size}/apps/quelle.png"
done
install -D -m 644 "$repo/assets/quelle.svg" "$data/icons/hicolor/scalable/apps/quelle.svg"
echo "Installed $data/icons/hicolor/scalable/apps/quelle.svg"

if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$data/applications"
    echo "Updated the desktop database"
fi
if command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -f -t "$data/icons/hicolor"
    echo "Updated the icon cache"
fi

case ":$PATH:" in
*":$bin_dir:"*) ;;
*) echo "Note: $bin_dir is not on PATH; the menu entry works, the \`quelle\` command needs it." ;;
esac
echo "Quelle is installed"
