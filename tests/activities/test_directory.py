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


COUNCILS = CONFIG.replace("[ombudsman]", '''unlisted_councils = "refuse"
known_councils = ["Northshire County Council", "Eastmouth City Council"]

[ombudsman]''') + '''
[councils."Riverside District Council".service_area_by_subject]
"School transport" = "transport@riverside.example"
"Housing repairs" = ["repairs@riverside.example", "housing@riverside.example"]

[default.service_area_by_subject]
"Planning" = "planning@{council}.example"
'''


def test_councils_listed_or_known_are_taken_others_refused_with_the_closest_names(tmp_path: Path) -> None:
    path = tmp_path / "directory.toml"
    path.write_text(COUNCILS)
    directory = Directory.load(path)
    assert directory.council_names() == [
        "Eastmouth City Council", "Northshire County Council", "Riverside District Council"]
    for listed in directory.council_names():
        assert directory.council_problem(listed) is None
    assert directory.council_problem("Riverside Distrct Council") == (
        "'Riverside Distrct Council' is not a council the directory lists; did you mean "
        "'Riverside District Council'?")
    # Case and spacing aside, the closest is still found (the exact name is what is listed).
    assert "did you mean 'Northshire County Council'" in directory.council_problem("northshire  county council")
    assert "no listed name is close" in directory.council_problem("Zzyzx")
    accepting = Directory.load(_written(tmp_path, COUNCILS.replace('"refuse"', '"accept"')))
    assert accepting.council_problem("Zzyzx") is None


def test_the_service_area_follows_the_subject_then_the_council_then_the_default(tmp_path: Path) -> None:
    directory = Directory.load(_written(tmp_path, COUNCILS))
    riverside = "Riverside District Council"
    assert directory.addresses(riverside, ["service_area"], topic="School transport") == ["transport@riverside.example"]
    assert directory.addresses(riverside, ["service_area"], topic="  housing   REPAIRS ") == [
        "repairs@riverside.example", "housing@riverside.example"]
    # Another subject, or none: the council's service area (here [default]'s).
    for topic in ("Adult social care", None):
        assert directory.addresses(riverside, ["service_area"], topic=topic) == [
            "complaints@riverside-district-council.example"]
    # The default's table serves councils whose own says nothing of the subject.
    assert directory.addresses("Eastmouth City Council", ["service_area"], topic="Planning") == [
        "planning@eastmouth-city-council.example"]
    # Other roles are not routed by subject.
    assert directory.addresses(riverside, ["link_officer"], topic="School transport") == [
        "ombudsman@riverside.example"]


def test_bad_council_lists_and_subject_tables_are_refused(tmp_path: Path) -> None:
    for text, words in [
        ('unlisted_councils = "maybe"\n', "unlisted_councils"),
        ('known_councils = "Northshire"\n', "known_councils"),
        ('[councils."X".service_area_by_subject]\n"Schools" = "no address"\n', "'Schools'"),
        ('[councils."X"]\nservice_area_by_subject = "x@y.example"\n', "service_area_by_subject"),
    ]:
        with pytest.raises(ValueError, match=words):
            Directory.load(_written(tmp_path, text))


def test_shipped_example_refuses_unlisted_councils_and_routes_school_transport() -> None:
    directory = Directory.load(None)
    assert directory.unlisted_councils == "refuse"
    assert "Example Borough Council" in directory.council_names()
    assert "did you mean 'Example Borough Council'" in directory.council_problem("Exampel Borough Council")
    assert directory.addresses("Example Borough Council", ["service_area"], topic="School transport") == [
        "school.transport@example-borough.example"]


def _written(folder: Path, text: str) -> Path:
    path = folder / "written.toml"
    path.write_text(text)
    return path
