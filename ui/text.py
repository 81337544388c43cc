"""A lesson's prose lives in its text.md, in named blocks, so that its page holds layout only.

A block starts with a line `<!-- name -->` and runs to the next such line. A block may name
computed values as `{name}` or `{name:.3g}`; only the names given are filled in, so other braces
(LaTeX, code) stay as they are:

    text = load(__file__)             # lessons/<lesson>/text.md, next to the calling module
    st.markdown(text("idea"))
    st.caption(text("escape_caption", eps=1e-6, steps=500))
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_BLOCK = re.compile(r"^<!-- ([a-z0-9_]+) -->[ \t]*$", re.M)
_FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)(:[^{}]*)?\}")


class Text:
    """The named blocks of one text.md."""

    def __init__(self, path: Path):
        self.path = path
        parts = _BLOCK.split(path.read_text(encoding="utf-8"))
        self.blocks = {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}

    def __call__(self, name: str, **values: object) -> str:
        """Block `name` with the given values filled in."""
        try:
            block = self.blocks[name]
        except KeyError:
            raise KeyError(f"{self.path} has no block <!-- {name} -->") from None

        def fill(m: re.Match) -> str:
            key, spec = m.group(1), (m.group(2) or "")[1:]
            return format(values[key], spec) if key in values else m.group(0)

        return _FIELD.sub(fill, block) if values else block


@functools.cache
def _load(path: Path) -> Text:
    return Text(path)


def load(module_file: str) -> Text:
    """The text.md in the folder of `module_file` (a lesson's compute.py or charts.py), or of
    lessons/<stem>/ for a page script pages/<stem>.py."""
    here = Path(module_file).resolve()
    folder = here.parent
    if folder.name == "pages":
        folder = folder.parent / "lessons" / here.stem
    return _load(folder / "text.md")
