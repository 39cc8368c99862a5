"""The ``shequkit`` command line (click; rich on a terminal, plain text when piped).

Exit codes: 0 success / valid data, 1 the data has errors, 2 the input cannot
be read or the command was used wrongly.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from shequkit._api import convert as convert_file
from shequkit._api import write_records
from shequkit._exceptions import DataError, ShequkitError
from shequkit._toolkit import default_toolkit
from shequkit._version import __version__
from shequkit.sample import SampleSpec, iter_sample, sample_metadata
from shequkit.validate import Report, validate

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_UNREADABLE", "cli", "main"]

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2

_F = TypeVar("_F", bound=Callable[..., Any])


def _stderr() -> Console:
    # soft_wrap: never hard-wrap report lines (it would split Chinese words when piped).
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _handle_errors(command: _F) -> _F:
    """Turn shequkit and OS errors into a bilingual message and exit code 2 (1 for bad data)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DataError as error:
            console = _stderr()
            console.print(error.report.to_text(), markup=False, end="")
            console.print(f"[{error.code}] {error.message_zh}\n{error.message_en}", markup=False)
            sys.exit(EXIT_INVALID)
        except ShequkitError as error:
            _stderr().print(
                f"错误 error [{error.code}]\n  {error.message_zh}\n  {error.message_en}",
                markup=False,
            )
            sys.exit(EXIT_UNREADABLE)
        except OSError as error:
            name = Path(error.filename).name if error.filename else ""
            _stderr().print(
                f"错误 error [SQK-F106]\n  文件读写失败 {name}:{error.strerror}\n"
                f"  file operation failed {name}: {error.strerror}",
                markup=False,
            )
            sys.exit(EXIT_UNREADABLE)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int], None]]:
    """A record counter on stderr, shown only when stderr is a terminal."""
    console = _stderr()
    if not console.is_terminal:
        yield lambda count: None
        return
    columns = (SpinnerColumn(), TextColumn(label), BarColumn(), TextColumn("{task.completed:,}"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)
        yield lambda count: progress.update(task, completed=count)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="shequkit")
def cli() -> None:
    """shequkit: validate, convert and generate community construction (社区建设) data.

    Exit codes: 0 success, 1 the data has errors, 2 unreadable input or wrong usage.
    """


@cli.command("validate", short_help="Validate a file; exit 0 valid, 1 invalid, 2 unreadable.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "format_", help="Input format when the extension does not tell.")
@click.option("--encoding", help="Text encoding override (default: UTF-8, BOM allowed).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--junit", type=click.Path(path_type=Path, dir_okay=False), help="Also write JUnit XML here."
)
@click.option("--max-issues", type=click.IntRange(min=1), help="List at most N issues.")
@click.option(
    "--rules",
    metavar="PACK",
    help="Add the standards layer: check every community against this rule pack.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en", "both"]),
    default="both",
    show_default=True,
    help="Language of the text report.",
)
@click.option(
    "--show-sensitive",
    is_flag=True,
    help="Show personal data (ID numbers, phones, names) unmasked. Off by default.",
)
@_handle_errors
def validate_command(
    file: Path,
    format_: str | None,
    encoding: str | None,
    as_json: bool,
    junit: Path | None,
    max_issues: int | None,
    rules: str | None,
    lang: str,
    show_sensitive: bool,
) -> None:
    """Validate FILE; exit 0 when valid, 1 when the data has errors, 2 when unreadable.

    With --rules PACK, communities that do not meet a required rule of the pack
    are errors (SQK-E401), so the exit code tells whether the standard is met.
    """
    with _progress("校验 validating") as progress:
        report = validate(
            file,
            format=format_,
            encoding=encoding,
            max_issues=max_issues,
            progress=progress,
            rules=rules,
        )
    if junit is not None:
        from shequkit._atomic import atomic_write

        with atomic_write(junit) as stream:
            stream.write(report.to_junit_xml(show_sensitive=show_sensitive).encode())
    if as_json:
        click.echo(report.to_json(show_sensitive=show_sensitive))
    else:
        _print_report(report, lang=lang, show_sensitive=show_sensitive)
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)


