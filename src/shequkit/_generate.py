"""Regenerate the files derived from the code: schemas, the issue-code page, CLI help blocks.

``make schemas`` runs ``python -m shequkit._generate [ROOT]``; drift tests
compare the checked-in files with what this writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from shequkit._atomic import atomic_write
from shequkit._jsonschema import write_schemas
from shequkit._xsd import write_xsd
from shequkit.sync._openapi import OPENAPI_NAME, write_openapi
from shequkit.validate._catalogue import render_markdown

__all__ = ["CLI_PAGE", "ISSUE_CODES_PAGE", "OPENAPI_FILE", "main", "refresh_cli_help"]

ISSUE_CODES_PAGE = Path("docs/reference/issue-codes.md")
CLI_PAGE = Path("docs/cli.md")
OPENAPI_FILE = Path("schemas") / OPENAPI_NAME

# A console block showing one help text: "```console\n$ shequkit CMD --help\n...```".
_HELP_BLOCK = re.compile(r"(```console\n\$ shequkit ((?:[a-z-]+ )*)--help\n)(.*?)(```)", re.S)


def refresh_cli_help(page: str) -> str:
    """``page`` with the output of every ``$ shequkit ... --help`` block rewritten.

    To document a new command, add a block holding just its ``$ shequkit CMD --help``
    line and run ``make schemas``; the docs test checks the blocks stay current.
    """
    from click.testing import CliRunner

    from shequkit.cli import cli

    runner = CliRunner()

    def render(match: re.Match[str]) -> str:
        args = [*match.group(2).split(), "--help"]
        result = runner.invoke(cli, args, prog_name="shequkit", terminal_width=80, color=False)
        lines = [line.rstrip() for line in result.output.strip("\n").splitlines()]
        return match.group(1) + "\n".join(lines) + "\n" + match.group(4)

    return _HELP_BLOCK.sub(render, page)


def main(argv: list[str] | None = None) -> int:
    """Write every generated file under ``ROOT`` (default: the current directory)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path()
    written = [*write_schemas(root / "schemas"), write_xsd(root / "schemas")]
    written.append(write_openapi(root / "schemas"))
    with atomic_write(root / ISSUE_CODES_PAGE) as stream:
        stream.write(render_markdown().encode("utf-8"))
    written.append(root / ISSUE_CODES_PAGE)
    cli_page = root / CLI_PAGE
    if cli_page.exists():
        refreshed = refresh_cli_help(cli_page.read_text(encoding="utf-8"))
        with atomic_write(cli_page) as stream:
            stream.write(refreshed.encode("utf-8"))
        written.append(cli_page)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
