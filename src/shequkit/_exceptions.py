"""Exceptions raised by shequkit.

Every exception carries a stable ``code`` and a message in Chinese and English.
Invalid *data* is never raised: :func:`shequkit.validate` reports it as issues.
Exceptions are for input that cannot be read at all, for code values parsed
directly by a caller, and for misuse of the API.

The hierarchy::

    ShequkitError
     ├── InputError (ValueError)          SQK-F...  the input cannot be read
     │    ├── InputNotFoundError (FileNotFoundError)
     │    ├── EncodingError                text is not in a supported encoding
     │    ├── MalformedInputError          broken JSON / JSONL / XML / ...
     │    ├── HostileInputError            DTDs, entity bombs, limits exceeded
     │    └── UnknownFormatError           no codec for this name or extension
     ├── DataError (ValueError)           SQK-D100  readable, but the data is invalid
     ├── CodeError (ValueError)           SQK-E2..  an official code is invalid
     ├── FieldValueError (ValueError)     SQK-E1..  a field breaks its own invariant
     ├── PluginError                      SQK-P...  a plugin failed to load or conflicts
     ├── UsageError                       SQK-U...  the API or CLI was used wrongly
     └── SyncError                        SQK-S...  sync protocol (shequkit.sync._errors)
          ├── CredentialsError            S001 credentials missing or unreadable
          ├── BadRequestError (ValueError) S400
          ├── AuthenticationError         S401 signature, S402 timestamp, S403 nonce
          ├── ScopeError (PermissionError) S404 key not allowed for the division
          ├── IdempotencyInFlightError    S409 / IdempotencyMismatchError S422
          ├── PayloadTooLargeError        S413 / RateLimitedError S429
          ├── ServerError                 S500, S503
          ├── SyncProtocolError           S502 the answer is not the protocol
          └── SyncConnectionError (ConnectionError)  S599 no answer after retries

Subclasses also inherit a builtin where that helps generic handlers
(``except ValueError`` still catches a bad code).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CodeError",
    "DataError",
    "EncodingError",
    "FieldValueError",
    "HostileInputError",
    "InputError",
    "InputNotFoundError",
    "MalformedInputError",
    "PluginError",
    "ShequkitError",
    "UnknownFormatError",
    "UsageError",
]


class ShequkitError(Exception):
    """Root of every shequkit exception.

    Attributes:
        code: stable identifier such as ``"SQK-F102"``; documented in the issue
            code catalogue and safe to match on in scripts.
        message_zh: the message in Chinese.
        message_en: the message in English.
        details: extra, already-masked facts (path, line, limit, ...).
    """

    default_code = "SQK-X000"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        code: str | None = None,
        **details: Any,
    ) -> None:
        self.code = code or self.default_code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
        super().__init__(f"[{self.code}] {message_zh} / {message_en}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions cross process boundaries in parallel validation; keep kwargs.
        return (_rebuild, (type(self), self.message_zh, self.message_en, self.code, self.details))


def _rebuild(
    cls: type[ShequkitError], zh: str, en: str, code: str, details: dict[str, Any]
) -> ShequkitError:
    return cls(zh, en, code=code, **details)


class InputError(ShequkitError, ValueError):
    """The input as a whole cannot be read (file, stream or document)."""

    default_code = "SQK-F100"


class InputNotFoundError(InputError, FileNotFoundError):
    """The input file does not exist or cannot be opened."""

    default_code = "SQK-F101"


class EncodingError(InputError):
    """Text is not in the format's encoding (JSON: UTF-8; CSV: UTF-8, UTF-8 BOM, GB18030)."""

    default_code = "SQK-F102"


class MalformedInputError(InputError):
    """The input is not well-formed in its format (broken JSON, JSONL line, XML...)."""

    default_code = "SQK-F103"


class HostileInputError(InputError):
    """The input carries content shequkit refuses to process (DTD, entities, bombs, limits)."""

    default_code = "SQK-F104"


class UnknownFormatError(InputError):
    """No codec is registered for the requested format name or file extension."""

    default_code = "SQK-F105"


class DataError(ShequkitError, ValueError):
    """The input was read but its data is invalid, so it was not loaded or converted.

    Raised by :func:`shequkit.load` and :func:`shequkit.convert` (never by
    :func:`shequkit.validate`). ``report`` holds every issue found.
    """

    default_code = "SQK-D100"

    def __init__(self, message_zh: str, message_en: str, *, report: Any, **details: Any) -> None:
        super().__init__(message_zh, message_en, **details)
        self.report = report

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_data_error, (self.message_zh, self.message_en, self.report))


def _rebuild_data_error(zh: str, en: str, report: Any) -> DataError:
    return DataError(zh, en, report=report)


class CodeError(ShequkitError, ValueError):
    """An official code (division code, USCC, resident ID, phone) is malformed or fails its check.

    ``code`` is the issue code a validation report uses for the same problem,
    e.g. ``SQK-E212`` for a wrong USCC check character. The offending value in
    the message is masked when it is personal data.
    """

    default_code = "SQK-E200"


class FieldValueError(ShequkitError, ValueError):
    """A model field was given a value that breaks the field's own invariant (e.g. negative)."""

    default_code = "SQK-E105"


class PluginError(ShequkitError):
    """A plugin could not be loaded, or two plugins provide the same name."""

    default_code = "SQK-P100"


class UsageError(ShequkitError):
    """shequkit was called in a way it does not support (bad option, missing argument)."""

    default_code = "SQK-U100"
