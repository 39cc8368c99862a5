"""The OpenAPI 3.1 document of the sync protocol, generated from the wire types.

Paths come from :data:`~shequkit.sync._protocol.ENDPOINTS` (the routes the
sandbox serves), schemas from the attrs classes and their docstrings, error
responses from :data:`~shequkit.sync._protocol.ERROR_CODES`. ``python -m
shequkit._generate`` writes it to ``schemas/shequkit-sync-1.0.openapi.json``;
a test keeps the file, the sandbox's routes and this module in step.
"""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._atomic import atomic_write
from shequkit.sync._protocol import (
    BATCH_MAX_OPERATIONS,
    ENDPOINTS,
    ERROR_CODES,
    IDEMPOTENCY_KEY_MAX,
    KIND_NAMES,
    PROTOCOL_VERSION,
    PULL_LIMIT_DEFAULT,
    PULL_LIMIT_MAX,
    BatchRequest,
    BatchResponse,
    Change,
    ErrorEnvelope,
    ErrorInfo,
    Operation,
    OperationResult,
    PullResponse,
)
from shequkit.sync._signing import SIGNED_HEADERS

__all__ = ["OPENAPI_NAME", "openapi_document", "write_openapi"]

OPENAPI_NAME: Final = f"shequkit-sync-{PROTOCOL_VERSION}.openapi.json"

_COMPONENTS: Final = (
    ErrorInfo,
    ErrorEnvelope,
    Operation,
    BatchRequest,
    OperationResult,
    BatchResponse,
    Change,
    PullResponse,
)

# Constraints the types alone do not say (the sandbox enforces them).
_CONSTRAINTS: Final[dict[tuple[str, str], dict[str, Any]]] = {
    ("Operation", "kind"): {"minLength": 1, "maxLength": 256, "examples": list(KIND_NAMES)},
    ("Operation", "id"): {"minLength": 1, "maxLength": 256},
    ("Operation", "base_version"): {"minimum": 1},
    ("BatchRequest", "operations"): {"minItems": 1, "maxItems": BATCH_MAX_OPERATIONS},
    ("Change", "version"): {"minimum": 1},
}

_SIGNING: Final = (
    "Every request except /v1/health is signed. string_to_sign = METHOD\\npath\\n"
    "canonical_query\\ntimestamp\\nnonce\\ncontent_digest\\napp_key; X-SQK-Signature = "
    "base64(HMAC-SHA256 or HMAC-SM3 (secret, string_to_sign)). See docs/sync-protocol.md."
)

_HEADER_HELP: Final = {
    "X-SQK-Key": "The app key id.",
    "X-SQK-Timestamp": "Unix time in milliseconds; must be within 300 s of the server clock.",
    "X-SQK-Nonce": "32 random hex characters, never reused within the window.",
    "X-SQK-Signature-Method": "HMAC-SHA256 (default) or HMAC-SM3.",
    "X-SQK-Content-Digest": "Hex SHA-256 (SM3 for HMAC-SM3) of the body bytes on the wire.",
    "X-SQK-Signature": "base64 of the HMAC of string_to_sign.",
}


def _docs(cls: type) -> tuple[str, dict[str, str]]:
    """The summary line of a class docstring and its ``Attributes:`` entries."""
    doc = (cls.__doc__ or "").strip()
    summary = doc.splitlines()[0] if doc else cls.__name__
    fields: dict[str, str] = {}
    in_attributes = False
    current = None
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped == "Attributes:":
            in_attributes = True
            continue
        if not in_attributes:
            continue
        match = re.match(r"(\w+): (.*)", stripped)
        if match and line.startswith(" " * 4) and not line.startswith(" " * 8):
            current = match.group(1)
            fields[current] = match.group(2)
        elif current is not None and stripped:
            fields[current] += " " + stripped
    return summary.replace("``", "`"), {k: v.replace("``", "`") for k, v in fields.items()}


