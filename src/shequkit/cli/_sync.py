"""``shequkit sync plan|push|pull|status``: sync a dataset file with a civil-affairs system.

The HTTP client and the engine are imported inside the commands, so
``shequkit --help`` stays fast and works without the ``[sync]`` extra.
Credentials are read from the environment or a secret file only; there is
deliberately no option to pass a secret on the command line.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shequkit._exceptions import InputNotFoundError
from shequkit.cli._app import (
    EXIT_INVALID,
    EXIT_OK,
    _handle_errors,
    _stderr,
    _stdout,
    cli,
    print_table,
)

if TYPE_CHECKING:
    from shequkit.sync._config import ResolvedEndpoint
    from shequkit.sync._plan import Plan

__all__ = ["sync_group"]

_POLICIES = ("server-wins", "client-wins", "manual")

_STATE = click.option(
    "--state",
    "state_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The local sync state file (SQLite; created on first push or pull).",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        (
            click.option("--endpoint", help="Endpoint name (`sandbox` or one from --config)."),
            click.option("--url", help="Server base URL (overrides the endpoint's)."),
            click.option(
                "--config",
                "config_path",
                type=click.Path(path_type=Path, dir_okay=False),
                help="TOML config file with [sync] defaults and [endpoints.NAME] tables.",
            ),
        )
    ):
        command = option(command)
    return command


@cli.group("sync", short_help="Plan, push and pull records with a civil-affairs system.")
def sync_group() -> None:
    """Sync a dataset file with a civil-affairs system through a local state file.

    Credentials come from SHEQUKIT_SYNC_APP_KEY with SHEQUKIT_SYNC_SECRET or
    SHEQUKIT_SYNC_SECRET_FILE (or a secret_file in --config), never from options.
    Exit codes: 0 done, 1 conflicts or rejected records left (or invalid data),
    2 unusable input, wrong usage or an unreachable server.
    """


def _resolve(endpoint: str | None, url: str | None, config: Path | None) -> ResolvedEndpoint:
    from shequkit.sync._config import resolve_endpoint

    return resolve_endpoint(name=endpoint, url=url, config=config)


def _setting(resolved: ResolvedEndpoint | None, name: str, given: Any, default: Any) -> Any:
    if given is not None:
        return given
    if resolved is not None and name in resolved.settings:
        return resolved.settings[name]
    return default


def _redirects(path: Path | None) -> dict[tuple[str, str], str] | None:
    if path is None:
        return None
    from shequkit.sync._plan import load_redirects

    return load_redirects(path)


@contextlib.contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar of records sent on stderr, shown only on a terminal."""
    console = _stderr()
    if not console.is_terminal:
        yield lambda done, total: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total or None)


def _print_plan(plan: Plan) -> None:
    rows = [
        [kind, *(str(row[action]) for action in ("created", "updated", "deleted", "unchanged"))]
        for kind, row in plan.counts().items()
    ]
    print_table(["kind", "created", "updated", "deleted", "unchanged"], rows)
    totals = plan.totals()
    _stdout().print(
        f"计划 plan: 新增 created {totals['created']}, 修改 updated {totals['updated']},"
        f" 删除 deleted {totals['deleted']}, 未变 unchanged {totals['unchanged']},"
        f" 待处理冲突 pending conflicts {totals['conflicts']}",
        markup=False,
    )
    for operation in plan.operations:
        if operation.redirect_to is not None:
            _stdout().print(
                f"  {operation.kind} {operation.id} → {operation.redirect_to} (redirect)",
                markup=False,
            )
    for kind, record_id in plan.unused_redirects:
        _stderr().print(
            f"提示 note: 重定向未使用 redirect not used: {kind} {record_id} is not deleted",
            markup=False,
        )


