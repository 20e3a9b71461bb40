"""Letter templates (`<template>.html.j2`, one per letter) and their rendering.

What each letter reads from `LetterToSend.dates` (shown in words) and `.facts`:

| template | required dates | optional dates | facts |
|---|---|---|---|
| acknowledgement | | target (T1) | |
| update_awaiting_allocation | | forwarded, next_update | |
| council_update_awaiting_allocation | | forwarded | |
| allocation | | hear_by (allocated + 4 weeks) | |
| council_allocation | | | |
| evidence_request | due | | request |
| chaser_1 | due (the missed date) | reply_by | request |
| chaser_2 | due (the missed date) | chaser_1, reply_by | request |
| progress_update | | | progress |
| draft_decision | comments_due | | |
| final_decision | | review_by, publish_on, recommendation:<id> | outcome, recommendation:<id> |
| public_report | publish_from, notices_by, response_due | | |
| further_report | response_due | publish_from, notices_by | |

Complainant and council versions come from the same template (`to`), where both exist.
"""

from letters.render import REQUIRED_DATES, LetterError, RenderedLetter, render_letter, template_names

__all__ = ["REQUIRED_DATES", "LetterError", "RenderedLetter", "render_letter", "template_names"]
