"""A council's service area by the complaint's subject (config/directory.example.toml): a school
transport request's notices go to transport, a housing repairs one's to housing repairs, and a
subject the council does not route to its general service area (issue 14)."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment

from activities import ComplaintActivities
from ombudsflow.db.memory_store import MemoryStore
from ombudsflow.directory import Directory
from ombudsflow.mail import RecordingMailer
from complaint_scenarios import scenario, simulate

LINK_OFFICER = "ombudsman.link@example-borough.example"
SERVICE_AREAS = {
    "School transport": ["school.transport@example-borough.example"],
    "Housing repairs": ["housing.repairs@example-borough.example", "complaints@example-borough.example"],
    # Not in the council's table: its service_area, which is the same two addresses.
    "Noise": ["housing.repairs@example-borough.example", "complaints@example-borough.example"],
}


async def test_request_notices_go_to_the_service_area_of_the_complaints_subject(
    time_skipping: WorkflowEnvironment,
) -> None:
    for n, (subject, service_area) in enumerate(SERVICE_AREAS.items()):
        store = MemoryStore()
        # Information requested Wed 6 Jan 2027, due 13 Jan: R1 at once, R2 every 3 days until then.
        await simulate(time_skipping, scenario(
            [{"on": "2027-01-06", "type": "information_requested", "request": "INFO-1", "due": "2027-01-13"}],
            until="2027-01-12", reference=f"LG-27-05{n:02d}", subject=subject,
        ), ComplaintActivities(store, RecordingMailer(), Directory.load(None)))
        notices = {(s.about, s.notice_date.isoformat()): s for s in store.notifications.values()
                   if s.request == "INFO-1"}
        assert {about for about, _ in notices} >= {"R1", "R2"}, (subject, sorted(notices))
        for (about, _), stored in notices.items():
            if about == "R1":  # the link officer's task and the service area's notice
                assert stored.recipients == [LINK_OFFICER, *service_area], subject
            elif about == "R2":  # the reminders: the service area only
                assert stored.recipients == service_area, subject
