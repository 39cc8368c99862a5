"""``shequkit demo``: the main job end to end on embedded defaults.

sample → validate → evaluate against the province's rule pack → provincial return and
evaluation report → embedded sandbox → push → pull into a second state → compare.
Nothing to install by hand: the sandbox is started in-process on a free local port
with a key generated for this run, and stopped at the end.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from shequkit._api import load
from shequkit._convert import json_converter
from shequkit._exceptions import UsageError
from shequkit._toolkit import Toolkit, default_toolkit
from shequkit.cli._app import (
    EXIT_INVALID,
    EXIT_OK,
    _handle_errors,
    _progress,
    _stderr,
    _stdout,
    _write_sample,
    cli,
)
from shequkit.formats._return_workbook import ReturnWorkbookCodec
from shequkit.reports import REPORT_FIGURES
from shequkit.sample import SampleSpec
from shequkit.standards import RulePack, evaluate
from shequkit.validate import validate

__all__ = ["demo_command"]

_STEPS = 5


def _pack_for(toolkit: Toolkit, province: str) -> RulePack:
    """The province's own rule pack, or the national one."""
    packs = [pack for pack in toolkit.rule_packs if isinstance(pack, RulePack)]
    own = [pack for pack in packs if pack.province == province]
    return own[0] if own else next(pack for pack in packs if pack.name == "national")


def _return_codec(toolkit: Toolkit, province: str) -> ReturnWorkbookCodec | None:
    """The province's return workbook codec, when its plugin is installed."""
    for codec in toolkit.codecs:
        if isinstance(codec, ReturnWorkbookCodec) and codec.province == province:
            return codec
    return None


@cli.command("demo", short_help="Run the main job end to end on embedded defaults.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-output"),
    show_default=True,
    help="Directory for the outputs.",
)
@click.option(
    "--communities",
    "-n",
    type=click.IntRange(min=1, max=5000),
    default=200,
    show_default=True,
    help="Number of communities in the sample.",
)
@click.option(
    "--province",
    default="32",
    show_default=True,
    help="Two-digit province code (32 Jiangsu, 37 Shandong, 42 Hubei, ...).",
)
@_handle_errors
def demo_command(out_dir: Path, communities: int, province: str) -> None:
    """Run the main job end to end on embedded defaults.

    Generate a sample for one province, validate it, evaluate it against the
    province's rule pack, write the provincial return and the evaluation report,
    start an embedded sandbox server, push the sample to it, pull it back into a
    second local state and check that the two agree.
    """
    console = _stderr()
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    toolkit = default_toolkit()
    step = _stepper(console.print)

    step("生成样例 generating a sample", f"{communities} communities, province {province}")
    spec = SampleSpec(communities=communities, seed=2024, province=province)
    sample = out_dir / "sample.json"
    count = _write_sample(spec, sample, None)

    step("校验 validating", sample.name)
    with _progress("校验 validating") as progress:
        report = validate(sample, progress=progress, toolkit=toolkit)
    console.print(f"    {report.summary(language='en')}", markup=False)

    pack = _pack_for(toolkit, province)
    step("评估 evaluating", f"rule pack {pack.name} {pack.version}")
    with _progress("评估 evaluating") as progress:
        evaluation = evaluate(
            sample, pack, progress=progress, toolkit=toolkit, figures=REPORT_FIGURES
        )
    total = len(evaluation.communities)
    meeting = evaluation.meeting_standard

    step("填报 writing the provincial return and the reports", str(out_dir))
    outputs = _write_outputs(toolkit, evaluation, sample, out_dir, province)

    step("同步 starting the sandbox, pushing, pulling back", "")
    agreed, sync_lines = _sync_round_trip(sample, out_dir, province)

    elapsed = time.perf_counter() - started
    lines = [
        "",
        "完成 done",
        f"  records 记录数          {count:,}",
        f"  valid 校验结果          {report.valid} ({report.error_count} errors, "
        f"{report.warning_count} warnings)",
        f"  standard 达标社区       {meeting:,} of {total:,} meet {pack.name}"
        f" ({meeting / total:.0%})"
        if total
        else "",
        *(f"  output 输出             {path}" for path in outputs),
        *sync_lines,
        f"  time 耗时               {elapsed:.1f} s",
    ]
    _stdout().print("\n".join(line for line in lines if line), markup=False)
    sys.exit(EXIT_OK if report.valid and agreed else EXIT_INVALID)


def _stepper(echo: Callable[..., Any]) -> Callable[[str, str], None]:
    number = 0

    def step(label: str, detail: str) -> None:
        nonlocal number
        number += 1
        echo(f"{number}/{_STEPS} {label} {detail}".rstrip(), markup=False)

    return step


def _write_outputs(
    toolkit: Toolkit, evaluation: Any, sample: Path, out_dir: Path, province: str
) -> list[Path]:
    written: list[Path] = []
    codec = _return_codec(toolkit, province)
    if codec is not None:
        dataset = load(sample, toolkit=toolkit)
        target = out_dir / f"{codec.name}.xlsx"
        codec.write(target, dataset.meta, (record for _, record in dataset.records()))
        written.append(target)
    for writer in toolkit.report_writers:
        target = out_dir / f"report{writer.extensions[0]}"  # one file per writer
        writer.write(evaluation, target)
        written.append(target)
    return written


def _sync_round_trip(sample: Path, out_dir: Path, province: str) -> tuple[bool, list[str]]:
    """Push the sample to an embedded sandbox, pull it into a fresh state, compare.

    The sandbox, both state files and the pulled copy live in ``OUT/sync`` and are
    made afresh on every run; the app key's secret is random and never printed.
    """
    try:
        from shequkit.sandbox import KeyGrant, SandboxServer
        from shequkit.sync import Credentials, SyncClient, pull, push
    except ImportError as error:
        raise UsageError(
            f"演示的同步步骤需要 shequkit[sync]:{error}",
            f"the demo's sync step needs shequkit[sync]: {error}",
            code="SQK-U112",
        ) from error
    folder = out_dir / "sync"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    secret = secrets.token_bytes(32)
    keys = {"demo": KeyGrant(secret, (province,))}
    pulled = folder / "pulled.json"
    server = SandboxServer(folder / "sandbox.db", keys)
    with server, SyncClient(server.url, Credentials("demo", secret)) as client:
        with _progress("推送 pushing") as progress:
            pushed = push(
                sample,
                folder / "push-state.db",
                client,
                progress=lambda done, _total: progress(done),
            )
        with _progress("拉取 pulling") as progress:
            fetched = pull(
                folder / "pull-state.db",
                client,
                output=pulled,
                progress=lambda done, _total: progress(done),
            )
    agreed = _same_records(sample, pulled)
    created = pushed.statuses.get("created", 0)
    verdict = "一致 the two agree" if agreed else "不一致 THE TWO DIFFER"
    return agreed, [
        f"  pushed 推送             {created:,} records in {pushed.batches} batches"
        f" to the sandbox at {server.url}",
        f"  pulled 拉取             {fetched.changes:,} changes -> {pulled}",
        f"  compared 核对           {verdict}",
    ]


def _same_records(first: Path, second: Path) -> bool:
    """True when two files hold the same records (metadata aside), in any order."""

    def canonical(path: Path) -> list[str]:
        dataset = load(path)
        return sorted(
            json.dumps(json_converter.unstructure(record), sort_keys=True, ensure_ascii=False)
            for _, record in dataset.records()
        )

    return canonical(first) == canonical(second)
