"""The codec server the Temporal UI calls to show operators decrypted payloads.

The UI (started with `--ui-codec-endpoint .../codec`) sends a CORS preflight, then POSTs
Temporal's JSON `Payloads` to /codec/decode with `content-type` and `x-namespace` headers.
CORS is answered here, for /codec only and only for the UI's origins, refusals included, so
the UI can show why. A body may be up to 8 MiB (api/limits.py): a complaint's largest
payloads must decode. A payload that does not decrypt (truncated, altered) is a 400 naming it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from api.deps import SettingsDep
from ombudsflow.codec import CorruptPayload, EncryptionCodec, UnknownKey
from ombudsflow.temporal import MissingKeys, keyring

router = APIRouter(prefix="/codec", tags=["operators"])

ALLOWED_HEADERS = "content-type, x-namespace, authorization"


def _cors(request: Request, settings: SettingsDep, response: Response) -> Response:
    origin = request.headers.get("origin")
    if origin and origin in settings.codec_cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Vary"] = "Origin"
    return response


async def _transform(request: Request, settings: SettingsDep, direction: str) -> Response:
    def problem(status_code: int, detail: str) -> Response:
        return _cors(request, settings, JSONResponse({"detail": detail}, status_code=status_code))

    try:
        codec = EncryptionCodec(keyring(settings))
    except MissingKeys as missing:
        return problem(status.HTTP_503_SERVICE_UNAVAILABLE, str(missing))
    try:
        payloads = json_format.Parse(await request.body(), Payloads(), ignore_unknown_fields=True)
    except (json_format.ParseError, UnicodeDecodeError) as bad:
        return problem(status.HTTP_422_UNPROCESSABLE_CONTENT, f"not Temporal Payloads JSON: {bad}")
    try:
        if direction == "decode":
            out = await codec.decode(payloads.payloads)
        else:
            out = await codec.encode(payloads.payloads)
    except UnknownKey as unknown:
        return problem(status.HTTP_422_UNPROCESSABLE_CONTENT, str(unknown))
    except CorruptPayload as corrupt:
        return problem(status.HTTP_400_BAD_REQUEST, str(corrupt))
    body = json_format.MessageToJson(Payloads(payloads=out))
    return _cors(request, settings, Response(body, media_type="application/json"))


@router.options("/{direction}", include_in_schema=False)
async def preflight(direction: str, request: Request, settings: SettingsDep) -> Response:
    """CORS preflight from the Temporal UI."""
    return _cors(request, settings, Response(status_code=status.HTTP_204_NO_CONTENT))


@router.post("/decode")
async def decode(request: Request, settings: SettingsDep) -> Response:
    """Decrypt payloads for the Temporal UI."""
    return await _transform(request, settings, "decode")


@router.post("/encode")
async def encode(request: Request, settings: SettingsDep) -> Response:
    """Encrypt payloads the Temporal UI sends (e.g. signal input typed by an operator)."""
    return await _transform(request, settings, "encode")
