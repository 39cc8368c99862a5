"""``shequkit sandbox``: run the reference sync server (沙箱服务器) in the foreground.

starlette and uvicorn (the ``[sync]`` extra) are imported inside the command,
so ``shequkit --help`` works without them.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from pathlib import Path
from typing import Any

import click

from shequkit._exceptions import UsageError
from shequkit.cli._app import _handle_errors, _stderr, cli

__all__ = ["DEMO_KEY", "SECRET_ENV", "load_keys", "sandbox_command"]

DEMO_KEY = "demo"
SECRET_ENV = "SHEQUKIT_SANDBOX_SECRET"


def _keys_error(path: Path, zh: str, en: str) -> UsageError:
    return UsageError(
        f"密钥文件 {path.name} 格式错误:{zh}",
        f"the keys file {path.name} is malformed: {en}",
        code="SQK-U150",
    )


def load_keys(path: Path) -> dict[str, Any]:
    """Read a keys file: ``{"KEY": {"secret": "...", "divisions": ["32"], "sm4_key": "hex"}}``.

    ``secret_file`` may replace ``secret`` (a path relative to the keys file).
    Returns app key → :class:`shequkit.sandbox.KeyGrant`.

    Raises:
        UsageError: ``SQK-U150`` when the file is not that shape (the message
            names the key, never a secret).
    """
    from shequkit.sandbox import KeyGrant

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise _keys_error(path, "不是 UTF-8 JSON", "not UTF-8 JSON") from None
    if not isinstance(document, dict) or not document:
        raise _keys_error(path, "应为非空 JSON 对象", "expected a non-empty JSON object")
    grants = {}
    for name, entry in document.items():
        if not isinstance(entry, dict):
            raise _keys_error(path, f"{name} 应为对象", f"{name} must be an object")
        secret: bytes | None = None
        if isinstance(entry.get("secret"), str) and entry["secret"]:
            secret = entry["secret"].encode("utf-8")
        elif isinstance(entry.get("secret_file"), str):
            secret_path = path.parent / entry["secret_file"]
            secret = secret_path.read_bytes().removesuffix(b"\n") or None
        if secret is None:
            raise _keys_error(path, f"{name} 缺少 secret", f"{name} has no secret or secret_file")
        divisions = entry.get("divisions", [""])
        sm4_hex = entry.get("sm4_key")
        try:
            sm4_key = bytes.fromhex(sm4_hex) if sm4_hex is not None else None
            grants[name] = KeyGrant(secret, tuple(divisions), sm4_key=sm4_key)
        except (TypeError, ValueError):
            raise _keys_error(
                path,
                f"{name} 的 divisions 须为区划代码前缀列表,sm4_key 须为 32 位十六进制",
                f"{name}: divisions must be a list of division code prefixes, sm4_key 32 hex",
            ) from None
        if sm4_key is not None and len(sm4_key) != 16:
            raise _keys_error(
                path, f"{name} 的 sm4_key 须为 16 字节", f"{name}: sm4_key is 16 bytes"
            )
    return grants


@cli.command("sandbox", short_help="Run the reference sync server (for tests and demos).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port (0: a free one).")
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("sandbox.db"),
    show_default=True,
    help="SQLite file holding the sandbox's records (created if absent).",
)
@click.option(
    "--keys",
    "keys_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help='JSON file of app keys: {"KEY": {"secret": "...", "divisions": ["32"]}}. '
    f"Default: one key '{DEMO_KEY}' for every division, secret from ${SECRET_ENV} or "
    "generated and printed once.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Probability of a fault per signed request.",
)
@click.option("--fault-seed", type=int, default=0, show_default=True, help="Seed of the faults.")
@click.option(
    "--fault-kinds",
    default="latency,429,503,drop",
    show_default=True,
    help="Comma-separated: latency, 429, 500, 503, drop, drop-after-commit.",
)
@click.option("--latency-ms", type=int, default=200, show_default=True, help="Latency fault.")
@click.option(
    "--retry-after", type=float, default=1.0, show_default=True, help="Retry-After of a 429 (s)."
)
@_handle_errors
def sandbox_command(
    host: str,
    port: int,
    db_path: Path,
    keys_path: Path | None,
    fault_rate: float,
    fault_seed: int,
    fault_kinds: str,
    latency_ms: int,
    retry_after: float,
) -> None:
    """Serve the shequkit sync protocol 1.0 with a SQLite store until Ctrl-C.

    Every request is checked as a provincial system would (signature,
    timestamp window, nonce, division scope, idempotency); faults are injected
    at --fault-rate with a seeded RNG. The protocol is described in
    docs/sync-protocol.md.
    """
    try:
        import uvicorn

        from shequkit.sandbox import FaultPlan, KeyGrant, create_app
    except ImportError:
        raise UsageError(
            "沙箱需要可选依赖 starlette 与 uvicorn,请安装 shequkit[sync]",
            "the sandbox needs starlette and uvicorn: install shequkit[sync]",
            code="SQK-U112",
        ) from None
    kinds = tuple(kind.strip() for kind in fault_kinds.split(",") if kind.strip())
    try:
        faults = FaultPlan(
            rate=fault_rate,
            seed=fault_seed,
            kinds=kinds,
            latency_ms=latency_ms,
            retry_after_s=retry_after,
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--fault-kinds") from None
    console = _stderr()
    if keys_path is not None:
        keys = load_keys(keys_path)
    else:
        secret = os.environ.get(SECRET_ENV)
        if not secret:
            secret = secrets.token_urlsafe(24)
            # The one place a secret is shown: a generated demo secret, once, on stderr.
            console.print(
                f"生成的演示密钥 generated demo secret for key '{DEMO_KEY}': {secret}\n"
                f"  (set ${SECRET_ENV} to choose it)",
                markup=False,
            )
        keys = {DEMO_KEY: KeyGrant(secret.encode("utf-8"), ("",))}
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise UsageError(
            f"无法监听 {host}:{port}({error.strerror})",
            f"cannot listen on {host}:{port} ({error.strerror})",
        ) from None
    bound = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    scopes = ", ".join(
        f"{name} ({'/'.join(grant.divisions) if any(grant.divisions) else 'all divisions'})"
        for name, grant in keys.items()
    )
    fault_text = (
        f"rate {fault_rate} seed {fault_seed} kinds {','.join(kinds)}" if fault_rate else "none"
    )
    console.print(
        f"shequkit sandbox on http://{shown_host}:{bound}  db {db_path}  keys {scopes}"
        f"  faults {fault_text}",
        markup=False,
    )
    app = create_app(db_path, keys, faults=faults)
    config = uvicorn.Config(app, log_level="warning", access_log=False, http="h11", ws="none")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
