"""Every page shows a percentage rounded once from the exact ratio, half up: the akimat's figures
and the region's read model give the same per cent for the same counts (a share rounded to four
places and then to one gave 83.0 for 49 of 59, and 81.2 or 81.3 for 39 of 48 depending on the page)."""

from __future__ import annotations

import pytest

from appeals.kpi_definitions import percent_of
from appeals.reads.kpis import Figures
from regional.console import Figures as RegionRow
from regional.kpis import Kpis


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (49, 59, 83.1),  # 83.05...: the four-place share 0.8305 gave 83.0
        (58, 62, 93.5),  # 93.548...: 93.5, not 93.6
        (69, 82, 84.1),  # 84.146...
        (39, 48, 81.3),  # exactly 81.25: half up
        (69, 80, 86.3),  # exactly 86.25
        (5, 68, 7.4),  # 7.352...: the share 0.0735 gave 7.3
        (964, 3604, 26.7),
        (1, 16, 6.3),  # exactly 6.25
        (0, 7, 0.0),
        (7, 7, 100.0),
        (3, 0, None),
    ],
)
def test_a_percentage_is_the_exact_ratio_rounded_once_half_up(part, whole, shown):
    assert percent_of(part, whole) == shown
    akimat = Figures(received=whole, repeats=part, answered=whole, answered_on_time=part)
    assert akimat.sla_percent == akimat.repeat_percent == shown
    region = Kpis(received=whole, repeats=part, resolved=whole, resolved_on_time=part)
    assert region.sla_percent == region.repeat_percent == shown
    row = RegionRow.of(region)
    assert row.sla_percent == row.repeat_percent == shown