def _schema(annotation: Any) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is str:
        return {"type": "string"}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer"}
    if origin is typing.Literal:
        return {"type": "string", "enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        options = [_schema(arg) for arg in args if arg is not type(None)]
        nullable = type(None) in args
        if len(options) == 1 and "type" in options[0] and nullable:
            return {**options[0], "type": [options[0]["type"], "null"]}
        return {"anyOf": options + ([{"type": "null"}] if nullable else [])}
    if origin is tuple:
        return {"type": "array", "items": _schema(args[0])}
    if origin is dict:
        return {"type": "object"}
    if attrs.has(annotation):
        return {"$ref": f"#/components/schemas/{annotation.__name__}"}
    raise TypeError(f"no JSON Schema for {annotation!r}")  # pragma: no cover


def _component(cls: type) -> dict[str, Any]:
    summary, described = _docs(cls)
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required = []
    for field in attrs.fields(cls):
        schema = _schema(hints[field.name])
        schema.update(_CONSTRAINTS.get((cls.__name__, field.name), {}))
        if field.name in described:
            schema = {"description": described[field.name], **schema}
        properties[field.name] = schema
        if field.default is attrs.NOTHING:
            required.append(field.name)
    return {
        "type": "object",
        "description": summary,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _errors(statuses: tuple[int, ...]) -> dict[str, Any]:
    responses = {}
    for status in statuses:
        codes = [entry for entry in ERROR_CODES.values() if entry.status == status]
        text = "; ".join(f"{entry.code} {entry.message_en}" for entry in codes)
        response: dict[str, Any] = {"description": text, "content": _json(_ref("ErrorEnvelope"))}
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before retrying (may be fractional).",
                    "schema": {"type": "string"},
                }
            }
        responses[str(status)] = response
    return responses


def _operation(name: str) -> dict[str, Any]:
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    operation: dict[str, Any] = {"operationId": name, "summary": endpoint.summary}
    if endpoint.signed:
        operation["security"] = [{header: [] for header in SIGNED_HEADERS}]
    return operation


def _paths() -> dict[str, Any]:
    health = _operation("health") | {
        "responses": {
            "200": {
                "description": "The server is up.",
                "content": _json(
                    {
                        "type": "object",
                        "properties": {"status": {"type": "string", "enum": ["ok"]}},
                        "required": ["status"],
                    }
                ),
            }
        }
    }
    pull = _operation("pull") | {
        "description": (
            "Changes in server commit order, only inside the key's division scope. "
            "Pass the returned cursor back as `since` to continue after the last change."
        ),
        "parameters": [
            {
                "name": "since",
                "in": "query",
                "required": False,
                "description": "Opaque cursor from an earlier page; omitted: from the beginning.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": PULL_LIMIT_MAX,
                    "default": PULL_LIMIT_DEFAULT,
                },
            },
            {
                "name": "kinds",
                "in": "query",
                "required": False,
                "description": "Comma-separated record kinds: " + ", ".join(KIND_NAMES),
                "schema": {"type": "string"},
            },
        ],
        "responses": {
            "200": {"description": "One page of changes.", "content": _json(_ref("PullResponse"))},
            **_errors((400, 401, 429, 500, 503)),
        },
    }
    push = _operation("push") | {
        "description": (
            "All operations apply in one transaction, in order. Any operation outside the "
            "key's division scope refuses the whole batch (403 SQK-S404). The same "
            "Idempotency-Key with the same body replays the stored answer."
        ),
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX},
            },
            {
                "name": "X-SQK-Encryption",
                "in": "header",
                "required": False,
                "description": "SM4-GCM: the body is a 12-byte nonce + SM4-GCM ciphertext and tag.",
                "schema": {"type": "string", "enum": ["SM4-GCM"]},
            },
        ],
        "requestBody": {"required": True, "content": _json(_ref("BatchRequest"))},
        "responses": {
            "200": {
                "description": "One result per operation, in order.",
                "headers": {
                    "Idempotent-Replayed": {
                        "description": "`true` when answered from the idempotency store.",
                        "schema": {"type": "string", "enum": ["true"]},
                    }
                },
                "content": _json(_ref("BatchResponse")),
            },
            **_errors((400, 401, 403, 409, 413, 422, 429, 500, 503)),
        },
    }
    by_name = {"health": health, "pull": pull, "push": push}
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = by_name[endpoint.name]
    return paths


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of sync protocol 1.0."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "shequkit sync protocol",
            "version": PROTOCOL_VERSION,
            "description": (
                "Signed record exchange with provincial civil-affairs systems (民政同步接口). "
                + _SIGNING
            ),
        },
        "paths": _paths(),
        "components": {
            "schemas": {cls.__name__: _component(cls) for cls in _COMPONENTS},
            "securitySchemes": {
                header: {
                    "type": "apiKey",
                    "in": "header",
                    "name": header,
                    "description": _HEADER_HELP[header],
                }
                for header in SIGNED_HEADERS
            },
        },
    }


def write_openapi(directory: Path) -> Path:
    """Write the document to ``directory / OPENAPI_NAME``; returns the path."""
    path = Path(directory) / OPENAPI_NAME
    text = json.dumps(openapi_document(), ensure_ascii=False, indent=2) + "\n"
    with atomic_write(path) as stream:
        stream.write(text.encode("utf-8"))
    return path
