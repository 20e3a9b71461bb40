"""Why a due date is that date, in words a link officer can check against a paper calendar.

Pure: a `Deadline` (and, for a council request, the `CouncilRequest` with its extensions)
plus a `WorkingCalendar` in, an `Explanation` out. The structured fields say the same as
`text`, so pages and the API can show either.

A deadline carries `counts_from` and `period` when it was counted; older records only have
the `rule` text ("20 working days from receipt on 2027-01-04"), which `domain.timetable`
writes in one fixed shape, so it is parsed as a fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from domain.calendar import WorkingCalendar, add_months, add_weeks
from domain.records import CouncilRequest, Deadline

AGREED_BY = "the council and the Ombudsman"

# timetable's rules: "{n} {unit} from {event} on {yyyy-mm-dd}" (see domain/timetable.py).
_COUNTED_RULE = re.compile(
    r"^(?P<period>\d+ (?:working days?|weeks?|months?)) from (?P<event>.+?)(?: on)? "
    r"(?P<date>\d{4}-\d{2}-\d{2})$"
)
_PERIOD = re.compile(r"^(?P<n>\d+) (?P<unit>working days?|weeks?|months?)$")
_EXTENDED_RULE = re.compile(
    r"^extension agreed on (?P<agreed>\d{4}-\d{2}-\d{2}) \(was (?P<old>\d{4}-\d{2}-\d{2})\)$"
)
_OBSERVED = " (observed)"
_ONE_DAY = timedelta(days=1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class SkippedDay:
    """A day that is not a working day: a weekend day, a bank holiday, or both."""

    date: date
    name: str  # "Good Friday", "Christmas Day (observed)", "Saturday"
    bank_holiday: bool
    weekend: bool


@dataclass(frozen=True)
class MonthEndClamp:
    """Months keep the day number, unless the month is too short for it."""

    counts_from: date
    months: int
    missing: str  # the day that does not exist: "30 February 2027"
    clamped_to: date  # the last day of that month


@dataclass(frozen=True)
class ExtensionNote:
    agreed_on: date
    old_due: date
    new_due: date
    agreed_by: str = AGREED_BY


@dataclass(frozen=True)
class Explanation:
    name: str
    label: str
    due: date
    # counted: a period from an event; given: a date someone set (an urgent target, a date
    # given with a request); extended: moved by agreement from an earlier due date.
    basis: Literal["counted", "given", "extended"]
    rule: str
    period: str | None = None  # "20 working days", "6 weeks", "3 months"
    unit: Literal["working days", "weeks", "months"] | None = None
    counts_from: date | None = None
    counts_from_event: str | None = None  # "receipt", "forwarding", "the request"
    counted_due: date | None = None  # where the count lands (before any extension)
    skipped: list[SkippedDay] = field(default_factory=list)  # passed over while counting
    month_end_clamp: MonthEndClamp | None = None
    extensions: list[ExtensionNote] = field(default_factory=list)
    original_due: date | None = None  # a request answered after this is late
    action_day: date | None = None  # when actions on the due date happen
    action_day_moved: bool = False
    action_day_skipped: list[SkippedDay] = field(default_factory=list)
    note: str | None = None  # e.g. the calendar changed since the date was counted
    text: str = ""


# ----------------------------------------------------------------------------- words


def long_date(d: date) -> str:
    """'Friday 9 April 2027', as the letters write dates."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def _day_month(d: date) -> str:
    return f"{d.day} {d:%B}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _holiday_name(day: SkippedDay) -> str:
    """'Good Friday'; 'the substitute day for Boxing Day' for an '(observed)' day."""
    if day.name.endswith(_OBSERVED):
        return f"the substitute day for {day.name[: -len(_OBSERVED)]}"
    return day.name


def _holiday_words(day: SkippedDay) -> str:
    anyway = ", a weekend day anyway" if day.weekend else ""
    return f"{_holiday_name(day)} ({long_date(day.date)}{anyway})"


def _weekend_groups(days: list[SkippedDay]) -> list[str]:
    """Consecutive Saturday and Sunday as one weekend: '20–21 March'."""
    groups: list[list[date]] = []
    for d in (day.date for day in days):
        if groups and d.weekday() == 6 and (d - groups[-1][-1]).days == 1:
            groups[-1].append(d)
        else:
            groups.append([d])
    words = []
    for group in groups:
        if len(group) == 1:
            words.append(f"{group[0]:%A} {_day_month(group[0])}")
        elif group[0].month == group[1].month:
            words.append(f"{group[0].day}–{group[1].day} {group[1]:%B}")
        else:
            words.append(f"{_day_month(group[0])}–{_day_month(group[1])}")
    return words


