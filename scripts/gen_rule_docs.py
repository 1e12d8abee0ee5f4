"""Write one Markdown page per rule into docs/rules/; `--check` fails when any is stale."""

from __future__ import annotations

import sys
from pathlib import Path

from kerascheck.report.rule_docs import DOCS_FOLDER, all_pages

FOLDER = Path(__file__).resolve().parent.parent / DOCS_FOLDER


def stale() -> list[str]:
    """Pages missing, different, or left over from a rule that is gone."""
    pages = all_pages()
    out = [
        name
        for name, text in pages.items()
        if not (FOLDER / name).is_file() or (FOLDER / name).read_text(encoding="utf-8") != text
    ]
    if FOLDER.is_dir():
        out += sorted(p.name for p in FOLDER.glob("*.md") if p.name not in pages)
    return out


def main() -> int:
    if "--check" in sys.argv:
        problems = stale()
        for name in problems:
            print(f"{DOCS_FOLDER}/{name} is stale")
        return 1 if problems else 0
    pages = all_pages()
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.glob("*.md"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        (FOLDER / name).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
