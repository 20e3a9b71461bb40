"""The complaint's file: the one state its workflow holds.

Its status, what happened (the timeline), which scheduled actions were taken, and the
letters and notices waiting to be delivered. The workflow holds one `CaseFile`, its
`status` query returns a view of it (`snapshot`), and continue-as-new carries it whole
(`carry`). Pure Python, so every rule about deadlines, tasks, requests and what is sent is
testable without a server; the workflow changes it only under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from domain import overdue
from domain.actions import ActionKey
from domain.calendar import WorkingCalendar
from domain.records import (
    CaseStatus,
    ComplaintInput,
    CouncilRequest,
    Deadline,
    Invite,
    LetterToSend,
    Outgoing,
    Party,
    Stage,
    StaffNotice,
    Task,
    TimelineEntry,
    Undelivered,
)
from domain.timetable import Due, Periods


@dataclass
class CaseFile:
    complaint: ComplaintInput  # as received: what letters and records carry
    case: CaseStatus
    timeline: list[TimelineEntry] = field(default_factory=list)
    taken: list[ActionKey] = field(default_factory=list)  # scheduled actions already taken
    outbox: list[Outgoing] = field(default_factory=list)  # letters and notices not yet delivered
    recorded_version: int = 0  # the read model holds this version
    recorded_timeline: int = 0  # and this many timeline lines
    # Replaying an imported complaint's history before go-live: what it sends is kept on the
    # timeline but never queued for mail.
    before_go_live: bool = False
    late_since: date | None = None  # while an action that fell due before today is taken

    def __post_init__(self) -> None:
        self._taken = set(self.taken)

    @classmethod
    def new(cls, complaint: ComplaintInput) -> CaseFile:
        return cls(complaint, CaseStatus(
            reference=complaint.reference, authority=complaint.authority, scheme=complaint.scheme,
            subject=complaint.subject, urgent=complaint.urgent, stage=Stage.ASSESSMENT,
            received=complaint.received, complainant=complaint.complainant,
        ))

    @property
    def periods(self) -> Periods:
        return self.complaint.periods

    # ----------------------------------------------------------------- scheduled actions

    def was_taken(self, key: ActionKey) -> bool:
        return key in self._taken

    def mark_taken(self, key: ActionKey) -> None:
        if key not in self._taken:
            self._taken.add(key)
            self.taken.append(key)

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

    def cancel_open_requests(self, today: date | None = None) -> None:
        for request in self.case.requests:
            if request.status == "open":
                self.cancel_request(request, today)

    def cancel_request(self, request: CouncilRequest, today: date | None = None) -> None:
        request.status = "cancelled"
        self.cancel(request.id)
        if today is not None:
            self.request_ended(request, today)

    def request_ended(self, request: CouncilRequest, today: date) -> None:
        """R1: the request's calendar entry is cancelled in the link officer's calendar (unless
        the entry itself never reached it: its notice is still waiting or failed)."""
        if request.invite_on is None or any(o.key == f"R1:{request.id}" for o in self.outbox):
            return
        self.notify(
            today, f"R1-ended:{request.id}", ["link_officer"], about="R1", request=request.id,
            subject=f"{self.case.reference}: request {request.id} {request.status}: calendar entry cancelled",
            body=f"Request {request.id} is {request.status}; its calendar entry is cancelled.",
            invite=Invite(invite_uid(self.case.reference, request.id), request.invite_on,
                          f"{self.case.reference}: {request.id} due {request.due:%d/%m/%Y}",
                          f"Request {request.id} is {request.status}.",
                          sequence=len(request.extensions) + 1, cancelled=True),
        )

    def close(self, on: date, reason: str, today: date | None = None) -> None:
        """Close the case on `on`: open requests, tasks and deadlines end (calendar entries are
        cancelled, dated `today`); KPI marks not reached are met."""
        self.cancel_open_requests(today or on)
        for task in self.case.tasks:
            if task.status == "open":
                task.status = "cancelled"
        for d in self.case.deadlines:
            if d.status == "pending":
                d.status, d.met_on = ("met", on) if d.name.startswith("T14") else ("cancelled", None)
        self.case.closed_on, self.case.closed_reason = on, reason
        self.enter_stage("closed", on)

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

    # ----------------------------------------------------------------- what it sends

    def letter(
        self, today: date, key: str, template: str, to: Party, *,
        dates: dict[str, date] | None = None, facts: dict[str, str] | None = None,
    ) -> None:
        """A letter dated today, queued for delivery; T8's count for that party restarts."""
        letter = LetterToSend(
            key=f"{key}/{template}/{to}", reference=self.case.reference, template=template, to=to,
            on=today, complaint=self.complaint, dates=dates or {}, facts=facts or {},
        )
        if not self.before_go_live:
            self.outbox.append(Outgoing(letter.key, f"{key}: letter {template} to {to}", today, letter=letter))
        self.case.last_letter_on[to] = today
        self.log(TimelineEntry(date=today, kind="letter", template=template, to=to, due=self.late_since))

    def notify(
        self, today: date, key: str, roles: list[str], *, subject: str, body: str, about: str | None = None,
        task: Task | None = None, request: str | None = None, invite: Invite | None = None,
    ) -> None:
        """A notice to staff, queued for delivery; the task it opens is on the case at once."""
        notice = StaffNotice(
            key=key, reference=self.case.reference, authority=self.case.authority, roles=roles,
            about=about or key, subject=subject, body=body, on=today, request=request, task=task,
            topic=self.case.subject, invite=invite,
        )
        if not self.before_go_live:
            self.outbox.append(Outgoing(key, f"{notice.about}: notify {', '.join(roles)}", today, notice=notice))
        if task is not None:
            self.add_task(task, today)
        for role in roles:
            self.log(TimelineEntry(date=today, kind="notification", to=role, about=notice.about, request=request,
                                   due=self.late_since))

    def delivered(self, item: Outgoing) -> None:
        self.outbox = [o for o in self.outbox if o is not item]

    def failed(self, item: Outgoing, reason: str) -> None:
        item.status, item.reason = "failed", reason[:500]

    def retry_failed(self, key: str | None) -> int:
        """Queue failed deliveries again (one, or all when `key` is None); how many."""
        again = [o for o in self.outbox if o.status == "failed" and key in (None, o.key)]
        for item in again:
            item.status, item.reason = "pending", None
        return len(again)

    def dismiss_failed(self, key: str) -> int:
        """Drop a failed delivery someone handled by hand (posted the letter, phoned)."""
        before = len(self.outbox)
        self.outbox = [o for o in self.outbox if not (o.status == "failed" and o.key == key)]
        return before - len(self.outbox)

    def undelivered(self) -> list[Undelivered]:
        return [Undelivered(o.key, o.what, o.on, o.status, o.reason) for o in self.outbox]

    # ----------------------------------------------------------------- views

    def snapshot(self, today: date, cal: WorkingCalendar) -> CaseStatus:
        """A copy of the status as of `today`, overdue and the next deadline worked out by
        SPEC.md's one definition (domain.overdue), as every page and report works them out."""
        deadlines = [
            replace(d, status="overdue") if d.status == "pending" and not d.target and overdue.is_overdue(d.due, today, cal)
            else replace(d)
            for d in self.case.deadlines
        ]
        status = replace(
            self.case,
            today=today,
            deadlines=deadlines,
            tasks=[replace(t) for t in self.case.tasks],
            requests=[replace(r, extensions=list(r.extensions)) for r in self.case.requests],
            last_letter_on=dict(self.case.last_letter_on),
            letters=[e for e in self.timeline if e.kind == "letter"],
            undelivered=self.undelivered(),
        )
        status.overdue = overdue.is_case_overdue(status, today, cal)
        status.next_deadline = overdue.next_deadline(status, today, cal)
        return status

    def for_the_record(self, today: date, cal: WorkingCalendar) -> CaseStatus:
        """The next read-model snapshot: a new version with the timeline lines it lacks."""
        self.case.version += 1
        status = self.snapshot(today, cal)
        status.timeline_offset, status.timeline = self.recorded_timeline, self.timeline[self.recorded_timeline:]
        status.letters = []  # the read model has them from send_letter; history stays smaller
        status.undelivered = [u for u in status.undelivered if u.status == "failed"]
        return status

    def recorded(self, status: CaseStatus) -> None:
        self.recorded_version, self.recorded_timeline = status.version, status.timeline_offset + len(status.timeline)

    def carry(self, today: date) -> CaseFile:
        """The file for the next run, without keys of actions that can never come again."""
        open_requests = {r.id for r in self.case.requests if r.status == "open"}
        pending = {(d.name, d.due) for d in self.case.deadlines if d.status == "pending"}

        def still_matters(key: ActionKey) -> bool:
            if key.row in ("R2", "R4", "R5"):
                return key.request in open_requests
            if key.row == "overdue":
                return (key.request, key.on) in pending
            if key.row == "T8":
                return key.on is not None and key.on > today
            return True

        return replace(self, case=replace(self.case, letters=[]), timeline=list(self.timeline),
                       taken=[k for k in self.taken if still_matters(k)], outbox=list(self.outbox),
                       late_since=None)


def invite_uid(reference: str, request_id: str) -> str:
    """One calendar entry per request, for its whole life (R1)."""
    return f"{reference}/R1:{request_id}@ombudsflow"
