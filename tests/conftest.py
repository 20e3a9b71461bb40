"""Fixtures come from tests/fixtures/; every test uses real servers, never mocks."""

pytest_plugins = [
    "tests.fixtures.pg",
    "tests.fixtures.smtp",
    "tests.fixtures.temporal",
    "tests.fixtures.system",
]
