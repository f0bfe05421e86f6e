"""A report period: whole local days in the report's time zone, and the one just before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PRESETS: tuple[int | None, ...] = (7, 30, 90, None)
"""The period buttons: 7, 30, 90 days and all time (None)."""
DEFAULT_DAYS = 30
DEFAULT_TIMEZONE = "Europe/Moscow"
"""Where report days start and end unless `REPORT_TIMEZONE` says otherwise."""


@dataclass(frozen=True, slots=True)
class Period:
    """The days `since`..`until` (both included; `since` None = from the first attempt on) in
    time zone `tz`. `days` is the preset it came from (None for all time or chosen dates)."""

    since: date | None
    until: date
    tz: ZoneInfo
    days: int | None = None

    @classmethod
    def last(cls, days: int | None, tz: ZoneInfo, now: datetime | None = None) -> Period:
        """The last `days` days up to today (None = all time). Raises `ValueError` if days < 1."""
        today = (now or datetime.now(UTC)).astimezone(tz).date()
        if days is None:
            return cls(None, today, tz, None)
        if days < 1:
            raise ValueError("a period has at least one day")
        return cls(today - timedelta(days=days - 1), today, tz, days)

    @classmethod
    def between(
        cls, since: date | None, until: date | None, tz: ZoneInfo, now: datetime | None = None
    ) -> Period:
        """The days from `since` to `until` (None = today). Raises `ValueError` if since > until.
        """
        end = until or (now or datetime.now(UTC)).astimezone(tz).date()
        if since is not None and since > end:
            raise ValueError(f"the period starts ({since}) after it ends ({end})")
        return cls(since, end, tz, None)

    @property
    def length(self) -> int | None:
        """Days in the period (None for all time)."""
        return None if self.since is None else (self.until - self.since).days + 1

    def bounds(self) -> tuple[str | None, str]:
        """(since, until) as stored UTC timestamps: `since <= started_at < until`."""
        start = None if self.since is None else _utc(self.since, self.tz)
        return start, _utc(self.until + timedelta(days=1), self.tz)

    def previous(self) -> Period | None:
        """The period of the same length just before this one (None for all time)."""
        if self.since is None or self.length is None:
            return None
        end = self.since - timedelta(days=1)
        return Period(end - timedelta(days=self.length - 1), end, self.tz, self.days)

    def local(self, stamp: str) -> datetime:
        """A stored UTC timestamp in the period's time zone."""
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.tz)


def _utc(day: date, tz: ZoneInfo) -> str:
    """Local midnight at the start of `day`, as a stored UTC timestamp."""
    return datetime.combine(day, time(0), tz).astimezone(UTC).isoformat(timespec="microseconds")
