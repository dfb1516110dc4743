"""Draw the phone app's icons (the project's own: a white map pin on the brand green).

    .venv/bin/python scripts/make_icons.py

writes ``static/fieldvisit/pwa/icon-192.png``, ``icon-512.png`` and ``icon-maskable-512.png``
(full bleed, the pin inside the 80 % safe zone); ``icon.svg`` is the same drawing, by hand.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src" / "fieldvisit" / "static" / "fieldvisit" / "pwa"
GREEN = (11, 110, 79, 255)
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn large, then reduced: smooth edges without anti-aliasing primitives


def pin(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([(0, 0), (big, big)], fill=GREEN)
    else:
        draw.rounded_rectangle([(0, 0), (big - 1, big - 1)], radius=big // 5, fill=GREEN)
    # On a 512 grid: head centre (256, 214), radius 118 (88 maskable); point at y = 430 (378).
    unit = big / 512
    radius = (88 if maskable else 118) * unit
    cx, cy = 256 * unit, (226 if maskable else 214) * unit
    tip = (378 if maskable else 430) * unit
    draw.ellipse([(cx - radius, cy - radius), (cx + radius, cy + radius)], fill=WHITE)
    half = radius * 0.78
    draw.polygon(
        [(cx - half, cy + radius * 0.62), (cx + half, cy + radius * 0.62), (cx, tip)], fill=WHITE
    )
    hole = radius * 0.42
    draw.ellipse([(cx - hole, cy - hole), (cx + hole, cy + hole)], fill=GREEN)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pin(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    pin(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    pin(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