def _skipped_words(days: list[SkippedDay]) -> str:
    """'2 bank holidays — Good Friday (...) and Easter Monday (...) — and 6 weekend days (...)'."""
    holidays = [d for d in days if d.bank_holiday]
    weekends = [d for d in days if not d.bank_holiday]
    parts = []
    if holidays:
        parts.append(f"{_plural(len(holidays), 'bank holiday')} — "
                     f"{_join([_holiday_words(d) for d in holidays])} —")
    if weekends:
        parts.append(f"{_plural(len(weekends), 'weekend day')} ({_join(_weekend_groups(weekends))})")
    return " and ".join(parts).rstrip(" —")


def _roll_reason(days: list[SkippedDay]) -> str:
    """What lies between a due date and its action day, in order: 'Good Friday, the weekend
    and Easter Monday'."""
    names: list[str] = []
    for day in days:
        name = _holiday_name(day) if day.bank_holiday else "the weekend"
        if name not in names:
            names.append(name)
    return _join(names)


# ----------------------------------------------------------------------------- working out


def _skipped(calendar: WorkingCalendar, start: date, end: date) -> list[SkippedDay]:
    return [
        SkippedDay(d, name, bank_holiday=d in calendar.holidays, weekend=d.weekday() >= 5)
        for d, name in calendar.skipped_between(start, end)
    ]


def _parse_period(period: str) -> tuple[int, Literal["working days", "weeks", "months"]]:
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a period: {period!r}")
    unit = match["unit"]
    if unit.startswith("working"):
        return int(match["n"]), "working days"
    return int(match["n"]), "weeks" if unit.startswith("week") else "months"


@dataclass(frozen=True)
class _Count:
    period: str
    counts_from: date
    event: str | None


def _count_of(rule: str, counts_from: date | None, period: str | None) -> _Count | None:
    """The period and start of a counted date, from the stored fields or the rule text."""
    parsed = _COUNTED_RULE.match(rule)
    event = parsed["event"] if parsed else None
    if counts_from is not None and period is not None and _PERIOD.match(period):
        return _Count(period, counts_from, event)
    if parsed is not None:  # a period this module cannot count is explained as given
        return _Count(parsed["period"], date.fromisoformat(parsed["date"]), event)
    return None


def _recount(calendar: WorkingCalendar, count: _Count) -> date:
    n, unit = _parse_period(count.period)
    if unit == "working days":
        return calendar.add_working_days(count.counts_from, n)
    if unit == "weeks":
        return add_weeks(count.counts_from, n)
    return add_months(count.counts_from, n)


def _clamp(count: _Count) -> MonthEndClamp | None:
    n, unit = _parse_period(count.period)
    if unit != "months":
        return None
    landed = add_months(count.counts_from, n)
    if landed.day == count.counts_from.day:
        return None
    missing = f"{count.counts_from.day} {landed:%B %Y}"
    return MonthEndClamp(count.counts_from, n, missing, landed)


def _extensions(deadline: Deadline, request: CouncilRequest | None) -> list[ExtensionNote]:
    if request is not None and request.extensions:
        return [ExtensionNote(e.agreed_on, e.old_due, e.new_due) for e in request.extensions]
    match = _EXTENDED_RULE.match(deadline.rule)
    if match is None:
        return []
    return [ExtensionNote(date.fromisoformat(match["agreed"]), date.fromisoformat(match["old"]), deadline.due)]


