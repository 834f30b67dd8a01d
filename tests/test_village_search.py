"""The map's village search (views.grid_map_village.find_villages): the list under the map holds the
matches of what was typed, never every village."""

from __future__ import annotations

import pandas as pd

from views.grid_map_village import find_villages

VILLAGES = pd.DataFrame(
    {
        "village_code": ["v1", "v2", "v3", "v4", "v5"],
        "name": ["大河村", "小河村", "河口村", "Qinghe 村", "<b>山村</b>"],
        "township_name": ["东镇", "东镇", "西镇", "西镇", "河西镇"],
    }
)


def test_an_empty_query_lists_the_first_villages_and_counts_all():
    assert find_villages(VILLAGES, "", 2) == (["v1", "v2"], 5)
    assert find_villages(VILLAGES, "   ", 10) == (["v1", "v2", "v3", "v4", "v5"], 5)


def test_names_starting_with_the_query_come_first():
    # 河口村 starts with 河; 大河村, 小河村 contain it; 山村 is in 河西镇
    assert find_villages(VILLAGES, "河", 10) == (["v3", "v1", "v2", "v5"], 4)
    assert find_villages(VILLAGES, "河", 2) == (["v3", "v1"], 4)


def test_case_spaces_township_and_code():
    assert find_villages(VILLAGES, "qing HE", 10) == (["v4"], 1)
    assert find_villages(VILLAGES, "西镇", 10) == (["v3", "v4", "v5"], 3)  # 河西镇 too
    assert find_villages(VILLAGES, "V5", 10) == (["v5"], 1)
    assert find_villages(VILLAGES, "<b>", 10) == (["v5"], 1)  # text, not a pattern
    assert find_villages(VILLAGES, "(", 10) == ([], 0)
    assert find_villages(VILLAGES.iloc[0:0], "河", 10) == ([], 0)
