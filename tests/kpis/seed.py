"""Twenty complaints, written as the workflow's status snapshots, whose KPIs were worked out
by hand for the period 1 January - 30 June 2027, judged on TODAY = Thursday 15 July 2027.

Bank holidays that matter here (England and Wales, 2027): Friday 1 January, Good Friday 26
March, Easter Monday 29 March, Monday 3 May, Monday 31 May. T1 due = 20 working days after
receipt, counted by hand beside each case (and checked against the calendar in a test).

Three councils: NORTH (Northshire County Council), SOUTH (Southvale Borough Council), EAST
(Eastfield District Council).

1. Decided at assessment or allocated within 20 working days, of complaints received in the
   period (K07-K16, K19, K20; K01-K06 and K18 came in 2026, K17 on 1 July):
     met (decided/allocated by T1's due date): K07, K08, K10 (on the due day), K13, K16, K19 = 6
     missed (decided/allocated after it):      K09, K20                                     = 2
     T1 still pending but its due date passed before TODAY: K12 (shown overdue),
         K14 (last snapshot before its due date, still "pending")                           = 2
     not counted: K15 still inside its 20 working days on TODAY (undecided)                 = 1
                  K11 withdrawn in assessment, T1 cancelled (closed otherwise)              = 1
   => 6 / 10 = 60%: below the business plan's 80%, above the standards' 40%.
2. Closed within 13/26/52 weeks, of complaints closed in the period: K04, K05, K06, K07, K08,
   K09, K10, K11, K20 = 9 (K16 and K17 closed in July; the rest are open).
     13 weeks met: K06, K07, K09, K10, K11, K20 = 6  (K04 and K05 closed later; K08 closed on
         the 13-week day itself, after the mark was reached that morning)  => 6/9
         (66.7%: business plan 65% met, standards 75% not)
     26 weeks met: all but K04 = 8 => 8/9 (88.9%: both 85% targets met)
     52 weeks met: all but K04 = 8 => 8/9 (88.9%: 99% and 98% not met)
3. Open over 52 weeks on TODAY (received on or before 16 July 2026 = TODAY - 364 days, not
   closed): K01 (2 March 2026, 71 weeks), K02 (16 July 2026: 52 weeks today). K03 (17 July
   2026) is a day short. => 2 (at most 60: met).
   On 20 January 2027 instead (cut 21 January 2026): only K04 (received 5 January 2026,
   closed 10 February 2027, so still open then) => 1.
4. Requests (information, evidence, report responses) answered in the period, on time =
   answered on or before the original due date:
     NORTH: K08 INFO-1 on its due day (on time), K08 EV-1 after its original date though within
            an agreed extension (late), K01 T12-response six days late  => 1/3
            (K01 EV-A was answered in 2026, K01 EV-B is still open: not counted)
     SOUTH: K05 EV-1 (on time), K09 INFO-1 (on time), K12 INFO-1 (late)  => 2/3
     EAST:  K19 INFO-1 on its due day (on time)                            => 1/1
            (K13 EV-1 answered 2 July, K13 INFO-2 cancelled, K19 T12-response open)
     all councils => 4/7
5. Remedies answered in the period:
     NORTH: K08 REC-1 (on time)                                            => 1/1
     SOUTH: K05 REC-1 on its due day (on time), K09 REC-1 on its due day (on time),
            K09 REC-2 (late)                                               => 2/3
     EAST:  K04 REC-1 (late)                                               => 0/1
     all councils => 3/5
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from domain.records import (
    CaseStatus,
    Complainant,
    CouncilRequest,
    Deadline,
    Extension,
    Stage,
)
from ombudsflow.db import PgStore

TODAY = date(2027, 7, 15)  # a Thursday
START, END = date(2027, 1, 1), date(2027, 6, 30)
PAST_TODAY = date(2027, 1, 20)  # "open over 52 weeks" judged on an earlier day

NORTH = "Northshire County Council"
SOUTH = "Southvale Borough Council"
EAST = "Eastfield District Council"


def t1(received: date, due: date, status: str, met_on: date | None = None) -> Deadline:
    return Deadline(name="T1", due=due, label="Decide at assessment or allocate",
                    rule=f"20 working days from receipt on {received}", status=status,  # type: ignore[arg-type]
                    met_on=met_on)


def marks(received: date, statuses: str, closed_on: date | None = None) -> list[Deadline]:
    """T14's marks at 13, 26, 52 weeks; `statuses` one letter each: met, x (missed), pending.

    The workflow marks a mark met when the case closes before it (met_on: the closing day)
    and missed when the mark comes first (met_on: the mark's day).
    """
    found = []
    for weeks, letter in zip((13, 26, 52), statuses, strict=True):
        due = received + timedelta(weeks=weeks)
        status, met_on = {"m": ("met", closed_on), "x": ("missed", due), "p": ("pending", None)}[letter]
        found.append(Deadline(name=f"T14-{weeks}w", due=due, label=f"{weeks} weeks from receipt",
                              rule=f"{weeks} weeks from receipt on {received}", status=status,  # type: ignore[arg-type]
                              met_on=met_on, target=True))
    return found


def req(id: str, kind: str, due: date, *, answered_on: date | None = None,
        status: str | None = None, original_due: date | None = None,
        extensions: list[Extension] | None = None) -> CouncilRequest:
    return CouncilRequest(
        id=id, kind=kind, opened_on=(original_due or due) - timedelta(days=14), due=due,  # type: ignore[arg-type]
        original_due=original_due or due, rule="by hand",
        status=status or ("answered" if answered_on else "open"),  # type: ignore[arg-type]
        answered_on=answered_on, extensions=extensions or [],
    )


def complaint(reference: str, authority: str, received: date, stage: str, *,
              deadlines: list[Deadline], snapshot_on: date = TODAY,
              requests: list[CouncilRequest] | None = None, **fields: object) -> CaseStatus:
    return CaseStatus(
        reference=reference, authority=authority, scheme="LGSCO", subject="Adult social care",
        urgent=False, stage=stage, received=received,
        complainant=Complainant("A. Resident", "resident@example.org"), version=3,
        today=snapshot_on, deadlines=deadlines, requests=requests or [], **fields,  # type: ignore[arg-type]
    )


def cases() -> list[CaseStatus]:
    d = date
    return [
        # K01: received 2 March 2026, a public report out since 24 March 2027: open over 52
        # weeks (71). Its T12-response was due 24 June 2027 (3 months) and came on 30 June.
        complaint("K01", NORTH, d(2026, 3, 2), Stage.PUBLIC_REPORT,
                  deadlines=[t1(d(2026, 3, 2), d(2026, 3, 30), "met", d(2026, 3, 20)),
                             *marks(d(2026, 3, 2), "xxx")],
                  forwarded_on=d(2026, 3, 10), allocated_on=d(2026, 3, 20),
                  public_report_on=d(2027, 3, 24), dip_sample=True,
                  requests=[req("EV-A", "evidence", d(2026, 12, 8), answered_on=d(2026, 12, 10)),
                            req("EV-B", "evidence", d(2027, 7, 1)),
                            req("T12-response", "report_response", d(2027, 6, 24),
                                answered_on=d(2027, 6, 30))]),
        # K02: received 16 July 2026: 52 weeks today, the mark reached this morning.
        complaint("K02", NORTH, d(2026, 7, 16), Stage.INVESTIGATION,
                  deadlines=[t1(d(2026, 7, 16), d(2026, 8, 13), "met", d(2026, 8, 10)),
                             *marks(d(2026, 7, 16), "xxx")],
                  forwarded_on=d(2026, 7, 30), allocated_on=d(2026, 8, 10), dip_sample=True),
        # K03: received 17 July 2026: one day short of 52 weeks; its 52-week mark is pending.
        complaint("K03", SOUTH, d(2026, 7, 17), Stage.INVESTIGATION,
                  deadlines=[t1(d(2026, 7, 17), d(2026, 8, 14), "missed", d(2026, 9, 1)),
                             *marks(d(2026, 7, 17), "xxp")],
                  forwarded_on=d(2026, 8, 3), allocated_on=d(2026, 9, 1)),
        # K04: received 5 January 2026, closed 10 February 2027 when its late remedy (due 29
        # January) was done: 401 days, past all three marks.
        complaint("K04", EAST, d(2026, 1, 5), Stage.CLOSED, snapshot_on=d(2027, 2, 10),
                  deadlines=[t1(d(2026, 1, 5), d(2026, 2, 2), "met", d(2026, 1, 30)),
                             *marks(d(2026, 1, 5), "xxx")],
                  forwarded_on=d(2026, 1, 20), allocated_on=d(2026, 1, 30),
                  final_decision_on=d(2026, 12, 18), outcome="upheld", dip_sample=True,
                  closed_on=d(2027, 2, 10), closed_reason="every recommendation complete",
                  requests=[req("REC-1", "remedy", d(2027, 1, 29), answered_on=d(2027, 2, 10))]),
        # K05: received 5 October 2026 (13-week mark 4 January 2027, 26-week 5 April 2027),
        # closed 15 March 2027 when its remedy was done on its due day: 13 missed, 26/52 met.
        # Its evidence came on 4 January 2027, due 8 January: on time, in the period.
        complaint("K05", SOUTH, d(2026, 10, 5), Stage.CLOSED, snapshot_on=d(2027, 3, 15),
                  deadlines=[t1(d(2026, 10, 5), d(2026, 11, 2), "met", d(2026, 10, 28)),
                             *marks(d(2026, 10, 5), "xmm", d(2027, 3, 15))],
                  forwarded_on=d(2026, 10, 19), allocated_on=d(2026, 10, 28),
                  final_decision_on=d(2027, 2, 15), outcome="upheld",
                  closed_on=d(2027, 3, 15), closed_reason="every recommendation complete",
                  requests=[req("EV-1", "evidence", d(2027, 1, 8), answered_on=d(2027, 1, 4)),
                            req("REC-1", "remedy", d(2027, 3, 15), answered_on=d(2027, 3, 15))]),
        # K06: received 14 December 2026, closed at assessment 5 January 2027 (T1 due 14
        # January: met, but received before the period): every mark met.
        complaint("K06", NORTH, d(2026, 12, 14), Stage.CLOSED, snapshot_on=d(2027, 1, 5),
                  deadlines=[t1(d(2026, 12, 14), d(2027, 1, 14), "met", d(2027, 1, 5)),
                             *marks(d(2026, 12, 14), "mmm", d(2027, 1, 5))],
                  closed_on=d(2027, 1, 5), closed_reason="decided at assessment"),
        # K07: received Monday 4 January 2027; T1 due 1 February (5-8 Jan 4, 11-15 9, 18-22 14,
        # 25-29 19, 1 Feb 20). Closed at assessment 20 January: T1 met, every mark met.
        complaint("K07", EAST, d(2027, 1, 4), Stage.CLOSED, snapshot_on=d(2027, 1, 20),
                  deadlines=[t1(d(2027, 1, 4), d(2027, 2, 1), "met", d(2027, 1, 20)),
                             *marks(d(2027, 1, 4), "mmm", d(2027, 1, 20))],
                  closed_on=d(2027, 1, 20), closed_reason="decided at assessment"),
        # K08: received 11 January 2027; T1 due 8 February (12-15 Jan 4, 18-22 9, 25-29 14,
        # 1-5 Feb 19, 8 Feb 20); allocated 5 February: met. Closed 12 April 2027 = 11 January +
        # 91 days, the 13-week day itself: the mark (09:00) came before the closing (from
        # noon), so 13 missed; 26 and 52 met.
        # Requests: INFO-1 due 19 January answered that day (on time); EV-1 due 1 March,
        # extended to 15 March, answered 10 March (late: judged on the original date);
        # REC-1 due 30 April answered 12 April (on time), which closed the case.
        complaint("K08", NORTH, d(2027, 1, 11), Stage.CLOSED, snapshot_on=d(2027, 4, 12),
                  deadlines=[t1(d(2027, 1, 11), d(2027, 2, 8), "met", d(2027, 2, 5)),
                             *marks(d(2027, 1, 11), "xmm", d(2027, 4, 12))],
                  forwarded_on=d(2027, 1, 25), allocated_on=d(2027, 2, 5),
                  final_decision_on=d(2027, 3, 30), outcome="upheld",
                  closed_on=d(2027, 4, 12), closed_reason="every recommendation complete",
                  requests=[
                      req("INFO-1", "information", d(2027, 1, 19), answered_on=d(2027, 1, 19)),
                      req("EV-1", "evidence", d(2027, 3, 15), original_due=d(2027, 3, 1),
                          answered_on=d(2027, 3, 10),
                          extensions=[Extension(d(2027, 2, 26), d(2027, 3, 1), d(2027, 3, 15))]),
                      req("REC-1", "remedy", d(2027, 4, 30), answered_on=d(2027, 4, 12))]),
        # K09: received 1 February 2027; T1 due 1 March (2-5 Feb 4, 8-12 9, 15-19 14, 22-26 19,
        # 1 Mar 20); allocated 15 March: missed. Closed 30 April (88 days; 13-week mark 3 May):
        # every mark met. INFO-1 due 8 February, answered 5 February (on time). REC-1 due 30
        # April done that day (on time); REC-2 due 16 April done 30 April (late).
        complaint("K09", SOUTH, d(2027, 2, 1), Stage.CLOSED, snapshot_on=d(2027, 4, 30),
                  deadlines=[t1(d(2027, 2, 1), d(2027, 3, 1), "missed", d(2027, 3, 15)),
                             *marks(d(2027, 2, 1), "mmm", d(2027, 4, 30))],
                  forwarded_on=d(2027, 2, 22), allocated_on=d(2027, 3, 15),
                  final_decision_on=d(2027, 4, 5), outcome="upheld",
                  closed_on=d(2027, 4, 30), closed_reason="every recommendation complete",
                  requests=[
                      req("INFO-1", "information", d(2027, 2, 8), answered_on=d(2027, 2, 5)),
                      req("REC-1", "remedy", d(2027, 4, 30), answered_on=d(2027, 4, 30)),
                      req("REC-2", "remedy", d(2027, 4, 16), answered_on=d(2027, 4, 30))]),
        # K10: received 1 March 2027; T1 due 31 March (2-5 Mar 4, 8-12 9, 15-19 14, 22-25 18,
        # Good Friday and Easter Monday, 30-31 Mar 20). Closed at assessment on 31 March, the
        # due day itself: met. Every mark met.
        complaint("K10", EAST, d(2027, 3, 1), Stage.CLOSED, snapshot_on=d(2027, 3, 31),
                  deadlines=[t1(d(2027, 3, 1), d(2027, 3, 31), "met", d(2027, 3, 31)),
                             *marks(d(2027, 3, 1), "mmm", d(2027, 3, 31))],
                  closed_on=d(2027, 3, 31), closed_reason="decided at assessment"),
        # K11: received 8 March 2027 (T1 due 7 April), withdrawn 12 March while in assessment:
        # the `closed` event cancels T1 (neither decided nor allocated), marks met.
        complaint("K11", NORTH, d(2027, 3, 8), Stage.CLOSED, snapshot_on=d(2027, 3, 12),
                  deadlines=[t1(d(2027, 3, 8), d(2027, 4, 7), "cancelled"),
                             *marks(d(2027, 3, 8), "mmm", d(2027, 3, 12))],
                  closed_on=d(2027, 3, 12), closed_reason="withdrawn"),
        # K12: received Monday 5 April 2027; T1 due 4 May (6-9 Apr 4, 12-16 9, 19-23 14, 26-30
        # 19, 3 May holiday, 4 May 20). Forwarded 20 April, still awaiting allocation: T1
        # shown overdue. INFO-1 due 16 April answered 20 April (late). 13-week mark 5 July
        # passed: missed.
        complaint("K12", SOUTH, d(2027, 4, 5), Stage.AWAITING_ALLOCATION,
                  deadlines=[t1(d(2027, 4, 5), d(2027, 5, 4), "overdue"),
                             *marks(d(2027, 4, 5), "xpp")],
                  forwarded_on=d(2027, 4, 20), overdue=True,
                  requests=[req("INFO-1", "information", d(2027, 4, 16),
                                answered_on=d(2027, 4, 20))]),
        # K13: received Tuesday 4 May 2027; T1 due 2 June (5-7 May 3, 10-14 8, 17-21 13, 24-28
        # 18, 31 May holiday, 1-2 Jun 20); allocated 28 May: met. EV-1 due 25 June answered 2
        # July (after the period); INFO-2 cancelled.
        complaint("K13", EAST, d(2027, 5, 4), Stage.INVESTIGATION,
                  deadlines=[t1(d(2027, 5, 4), d(2027, 6, 2), "met", d(2027, 5, 28)),
                             *marks(d(2027, 5, 4), "ppp")],
                  forwarded_on=d(2027, 5, 20), allocated_on=d(2027, 5, 28),
                  requests=[req("EV-1", "evidence", d(2027, 6, 25), answered_on=d(2027, 7, 2)),
                            req("INFO-2", "information", d(2027, 5, 18), status="cancelled")]),
        # K14: received 14 June 2027; T1 due 12 July (15-18 Jun 4, 21-25 9, 28 Jun-2 Jul 14,
        # 5-9 Jul 19, 12 Jul 20). Its last snapshot (9 July) still says "pending", but on
        # TODAY the due date has passed undecided: late.
        complaint("K14", NORTH, d(2027, 6, 14), Stage.ASSESSMENT, snapshot_on=d(2027, 7, 9),
                  deadlines=[t1(d(2027, 6, 14), d(2027, 7, 12), "pending"),
                             *marks(d(2027, 6, 14), "ppp")]),
        # K15: received 21 June 2027; T1 due 19 July (22-25 Jun 4, 28 Jun-2 Jul 9, 5-9 Jul 14,
        # 12-16 Jul 19, 19 Jul 20): not yet known on TODAY.
        complaint("K15", SOUTH, d(2027, 6, 21), Stage.ASSESSMENT,
                  deadlines=[t1(d(2027, 6, 21), d(2027, 7, 19), "pending"),
                             *marks(d(2027, 6, 21), "ppp")]),
        # K16: received Wednesday 30 June 2027, the period's last day; T1 due 28 July; closed
        # at assessment 6 July: met (counts for T1). Closed after the period.
        complaint("K16", EAST, d(2027, 6, 30), Stage.CLOSED, snapshot_on=d(2027, 7, 6),
                  deadlines=[t1(d(2027, 6, 30), d(2027, 7, 28), "met", d(2027, 7, 6)),
                             *marks(d(2027, 6, 30), "mmm", d(2027, 7, 6))],
                  closed_on=d(2027, 7, 6), closed_reason="decided at assessment"),
        # K17: received 1 July 2027, the day after the period; closed at assessment 5 July.
        complaint("K17", NORTH, d(2027, 7, 1), Stage.CLOSED, snapshot_on=d(2027, 7, 5),
                  deadlines=[t1(d(2027, 7, 1), d(2027, 7, 29), "met", d(2027, 7, 5)),
                             *marks(d(2027, 7, 1), "mmm", d(2027, 7, 5))],
                  closed_on=d(2027, 7, 5), closed_reason="decided at assessment"),
        # K18: received 31 December 2026, the day before the period; allocated in time, open.
        complaint("K18", SOUTH, d(2026, 12, 31), Stage.INVESTIGATION,
                  deadlines=[t1(d(2026, 12, 31), d(2027, 1, 29), "met", d(2027, 1, 28)),
                             *marks(d(2026, 12, 31), "xxp")],
                  forwarded_on=d(2027, 1, 14), allocated_on=d(2027, 1, 28)),
        # K19: received 15 February 2027; T1 due 15 March (16-19 Feb 4, 22-26 9, 1-5 Mar 14,
        # 8-12 19, 15 Mar 20); allocated 10 March: met. INFO-1 due 22 February answered that
        # day (on time). Public report 1 April; its response is still open.
        complaint("K19", EAST, d(2027, 2, 15), Stage.PUBLIC_REPORT,
                  deadlines=[t1(d(2027, 2, 15), d(2027, 3, 15), "met", d(2027, 3, 10)),
                             *marks(d(2027, 2, 15), "xpp")],
                  forwarded_on=d(2027, 2, 25), allocated_on=d(2027, 3, 10),
                  final_decision_on=d(2027, 3, 25), outcome="upheld",
                  public_report_on=d(2027, 4, 1),
                  requests=[
                      req("INFO-1", "information", d(2027, 2, 22), answered_on=d(2027, 2, 22)),
                      req("T12-response", "report_response", d(2027, 7, 1))]),
        # K20: received 17 May 2027; T1 due 15 June (18-21 May 4, 24-28 9, 31 May holiday,
        # 1-4 Jun 13, 7-11 18, 14-15 Jun 20); closed at assessment 16 June: missed. Marks met.
        complaint("K20", NORTH, d(2027, 5, 17), Stage.CLOSED, snapshot_on=d(2027, 6, 16),
                  deadlines=[t1(d(2027, 5, 17), d(2027, 6, 15), "missed", d(2027, 6, 16)),
                             *marks(d(2027, 5, 17), "mmm", d(2027, 6, 16))],
                  closed_on=d(2027, 6, 16), closed_reason="decided at assessment"),
    ]


@dataclass
class Seeded:
    pool: asyncpg.Pool
    store: PgStore
    cases: list[CaseStatus]
