"""Encrypt every Temporal payload (AES-GCM), so personal data never sits in Temporal's history.

Complainants' names, addresses and emails travel in workflow inputs, activity arguments and
results. With this codec on every client and worker they reach the Temporal server only as
ciphertext; the operators' UI shows them decoded through the API's codec endpoint. Each
payload names the key that encrypted it, so keys can rotate: the first key encrypts, every
key listed decrypts.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12
TAG_BYTES = 16  # AES-GCM's authentication tag, at the end of the ciphertext


class UnknownKey(ValueError):
    """A payload encrypted with a key this keyring does not hold."""


class CorruptPayload(ValueError):
    """An encrypted payload that does not decrypt: truncated, altered, or not ours. Said in
    words, so the codec endpoint answers 400 instead of failing with a library's error."""


class Keyring:
    """Key id -> 256-bit key; the first one encrypts."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        for key_id, key in keys.items():
            if len(key) != 32:
                raise ValueError(f"payload key {key_id!r} must be 32 bytes (AES-256), got {len(key)}")
        self.keys = keys
        self.current = next(iter(keys))

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """`id:base64key,id2:base64key`: the form of the PAYLOAD_KEYS setting."""
        keys: dict[str, bytes] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id:
                raise ValueError("PAYLOAD_KEYS entries look like 'key-id:base64-of-32-bytes'")
            keys[key_id] = base64.b64decode(encoded)
        return cls(keys)

    def format(self) -> str:
        return ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in self.keys.items())

    @classmethod
    def load_or_create(cls, path: Path) -> Keyring:
        """The dev runner's keyring: made once, kept beside the data it protects."""
        if path.exists():
            return cls.parse(path.read_text())
        path.parent.mkdir(parents=True, exist_ok=True)
        keyring = cls({f"dev-{secrets.token_hex(4)}": AESGCM.generate_key(bit_length=256)})
        path.write_text(keyring.format() + "\n")
        os.chmod(path, 0o600)
        return keyring


class EncryptionCodec(PayloadCodec):
    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keyring.keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key_id = self.keyring.current
        cipher = self._ciphers[key_id]
        out = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), None)
            out.append(Payload(metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=nonce + sealed))
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                out.append(payload)  # never encrypted (e.g. written before the codec was on)
                continue
            key_id = payload.metadata.get(KEY_ID, b"").decode("utf-8", errors="replace")
            cipher = self._ciphers.get(key_id)
            if cipher is None:
                raise UnknownKey(f"payload encrypted with key {key_id!r}, which is not in PAYLOAD_KEYS")
            out.append(_open(cipher, payload.data, len(out)))
        return out


def _open(cipher: AESGCM, data: bytes, index: int) -> Payload:
    """The payload sealed in `data` (nonce, then ciphertext and tag); CorruptPayload if it
    is too short, fails its tag or does not hold a payload."""
    where = f"payload {index + 1}"
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise CorruptPayload(f"{where} is truncated: {len(data)} bytes, shorter than a nonce "
                             "and a tag")
    try:
        plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], None)
    except InvalidTag:
        raise CorruptPayload(f"{where} does not decrypt: it was altered or truncated, or "
                             "sealed by another key under the same id") from None
    try:
        return Payload.FromString(plain)
    except DecodeError:
        raise CorruptPayload(f"{where} decrypts to something that is not a payload") from None
