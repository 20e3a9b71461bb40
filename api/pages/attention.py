"""Letters and notices that need attention, on the pages: their reasons in words, and the two
buttons of a failed one ("Try again", "Mark as handled") as plain form posts.

The buttons call the same `act_on_delivery` as `POST /complaints/{ref}/deliveries/...`, so
the workflow decides, and its refusal (someone else retried or dismissed it first) comes
back as a message on the page the form was on (Post/Redirect/Get, like api/pages/forms.py).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse

from api.deps import PoolDep, TemporalDep
from api.pages.forms import read_form
from api.policy import CASEWORK
from api.pages.templating import local_path, redirect_with_flash, same_origin, words
from api.routes.deliveries import Action, DeliveryProblem, act_on_delivery
from ombudsflow.db.attention import TRANSIENT_PREFIX, NeedsAttention, needs_attention

router = APIRouter(include_in_schema=False)

KEY_LIMIT = 200

# The workflow's own words for what it could not deliver (workflows/effects.py).
FAILED_LETTER = re.compile(r"(?P<key>.+?): letter (?P<template>\S+) to (?P<to>\S+)")
FAILED_NOTICE = re.compile(r"(?P<about>.+?): notify (?P<roles>.+)")
# What the directory and the mail code say (ombudsflow/directory.py, ombudsflow/mail.py).
NO_VALID_ADDRESS = re.compile(r"the directory gives no valid address for role '(?P<role>[^']+)' of "
                              r"'(?P<council>.*)': '(?P<address>.*)'")
NOBODY_HOLDS = re.compile(r"nobody holds role '(?P<role>[^']+)' for '(?P<council>.*)'")
# How aiosmtplib's errors print: "SMTPDataError: (451, '4.7.1 Greylisted: try again later')".
SMTP_REPLY = re.compile(r"\((?P<code>\d{3}), ['\"](?P<text>.*?)['\"](?:, ['\"](?P<address>[^'\"]*)['\"])?\)")
UNREACHABLE = ("SMTPConnectError", "SMTPConnectTimeoutError", "SMTPServerDisconnected", "ConnectionRefusedError",
               "TimeoutError", "OSError", "SMTPTimeoutError")


def what_in_words(item: NeedsAttention) -> str:
    """`T6: letter council_allocation to council` -> `Letter “council allocation” to the council (T6)`."""
    if item.status == "pending":
        return f"Letter “{words(item.what)}”" if item.kind == "letter" else f"Notice {item.what} to staff"
    if match := FAILED_LETTER.fullmatch(item.what):
        return f"Letter “{words(match['template'])}” to the {words(match['to'])} ({match['key']})"
    if match := FAILED_NOTICE.fullmatch(item.what):
        roles = ", ".join(words(r.strip()) for r in match["roles"].split(","))
        return f"Notice {match['about']} to the {roles}"
    return words(item.what)


def reason_in_words(item: NeedsAttention) -> str:
    """Why it was not delivered, and what a person can do about it."""
    reason = (item.reason or "").strip()
    if item.status == "pending":
        detail = reason.removeprefix(TRANSIENT_PREFIX)
        error = detail.split(":", 1)[0]
        if error in UNREACHABLE:
            said = "The mail server could not be reached"
        elif reply := SMTP_REPLY.search(detail):
            to = f" for {reply['address']}" if reply["address"] else ""
            said = f"The mail server did not accept it{to}: it answered “{reply['code']} {reply['text']}”"
        else:
            said = f"The mail server did not accept it ({detail})"
        return f"{said}. It is tried again automatically: soon at first, then every 5 minutes."
    if match := NO_VALID_ADDRESS.fullmatch(reason):
        return (f"The directory gives no valid address for the {words(match['role'])} of {match['council']} "
                f"(it makes “{match['address']}”). Correct the directory, then try again.")
    if match := NOBODY_HOLDS.fullmatch(reason):
        return (f"Nobody holds the role {words(match['role'])} for {match['council']} in the directory. "
                "Add them to the directory, then try again.")
    if not reason:
        return "It cannot be sent as it is, and no reason was recorded."
    return f"It cannot be sent as it is: {reason[:1].lower()}{reason[1:]}."


def can_act(user: object) -> bool:
    """Whether the signed-in person gets the buttons (others only read the list)."""
    return getattr(user, "role", None) in CASEWORK  # as api/policy.py lets them post


@router.post("/pages/complaints/{reference}/deliveries/retry")
async def retry_from_page(reference: str, request: Request, pool: PoolDep, temporal: TemporalDep) -> RedirectResponse:
    """"Try again": queue the failed delivery again, then back to the page with what happened."""
    return await _act(reference, "retry", request, pool, temporal)


@router.post("/pages/complaints/{reference}/deliveries/dismiss")
async def dismiss_from_page(reference: str, request: Request, pool: PoolDep, temporal: TemporalDep) -> RedirectResponse:
    """"Mark as handled": forget a failed delivery someone made another way."""
    return await _act(reference, "dismiss", request, pool, temporal)


async def _act(reference: str, action: Action, request: Request, pool: PoolDep, temporal: TemporalDep) -> RedirectResponse:
    if not same_origin(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a form from another site cannot retry or dismiss deliveries")
    form = await read_form(request)
    back = local_path(form.get("back"), f"/complaints/{reference}/page")
    key = form.get("key", "").strip() or None
    if key is None and action == "dismiss":
        return redirect_with_flash(back, "error", "Nothing was changed: the form did not say which delivery to mark as handled.")
    if key is not None and (len(key) > KEY_LIMIT or not key.isprintable()):
        return redirect_with_flash(back, "error", "Nothing was changed: that is not the key of a delivery.")
    what = await _what(pool, reference, key, form.get("what", ""))
    try:
        await act_on_delivery(pool, temporal, reference, action, key)
    except DeliveryProblem as problem:
        return redirect_with_flash(back, "error", _refusal(problem, action, what, reference))
    if action == "retry":
        return redirect_with_flash(back, "success", (
            f"{what} on {reference} is queued again and goes out in the next few seconds. If its "
            "cause is not fixed yet it fails again and comes back on this list, with the reason."))
    return redirect_with_flash(back, "success", (
        f"{what} on {reference} is marked as handled: it will not be sent, and it is off the list."))


async def _what(pool: PoolDep, reference: str, key: str | None, shown: str) -> str:
    """The delivery in words for the message: as listed now, else as the page showed it (a
    stale page's item may be gone), else its key."""
    if key is None:
        return "Every failed delivery"
    listed = {i.key: i for i in await needs_attention(pool, reference=reference)}
    if key in listed:
        return what_in_words(listed[key])
    shown = shown.strip()
    return shown if 0 < len(shown) <= KEY_LIMIT and shown.isprintable() else f"Delivery {key}"


def _refusal(problem: DeliveryProblem, action: Action, what: str, reference: str) -> str:
    said = str(problem)
    if problem.status_code == 409 and " refused: " in said:  # the workflow's own refusal
        doing = "to try again" if action == "retry" else "to mark as handled"
        return (f"Nothing was changed: {what[:1].lower()}{what[1:]} on {reference} is no longer waiting "
                f"{doing} (someone may have tried it again or marked it handled already). "
                f"The complaint's workflow said: “{said}”.")
    return f"Nothing was changed. {said[:1].upper()}{said[1:]}."
