"""``shequkit report`` and ``shequkit template``: evaluation reports and fill-in workbooks."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from shequkit._exceptions import UsageError
from shequkit._toolkit import default_toolkit
from shequkit.cli._app import EXIT_INVALID, EXIT_OK, _handle_errors, _progress, _stderr, cli
from shequkit.reports import REPORT_FIGURES, write_template
from shequkit.reports._content import share_text
from shequkit.standards import evaluate

__all__ = ["report_command", "template_command"]


@cli.command("report", short_help="Evaluate against a rule pack; write XLSX/HTML/JSON reports.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--rules", "pack", required=True, metavar="PACK", help="Rule pack name.")
@click.option(
    "--output",
    "-o",
    "outputs",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report file: .xlsx, .html or .json. Repeat to write several.",
)
@click.option("--format", "format_", help="Input format when the extension does not tell.")
@click.option("--encoding", help="Text encoding override.")
@_handle_errors
def report_command(
    file: Path, pack: str, outputs: tuple[Path, ...], format_: str | None, encoding: str | None
) -> None:
    """Evaluate FILE against a rule pack once and write each report -o OUT.

    The writer follows OUT's extension: .xlsx (sheets per division level and
    native Excel charts), .html (one self-contained page) or .json.

    Exit 0 when the data is valid (whether or not communities meet the
    standard), 1 when the data itself has errors (the reports are still
    written, from the records that could be read), 2 when FILE is unreadable.
    """
    toolkit = default_toolkit()
    writers = [(output, toolkit.report_writer_for(output)) for output in outputs]
    for output in outputs:
        if output.resolve() == file.resolve():
            raise UsageError(
                f"报告不能覆盖输入文件 {file.name}",
                f"a report must not overwrite the input file {file.name}",
                code="SQK-U100",
            )
    with _progress("评估 evaluating") as progress:
        evaluation = evaluate(
            file,
            pack,
            format=format_,
            encoding=encoding,
            progress=progress,
            toolkit=toolkit,
            figures=REPORT_FIGURES,
        )
    console = _stderr()
    for output, writer in writers:
        with _progress(f"写入 writing {escape(output.name)}") as progress:
            writer.write(evaluation, output, progress=progress)
        console.print(f"已写入 wrote {output}", markup=False)
    total = len(evaluation.communities)
    meeting = evaluation.meeting_standard
    click.echo(
        f"{evaluation.pack.name} {evaluation.pack.version}: 社区 communities {total:,};"
        f" 达标 meeting the standard {meeting:,} ({share_text(meeting / total if total else None)})"
    )
    errors = evaluation.data_errors
    if errors:
        console.print(
            f"数据有 {errors} 个错误,请先运行 shequkit validate {file.name}\n"
            f"the data has {errors} errors; run `shequkit validate {file.name}` for them",
            markup=False,
        )
    sys.exit(EXIT_INVALID if errors else EXIT_OK)


@cli.command("template", short_help="Write an empty workbook for communities to fill in.")
@click.argument("pack")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The workbook to write (.xlsx).",
)
@_handle_errors
def template_command(pack: str, output: Path) -> None:
    """Write an empty XLSX workbook for communities to fill in for rule pack PACK.

    One sheet per kind of record with the Chinese headers and units the XLSX
    reader expects, dropdowns for coded values, range checks for numbers, and
    a 填报说明 sheet listing the pack's rules and the columns each one reads.
    Read the filled workbook back with `shequkit validate` or `shequkit report`.
    """
    write_template(pack, output)
    _stderr().print(f"已写入 wrote {output}", markup=False)
