"""Fonts for the PNG renderer: a fallback chain that covers every script a product uses.

Pillow draws one font at a time, so text is split into runs, each drawn with the first
font of the chain that has its glyphs (coverage read from the fonts' cmaps with
fontTools). The chain is Noto (Latin/Cyrillic/Greek, Arabic, Hebrew, CJK, Thai,
Devanagari, symbols) + Noto Color Emoji, installed by ``make system-deps``
(Debian: fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji; SIL Open Font License).
Fonts dropped into ``core/fonts/`` or ``$CTABS_FONT_DIR`` are found first; DejaVu is the
last resort. Arabic/Hebrew are shaped and ordered by Pillow's raqm layout (FriBiDi +
HarfBuzz).
"""

from __future__ import annotations

import functools
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

_HERE = Path(__file__).resolve().parent
SEARCH_DIRS = [
    Path(os.environ["CTABS_FONT_DIR"]) if os.environ.get("CTABS_FONT_DIR") else None,
    _HERE,
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
]
_SCRIPTS = ("", "Arabic", "Hebrew", "CJK", "Thai", "Devanagari", "Bengali", "Tamil",
            "Armenian", "Georgian", "Symbols", "Symbols2")
EMOJI_FILE = "NotoColorEmoji.ttf"
EMOJI_NATIVE_SIZE = 109  # the only size a CBDT colour-emoji font renders at


def _file_name(script: str, bold: bool) -> list[str]:
    weight = "Bold" if bold else "Regular"
    if script == "CJK":
        return [f"NotoSansCJK-{weight}.ttc", "NotoSansCJK-Regular.ttc"]
    base = f"NotoSans{script}"
    return [f"{base}-{weight}.ttf", f"{base}-Regular.ttf"]


def _find(name: str) -> Path | None:
    for folder in SEARCH_DIRS:
        if folder is not None and (folder / name).is_file():
            return folder / name
    return None


@dataclass(frozen=True)
class Face:
    """One font file of the chain and the code points it covers."""

    path: Path
    index: int = 0
    emoji: bool = False

    @functools.cached_property
    def cmap(self) -> frozenset[int]:
        with TTFont(str(self.path), fontNumber=self.index, lazy=True) as tt:
            return frozenset(tt["cmap"].getBestCmap() or {})

    def covers(self, ch: str) -> bool:
        return ord(ch) in self.cmap


_chain_lock = threading.Lock()


# Brand families: an installed Noto family chosen in the brand kit, or an uploaded font
# registered from its bytes (``register_font``). Their faces go first in the chain; every
# script they lack still falls back to the Noto chain.
BRAND_FAMILIES = {
    "NotoSans": "Noto Sans", "NotoSansDisplay": "Noto Sans Display", "NotoSerif": "Noto Serif",
    "NotoSerifDisplay": "Noto Serif Display",
}
_REGISTERED = Path(os.environ.get("TMPDIR", "/tmp")) / "ctabs-brand-fonts"


def register_font(data: bytes) -> str:
    """Keep an uploaded font's bytes as a file Pillow can open; its family key (``file:<sha>``)."""
    import hashlib

    digest = hashlib.sha256(data).hexdigest()[:32]
    path = _REGISTERED / f"{digest}.font"
    if not path.is_file():
        _REGISTERED.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return f"file:{digest}"


def family_files(family: str) -> dict[int, Path]:
    """The files of a brand family by CSS weight (400, 700); empty for the default chain."""
    if not family:
        return {}
    if family.startswith("file:"):
        path = _REGISTERED / f"{family[5:]}.font"
        return {400: path, 700: path} if path.is_file() else {}
    if family not in BRAND_FAMILIES:
        return {}
    out = {}
    for weight, name in ((400, "Regular"), (700, "Bold")):
        if path := _find(f"{family}-{name}.ttf"):
            out[weight] = path
    if 700 not in out and 400 in out:
        out[700] = out[400]
    return out