def explain_deadline(
    deadline: Deadline, calendar: WorkingCalendar, request: CouncilRequest | None = None
) -> Explanation:
    """How `deadline.due` was worked out, with the days skipped and the day actions fall on."""
    extensions = _extensions(deadline, request)
    if extensions:
        basis: Literal["counted", "given", "extended"] = "extended"
        # The original derivation is the request's own rule (it never changes on extension).
        original_rule = request.rule if request is not None else ""
        count = _count_of(original_rule, None, None)
        counted_due = request.original_due if request is not None else extensions[0].old_due
        given_rule = None if count else original_rule or None
    else:
        count = _count_of(deadline.rule, deadline.counts_from, deadline.period)
        basis = "counted" if count else "given"
        counted_due = deadline.due if count else None
        given_rule = None if count else deadline.rule

    unit = None
    skipped: list[SkippedDay] = []
    clamp = None
    note = None
    if count is not None:
        _, unit = _parse_period(count.period)
        if unit == "working days" and counted_due is not None:
            skipped = _skipped(calendar, count.counts_from, counted_due)
        clamp = _clamp(count)
        recounted = _recount(calendar, count)
        if counted_due is not None and recounted != counted_due:
            note = (
                f"It was counted with the bank holidays known when it was set; counting again "
                f"with today's calendar gives {long_date(recounted)}. The due date stands."
            )

    action = calendar.next_working_day(deadline.due)
    explanation = Explanation(
        name=deadline.name,
        label=deadline.label,
        due=deadline.due,
        basis=basis,
        rule=deadline.rule,
        period=count.period if count else None,
        unit=unit,
        counts_from=count.counts_from if count else None,
        counts_from_event=count.event if count else None,
        counted_due=counted_due if count else None,
        skipped=skipped,
        month_end_clamp=clamp,
        extensions=extensions,
        original_due=request.original_due if request is not None else (
            extensions[0].old_due if extensions else None),
        action_day=action,
        action_day_moved=action != deadline.due,
        action_day_skipped=_skipped(calendar, deadline.due - _ONE_DAY, action - _ONE_DAY)
        if action != deadline.due else [],
        note=note,
    )
    return _with_text(explanation, given_rule)


# ----------------------------------------------------------------------------- the text


def _counted_sentences(e: Explanation) -> list[str]:
    assert e.counts_from is not None and e.period is not None and e.counted_due is not None
    event = f"{e.counts_from_event} on " if e.counts_from_event else ""
    if e.basis == "extended":
        out = [f"Originally it was {e.period} from {event}{long_date(e.counts_from)}, which came "
               f"to {long_date(e.counted_due)}."]
    else:
        out = [f"It is {e.period} from {event}{long_date(e.counts_from)}."]
    if e.unit == "working days":
        out.append(
            "Working days are Monday to Friday except bank holidays, and counting starts the "
            "day after the day it counts from."
        )
        if e.skipped:
            out.append(f"Counting skipped {_skipped_words(e.skipped)}.")
        else:
            out.append("No weekend or bank holiday fell in between.")
    elif e.unit == "weeks":
        out.append("Weeks are whole calendar weeks, so weekends and bank holidays count.")
    else:
        out.append(
            "Months keep the day of the month and count weekends and bank holidays."
        )
    if e.month_end_clamp is not None:
        c = e.month_end_clamp
        out.append(
            f"{_day_month(c.counts_from)} {c.counts_from.year} + {_plural(c.months, 'month')}: "
            f"there is no {c.missing}, so it is the last day of {c.clamped_to:%B}, "
            f"{long_date(c.clamped_to)}."
        )
    if e.note:
        out.append(e.note)
    return out


def _iso_to_words(rule: str) -> str:
    """A rule's ISO dates in words: 'date given when asked on Monday 1 March 2027'."""
    return _ISO_DATE.sub(lambda m: long_date(date.fromisoformat(m[0])), rule)


def _with_text(e: Explanation, given_rule: str | None) -> Explanation:
    given_rule = _iso_to_words(given_rule) if given_rule else given_rule
    sentences = [f"{e.label}: due {long_date(e.due)}."]
    if e.basis == "given":
        sentences.append(f"This date was given, not counted ({given_rule}), so no days were skipped.")
    elif e.basis == "extended" and e.counts_from is None:
        if given_rule:
            sentences.append(f"The original date was given, not counted ({given_rule}).")
    if e.counts_from is not None:
        sentences.extend(_counted_sentences(e))
    for x in e.extensions:
        sentences.append(
            f"On {long_date(x.agreed_on)} {x.agreed_by} agreed an extension from "
            f"{long_date(x.old_due)} to {long_date(x.new_due)}."
        )
    if e.extensions and e.original_due is not None:
        sentences.append(
            f"An answer after {long_date(e.original_due)}, the original due date, still counts as late."
        )
    if e.action_day_moved and e.action_day is not None:
        sentences.append(
            f"{long_date(e.due)} is not a working day ({_roll_reason(e.action_day_skipped)}), so "
            f"actions fall on the next working day, {long_date(e.action_day)}; the due date "
            "itself never moves."
        )
    return replace(e, text=" ".join(sentences))
