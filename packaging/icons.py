"""Render the icon master assets/quelle.svg into the PNG sizes desktops look up.

Writes app/quelle/ui/icons/quelle-<N>.png for every size in SIZES: antialiased, on a transparent
background. Runs on the offscreen platform, so no display is needed.

    .venv/bin/python packaging/icons.py [--svg PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parents[1]
SVG = REPO / "assets" / "quelle.svg"
OUT = REPO / "app" / "quelle" / "ui" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def icon_name(size: int) -> str:
    return f"quelle-{size}.png"


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn into a square `size` image with alpha; the SVG's own box fills it."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def write_icons(svg: Path, out: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Every size rendered afresh from the master, so no PNG is a rescaled copy of another."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        path = out / icon_name(size)
        if not render(svg, size).save(str(path)):
            raise SystemExit(f"{path}: could not be written")
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG, help="the master (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder (default: %(default)s)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for path in write_icons(args.svg, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
