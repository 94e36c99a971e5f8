"""Home's starts-per-minute chart: one time format and whole numbers (walk-through: the axis
mixed "02:25" with "03 PM" and printed "0.000000" on an empty hour)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pages.ui import starts_chart


def test_the_axes_have_one_time_format_and_whole_numbers():
    now = dt.datetime(2026, 12, 1, 14, 0)
    frame = pd.DataFrame({"minute": [now + dt.timedelta(minutes=i) for i in range(60)], "starts": [0] * 60})
    enc = starts_chart(frame).to_dict()["encoding"]
    assert enc["x"]["axis"]["format"] == "%H:%M"
    assert enc["y"]["axis"]["format"] == "d" and enc["y"]["axis"]["tickMinStep"] == 1
