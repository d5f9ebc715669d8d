import re

from metacompress.report.svg import bars


def rects(svg: str) -> list[tuple[float, float, str]]:
    """(y, height, tooltip) of every bar."""
    found = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" '
                       r'fill="[^"]+"><title>([^<]*)</title>', svg)  # fmt: skip
    return [(float(y), float(h), t) for y, h, t in found]


def test_bars_are_grouped_scaled_and_missing_values_say_n_a():
    svg = bars(["acc", "f1"], [("teacher", [80.0, 40.0]), ("student", [None, 120.0]), ("other", [float("nan"), None])],
               "t", "%", y_max=100.0)  # fmt: skip
    drawn = rects(svg)
    assert [t for _, _, t in drawn] == ["acc / teacher: 80.000", "f1 / teacher: 40.000",
                                        "f1 / student: 120.000"]  # fmt: skip
    (y80, h80, _), (y40, h40, _), (y_top, h_top, _) = drawn
    assert abs(h80 - 2 * h40) < 0.2 and abs(y80 + h80 - (y40 + h40)) < 0.1  # one baseline
    assert abs(h_top - h80 * 100 / 80) < 0.2  # a value above y_max is clipped to the plot
    assert "acc / student: n/a" in svg and "acc / other: n/a" in svg and "nan" not in svg


def test_intervals_are_whiskers_from_low_to_high():
    svg = bars(["acc"], [("teacher", [50.0]), ("student", [20.0])], "t", "%", y_max=100.0,
               intervals=[[(40.0, 60.0)], [None]])  # fmt: skip
    (y, height, tooltip), _ = rects(svg)
    assert tooltip == "acc / teacher: 50.000 [40.000, 60.000]"
    whiskers = re.findall(r'<path d="M([\d.]+) ([\d.]+)V([\d.]+)', svg)
    assert len(whiskers) == 1
    _, low, high = map(float, whiskers[0])
    per_point = height / 50.0
    assert abs(low - (y + 10 * per_point)) < 0.2 and abs(high - (y - 10 * per_point)) < 0.2


def test_an_interval_not_computed_draws_no_whisker():
    svg = bars(["acc"], [("teacher", [50.0])], "t", "%", y_max=100.0,
               intervals=[[(float("nan"), float("nan"))]])  # fmt: skip
    assert "whisker" not in svg and "nan" not in svg and "50.000</title>" in svg
