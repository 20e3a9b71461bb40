"""Sample records for the activity tests."""

from __future__ import annotations

from datetime import date

from domain.records import (
    CaseStatus,
    Complainant,
    ComplaintInput,
    Deadline,
    LetterToSend,
    Stage,
    Task,
)

AUTHORITY = "Example Borough Council"

# Every date any letter template may ask for; each template must render with them.
ALL_DATES = {
    "due": date(2027, 6, 3), "comments_due": date(2027, 6, 17), "review_by": date(2027, 7, 3),
    "publish_on": date(2027, 7, 15), "publish_from": date(2027, 6, 11),
    "notices_by": date(2027, 6, 17), "response_due": date(2027, 9, 3),
    "hear_by": date(2027, 7, 1), "forwarded": date(2027, 1, 20),
    "next_update": date(2027, 4, 14), "chaser_1": date(2027, 6, 4), "reply_by": date(2027, 6, 11),
    "recommendation:R1": date(2027, 8, 2),
}


def complaint(scheme: str = "LGSCO", name: str = "A. Resident", reference: str = "LG-27-0001",
              email: str | None = "resident@example.org") -> ComplaintInput:
    return ComplaintInput(
        reference=reference, received=date(2027, 1, 4), scheme=scheme, authority=AUTHORITY,
        subject="Housing", complainant=Complainant(name=name, email=email),
    )


def letter(template: str = "acknowledgement", to: str = "complainant", key: str | None = None,
           **kwargs) -> LetterToSend:
    c = kwargs.pop("complaint", None) or complaint()
    return LetterToSend(
        key=key or f"{template}/{to}", reference=c.reference, template=template, to=to,
        on=kwargs.pop("on", date(2027, 1, 4)), complaint=c, **kwargs,
    )


def status(version: int, stage: str = Stage.ASSESSMENT, tasks: list[Task] | None = None,
           deadlines: list[Deadline] | None = None, today: date | None = None) -> CaseStatus:
    c = complaint()
    return CaseStatus(
        reference=c.reference, authority=c.authority, scheme=c.scheme, subject=c.subject,
        urgent=False, stage=stage, received=c.received, complainant=c.complainant,
        version=version, today=today or date(2027, 1, 4),
        deadlines=deadlines if deadlines is not None else [],
        tasks=tasks if tasks is not None else [],
    )
