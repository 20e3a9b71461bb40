"""The complaint's file: its status, what happened (timeline) and the bookkeeping rules.

Pure Python, so every rule about deadlines, tasks and requests is testable without a
server; the workflow owns one `CaseFile` and changes it only under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from domain.records import CarriedFile, CaseStatus, CouncilRequest, Deadline, Task, TimelineEntry
from domain.timetable import Due


@dataclass
class CaseFile:
    case: CaseStatus
    timeline: list[TimelineEntry] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # keys of scheduled actions already taken

    # ----------------------------------------------------------------- deadlines

    def deadline(self, name: str) -> Deadline:
        return next(d for d in self.case.deadlines if d.name == name)

    def due_dates(self) -> dict[str, date]:
        return {d.name: d.due for d in self.case.deadlines}

    def set_deadline(self, name: str, due: Due, label: str, today: date, *, target: bool = False) -> date:
        """Set or move a deadline; the timeline records each new due date."""
        existing = [d for d in self.case.deadlines if d.name == name]
        if existing and existing[0].due == due.due:
            return due.due
        self.case.deadlines = [d for d in self.case.deadlines if d.name != name]
        self.case.deadlines.append(Deadline(
            name=name, due=due.due, label=label, rule=due.rule, target=target,
            counts_from=due.counts_from, period=due.period,
        ))
        self.log(TimelineEntry(date=today, kind="deadline", name=name, due=due.due))
        return due.due

    def resolve(self, name: str, on: date, against: date | None = None) -> None:
        """Met if done by the due date (or by `against`: a request's original due date)."""
        for d in self.case.deadlines:
            if d.name == name and d.status == "pending":
                d.status, d.met_on = ("met" if on <= (against or d.due) else "missed"), on

    def pending(self, name: str) -> bool:
        return any(d.name == name and d.status == "pending" for d in self.case.deadlines)

    def cancel(self, name: str) -> None:
        for d in self.case.deadlines:
            if d.name == name and d.status == "pending":
                d.status = "cancelled"
        for task in self.case.tasks:
            if task.name == name and task.status == "open":
                task.status = "cancelled"

    # ----------------------------------------------------------------- council requests

    def request(self, request_id: str) -> CouncilRequest:
        return next(r for r in self.case.requests if r.id == request_id)

    def open_request(self, request_id: str, kind: str, due: Due, today: date) -> CouncilRequest:
        request = CouncilRequest(
            id=request_id, kind=kind, opened_on=today, due=due.due, original_due=due.due, rule=due.rule,  # type: ignore[arg-type]
        )
        self.case.requests.append(request)
        self.set_deadline(request_id, due, f"Council's answer to {kind} request {request_id}", today)
        return request

    def cancel_open_requests(self) -> None:
        for request in self.case.requests:
            if request.status == "open":
                self.cancel_request(request)

    def cancel_request(self, request: CouncilRequest) -> None:
        request.status = "cancelled"
        self.cancel(request.id)

    def close(self, today: date, reason: str) -> None:
        """Close the case: open requests, tasks and deadlines end; KPI marks not reached are met."""
        self.cancel_open_requests()
        for task in self.case.tasks:
            if task.status == "open":
                task.status = "cancelled"
        for d in self.case.deadlines:
            if d.status == "pending":
                d.status, d.met_on = ("met", today) if d.name.startswith("T14") else ("cancelled", None)
        self.case.closed_on, self.case.closed_reason = today, reason
        self.enter_stage("closed", today)

    # ----------------------------------------------------------------- stage and tasks

    def enter_stage(self, stage: str, today: date) -> None:
        self.case.stage = stage
        self.log(TimelineEntry(date=today, kind="stage", stage=stage))

    def new_task(self, name: str, role: str, title: str, due: date | None) -> Task:
        assignee = self.case.investigator if role == "investigator" else None
        return Task(id=f"{self.case.reference}/{name}", name=name, role=role, title=title, due=due, assignee=assignee)

    def add_task(self, task: Task, today: date) -> None:
        if not any(t.id == task.id for t in self.case.tasks):
            self.case.tasks.append(task)
            self.log(TimelineEntry(date=today, kind="task", name=task.name, to=task.role, due=task.due))

    def close_task(self, name: str) -> None:
        for task in self.case.tasks:
            if task.name == name and task.status == "open":
                task.status = "done"

    def retime_task(self, name: str, due: date) -> None:
        for task in self.case.tasks:
            if task.name == name and task.status == "open":
                task.due = due

    # ----------------------------------------------------------------- what happened

    def log(self, entry: TimelineEntry) -> None:
        self.timeline.append(entry)

    def letter_sent(self, template: str, to: str, today: date, due: date | None = None) -> None:
        """`due`: the day it fell due, when that was before today (sent late)."""
        self.case.last_letter_on[to] = today
        self.log(TimelineEntry(date=today, kind="letter", template=template, to=to, due=due))

    def notified(self, roles: list[str], about: str, request: str | None, today: date, due: date | None = None) -> None:
        for role in roles:
            self.log(TimelineEntry(date=today, kind="notification", to=role, about=about, request=request, due=due))

    def snapshot(self, today: date) -> CaseStatus:
        """A copy of the status as of `today`: overdue deadlines and the next one worked out."""
        deadlines = [
            replace(d, status="overdue") if d.status == "pending" and d.due < today and not d.target else replace(d)
            for d in self.case.deadlines
        ]
        upcoming = [d.due for d in deadlines if d.status == "pending" and not d.target]
        return replace(
            self.case,
            today=today,
            deadlines=deadlines,
            tasks=[replace(t) for t in self.case.tasks],
            requests=[replace(r, extensions=list(r.extensions)) for r in self.case.requests],
            last_letter_on=dict(self.case.last_letter_on),
            letters=[e for e in self.timeline if e.kind == "letter"],
            next_deadline=min(upcoming) if upcoming else None,
            overdue=any(d.status == "overdue" for d in deadlines),
        )

    def carry(self, recorded_version: int, recorded_timeline: int, today: date) -> CarriedFile:
        """The state for the next run, without keys of actions that can never come again."""
        open_requests = {r.id for r in self.case.requests if r.status == "open"}
        pending = {f"{d.name}@{d.due}" for d in self.case.deadlines if d.status == "pending"}

        def still_matters(key: str) -> bool:
            if key[:3] in ("R2:", "R4:", "R5:"):
                return key[3:].split(":")[0].split("@")[0] in open_requests
            if key.startswith("overdue:"):
                return key.removeprefix("overdue:") in pending
            if key.startswith("T8:"):
                return date.fromisoformat(key.split("@")[1]) > today
            return True

        return CarriedFile(
            case=replace(self.case, letters=[]), timeline=list(self.timeline),
            taken=sorted(k for k in self.taken if still_matters(k)), recorded_version=recorded_version,
            recorded_timeline=recorded_timeline,
        )

    @classmethod
    def resume(cls, carried: CarriedFile) -> CaseFile:
        return cls(carried.case, list(carried.timeline), set(carried.taken))
