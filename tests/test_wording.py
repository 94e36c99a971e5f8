"""Messages say "1 preview" and "3 previews", never "preview(s)"."""

import io
import pathlib
import re
import tokenize

from core.wording import count

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_count_picks_the_noun_by_number():
    assert count(1, "preview") == "1 preview"
    assert count(0, "preview") == "0 previews"
    assert count(3, "failed preview") == "3 failed previews"
    assert count(2, "child", "children") == "2 children"


def test_no_message_says_s_in_brackets():
    # a "(s)" or "(es)" plural in a user-facing string; http(s) is a scheme, not a plural, and
    # "tax(es)?" a regular expression
    found = []
    for folder in ("pages", "core", "api", "actors"):
        for path in (ROOT / folder).rglob("*.py"):
            tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
            for tok in tokens:  # string literals only: code such as str(s) is no message
                if tok.type == tokenize.STRING and re.search(r"[a-z]\((e?s)\)(?!\?)",
                                                             tok.string.replace("http(s)", "")):
                    found.append(f"{path.relative_to(ROOT)}:{tok.start[0]}: {tok.string}")
    assert not found, "\n".join(found)
