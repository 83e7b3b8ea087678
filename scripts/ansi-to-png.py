#!/usr/bin/env python3
"""Renders a terminal capture with ANSI colours (`tmux capture-pane -e -p`) to a PNG with
ImageMagick, for the README's screenshots.

    tmux capture-pane -e -p -t SESSION | scripts/ansi-to-png.py OUT.png
"""
import re
import subprocess
import sys
import tempfile

CW, CH, PT = 10, 20, 16
BG, FG = "#1d1f21", "#d0d0d0"
PALETTE = {
    0: "#1d1f21", 1: "#e05252", 2: "#7cc46a", 3: "#e0c050",
    4: "#5f9fd7", 5: "#c678dd", 6: "#56c8d8", 7: "#d0d0d0",
}


def cells(text):
    """Yields (row, col, char, fg, bg, bold, underline) for every cell."""
    for row, line in enumerate(text.rstrip("\n").split("\n")):
        fg, bg, bold, under, rev, dim = None, None, False, False, False, False
        col = 0
        for tok in re.split(r"(\x1b\[[0-9;]*m)", line):
            m = re.fullmatch(r"\x1b\[([0-9;]*)m", tok)
            if m:
                codes = [int(c) for c in m.group(1).split(";") if c] or [0]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    i += 1
                    if c in (38, 48) and i + 1 < len(codes) + 1 and codes[i:i + 1] == [5]:
                        n = codes[i + 1] if i + 1 < len(codes) else 7
                        i += 2
                        colour = PALETTE.get(n % 8, FG)
                        if c == 38:
                            fg = colour
                        else:
                            bg = colour
                        continue
                    if c == 0:
                        fg, bg, bold, under, rev, dim = None, None, False, False, False, False
                    elif c == 1:
                        bold = True
                    elif c == 2:
                        dim = True
                    elif c == 4:
                        under = True
                    elif c == 7:
                        rev = True
                    elif c in (22,):
                        bold = dim = False
                    elif c == 24:
                        under = False
                    elif c == 27:
                        rev = False
                    elif 30 <= c <= 37:
                        fg = PALETTE[c - 30]
                    elif 90 <= c <= 97:
                        fg = PALETTE[c - 90]
                    elif c == 39:
                        fg = None
                    elif 40 <= c <= 47:
                        bg = PALETTE[c - 40]
                    elif c == 49:
                        bg = None
                continue
            for ch in tok:
                f, b = fg or FG, bg
                if dim and not fg:
                    f = "#8a8a8a"
                if rev:
                    f, b = (bg or BG), (fg or FG)
                yield row, col, ch, f, b, bold, under
                col += 1


def main():
    out = sys.argv[1]
    text = sys.stdin.read()
    all_cells = list(cells(text))
    rows = max(r for r, *_ in all_cells) + 1
    cols = max(c for _, c, *_ in all_cells) + 1
    mvg = []
    for r, c, ch, f, b, bold, under in all_cells:
        x, y = c * CW, r * CH
        if b:
            mvg.append(f"fill '{b}' rectangle {x},{y} {x + CW - 1},{y + CH - 1}")
        if ch != " ":
            esc = ch.replace("\\", "\\\\").replace("'", "\\'")
            font = "DejaVu-Sans-Mono-Bold" if bold else "DejaVu-Sans-Mono"
            mvg.append(f"font '{font}' fill '{f}' text {x},{y + CH - 5} '{esc}'")
        if under:
            mvg.append(f"fill '{f}' rectangle {x},{y + CH - 2} {x + CW - 1},{y + CH - 2}")
    w, h = cols * CW, rows * CH
    header = [f"viewbox 0 0 {w} {h}", f"fill '{BG}' rectangle 0,0 {w},{h}", f"font-size {PT}"]
    with tempfile.NamedTemporaryFile("w", suffix=".mvg", delete=False) as fh:
        fh.write("\n".join(header + mvg) + "\n")
        path = fh.name
    subprocess.run(["/usr/bin/convert", f"mvg:{path}", out], check=True)

if __name__ == "__main__":
    main()
