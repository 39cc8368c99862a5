"""Regenerate the files derived from the code: JSON Schemas, the XSD and the issue-code page.

``make schemas`` runs ``python -m shequkit._generate [ROOT]``; drift tests
compare the checked-in files with what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shequkit._atomic import atomic_write
from shequkit._jsonschema import write_schemas
from shequkit._xsd import write_xsd
from shequkit.validate._catalogue import render_markdown

__all__ = ["ISSUE_CODES_PAGE", "main"]

ISSUE_CODES_PAGE = Path("docs/reference/issue-codes.md")


def main(argv: list[str] | None = None) -> int:
    """Write every generated file under ``ROOT`` (default: the current directory)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path()
    written = [*write_schemas(root / "schemas"), write_xsd(root / "schemas")]
    with atomic_write(root / ISSUE_CODES_PAGE) as stream:
        stream.write(render_markdown().encode("utf-8"))
    written.append(root / ISSUE_CODES_PAGE)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