@sync_group.command("plan", short_help="Show what a push would send (changes nothing).")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_STATE
@click.option(
    "--redirects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV (kind,old_id,new_id) or JSON of deleted records and what replaced them.",
)
@click.option(
    "--policy",
    type=click.Choice(_POLICIES),
    default="manual",
    show_default=True,
    help="How conflicts pending from an earlier push are treated.",
)
@_JSON
@_handle_errors
def plan_command(
    file: Path, state_path: Path, redirects: Path | None, policy: str, as_json: bool
) -> None:
    """Compare FILE with the state: records created, updated and deleted per kind.

    A record pushed from this state and absent from FILE is planned as deleted
    (FILE is the complete snapshot). Nothing is sent and the state is not changed.
    Exit 1 when conflicts from an earlier push are still pending.
    """
    from shequkit.sync._engine import plan
    from shequkit.sync._state import SyncState

    # A state that does not exist yet is empty; planning must not create it.
    location = str(state_path) if state_path.exists() else ":memory:"
    with SyncState(location) as state:
        the_plan = plan(file, state, policy=policy, redirects=_redirects(redirects))
    if as_json:
        click.echo(json.dumps(the_plan.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_plan(the_plan)
    sys.exit(EXIT_INVALID if the_plan.pending_conflicts else EXIT_OK)


@sync_group.command("push", short_help="Send the changes of a file; resumes after a crash.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_STATE
@_endpoint_options
@click.option(
    "--policy",
    type=click.Choice(_POLICIES),
    help="What to do with conflicts (default from --config, else manual).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1000),
    help="Operations per batch (default from --config, else 500).",
)
@click.option(
    "--redirects",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV (kind,old_id,new_id) or JSON of deleted records and what replaced them.",
)
@click.option(
    "--conflicts",
    "conflicts_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write conflicts for review (default: STATE.conflicts.json).",
)
@click.option(
    "--show-sensitive",
    is_flag=True,
    help="Write personal data unmasked in the conflict file. Off by default.",
)
@_JSON
@_handle_errors
def push_command(
    file: Path,
    state_path: Path,
    endpoint: str | None,
    url: str | None,
    config_path: Path | None,
    policy: str | None,
    batch_size: int | None,
    redirects: Path | None,
    conflicts_path: Path | None,
    show_sensitive: bool,
    as_json: bool,
) -> None:
    """Push the records of FILE: resend interrupted batches, plan, send in batches.

    Every batch carries an Idempotency-Key stored in the state before it is sent,
    so a push killed at any point can simply be run again: nothing is lost and
    nothing is applied twice. Exit 1 when conflicts or rejected records are left.
    """
    from shequkit.sync._client import SyncClient
    from shequkit.sync._config import load_credentials
    from shequkit.sync._engine import DEFAULT_BATCH_SIZE, push

    resolved = _resolve(endpoint, url, config_path)
    credentials = load_credentials(resolved)
    chosen_policy = _setting(resolved, "policy", policy, "manual")
    size = int(_setting(resolved, "batch_size", batch_size, DEFAULT_BATCH_SIZE))
    loaded = _redirects(redirects)
    with SyncClient(resolved.url, credentials) as client, _bar("推送 pushing") as progress:
        report = push(
            file,
            state_path,
            client,
            policy=chosen_policy,
            batch_size=size,
            redirects=loaded,
            field_mapping=resolved.field_mapping,
            conflict_file=conflicts_path,
            show_sensitive=show_sensitive,
            progress=progress,
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "plan": report.plan.totals(),
                    "resumed_batches": report.resumed,
                    "batches": report.batches,
                    "replayed_batches": report.replayed,
                    "results": dict(report.statuses),
                    "server_wins": report.overridden,
                    "client_wins_resent": report.resent,
                    "conflicts": len(report.conflicts),
                    "rejected": len(report.rejections),
                    "conflict_file": str(report.conflict_file) if report.conflict_file else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_push(report)
    sys.exit(EXIT_OK if report.ok else EXIT_INVALID)


def _print_push(report: Any) -> None:
    out = _stdout()
    if report.resumed:
        out.print(
            f"续传 resumed: {report.resumed} 个中断的批次 interrupted batches resent"
            " with their original keys",
            markup=False,
        )
    results = ", ".join(f"{status} {count}" for status, count in sorted(report.statuses.items()))
    out.print(
        f"已推送 pushed: {report.batches} 批 batches ({report.replayed} replayed);"
        f" 结果 results: {results or 'nothing to send'}",
        markup=False,
    )
    if report.overridden:
        out.print(f"服务端优先 server-wins: {report.overridden} 个冲突 conflicts", markup=False)
    if report.conflicts:
        out.print(
            f"待处理冲突 conflicts left: {len(report.conflicts)}; 见 see {report.conflict_file}",
            style="bold red",
            markup=False,
        )
    if report.rejections:
        out.print(
            f"被拒绝 rejected: {len(report.rejections)} 条记录 records (sync status --json)",
            style="bold red",
            markup=False,
        )


@sync_group.command("pull", short_help="Read the server's changes into the state; export them.")
@_STATE
@_endpoint_options
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the local copy as a dataset file (any writable format).",
)
@click.option("--format", "format_", help="Output format when the extension does not tell.")
@click.option("--kinds", help="Only these kinds, comma separated (community,facility).")
@click.option(
    "--page-size", type=click.IntRange(1, 1000), default=500, show_default=True, help="Page size."
)
@_JSON
@_handle_errors
def pull_command(
    state_path: Path,
    endpoint: str | None,
    url: str | None,
    config_path: Path | None,
    output: Path | None,
    format_: str | None,
    kinds: str | None,
    page_size: int,
    as_json: bool,
) -> None:
    """Pull the changes since the state's cursor; with -o, export the local copy.

    Each page is applied and the cursor advanced together, so an interrupted pull
    continues where it stopped. Records deleted with a redirect (merged or recoded
    communities) make references in the local copy follow the new id.
    """
    from shequkit.sync._client import SyncClient
    from shequkit.sync._config import load_credentials
    from shequkit.sync._engine import pull

    resolved = _resolve(endpoint, url, config_path)
    credentials = load_credentials(resolved)
    kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    with SyncClient(resolved.url, credentials) as client, _bar("拉取 pulling") as progress:
        report = pull(
            state_path,
            client,
            output=output,
            format=format_,
            kinds=kind_list,
            page_size=page_size,
            field_mapping=resolved.field_mapping,
            progress=progress,
        )
    if as_json:
        document = {
            "pages": report.pages,
            "changes": report.changes,
            "counts": dict(report.counts),
            "output": str(report.output) if report.output else None,
            "written": report.written,
            "unreadable": [{"kind": k, "id": i} for k, i in report.unreadable],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        counts = ", ".join(f"{name} {n}" for name, n in sorted(report.counts.items()))
        _stdout().print(
            f"已拉取 pulled: {report.changes} 条变更 changes in {report.pages} 页 pages"
            f" ({counts or 'no changes'})",
            markup=False,
        )
        if report.output is not None:
            _stdout().print(
                f"已写入 wrote {report.output.name}: {report.written} 条记录 records",
                markup=False,
            )
        for kind, record_id in report.unreadable:
            _stderr().print(f"无法导出 not exported: {kind} {record_id}", markup=False)
    sys.exit(EXIT_INVALID if report.unreadable else EXIT_OK)


@sync_group.command("status", short_help="Show the state: records, outbox, conflicts, cursor.")
@_STATE
@_JSON
@_handle_errors
def status_command(state_path: Path, as_json: bool) -> None:
    """Show what the state file holds; exit 1 when conflicts or rejected records are left."""
    import attrs

    from shequkit.sync._conflicts import conflict_entry
    from shequkit.sync._engine import status
    from shequkit.sync._state import SyncState

    if not state_path.exists():
        raise InputNotFoundError(
            f"找不到同步状态文件 {state_path.name}",
            f"the sync state file {state_path.name} does not exist",
            path=state_path.name,
        )
    with SyncState(state_path) as state:
        summary = status(state)
        conflicts = [conflict_entry(c) for c in state.conflicts()]
        rejected = [{"kind": r.kind, "id": r.id, "error": r.error} for r in state.rejections()]
    if as_json:
        document = {**attrs.asdict(summary), "conflict_list": conflicts, "rejected": rejected}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        rows = [
            ("endpoint", summary.endpoint or "-"),
            ("records on server", str(summary.records)),
            ("pushed from here", str(summary.pushed)),
            ("tombstones", str(summary.deleted)),
            ("local copy", str(summary.pulled)),
            ("redirects", str(summary.redirects)),
            ("pending batches", f"{summary.pending_batches} ({summary.pending_operations} ops)"),
            ("completed batches", str(summary.completed_batches)),
            ("refused batches", str(summary.failed_batches)),
            ("conflicts", str(summary.conflicts)),
            ("rejected", str(summary.rejections)),
            ("last pull", summary.pulled_at or "-"),
        ]
        print_table(["", "value"], rows)
    sys.exit(EXIT_INVALID if summary.conflicts or summary.rejections else EXIT_OK)
