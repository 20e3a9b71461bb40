"""From draft decision to closure (SPEC.md T10-T14): letters, windows, remedies, reports.

Recommendations and report responses are council requests, so `CouncilRequests` gives them
the same reminders and chasers as evidence requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import timetable
    from domain.calendar import WorkingCalendar
    from domain.events import DraftDecisionIssued, FinalDecisionIssued
    from domain.records import CouncilRequest, Stage, TimelineEntry
    from workflows.agenda import Action
    from workflows.council_requests import CouncilRequests
    from workflows.effects import Effects

# Dates that simply arrive (a window closes, a publication date comes): KPI-style targets
# that are met on the day, never chased.
WINDOWS = {
    "T10": "Comments on the draft decision due",
    "T11-review": "Review requests accepted until",
    "T11-publication": "Decision statement published",
    "T12-publication": "Report may be published from",
    "T12-notices": "Council's public notices due",
    "T13-publication": "Further report may be published from",
    "T13-notices": "Council's public notices due",
    "T14-13w": "13 weeks from receipt",
    "T14-26w": "26 weeks from receipt",
    "T14-52w": "52 weeks from receipt",
}


class Decisions:
    def __init__(self, effects: Effects, calendar: WorkingCalendar, requests: CouncilRequests) -> None:
        self.effects, self.calendar, self.requests = effects, calendar, requests
        self.file = effects.file
        self.case = effects.file.case

    # ----------------------------------------------------------------- events

    async def draft_issued(self, event: DraftDecisionIssued, today: date) -> None:
        self.case.draft_decision_on = today
        self.file.enter_stage(Stage.DRAFT_DECISION, today)
        due = self._window("T10", timetable.comments_due(self.calendar, today, event.comments_due), today)
        for party in ("complainant", "council"):
            await self.effects.letter("T10", "draft_decision", party, dates={"comments_due": due})  # type: ignore[arg-type]

    async def final_issued(self, event: FinalDecisionIssued, today: date) -> None:
        self.case.final_decision_on, self.case.outcome = today, event.outcome.strip()
        self.file.enter_stage(Stage.DECIDED, today)
        review_by = self._window("T11-review", timetable.review_window(today), today)
        publish_on = self._window("T11-publication", timetable.decision_published(today), today)
        dates = {"review_by": review_by, "publish_on": publish_on}
        facts = {"outcome": self.case.outcome}
        for rec in event.recommendations:
            dates[f"recommendation:{rec.id}"] = rec.due
            facts[f"recommendation:{rec.id}"] = rec.text or rec.id
        for party in ("complainant", "council"):
            await self.effects.letter("T11", "final_decision", party, dates=dates, facts=facts)  # type: ignore[arg-type]
        for rec in event.recommendations:
            due = timetable.Due(rec.due, f"date set in the final decision of {today.isoformat()}")
            await self.requests.opened(self.file.open_request(rec.id, "remedy", due, today))

    async def public_report_issued(self, today: date) -> None:
        self.case.public_report_on = today
        self.file.enter_stage(Stage.PUBLIC_REPORT, today)
        await self._report("T12", "public_report", today)

    async def further_report_issued(self, today: date) -> None:
        self.case.further_report_on = today
        for earlier in self._open_responses():  # superseded: chased no more
            if today > earlier.due:
                self.file.resolve(earlier.id, today)  # unanswered past its date: counts as missed
            self.file.cancel_request(earlier)
        await self._report("T13", "further_report", today)

    async def _report(self, row: str, template: str, today: date) -> None:
        publish_from = self._window(f"{row}-publication", timetable.report_publication(self.calendar, today), today)
        notices_by = self._window(f"{row}-notices", timetable.report_notices(today), today)
        response = self.file.open_request(f"{row}-response", "report_response", timetable.report_response(today), today)
        await self.effects.letter(row, template, "council", dates={
            "publish_from": publish_from, "notices_by": notices_by, "response_due": response.due,
        })
        await self.requests.opened(response)

    def remedies_all_complete(self) -> bool:
        remedies = [r for r in self.case.requests if r.kind == "remedy"]
        return bool(remedies) and all(r.status == "answered" for r in remedies)

    def _open_responses(self) -> list[CouncilRequest]:
        return [r for r in self.case.requests if r.kind == "report_response" and r.status == "open"]

    def _window(self, name: str, due: timetable.Due, today: date) -> date:
        label = WINDOWS.get(name, name)
        return self.file.set_deadline(name, due, label, today, target=True)

    # ----------------------------------------------------------------- the timetable

    def agenda(self, day: Callable[[date], date]) -> list[Action]:
        """Windows that close, T13's statement of non-compliance, T14 marks, quiet closure."""
        actions: list[Action] = []
        for d in self.case.deadlines:
            if d.target and d.status == "pending":
                on = day(d.due)
                if d.name.startswith("T14"):
                    on = day(d.due + timedelta(days=1))  # closed on the mark day is within it
                actions.append(Action(f"{d.name}@{d.due}", on, f"{d.name}: {d.label}",
                                      lambda d=d: self._mark_reached(d.name)))
        t13 = next((r for r in self.case.requests if r.id == "T13-response" and r.status == "open"), None)
        if t13 is not None and self.case.non_compliance_on is None:
            actions.append(Action("T13-non-compliance", timetable.first_chaser(self.calendar, t13.due),
                                  "T13: statement of non-compliance", self._non_compliance))
        return actions

    async def _mark_reached(self, name: str) -> None:
        today = self.effects.clock.today()
        deadline = self.file.deadline(name)
        if name.startswith("T14"):
            deadline.status, deadline.met_on = "missed", today  # still open at the mark
            if name == "T14-52w":
                self.case.dip_sample = True
                await self.effects.notify("T14", ["coordinator"], subject=f"{self.case.reference}: open 52 weeks",
                                          body="Open for a year: flagged for a dip sample.")
            return
        deadline.status, deadline.met_on = "met", today
        if name == "T11-review" and self.case.review_requested_on is None and not any(
            r.kind == "remedy" for r in self.case.requests
        ):
            self.file.close(today, "final decision: no recommendations and no review requested")

    async def _non_compliance(self) -> None:
        today = self.effects.clock.today()
        self.case.non_compliance_on = today
        self.file.log(TimelineEntry(date=today, kind="event", event="statement_of_non_compliance"))
        await self.effects.notify(
            "T13", ["coordinator", "link_officer", "slt_executive_director"],
            subject=f"{self.case.reference}: statement of non-compliance",
            body="No response to the further report within 3 months: a statement of non-compliance is recorded.",
        )
