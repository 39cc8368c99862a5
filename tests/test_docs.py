"""The documentation cannot drift from the code.

* the tutorial (``docs/getting-started.md``) runs: its ``python`` blocks are executed and
  its ``$ shequkit ...`` lines run through the CLI, in page order, in one directory;
* every ``pycon`` example on every page passes as a doctest;
* the ``$ shequkit ...`` examples of the command-line page give the output shown;
* the field and enumeration tables of ``docs/model.md`` match the model;
* ``docs/reference/api.md`` documents every public name;
* ``docs/reference/issue-codes.md`` is what the catalogue generates, and every issue code
  a page mentions is catalogued.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import inspect
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

import shequkit
import shequkit.codes
from shequkit._masking import SENSITIVE
from shequkit.cli import cli
from shequkit.codes import LabelledEnum
from shequkit.model import RECORD_KINDS, Metadata
from shequkit.model._fields import UNIT, ZH
from shequkit.validate._catalogue import CATALOGUE, EXCEPTION_CODES, render_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_EXIT = re.compile(r"exit(?: code| status)? (\d+)")
# A clean, fixed-width environment so rich and click render the same everywhere.
_CLI_ENV: dict[str, str | None] = {
    "COLUMNS": "80",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}


def _read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def _blocks(page: str) -> Iterator[tuple[str, str, int]]:
    """``(language, body, line number)`` of every fenced block of ``page``."""
    text = _read(page)
    for match in _FENCE.finditer(text):
        yield match.group(1), match.group(2), text.count("\n", 0, match.start()) + 1


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- console blocks ------------------------------------------------------------


@attrs.frozen
class _Command:
    line: str
    args: list[str]
    exit_code: int
    expected: list[str]
    where: str


def _commands(body: str, where: str) -> Iterator[_Command]:
    """The ``$ shequkit ...`` commands of a console block with the output shown after each.

    A trailing ``# exit code N`` comment states the expected exit code (default 0).
    Other ``$`` lines (``pip install``) are shown to readers but not run.
    """
    command: list[str] | None = None
    for line in [*body.splitlines(), "$ end"]:
        if not line.startswith("$ "):
            if command is not None:
                command.append(line)
            continue
        if command is not None:
            head, *output = command
            words = shlex.split(head[2:], comments=True)
            found = _EXIT.search(head.partition("#")[2])
            yield _Command(head, words[1:], int(found.group(1)) if found else 0, output, where)
        command = [line] if line.startswith("$ shequkit ") else None


def _run(runner: CliRunner, command: _Command) -> None:
    result = runner.invoke(cli, command.args, prog_name="shequkit", env=_CLI_ENV, terminal_width=80)
    output = _ANSI.sub("", result.output)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{command.where}: {command.line} crashed") from result.exception
    assert result.exit_code == command.exit_code, (
        f"{command.where}: `{command.line}` exited with {result.exit_code}, "
        f"the page says {command.exit_code}:\n{output}"
    )
    expected = [line for line in command.expected if line.strip() not in ("", "...")]
    cut_short = any(line.strip() == "..." for line in command.expected)
    if command.args[-1:] in (["--help"], ["-h"]) and not cut_short:
        # Help texts shown whole (not cut short with "...") must match exactly, so every
        # option is on the page.
        shown = "\n".join(line.rstrip() for line in command.expected).strip()
        actual = "\n".join(line.rstrip() for line in output.splitlines()).strip()
        assert shown == actual, f"{command.where}: the help of `{command.line}` changed"
        return
    squashed = _squash(output)
    for line in expected:
        assert _squash(line) in squashed, (
            f"{command.where}: `{command.line}` did not print {line!r}; it printed:\n{output}"
        )


# -- example files -----------------------------------------------------------------


def test_example_workbooks_are_what_the_documented_snippet_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # plugins-provinces.md says the example returns are byte-for-byte reproducible.
    page = "plugins-provinces.md"
    (snippet,) = (
        (body, line)
        for language, body, line in _blocks(page)
        if language == "python" and "docs/examples/" in body
    )
    body, line = snippet
    (tmp_path / "docs" / "examples").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)

    exec(compile(body, f"{page}:{line}", "exec"), {"__name__": "__example__"})

    written = sorted((tmp_path / "docs" / "examples").iterdir())
    assert [path.name for path in written] == [
        "hubei-return.xlsx",
        "jiangsu-return.xlsx",
        "shandong-return.xlsx",
    ]
    for path in written:
        committed = DOCS / "examples" / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"docs/examples/{path.name} is stale: run the snippet at {page}:{line}"
        )


# -- the tutorial ----------------------------------------------------------------


def test_getting_started_tutorial_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    namespace: dict[str, Any] = {"__name__": "__tutorial__"}
    blocks = list(_blocks("getting-started.md"))
    ran = 0
    for index, (language, body, line) in enumerate(blocks):
        where = f"getting-started.md:{line}"
        if language == "python":
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout):
                exec(compile(body, where, "exec"), namespace)
            ran += 1
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and following[0] == "text":
                # A text block right after a python block is the output it prints.
                for expected in following[1].splitlines():
                    if expected.strip() not in ("", "..."):
                        assert _squash(expected) in _squash(stdout.getvalue()), (
                            f"{where}: the snippet did not print {expected!r}; "
                            f"it printed:\n{stdout.getvalue()}"
                        )
        elif language == "console":
            for command in _commands(body, where):
                _run(runner, command)
                ran += 1
    assert ran >= 10, "the tutorial lost its runnable blocks"


def test_cli_page_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    commands = [
        command
        for language, body, line in _blocks("cli.md")
        if language == "console"
        for command in _commands(body, f"cli.md:{line}")
    ]
    assert len(commands) >= 6
    for command in commands:
        _run(runner, command)


def test_every_command_has_its_help_on_the_cli_page() -> None:
    shown = {
        tuple(command.args)
        for language, body, line in _blocks("cli.md")
        if language == "console"
        for command in _commands(body, f"cli.md:{line}")
    }
    assert ("--help",) in shown
    for name in cli.commands:
        assert (name, "--help") in shown, f"docs/cli.md does not show `shequkit {name} --help`"


# -- pycon examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    "page", [page for page in PAGES if any(lang == "pycon" for lang, _, _ in _blocks(page))]
)
def test_pycon_examples_pass(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    globs: dict[str, Any] = {"__name__": "__docs__"}
    report = io.StringIO()
    for language, body, line in _blocks(page):
        if language != "pycon":
            continue
        test = parser.get_doctest(body, globs, f"{page}:{line}", page, line)
        runner.run(test, out=report.write, clear_globs=False)
        globs = test.globs  # one session per page, as a reader would type it
    assert runner.failures == 0, report.getvalue()


# -- the model page ----------------------------------------------------------------


def _section(text: str, name: str) -> str:
    """The body of the ``### name`` section of the reference part of the model page.

    The heading may go on after a space (``### Community 社区``).
    """
    _, found, reference = text.partition("\n## Record fields\n")
    assert found, "docs/model.md has no '## Record fields' section"
    pattern = rf"^### {re.escape(name)}(?: [^\n]*)?\n(.*?)(?=^#|\Z)"
    match = re.search(pattern, reference, re.M | re.S)
    assert match is not None, f"docs/model.md has no section '### {name}'"
    return match.group(1)


def _rows(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header row


@pytest.mark.parametrize(
    "cls", [*(kind.cls for kind in RECORD_KINDS), Metadata], ids=lambda cls: cls.__name__
)
def test_model_page_lists_every_field_with_its_chinese_header(cls: type[Any]) -> None:
    rows = {row[0]: row for row in _rows(_section(_read("model.md"), cls.__name__))}
    fields = attrs.fields(cls)
    assert set(rows) == {f"`{field.name}`" for field in fields}, (
        f"the {cls.__name__} table of docs/model.md lists other fields than the class"
    )
    for field in fields:
        _, zh, _, unit, required, personal = rows[f"`{field.name}`"]
        where = f"docs/model.md, {cls.__name__}.{field.name}"
        assert zh == field.metadata[ZH], f"{where}: 中文表头 should be {field.metadata[ZH]}"
        assert unit == (field.metadata.get(UNIT) or ""), f"{where}: wrong unit"
        assert (required == "yes") == (field.default is attrs.NOTHING), f"{where}: required?"
        assert (personal == "yes") == bool(field.metadata.get(SENSITIVE)), f"{where}: personal?"


def _enums() -> list[type[LabelledEnum]]:
    return [
        obj
        for obj in (getattr(shequkit.codes, name) for name in shequkit.codes.__all__)
        if isinstance(obj, type) and issubclass(obj, LabelledEnum) and obj is not LabelledEnum
    ]


@pytest.mark.parametrize("enum", _enums(), ids=lambda enum: enum.__name__)
def test_model_page_lists_every_enum_member(enum: type[LabelledEnum]) -> None:
    coded = any(member.value != member.label_zh for member in enum)
    expected = [
        [f"`{member.value}`", member.label_zh, f"`{member.name}`"]
        if coded
        else [member.value, f"`{member.name}`"]
        for member in enum
    ]
    assert _rows(_section(_read("model.md"), enum.__name__)) == expected, (
        f"the {enum.__name__} table of docs/model.md does not match the enumeration"
    )


# -- the API reference ---------------------------------------------------------------


def _resolve(identifier: str) -> Any:
    try:
        return importlib.import_module(identifier)
    except ImportError:
        module, _, name = identifier.rpartition(".")
        return getattr(importlib.import_module(module), name)


def test_api_page_documents_every_public_name() -> None:
    text = _read("reference/api.md")
    for name in shequkit.__all__:
        if name == "__version__":
            continue
        match = re.search(rf"^::: ((?:shequkit)(?:\.\w+)*\.{re.escape(name)})$", text, re.M)
        assert match is not None, f"docs/reference/api.md has no `::: ...{name}` section"
        assert _resolve(match.group(1)) is getattr(shequkit, name), (
            f"docs/reference/api.md: {match.group(1)} is not shequkit.{name}"
        )


@pytest.mark.parametrize(
    ("package", "page"),
    [
        ("shequkit.standards", "reference/api.md"),
        ("shequkit.sync", "reference/api.md"),
        ("shequkit.sandbox", "reference/api.md"),
        ("shequkit.spark", "reference/api.md"),
        ("shequkit.sample", "reference/api.md"),
        ("shequkit.reports", "reports.md"),
    ],
)
def test_every_public_name_of_a_subpackage_is_documented(package: str, page: str) -> None:
    module = importlib.import_module(package)
    text = _read(page)
    for name in module.__all__:
        match = re.search(rf"^::: ((?:shequkit)(?:\.\w+)*\.{re.escape(name)})$", text, re.M)
        assert match is not None, f"docs/{page} has no `::: ...{name}` section ({package})"
        assert _resolve(match.group(1)) is getattr(module, name), (
            f"docs/{page}: {match.group(1)} is not {package}.{name}"
        )


def test_api_page_identifiers_resolve() -> None:
    for identifier in re.findall(r"^::: (\S+)$", _read("reference/api.md"), re.M):
        assert _resolve(identifier) is not None


@pytest.mark.parametrize("name", [n for n in shequkit.__all__ if n != "__version__"])
def test_public_functions_and_classes_have_docstrings(name: str) -> None:
    obj = getattr(shequkit, name)
    if inspect.isclass(obj):
        doc = vars(obj).get("__doc__")  # not inherited from a base class
    elif inspect.isfunction(obj):
        doc = obj.__doc__
    else:
        return  # constants and instances are documented by attribute docstrings
    assert doc is not None, f"shequkit.{name} has no docstring"
    assert doc.strip(), f"shequkit.{name} has an empty docstring"


# -- generated pages ---------------------------------------------------------------------


def test_issue_code_page_is_generated_from_the_catalogue() -> None:
    assert _read("reference/issue-codes.md") == render_markdown(), (
        "docs/reference/issue-codes.md is out of date: run `make schemas`"
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_issue_code_mentioned_is_catalogued(page: str) -> None:
    known = CATALOGUE.keys() | EXCEPTION_CODES.keys()
    unknown = sorted(set(re.findall(r"SQK-[A-Z]\d{3}", _read(page))) - known)
    assert not unknown, f"docs/{page} mentions codes the catalogue does not have: {unknown}"
