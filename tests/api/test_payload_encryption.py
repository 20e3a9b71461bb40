"""Personal data never reaches Temporal in plain text; keys rotate; the UI decodes via the API."""

from __future__ import annotations

import base64
import json

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client

from ombudsflow.codec import ENCODING, EncryptionCodec, Keyring, UnknownKey
from ombudsflow.temporal import pydantic_data_converter
from tests.api.helpers import receive
from tests.fixtures.system import TEST_KEYRING, System, new_reference

OLD = Keyring({"2026-a": bytes([7] * 32)})


async def test_history_holds_no_personal_data_in_plain_text(system: System) -> None:
    reference = new_reference("ENC")
    await receive(system.http, reference, complainant={"name": "Zebedee Quartermain", "email": "zq@example.org"})
    # A client without the codec sees what the Temporal server stores.
    raw = await Client.connect(system.client.service_client.config.target_host,
                               namespace=system.client.namespace, data_converter=pydantic_data_converter)
    history = await raw.get_workflow_handle(f"complaint-{reference}").fetch_history()
    stored = history.to_json()
    assert "Zebedee" not in stored and "zq@example.org" not in stored
    started = history.events[0].workflow_execution_started_event_attributes
    [payload] = started.input.payloads
    assert payload.metadata["encoding"] == ENCODING
    assert payload.metadata["encryption-key-id"] == b"test-key-1"
    # Search attributes stay readable for operators and carry no personal data.
    assert "Zebedee" not in str(started.search_attributes)


async def test_a_rotated_keyring_still_reads_what_the_old_key_wrote() -> None:
    original = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "A. Resident"}')
    [sealed] = await EncryptionCodec(OLD).encode([original])
    rotated = Keyring({**TEST_KEYRING.keys, **OLD.keys})  # new key first: it encrypts from now on
    assert rotated.current == "test-key-1"
    assert await EncryptionCodec(rotated).decode([sealed]) == [original]
    [resealed] = await EncryptionCodec(rotated).encode([original])
    assert resealed.metadata["encryption-key-id"] == b"test-key-1"
    with pytest.raises(UnknownKey, match="2026-a"):
        await EncryptionCodec(TEST_KEYRING).decode([sealed])


def test_keys_must_be_aes_256() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Keyring.parse("short:" + base64.b64encode(b"x" * 16).decode())
    assert Keyring.parse(TEST_KEYRING.format()).keys == TEST_KEYRING.keys
    assert json.dumps(TEST_KEYRING.format())  # one line, fit for an environment variable


async def test_the_codec_endpoint_decodes_for_the_temporal_ui(system: System) -> None:
    original = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "A. Resident"}')
    [sealed] = await EncryptionCodec(TEST_KEYRING).encode([original])
    body = json_format.MessageToJson(Payloads(payloads=[sealed]))
    ui = {"origin": "http://127.0.0.1:8233"}
    preflight = await system.http.options("/codec/decode", headers={
        **ui, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-namespace"})
    assert preflight.headers["access-control-allow-origin"] == "http://127.0.0.1:8233"
    assert "x-namespace" in preflight.headers["access-control-allow-headers"]
    decoded = await system.http.post("/codec/decode", content=body, headers={
        **ui, "content-type": "application/json", "x-namespace": "default"})
    assert decoded.status_code == 200
    [plain] = json_format.Parse(decoded.text, Payloads()).payloads
    assert plain == original
    other = await system.http.options("/codec/decode", headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    garbage = await system.http.post("/codec/decode", content=b"not json")
    assert garbage.status_code == 422
