"""The day atip takes as today: ATIP_TODAY (an ISO date) when set, so that a register can be
replayed and tests can use any year; else the system date in the office's time zone."""

from __future__ import annotations

import os
from datetime import date, datetime

from atip.errors import InputError
from atip.i18n import _

ENV = "ATIP_TODAY"


def today(timezone: str | None = None) -> date:
    """Today for atip: ATIP_TODAY, else the date in `timezone` (default: the machine's)."""
    fixed = os.environ.get(ENV, "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise InputError(
                _("ATIP_TODAY must be a date written YYYY-MM-DD, not {value}").format(
                    value=repr(fixed[:20])
                )
            ) from None
    if timezone:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(timezone)).date()
    return date.today()
