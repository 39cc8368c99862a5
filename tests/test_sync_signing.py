"""Request signing, HMAC-SHA256 / HMAC-SM3, SM4-GCM payloads and credentials."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequkit.sync import Credentials, CredentialsError
from shequkit.sync._signing import (
    HEADER_SIGNATURE,
    SIGNED_HEADERS,
    canonical_query,
    content_digest,
    decrypt_sm4,
    encrypt_sm4,
    sign,
    sign_request,
    string_to_sign,
    verify_request,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "sync-protocol.md"
DEMO = Credentials("demo", b"demo-secret")
TIMESTAMP = 1735689600000  # 2025-01-01T00:00:00Z
DELETE_BODY = (
    b'{"operations":[{"op":"delete","kind":"community","id":"c000001","base_version":3,'
    b'"data":null,"redirect_to":"c000002"}]}'
)

# The worked examples of docs/sync-protocol.md (checked there too, and against
# `openssl dgst -sha256 -hmac` / `openssl dgst -sm3 -hmac` when they were written).
WORKED_GET_SIGNATURE = "A4Ldc9BDBRR5KgDU6tng+oU0YUm6Rf0cFzN7bEvP8to="
WORKED_POST_SIGNATURE = "tiL164wlLc1YWFhl0IjK1RDLZZrEz5nUB29UxYXvmQQ="
WORKED_SM3_DIGEST = "b1d49696ad19122a143841268e5a6a1783ff7f605cb32871f8a25f14b7f0a008"
WORKED_SM3_SIGNATURE = "6w3CLof8Z1Ywtot5G4zQJHhPPG880H+uVxYMkYaAhU8="
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# -- known answers ----------------------------------------------------------------


def test_sm3_digest_matches_the_standard_example() -> None:
    # GB/T 32905-2016, appendix A, example 1.
    assert content_digest(b"abc", "HMAC-SM3") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_sha256_digest_of_an_empty_body() -> None:
    assert content_digest(b"") == EMPTY_SHA256


def test_worked_get_example() -> None:
    signed = sign_request(
        DEMO,
        "GET",
        "/v1/records",
        [("limit", "2"), ("kinds", "community,facility")],
        b"",
        timestamp_ms=TIMESTAMP,
        nonce="0123456789abcdef0123456789abcdef",
    )
    assert signed.string_to_sign == (
        "GET\n/v1/records\nkinds=community%2Cfacility&limit=2\n1735689600000\n"
        f"0123456789abcdef0123456789abcdef\n{EMPTY_SHA256}\ndemo"
    )
    assert signed.headers[HEADER_SIGNATURE] == WORKED_GET_SIGNATURE
    assert list(signed.headers) == list(SIGNED_HEADERS)


@pytest.mark.parametrize(
    ("credentials", "digest", "signature"),
    [
        (
            DEMO,
            "50202e9458c73caae6183ed9efb7e29fa2db1be235e278dc8ab6c36c6e9ea6d3",
            WORKED_POST_SIGNATURE,
        ),
        (Credentials("demo", b"demo-secret", "HMAC-SM3"), WORKED_SM3_DIGEST, WORKED_SM3_SIGNATURE),
    ],
)
def test_worked_post_examples(credentials: Credentials, digest: str, signature: str) -> None:
    signed = sign_request(
        credentials,
        "POST",
        "/v1/batches",
        [],
        DELETE_BODY,
        timestamp_ms=TIMESTAMP,
        nonce="fedcba9876543210fedcba9876543210",
    )
    assert signed.headers["X-SQK-Content-Digest"] == digest
    assert signed.headers[HEADER_SIGNATURE] == signature


def test_docs_show_the_worked_examples() -> None:
    page = DOCS.read_text(encoding="utf-8")
    for value in (
        WORKED_GET_SIGNATURE,
        WORKED_POST_SIGNATURE,
        WORKED_SM3_DIGEST,
        WORKED_SM3_SIGNATURE,
        DELETE_BODY.decode(),
        "kinds=community%2Cfacility&limit=2",
    ):
        assert value in page


def test_canonical_query_encodes_reserved_characters() -> None:
    assert canonical_query([("q", "a b&c=d/é"), ("a", "~-._")]) == (
        "a=~-._&q=a%20b%26c%3Dd%2F%C3%A9"
    )
    assert canonical_query([]) == ""


def test_method_is_upper_cased_in_the_string_to_sign() -> None:
    assert string_to_sign("get", "/p", "", "1", "n", "d", "k") == "GET\n/p\n\n1\nn\nd\nk"


# -- properties -----------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_pairs = st.lists(st.tuples(_text, _text), max_size=8)


@given(_pairs, st.randoms(use_true_random=False))
def test_canonical_query_does_not_depend_on_pair_order(
    pairs: list[tuple[str, str]], rng: object
) -> None:
    shuffled = list(pairs)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert canonical_query(shuffled) == canonical_query(pairs)


@given(_pairs)
def test_canonical_query_parses_back_to_the_sorted_pairs(pairs: list[tuple[str, str]]) -> None:
    parsed = urllib.parse.parse_qsl(canonical_query(pairs), keep_blank_values=True)
    assert sorted(parsed) == sorted(pairs)


_request = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST"]),
        "path": st.sampled_from(["/v1/records", "/v1/batches", "/api/v1/records"]),
        "query": _pairs,
        "body": st.binary(max_size=64),
        "timestamp": st.integers(0, 2**45),
        "nonce": st.text("0123456789abcdef", min_size=32, max_size=32),
    }
)
_changeable = ["method", "path", "query", "body", "timestamp", "nonce", "key", "secret"]


@given(
    _request,
    st.sampled_from(["HMAC-SHA256", "HMAC-SM3"]),
    st.sampled_from(_changeable),
    st.data(),
)
def test_signature_verifies_if_and_only_if_nothing_changed(
    req: dict[str, object], method: str, changed: str, data: st.DataObject
) -> None:
    credentials = Credentials("k1", b"secret-one", method)
    signed = sign_request(
        credentials,
        str(req["method"]),
        str(req["path"]),
        req["query"],  # type: ignore[arg-type]
        req["body"],  # type: ignore[arg-type]
        timestamp_ms=req["timestamp"],  # type: ignore[arg-type]
        nonce=str(req["nonce"]),
    )
    headers = dict(signed.headers)
    received = dict(req)
    secret = credentials.secret
    assert (
        verify_request(
            secret,
            str(received["method"]),
            str(received["path"]),
            received["query"],  # type: ignore[arg-type]
            received["body"],  # type: ignore[arg-type]
            headers,
        )
        == "ok"
    )
    if changed == "secret":
        secret = b"secret-two"
    elif changed == "key":
        headers["X-SQK-Key"] = "k2"
    elif changed == "timestamp":
        headers["X-SQK-Timestamp"] = str(int(str(req["timestamp"])) + 1)
    elif changed == "nonce":
        headers["X-SQK-Nonce"] = data.draw(
            st.text("0123456789abcdef", min_size=32, max_size=32).filter(
                lambda nonce: nonce != req["nonce"]
            )
        )
    elif changed == "query":
        original = canonical_query(req["query"])  # type: ignore[arg-type]
        received["query"] = data.draw(
            _pairs.filter(lambda pairs: canonical_query(pairs) != original)
        )
    elif changed == "body":
        received["body"] = data.draw(st.binary(max_size=64).filter(lambda b: b != req["body"]))
    elif changed == "method":
        received["method"] = "POST" if req["method"] == "GET" else "GET"
    else:
        received["path"] = str(req["path"]) + "/x"
    outcome = verify_request(
        secret,
        str(received["method"]),
        str(received["path"]),
        received["query"],  # type: ignore[arg-type]
        received["body"],  # type: ignore[arg-type]
        headers,
    )
    assert outcome == ("digest" if changed == "body" else "signature")


@given(st.binary(min_size=16, max_size=16), st.binary(max_size=2048))
def test_sm4_round_trip(key: bytes, plaintext: bytes) -> None:
    sealed = encrypt_sm4(key, plaintext)
    assert len(sealed) == 12 + len(plaintext) + 16
    assert decrypt_sm4(key, sealed) == plaintext


@given(st.binary(min_size=16, max_size=16), st.binary(max_size=256), st.data())
def test_sm4_detects_any_changed_byte(key: bytes, plaintext: bytes, data: st.DataObject) -> None:
    sealed = bytearray(encrypt_sm4(key, plaintext))
    position = data.draw(st.integers(0, len(sealed) - 1))
    sealed[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(ValueError, match="SM4-GCM"):
        decrypt_sm4(key, bytes(sealed))


def test_sm4_refuses_a_truncated_payload_and_a_wrong_key() -> None:
    key = bytes(range(16))
    sealed = encrypt_sm4(key, b'{"records": []}')
    with pytest.raises(ValueError, match="too short"):
        decrypt_sm4(key, sealed[:20])
    with pytest.raises(ValueError, match="authentication"):
        decrypt_sm4(bytes(16), sealed)


def test_fresh_nonce_for_every_encryption() -> None:
    key = bytes(range(16))
    assert encrypt_sm4(key, b"same") != encrypt_sm4(key, b"same")


# -- credentials ---------------------------------------------------------------------------


@given(st.binary(min_size=8, max_size=40), st.binary(min_size=16, max_size=16))
def test_credentials_repr_never_shows_secrets(secret: bytes, sm4_key: bytes) -> None:
    credentials = Credentials("js", secret, "HMAC-SM3", sm4_key)
    shown = repr(credentials) + str(credentials)
    for value in (secret, sm4_key):
        assert repr(value) not in shown
        assert value.hex() not in shown
    assert "masked" in shown


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("", b"s"), "app key"),
        (("k", b""), "empty"),
        (("k", b"s", "HMAC-MD5"), "unsupported"),
        (("k", b"s", "HMAC-SHA256", b"short"), "16 bytes"),
    ],
)
def test_bad_credentials_are_refused(arguments: tuple[object, ...], fragment: str) -> None:
    with pytest.raises(CredentialsError, match=fragment) as caught:
        Credentials(*arguments)  # type: ignore[arg-type]
    assert caught.value.code == "SQK-S001"


def test_sign_matches_hmac_sha256_of_the_message() -> None:
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(b"k", b"m", hashlib.sha256).digest()).decode()
    assert sign(b"k", "m") == expected
