"""The codec endpoint decrypts complainants' personal data: operators (and admins) only."""

from __future__ import annotations

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from ombudsflow.codec import EncryptionCodec
from tests.fixtures.system import TEST_KEYRING, System

SECRET = b'{"name": "Philippa Quernmore", "email": "pq@example.org"}'


async def sealed_body() -> str:
    [sealed] = await EncryptionCodec(TEST_KEYRING).encode(
        [Payload(metadata={"encoding": b"json/plain"}, data=SECRET)])
    return json_format.MessageToJson(Payloads(payloads=[sealed]))


async def test_the_codec_refuses_everyone_but_operators(system: System) -> None:
    body = await sealed_body()
    headers = {"content-type": "application/json", "x-namespace": "default",
               "origin": "http://127.0.0.1:8233"}
    for role, council in (("link_officer", "Example Borough Council"), ("coordinator", None)):
        async with system.http_as(role, council) as http:
            refused = await http.post("/codec/decode", content=body, headers=headers)
            assert refused.status_code == 403, role
            assert b"Quernmore" not in refused.content
            # The UI may read the refusal (CORS) and so say why nothing is decoded.
            assert refused.headers["access-control-allow-origin"] == "http://127.0.0.1:8233"
    async with system.http_as(None) as http:
        anonymous = await http.post("/codec/decode", content=body, headers=headers)
        assert anonymous.status_code == 401 and b"Quernmore" not in anonymous.content
    async with system.http_as("operator") as http:
        decoded = await http.post("/codec/decode", content=body, headers=headers)
        assert decoded.status_code == 200
        [plain] = json_format.Parse(decoded.text, Payloads()).payloads
        assert plain.data == SECRET
        assert decoded.headers["access-control-allow-credentials"] == "true"
