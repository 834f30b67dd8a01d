import pytest

from data_access.periods import Period, periods_with_data


@pytest.mark.parametrize(
    ("text", "months", "previous", "label"),
    [
        ("2026-03", ("2026-03",), "2026-02", "2026年3月"),
        ("2026-01", ("2026-01",), "2025-12", "2026年1月"),
        ("2026-Q1", ("2026-01", "2026-02", "2026-03"), "2025-Q4", "2026年第1季度"),
        ("2026-q3", ("2026-07", "2026-08", "2026-09"), "2026-Q2", "2026年第3季度"),
        ("2025", tuple(f"2025-{m:02d}" for m in range(1, 13)), "2024", "2025年"),
    ],
)
def test_parse_months_previous_label(text, months, previous, label):
    period = Period.parse(text)
    assert period.months == months
    assert period.previous().key == previous
    assert period.label == label
    assert Period.parse(period.key) == period


@pytest.mark.parametrize(
    "bad", ["", "2026-13", "2026-00", "2026-Q5", "26-01", "2026/01", "x' OR 1=1"]
)
def test_malformed_periods_are_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_periods_with_data_newest_first():
    months = ["2025-11", "2025-12", "2026-01", "2026-04"]
    assert [p.key for p in periods_with_data(months, "quarter")] == [
        "2026-Q2",
        "2026-Q1",
        "2025-Q4",
    ]
    assert [p.key for p in periods_with_data(months, "year")] == ["2026", "2025"]
    assert periods_with_data(months, "month")[0].key == "2026-04"


@pytest.mark.parametrize(
    ("text", "following"),
    [("2025-12", "2026-01"), ("2026-03", "2026-04"), ("2025-Q4", "2026-Q1"), ("2025", "2026")],
)
def test_next_period(text, following):
    assert Period.parse(text).next().key == following
    assert Period.parse(following).previous().key == text
