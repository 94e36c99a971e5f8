"""Boxes the layouts are made of: rectangles, fitted text blocks and widget chips."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rectangle in banner pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def contains(self, other: "Box") -> bool:
        return (other.x >= self.x and other.y >= self.y and other.right <= self.right
                and other.bottom <= self.bottom)

    def overlaps(self, other: "Box") -> bool:
        return not (other.x >= self.right or other.right <= self.x or other.y >= self.bottom
                    or other.bottom <= self.y)


@dataclass
class TextBlock:
    """Wrapped lines of one text field, the font size that fits, and where they go."""

    name: str
    box: Box
    lines: list[str]
    size: int
    bold: bool
    color: str
    align: str
    rtl: bool
    line_height: int
    family: str = ""  # brand font family key (``core.fonts``); "" = the Noto chain
    natural_min: int = 0  # the size the layout would not go below without the quality gate


@dataclass
class WidgetChip:
    """One widget drawn as a pill: its label and box."""

    kind: str
    label: str
    box: Box
    size: int
    struck: str = ""  # a compare-at price shown crossed out
    family: str = ""
