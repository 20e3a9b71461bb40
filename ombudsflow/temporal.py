"""How every client and worker talks to Temporal: dates via pydantic, payloads encrypted."""

from __future__ import annotations

import dataclasses

from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)

from ombudsflow.codec import EncryptionCodec, Keyring
from ombudsflow.settings import Settings


# One pydantic JSON converter for the whole process. The SDK makes a payload converter for
# every workflow it loads; the stock pydantic one starts with an empty TypeAdapter cache, so
# each complaint rebuilt the adapter for ComplaintInput and CaseStatus (measured: a quarter
# of the worker's CPU at the 09:00 storm). The type hints are our own frozen dataclasses,
# shared with the workflow sandbox, so one cache serves them all.
_PYDANTIC_JSON = PydanticJSONPlainPayloadConverter()


class PayloadConverter(CompositePayloadConverter):
    """Temporal's default converters, JSON done by pydantic (dates round-trip), one adapter
    cache per process."""

    def __init__(self) -> None:
        super().__init__(*(
            _PYDANTIC_JSON if isinstance(c, JSONPlainPayloadConverter) else c
            for c in DefaultPayloadConverter.default_encoding_payload_converters
        ))


pydantic_data_converter = DataConverter(payload_converter_class=PayloadConverter)


def data_converter(keyring: Keyring | None) -> DataConverter:
    """The pydantic converter (dates round-trip), with the AES-GCM codec when keys are set.

    Only the in-memory servers of tests and `ombudsflow simulate` run without keys.
    """
    if keyring is None:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec(keyring))


class MissingKeys(RuntimeError):
    """No PAYLOAD_KEYS: refuse to talk to Temporal rather than send personal data in clear."""


def keyring(settings: Settings) -> Keyring:
    if not settings.payload_keys:
        raise MissingKeys(
            "PAYLOAD_KEYS is not set: complainants' personal data must not reach Temporal in plain "
            "text (`ombudsflow dev` makes a key under the data folder)"
        )
    return Keyring.parse(settings.payload_keys)


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace,
        data_converter=data_converter(keyring(settings)),
    )
