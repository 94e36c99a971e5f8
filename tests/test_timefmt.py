"""Times shown to users: local time zone and relative wording."""

from __future__ import annotations

import datetime as dt

import pytest

from core import timefmt

NOW = dt.datetime(2026, 1, 28, 15, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("seconds, expected", [
    (0, "just now"), (30, "just now"), (120, "2 min ago"), (59 * 60, "59 min ago"),
    (3 * 3600, "3 h ago"), (86400 * 2, "2 days ago"), (86400, "1 day ago"),
    (-180, "in 3 min"), (-10, "in a few seconds"),
])
def test_relative_times_read_naturally(seconds, expected):
    assert timefmt.relative(NOW - dt.timedelta(seconds=seconds), NOW) == expected


def test_local_times_use_the_browser_zone_and_show_the_year_only_when_needed():
    tz = timefmt.zone("Europe/Berlin")
    assert timefmt.local(NOW, tz, NOW) == "Jan 28, 4:30 PM"
    assert timefmt.local(NOW - dt.timedelta(days=365), tz, NOW) == "Jan 28, 4:30 PM 2025"
    naive = NOW.replace(tzinfo=None)  # SQLite may hand back naive UTC
    assert timefmt.local(naive, timefmt.zone("America/New_York"), NOW) == "Jan 28, 10:30 AM"


def test_unknown_zones_fall_back_to_the_offset_then_utc():
    assert timefmt.zone("Not/AZone") is timefmt.UTC
    assert timefmt.zone(None, -60).utcoffset(None) == dt.timedelta(hours=1)
    assert timefmt.zone(None) is timefmt.UTC


def test_when_is_relative_for_the_last_day_and_a_date_after():
    tz = timefmt.zone("UTC")
    assert timefmt.when(NOW - dt.timedelta(minutes=2), tz, NOW) == "2 min ago (3:28 PM)"
    assert timefmt.when(NOW - dt.timedelta(days=3), tz, NOW) == "Jan 25, 3:30 PM"
    assert timefmt.when(None, tz, NOW) == "—"
