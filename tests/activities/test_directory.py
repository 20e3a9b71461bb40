"""Who holds each role comes from configuration per council, with a default."""

from __future__ import annotations

from pathlib import Path

import pytest

from ombudsflow.directory import Directory, UnknownRole

CONFIG = """
[ombudsman]
assessment_manager = "am@lgo.example"
coordinator = ["c1@lgo.example", "c2@lgo.example"]
investigator = "{investigator}@lgo.example"

[default]
link_officer = "link@{council}.example"
service_area = "complaints@{council}.example"

[councils."Riverside District Council"]
link_officer = "ombudsman@riverside.example"
head_of_service = "hos@riverside.example"
"""


@pytest.fixture
def directory(tmp_path: Path) -> Directory:
    path = tmp_path / "directory.toml"
    path.write_text(CONFIG)
    return Directory.load(path)


def test_listed_council_overrides_default_role_by_role(directory: Directory) -> None:
    assert directory.council_address("Riverside District Council") == ["ombudsman@riverside.example"]
    # A role the council section leaves out falls back to the default.
    assert directory.addresses("Riverside District Council", ["service_area"]) == [
        "complaints@riverside-district-council.example"]


def test_unlisted_council_uses_default(directory: Directory) -> None:
    assert directory.council_address("St. Elsewhere's Borough") == [
        "link@st-elsewhere-s-borough.example"]


def test_investigator_address_from_id_else_coordinator(directory: Directory) -> None:
    assert directory.addresses("X", ["investigator"], investigator="inv-7") == ["inv-7@lgo.example"]
    assert directory.addresses("X", ["investigator"]) == ["c1@lgo.example", "c2@lgo.example"]


def test_addresses_are_not_repeated(directory: Directory) -> None:
    assert directory.addresses("X", ["coordinator", "investigator", "assessment_manager"]) == [
        "c1@lgo.example", "c2@lgo.example", "am@lgo.example"]


def test_unknown_or_unheld_roles_are_errors(directory: Directory) -> None:
    with pytest.raises(UnknownRole):
        directory.addresses("X", ["janitor"])
    with pytest.raises(UnknownRole, match="head_of_service"):
        directory.addresses("Elsewhere Council", ["head_of_service"])


def test_bad_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[default]\nlink_officer = "not an address"\n')
    with pytest.raises(ValueError, match="link_officer"):
        Directory.load(bad)
    bad.write_text('[default]\ncaretaker = "c@x.example"\n')
    with pytest.raises(ValueError, match="caretaker"):
        Directory.load(bad)


def test_shipped_example_names_every_role_for_example_borough() -> None:
    directory = Directory.load(None)
    roles = ["link_officer", "service_area", "head_of_resident_contact", "head_of_service",
             "slt_executive_director", "chief_executive"]
    for role in roles:
        [first, *_] = directory.addresses("Example Borough Council", [role])
        assert first.endswith("@example-borough.example")
    for role in ["assessment_manager", "coordinator", "director_of_investigation"]:
        assert directory.addresses("Example Borough Council", [role])