@functools.lru_cache(maxsize=32)
def font_chain(bold: bool, family: str = "") -> tuple[Face, ...]:
    """The fallback chain (regular or bold), best first; empty only if no font is installed.

    With a brand ``family`` its face comes first."""
    faces: list[Face] = []
    if path := family_files(family).get(700 if bold else 400):
        faces.append(Face(path))
    for script in _SCRIPTS:
        for name in _file_name(script, bold):
            if path := _find(name):
                faces.append(Face(path))
                break
    dejavu = _find("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if dejavu:
        faces.append(Face(dejavu))
    return tuple(faces)


@functools.lru_cache(maxsize=1)
def emoji_face() -> Face | None:
    """The colour-emoji font, if installed."""
    path = _find(EMOJI_FILE)
    return Face(path, emoji=True) if path else None


def is_emoji(ch: str) -> bool:
    """Pictographs drawn from the emoji font (not digits/#/* which have emoji forms too)."""
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
            or cp in (0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299))


def _joins_previous(ch: str) -> bool:
    # marks, ZWJ, variation selectors and skin tones belong to the glyph before them
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Mn", "Me", "Mc") or cp in (0x200D, 0xFE0E, 0xFE0F)
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F)


def split_runs(text: str, bold: bool, family: str = "") -> list[tuple[str, Face | None]]:
    """Split ``text`` into (run, face) pairs; ``face`` is None where no font has the glyph."""
    chain = font_chain(bold, family)
    emoji = emoji_face()
    runs: list[tuple[str, Face | None]] = []
    current: Face | None = None
    buf = ""
    for ch in text:
        if buf and (_joins_previous(ch) or (ch.isspace() and current is not None
                                            and not current.emoji)):
            buf += ch  # keep words together in one run so raqm orders RTL text as a whole
            continue
        if emoji is not None and is_emoji(ch) and emoji.covers(ch):
            face = emoji
        elif current is not None and not current.emoji and current.covers(ch):
            face = current  # sticky: don't hop fonts for characters the current one has
        else:
            face = next((f for f in chain if f.covers(ch)), None)
        if buf and face is not current:
            runs.append((buf, current))
            buf = ""
        current = face
        buf += ch
    if buf:
        runs.append((buf, current))
    return runs


@functools.lru_cache(maxsize=256)
def pil_font(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    """A cached Pillow font (raqm layout when available, for shaping and bidi)."""
    engine = ImageFont.Layout.RAQM if ImageFont.core.HAVE_RAQM else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, index=index, layout_engine=engine)


def _run_direction(run: str) -> str:
    strong = [unicodedata.bidirectional(c) for c in run]
    return "rtl" if any(b in ("R", "AL") for b in strong) else "ltr"


def _emoji_scale(size: int) -> float:
    return size / EMOJI_NATIVE_SIZE * 1.05


def run_width(run: str, face: Face | None, size: int) -> float:
    """Advance width of one run in pixels."""
    if face is None:
        face = font_chain(False)[0] if font_chain(False) else None
        if face is None:
            return len(run) * size * 0.6
    if face.emoji:
        font = pil_font(face.path, face.index, EMOJI_NATIVE_SIZE)
        return font.getlength(run) * _emoji_scale(size)
    return pil_font(face.path, face.index, size).getlength(run, direction=_run_direction(run))


@functools.lru_cache(maxsize=16384)
def text_width(text: str, size: int, bold: bool, family: str = "") -> float:
    """Advance width of ``text`` with fallback fonts (cached: line fitting measures the same
    words at the same sizes again and again, across banners and sizes)."""
    return sum(run_width(run, face, size) for run, face in split_runs(text, bold, family))


def missing_glyphs(text: str, bold: bool = False, family: str = "") -> str:
    """The characters of ``text`` that no installed font can draw (shown as boxes)."""
    return "".join(r for r, f in split_runs(text, bold, family) if f is None and not r.isspace())


