"""Request signing (请求签名) and SM4 payload encryption of the sync protocol.

Every request except ``/v1/health`` carries the headers of :data:`SIGNED_HEADERS`.
The signature is ``base64(HMAC(secret, string_to_sign))`` with::

    string_to_sign = METHOD \\n path \\n canonical_query \\n timestamp \\n nonce
                     \\n content_digest \\n app_key

HMAC-SHA256 is the default; HMAC-SM3 (GB/T 32905, national cryptography) is
chosen per key. ``content_digest`` is the hex digest (SHA-256, or SM3 for
HMAC-SM3) of the exact bytes on the wire. With ``X-SQK-Encryption: SM4-GCM``
the wire bytes are a 12-byte nonce followed by the SM4-GCM ciphertext and
tag of the JSON (GB/T 32907), under a separate 16-byte key.

pyca/cryptography provides SM3 and SM4; it is imported on first use, so
``shequkit.sync`` imports without the ``[sync]`` extra.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from shequkit._exceptions import UsageError
from shequkit.sync._errors import CredentialsError

__all__ = [
    "ENCRYPTION_HEADER",
    "ENCRYPTION_SM4_GCM",
    "METHODS",
    "SIGNED_HEADERS",
    "Credentials",
    "SignedRequest",
    "canonical_query",
    "content_digest",
    "decrypt_sm4",
    "encrypt_sm4",
    "new_nonce",
    "sign",
    "sign_request",
    "string_to_sign",
    "verify_request",
    "verify_signature",
]

METHODS: Final = ("HMAC-SHA256", "HMAC-SM3")
HEADER_KEY: Final = "X-SQK-Key"
HEADER_TIMESTAMP: Final = "X-SQK-Timestamp"
HEADER_NONCE: Final = "X-SQK-Nonce"
HEADER_METHOD: Final = "X-SQK-Signature-Method"
HEADER_DIGEST: Final = "X-SQK-Content-Digest"
HEADER_SIGNATURE: Final = "X-SQK-Signature"
SIGNED_HEADERS: Final = (
    HEADER_KEY,
    HEADER_TIMESTAMP,
    HEADER_NONCE,
    HEADER_METHOD,
    HEADER_DIGEST,
    HEADER_SIGNATURE,
)
ENCRYPTION_HEADER: Final = "X-SQK-Encryption"
ENCRYPTION_SM4_GCM: Final = "SM4-GCM"
SM4_KEY_BYTES: Final = 16
SM4_NONCE_BYTES: Final = 12
_UNRESERVED: Final = "-_.~"  # with ALPHA and DIGIT, RFC 3986 section 2.3


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import hashes
    except ImportError:  # pragma: no cover - the [sync] extra is installed in tests
        raise UsageError(
            "缺少可选依赖 cryptography,请安装 shequkit[sync]",
            "the optional dependency cryptography is missing: install shequkit[sync]",
            code="SQK-U112",
        ) from None
    return hashes


def _mask(secret: bytes | None) -> str:
    return "None" if secret is None else f"<{len(secret)} bytes masked>"


@attrs.frozen
class Credentials:
    """An app key and its secret (应用密钥); the secrets never appear in a repr.

    Attributes:
        app_key: the key id sent as ``X-SQK-Key``.
        secret: the HMAC secret.
        method: ``"HMAC-SHA256"`` (default) or ``"HMAC-SM3"``.
        sm4_key: a 16-byte SM4 key; when set, bodies are encrypted with SM4-GCM.
    """

    app_key: str = attrs.field()
    secret: bytes = attrs.field(repr=_mask)
    method: str = attrs.field(default="HMAC-SHA256")
    sm4_key: bytes | None = attrs.field(default=None, repr=_mask)

    @app_key.validator
    def _check_key(self, _: attrs.Attribute[str], value: str) -> None:
        if not value or len(value) > 128 or not value.isprintable() or " " in value:
            raise CredentialsError(
                "应用密钥编号须为 1–128 个可打印字符",
                "the app key must be 1 to 128 printable characters without spaces",
            )

    @secret.validator
    def _check_secret(self, _: attrs.Attribute[bytes], value: bytes) -> None:
        if not isinstance(value, bytes) or not value:
            raise CredentialsError("签名密钥不能为空", "the signing secret must not be empty")

    @method.validator
    def _check_method(self, _: attrs.Attribute[str], value: str) -> None:
        if value not in METHODS:
            raise CredentialsError(
                f"不支持的签名算法 {value}(可用 {'、'.join(METHODS)})",
                f"unsupported signature method {value} (use {' or '.join(METHODS)})",
            )

    @sm4_key.validator
    def _check_sm4(self, _: attrs.Attribute[bytes | None], value: bytes | None) -> None:
        if value is not None and (not isinstance(value, bytes) or len(value) != SM4_KEY_BYTES):
            raise CredentialsError("SM4 密钥须为 16 字节", "the SM4 key must be exactly 16 bytes")

    @classmethod
    def from_env(
        cls, prefix: str = "SHEQUKIT_SYNC_", environ: Mapping[str, str] | None = None
    ) -> Credentials:
        """Read credentials from the environment.

        ``{prefix}APP_KEY`` and either ``{prefix}SECRET`` or ``{prefix}SECRET_FILE``
        are required; ``{prefix}METHOD`` and ``{prefix}SM4_KEY`` /
        ``{prefix}SM4_KEY_FILE`` are optional. Secret values given as text are
        used as UTF-8 bytes; the SM4 key is 32 hex characters. Files are read
        as bytes with one trailing newline removed.

        Raises:
            CredentialsError: ``SQK-S001`` when a variable is missing or a file
                cannot be read (the message names the variable, never its value).
        """
        env = os.environ if environ is None else environ
        app_key = env.get(f"{prefix}APP_KEY")
        if not app_key:
            raise _missing(f"{prefix}APP_KEY")
        secret = _secret_from(env, f"{prefix}SECRET")
        if secret is None:
            raise _missing(f"{prefix}SECRET / {prefix}SECRET_FILE")
        sm4_text = _secret_from(env, f"{prefix}SM4_KEY")
        sm4_key = None
        if sm4_text is not None:
            try:
                sm4_key = bytes.fromhex(sm4_text.decode("ascii").strip())
            except (UnicodeDecodeError, ValueError):
                raise CredentialsError(
                    f"{prefix}SM4_KEY 须为 32 位十六进制字符",
                    f"{prefix}SM4_KEY must be 32 hex characters",
                ) from None
        method = env.get(f"{prefix}METHOD") or "HMAC-SHA256"
        return cls(app_key, secret, method, sm4_key)


def _missing(name: str) -> CredentialsError:
    return CredentialsError(f"缺少环境变量 {name}", f"environment variable {name} is not set")


def _secret_from(env: Mapping[str, str], name: str) -> bytes | None:
    value = env.get(name)
    if value:
        return value.encode("utf-8")
    path = env.get(f"{name}_FILE")
    if not path:
        return None
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise CredentialsError(
            f"无法读取 {name}_FILE 指定的文件({error.strerror})",
            f"cannot read the file named by {name}_FILE ({error.strerror})",
        ) from None
    raw = raw.removesuffix(b"\n").removesuffix(b"\r")
    if not raw:
        raise CredentialsError(f"{name}_FILE 指定的文件为空", f"the file of {name}_FILE is empty")
    return raw


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe=_UNRESERVED)


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """The canonical query string: pairs percent-encoded (RFC 3986), sorted, joined with ``&``.

    Names and values are UTF-8 percent-encoded keeping only the unreserved
    characters ``A-Z a-z 0-9 - _ . ~``; the encoded pairs are sorted by name,
    then value. No pairs give the empty string.

    >>> canonical_query([("limit", "2"), ("kinds", "community,facility"), ("a b", "")])
    'a%20b=&kinds=community%2Cfacility&limit=2'
    """
    encoded = sorted((_quote(name), _quote(value)) for name, value in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


def content_digest(body: bytes, method: str = "HMAC-SHA256") -> str:
    """Hex digest of the body bytes on the wire: SHA-256, or SM3 for ``HMAC-SM3``."""
    if method == "HMAC-SM3":
        hashes = _crypto()
        digest = hashes.Hash(hashes.SM3())
        digest.update(body)
        return bytes(digest.finalize()).hex()
    return hashlib.sha256(body).hexdigest()


def string_to_sign(
    method: str,
    path: str,
    query: str,
    timestamp: str,
    nonce: str,
    digest: str,
    app_key: str,
) -> str:
    """The newline-joined string the signature covers (``query`` already canonical)."""
    return "\n".join([method.upper(), path, query, timestamp, nonce, digest, app_key])


def sign(secret: bytes, message: str, method: str = "HMAC-SHA256") -> str:
    """``base64(HMAC(secret, message))`` with SHA-256 or SM3."""
    data = message.encode("utf-8")
    if method == "HMAC-SM3":
        from cryptography.hazmat.primitives import hmac as crypto_hmac

        hashes = _crypto()
        mac = crypto_hmac.HMAC(secret, hashes.SM3())
        mac.update(data)
        raw = bytes(mac.finalize())
    else:
        raw = hmac.new(secret, data, hashlib.sha256).digest()
    return base64.b64encode(raw).decode("ascii")


def verify_signature(secret: bytes, message: str, signature: str, method: str) -> bool:
    """Whether ``signature`` is the signature of ``message`` (constant-time comparison)."""
    expected = sign(secret, message, method).encode("ascii")
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def verify_request(
    secret: bytes,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    body: bytes,
    headers: Mapping[str, str],
) -> Literal["ok", "digest", "signature"]:
    """Check a signed request as the server does: the digest, then the signature.

    ``headers`` maps the ``X-SQK-*`` names (any mapping; Starlette's is
    case-insensitive). Returns ``"ok"``, or which check failed. Timestamp
    window and nonce replay are the server's to check (they need state).
    """
    signature_method = headers.get(HEADER_METHOD, "HMAC-SHA256")
    digest = headers.get(HEADER_DIGEST, "")
    if signature_method not in METHODS:
        return "signature"
    expected = content_digest(body, signature_method).encode("ascii")
    if not hmac.compare_digest(expected, digest.lower().encode("utf-8", "replace")):
        return "digest"
    message = string_to_sign(
        method,
        path,
        canonical_query(query),
        headers.get(HEADER_TIMESTAMP, ""),
        headers.get(HEADER_NONCE, ""),
        digest,
        headers.get(HEADER_KEY, ""),
    )
    if not verify_signature(secret, message, headers.get(HEADER_SIGNATURE, ""), signature_method):
        return "signature"
    return "ok"


def new_nonce() -> str:
    """32 random hex characters."""
    return secrets.token_hex(16)


@attrs.frozen
class SignedRequest:
    """The headers that sign one request, and the string they sign (for debugging)."""

    headers: dict[str, str]
    string_to_sign: str


def sign_request(
    credentials: Credentials,
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    body: bytes,
    *,
    timestamp_ms: int | None = None,
    nonce: str | None = None,
) -> SignedRequest:
    """Sign one request: the ``X-SQK-*`` headers for ``body`` as it goes on the wire."""
    timestamp = str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms)
    nonce = new_nonce() if nonce is None else nonce
    digest = content_digest(body, credentials.method)
    message = string_to_sign(
        method, path, canonical_query(query), timestamp, nonce, digest, credentials.app_key
    )
    headers = {
        HEADER_KEY: credentials.app_key,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_METHOD: credentials.method,
        HEADER_DIGEST: digest,
        HEADER_SIGNATURE: sign(credentials.secret, message, credentials.method),
    }
    return SignedRequest(headers, message)


def encrypt_sm4(key: bytes, plaintext: bytes, *, nonce: bytes | None = None) -> bytes:
    """SM4-GCM: a 12-byte nonce, then the ciphertext and the 16-byte tag."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    _crypto()
    nonce = os.urandom(SM4_NONCE_BYTES) if nonce is None else nonce
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return bytes(nonce + ciphertext + encryptor.tag)


def decrypt_sm4(key: bytes, data: bytes) -> bytes:
    """Reverse :func:`encrypt_sm4`; raises ``ValueError`` if the data was altered or truncated."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    _crypto()
    if len(data) < SM4_NONCE_BYTES + 16:
        raise ValueError("SM4-GCM payload too short")
    nonce, ciphertext, tag = data[:SM4_NONCE_BYTES], data[SM4_NONCE_BYTES:-16], data[-16:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return bytes(decryptor.update(ciphertext) + decryptor.finalize())
    except InvalidTag:
        raise ValueError("SM4-GCM authentication failed") from None