def _print_report(report: Report, *, lang: str, show_sensitive: bool) -> None:
    console = _stdout()
    text = report.to_text(show_sensitive=show_sensitive, language=lang)
    (*body,) = text.rstrip("\n").split("\n")
    summary_lines = 1 if lang != "both" else 2
    for line in body[:-summary_lines]:
        style = (
            "red" if line.startswith("ERROR") else "yellow" if line.startswith("WARNING") else None
        )
        console.print(line, style=style, markup=False)
    style = "bold green" if report.valid else "bold red"
    for line in body[-summary_lines:]:
        console.print(line, style=style, markup=False)


@cli.command("convert", short_help="Convert between formats, validating on the way.")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "from_format", help="Source format (default: from the extension).")
@click.option("--to", "to_format", help="Target format (default: from the extension).")
@click.option("--encoding", help="Source text encoding override.")
@_handle_errors
def convert_command(
    source: Path, target: Path, from_format: str | None, to_format: str | None, encoding: str | None
) -> None:
    """Convert SOURCE to TARGET, validating on the way; TARGET is written only if valid."""
    with _progress("转换 converting") as progress:
        report = convert_file(
            source,
            target,
            from_format=from_format,
            to_format=to_format,
            encoding=encoding,
            progress=progress,
        )
    _stderr().print(
        f"已写入 wrote {target.name}: 转换了 converted {report.records} 条记录 records, "
        f"{report.warning_count} 个警告 warnings",
        markup=False,
    )


@cli.command("sample", short_help="Write a realistic, deterministic, valid sample dataset.")
@click.option(
    "--communities",
    "-n",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Number of communities.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--province",
    default="32",
    show_default=True,
    help="Two-digit province code (32 Jiangsu, 37 Shandong, 42 Hubei, ...).",
)
@click.option("--period", default="2024", show_default=True, help="Reporting period.")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Output file (.json or .jsonl).",
)
@click.option("--format", "format_", help="Output format when the extension does not tell.")
@_handle_errors
def sample_command(
    communities: int, seed: int, province: str, period: str, output: Path, format_: str | None
) -> None:
    """Write a realistic, deterministic, valid sample dataset."""
    spec = SampleSpec(communities=communities, seed=seed, province=province, period=period)
    count = _write_sample(spec, output, format_)
    _stderr().print(f"已写入 wrote {output.name}: {count} 条记录 records", markup=False)


def _write_sample(spec: SampleSpec, output: Path, format_: str | None) -> int:
    with _progress("生成 generating") as progress:

        def counted() -> Iterator[Any]:
            for number, (_kind, record) in enumerate(iter_sample(spec), 1):
                if number % 1000 == 0:
                    progress(number)
                yield record

        return write_records(output, sample_metadata(spec), counted(), format=format_)


@cli.command("schema", short_help="Print or write the JSON Schemas of the document.")
@click.option(
    "--output-dir",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the JSON Schema files here instead of printing the document schema.",
)
@_handle_errors
def schema_command(output_dir: Path | None) -> None:
    """Print the JSON Schema of the shequkit document (or write all schema files)."""
    import json

    from shequkit._jsonschema import document_schema, write_schemas

    if output_dir is None:
        click.echo(json.dumps(document_schema(), ensure_ascii=False, indent=2))
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    for path in write_schemas(output_dir):
        _stderr().print(f"已写入 wrote {path}", markup=False)


@cli.command("formats", short_help="List the file formats and the plugins providing them.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@_handle_errors
def formats_command(as_json: bool) -> None:
    """List every file format with its plugin, media type and abilities."""
    infos = default_toolkit().formats()
    if as_json:
        import json

        click.echo(json.dumps([attrs.asdict(info) for info in infos], ensure_ascii=False, indent=2))
        return
    headers = ("format", "plugin", "media type", "extensions", "read", "write", "stream")
    rows = [
        (
            info.name,
            info.plugin,
            info.media_type,
            " ".join(info.extensions) or "-",
            *("yes" if flag else "no" for flag in (info.reads, info.writes, info.streams)),
        )
        for info in infos
    ]
    print_table(headers, rows)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A rich table on a terminal; tab-separated lines when piped (never truncated, easy to cut)."""
    console = _stdout()
    if not console.is_terminal:
        for row in (headers, *rows):
            click.echo("\t".join(row))
        return
    table = Table(*headers)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def main() -> None:
    """Entry point of the ``shequkit`` console script."""
    cli(prog_name="shequkit")