def _classes(text: str, rtl: bool) -> list[str]:
    """Each character's direction in the line, "R" or "L", after a small part of the Unicode
    bidi algorithm: letters are strong; digits (and a "%", "." or "," beside them) read left to
    right; a neutral (space, punctuation, a mark) takes the direction of the letters on both
    sides when they agree, else the line's."""
    classes = []
    for i, ch in enumerate(text):
        b = unicodedata.bidirectional(ch)
        if b in ("R", "AL"):
            classes.append("R")
        elif b in ("L", "EN", "AN"):
            classes.append("L")
        elif b in ("ET", "ES", "CS") and any(
                0 <= j < len(text) and unicodedata.bidirectional(text[j]) in ("EN", "AN") for j in (i - 1, i + 1)):
            classes.append("L")  # "50%", "1,299.00", "-20"
        elif b == "NSM" and classes:
            classes.append(classes[-1])  # a combining mark goes with its letter
        else:
            classes.append("N")
    line = "R" if rtl else "L"
    i = 0
    while i < len(classes):
        if classes[i] != "N":
            i += 1
            continue
        j = i
        while j < len(classes) and classes[j] == "N":
            j += 1
        before = classes[i - 1] if i > 0 else line
        after = classes[j] if j < len(classes) else line
        classes[i:j] = [before if before == after else line] * (j - i)
        i = j
    return classes


def visual_runs(text: str, bold: bool, rtl: bool, family: str = "") -> list[tuple[str, Face | None, str]]:
    """The runs of one line in the order they are drawn, left to right: the line cut where its
    direction changes, those pieces right to left in a right-to-left line, and each piece cut
    where its font changes, right to left in a right-to-left piece. A space between words of
    two directions stays between them ("600 وات" was drawn "600وات"), and a number or a Latin
    name keeps its own order inside an Arabic line ("خصم 50% اليوم", "Nike™ Air")."""
    classes = _classes(text, rtl)
    pieces: list[tuple[str, str]] = []
    for ch, cls in zip(text, classes):
        if pieces and pieces[-1][1] == cls:
            pieces[-1] = (pieces[-1][0] + ch, cls)
        else:
            pieces.append((ch, cls))
    if rtl:
        pieces.reverse()
    out: list[tuple[str, Face | None, str]] = []
    for piece, cls in pieces:
        runs = split_runs(piece, bold, family)
        # every run of a right-to-left piece is laid out right to left, punctuation in another
        # font too ("אינץ'," was drawn "אינץ,'": its "'," left to right — a walk-through)
        if cls == "R":
            out.extend((run, face, "rtl") for run, face in runs[::-1])
        else:
            out.extend((run, face, "ltr") for run, face in runs)
    return out


def draw_text(img: Image.Image, xy: tuple[float, float], text: str, size: int, bold: bool,
              fill: str, rtl: bool = False, family: str = "") -> None:
    """Draw one line with its left edge at x and its baseline at y."""
    draw = ImageDraw.Draw(img)
    runs = visual_runs(text, bold, rtl, family)
    x, baseline = xy
    for run, face, direction in runs:
        width = run_width(run, face, size)
        if face is None:
            face = (font_chain(bold) or (None,))[0]
            if face is None:
                x += width
                continue
        if face.emoji:
            font = pil_font(face.path, face.index, EMOJI_NATIVE_SIZE)
            scale = _emoji_scale(size)
            left, top, right, bottom = font.getbbox(run, anchor="ls")
            tile = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)))
            ImageDraw.Draw(tile).text((-left, -top), run, font=font, anchor="ls",
                                      embedded_color=True)
            tile = tile.resize((max(1, round(tile.width * scale)),
                                max(1, round(tile.height * scale))), Image.Resampling.LANCZOS)
            img.paste(tile, (round(x + left * scale), round(baseline + top * scale)), tile)
        else:
            font = pil_font(face.path, face.index, size)
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls", direction=direction)
        x += width
