"""Which server to sync with, and with which credentials (同步端点配置).

An *endpoint* names a civil-affairs system: its base URL, the signature method
it expects, optional SM4 payload encryption and an optional field mapping.
Endpoints come from plugins through the ``shequkit_endpoints`` hook (the
built-in ``sandbox`` endpoint comes through it too, from
``shequkit._endpoints``) and from an optional TOML config file::

    [sync]
    endpoint = "jiangsu-test"          # used when --endpoint is not given

    [endpoints.jiangsu-test]
    url = "https://sync.example.gov.cn"
    auth_method = "HMAC-SM3"           # or HMAC-SHA256 (default)
    app_key = "js-0001"                # the key id is not a secret
    secret_file = "/etc/shequkit/js-0001.secret"

    [endpoints.jiangsu-test.field_mapping.community]
    name = "sqmc"                      # shequkit field -> the system's field

The URL is taken from, in order: ``--url``, ``SHEQUKIT_SYNC_URL``, the config
file's endpoint, the plugin's endpoint. Credentials come only from the
environment (``SHEQUKIT_SYNC_APP_KEY`` with ``SHEQUKIT_SYNC_SECRET`` or
``SHEQUKIT_SYNC_SECRET_FILE``) or from a secret *file* named in the config —
never from the command line, never inline in the config file — and are never
logged or shown.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from shequkit._endpoints import SANDBOX_ENDPOINT, EndpointSpec
from shequkit._exceptions import UsageError
from shequkit._hookspecs import Endpoint
from shequkit.sync._conflicts import ConflictPolicy

if TYPE_CHECKING:
    from shequkit._toolkit import Toolkit
    from shequkit.sync._signing import Credentials

__all__ = [
    "SANDBOX_ENDPOINT",
    "EndpointSpec",
    "FieldMapping",
    "ResolvedEndpoint",
    "load_credentials",
    "read_config",
    "resolve_endpoint",
]

ENV_PREFIX: Final = "SHEQUKIT_SYNC_"
"""Prefix of the environment variables the sync commands read."""

_AUTH_METHODS: Final = ("HMAC-SHA256", "HMAC-SM3")
_SECRET_KEYS: Final = ("secret", "sm4_key", "password", "token")
_POLICIES: Final = tuple(policy.value for policy in ConflictPolicy)


@attrs.frozen
class FieldMapping:
    """Renames of record fields between shequkit and a system: ``{kind: {ours: theirs}}``.

    Content hashes and the local state always use shequkit's names; the mapping is
    applied to data on the way out and reversed on the way in.
    """

    renames: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)

    def outbound(self, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` with shequkit field names replaced by the system's."""
        renames = self.renames.get(kind, {})
        return {renames.get(key, key): value for key, value in data.items()}

    def inbound(self, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` from the system with its field names replaced by shequkit's."""
        reverse = {theirs: ours for ours, theirs in self.renames.get(kind, {}).items()}
        return {reverse.get(key, key): value for key, value in data.items()}

    def __bool__(self) -> bool:
        return any(self.renames.values())


@attrs.frozen
class ResolvedEndpoint:
    """The endpoint a command will talk to, after options, environment and config are merged.

    ``app_key`` and ``secret_file`` come from the config file (credentials from the
    environment take precedence, see :func:`load_credentials`).
    """

    name: str | None
    url: str
    auth_method: str = "HMAC-SHA256"
    encryption: str | None = None
    field_mapping: FieldMapping = attrs.field(factory=FieldMapping)
    app_key: str | None = None
    secret_file: Path | None = None
    sm4_key_file: Path | None = None
    settings: Mapping[str, Any] = attrs.field(factory=dict)
    """The ``[sync]`` table of the config file (defaults for policy, batch size...)."""


def _usage(code: str, zh: str, en: str, **details: Any) -> UsageError:
    return UsageError(zh, en, code=code, **details)


def read_config(path: str | Path) -> dict[str, Any]:
    """Read a sync config file (TOML).

    Raises:
        UsageError: ``SQK-U146`` when it cannot be read, is not TOML, or holds a secret.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise _usage(
            "SQK-U146",
            f"同步配置文件 {path.name} 无法读取:{error}",
            f"the sync config file {path.name} cannot be read: {error}",
            path=path.name,
        ) from None
    settings = document.get("sync") or {}
    policy, size = settings.get("policy", "manual"), settings.get("batch_size", 500)
    if policy not in _POLICIES or type(size) is not int or not 1 <= size <= 1000:
        raise _usage(
            "SQK-U146",
            f"同步配置文件 {path.name}:[sync] 中 policy 应为 {'/'.join(_POLICIES)},"
            "batch_size 应为 1 到 1000 的整数",
            f"the sync config file {path.name}: [sync] policy must be one of"
            f" {', '.join(_POLICIES)} and batch_size an integer from 1 to 1000",
            path=path.name,
        )
    for name, table in (document.get("endpoints") or {}).items():
        if not isinstance(table, dict):
            raise _usage(
                "SQK-U146",
                f"同步配置文件 {path.name}:endpoints.{name} 应为表",
                f"the sync config file {path.name}: endpoints.{name} must be a table",
                path=path.name,
            )
        inline = sorted(key for key in table if key in _SECRET_KEYS)
        if inline:
            raise _usage(
                "SQK-U146",
                f"同步配置文件 {path.name} 的 endpoints.{name} 直接写入了密钥({inline[0]});"
                "请改用 secret_file 或环境变量 SHEQUKIT_SYNC_SECRET",
                f"the sync config file {path.name} holds a secret inline (endpoints.{name}."
                f"{inline[0]}); use secret_file or the SHEQUKIT_SYNC_SECRET variable",
                path=path.name,
            )
    return document


def resolve_endpoint(
    *,
    name: str | None = None,
    url: str | None = None,
    config: str | Path | None = None,
    toolkit: Toolkit | None = None,
    environ: Mapping[str, str] | None = None,
) -> ResolvedEndpoint:
    """Merge ``--endpoint``/``--url``, the environment, the config file and the plugins' endpoints.

    Raises:
        UsageError: ``SQK-U140`` when no endpoint is chosen or the name is unknown,
            ``SQK-U146`` for a bad config file.
    """
    from shequkit._toolkit import default_toolkit

    environ = os.environ if environ is None else environ
    document = read_config(config) if config is not None else {}
    base = Path(config).parent if config is not None else Path()
    settings: dict[str, Any] = dict(document.get("sync") or {})
    configured: dict[str, Any] = dict(document.get("endpoints") or {})
    name = name or settings.get("endpoint")
    plugin_endpoints = {end.name: end for end in (toolkit or default_toolkit()).endpoints}
    table: dict[str, Any] = {}
    spec: Endpoint | None = None
    if name is not None:
        table = dict(configured.get(name) or {})
        spec = plugin_endpoints.get(name)
        if spec is None and not table:
            known = ", ".join(sorted({*plugin_endpoints, *configured})) or "-"
            raise _usage(
                "SQK-U140",
                f"未知的同步端点“{name}”;可用:{known}",
                f"unknown sync endpoint {name!r}; known: {known}",
            )
    chosen_url = url or environ.get(f"{ENV_PREFIX}URL") or table.get("url")
    if chosen_url is None and spec is not None:
        chosen_url = str(getattr(spec, "base_url", "")) or None
    if not chosen_url:
        raise _usage(
            "SQK-U140",
            "未指定同步端点:请使用 --endpoint NAME、--url URL 或环境变量 SHEQUKIT_SYNC_URL",
            "no sync endpoint given: use --endpoint NAME, --url URL or SHEQUKIT_SYNC_URL",
        )
    mapping = table.get("field_mapping")
    if not isinstance(mapping, dict):
        mapping = getattr(spec, "field_mapping", None) or {}
    field_mapping = FieldMapping(mapping)
    auth_method = str(table.get("auth_method") or getattr(spec, "auth_method", "HMAC-SHA256"))
    if auth_method not in _AUTH_METHODS:
        raise _usage(
            "SQK-U146",
            f"不支持的签名方法 {auth_method};可用:{', '.join(_AUTH_METHODS)}",
            f"unsupported signature method {auth_method}; use one of {', '.join(_AUTH_METHODS)}",
        )
    return ResolvedEndpoint(
        name=name,
        url=str(chosen_url).rstrip("/"),
        auth_method=auth_method,
        encryption=table.get("encryption") or getattr(spec, "encryption", None),
        field_mapping=field_mapping,
        app_key=table.get("app_key"),
        secret_file=base / table["secret_file"] if table.get("secret_file") else None,
        sm4_key_file=base / table["sm4_key_file"] if table.get("sm4_key_file") else None,
        settings=settings,
    )


def load_credentials(
    endpoint: ResolvedEndpoint, environ: Mapping[str, str] | None = None
) -> Credentials:
    """The credentials for ``endpoint``: from the environment, else from the config's files.

    Environment (see :meth:`shequkit.sync.Credentials.from_env`):
    ``SHEQUKIT_SYNC_APP_KEY`` and ``SHEQUKIT_SYNC_SECRET`` or
    ``SHEQUKIT_SYNC_SECRET_FILE``, optionally ``SHEQUKIT_SYNC_METHOD`` and
    ``SHEQUKIT_SYNC_SM4_KEY[_FILE]``. Config: ``app_key`` with ``secret_file`` (and
    ``sm4_key_file``, 32 hex characters). Secrets are never part of a message.

    Raises:
        CredentialsError: ``SQK-S001`` when no credentials are found or a secret file
            cannot be read.
    """
    from shequkit.sync._errors import CredentialsError
    from shequkit.sync._signing import Credentials

    environ = os.environ if environ is None else environ
    if environ.get(f"{ENV_PREFIX}APP_KEY") or not endpoint.app_key:
        try:
            credentials = Credentials.from_env(ENV_PREFIX, environ)
        except CredentialsError as error:
            raise CredentialsError(
                f"{error.message_zh};或在配置文件中给出 app_key 与 secret_file",
                f"{error.message_en}; or give app_key and secret_file in the config file",
            ) from None
        if not environ.get(f"{ENV_PREFIX}METHOD"):
            credentials = attrs.evolve(credentials, method=endpoint.auth_method)
        return credentials
    if endpoint.secret_file is None:
        raise CredentialsError(
            f"配置文件给出了 app_key {endpoint.app_key},但缺少 secret_file",
            f"the config file names app_key {endpoint.app_key} but no secret_file",
        )
    sm4_key = None
    if endpoint.sm4_key_file is not None:
        try:
            sm4_key = bytes.fromhex(_read_secret(endpoint.sm4_key_file).decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise CredentialsError(
                f"{endpoint.sm4_key_file.name} 须为 32 位十六进制字符",
                f"{endpoint.sm4_key_file.name} must hold 32 hex characters",
            ) from None
    return Credentials(
        app_key=endpoint.app_key,
        secret=_read_secret(endpoint.secret_file),
        method=endpoint.auth_method,
        sm4_key=sm4_key,
    )


def _read_secret(path: Path) -> bytes:
    from shequkit.sync._errors import CredentialsError

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CredentialsError(
            f"无法读取密钥文件 {path.name}:{error.strerror}",
            f"cannot read the secret file {path.name}: {error.strerror}",
        ) from None
    raw = raw.removesuffix(b"\n").removesuffix(b"\r")
    if not raw:
        raise CredentialsError(
            f"密钥文件 {path.name} 为空", f"the secret file {path.name} is empty"
        )
    return raw
