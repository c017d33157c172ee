"""The shared bar chart of the admin's reports (participation, survey results): every position is
computed in Python, to a tenth of a pixel, so that a bar's parts touch and end at its total."""

import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from registrations.participation import Counts, Row, bar_chart, stacked_bar_chart


def geometry(chart) -> list[list[tuple[str, str, str]]]:
    """Per bar: its parts as (kind, x, width), printed as the template prints them."""
    return [[(s.kind, str(s.x), str(s.width)) for s in bar.segments] for bar in chart["bars"]]


def test_parts_of_a_bar_touch_exactly_and_end_at_its_total():
    chart = stacked_bar_chart(
        [("Drie", 3, [("attended", 1), ("no_show", 1), ("unrecorded", 1)]), ("Een", 1, [("attended", 1)])],
        width=100,
        label_width=160,
    )

    # Thirds of 100 px: each part rounded on its own would give 33.3 three times (99.9 in all); the
    # ends are rounded instead (33.3, 66.7, 100), so the middle part is 33.4.
    assert geometry(chart) == [
        [("attended", "160.0", "33.3"), ("no_show", "193.3", "33.4"), ("unrecorded", "226.7", "33.3")],
        [("attended", "160.0", "33.3")],
    ]
    assert [(str(bar.width), str(bar.value_x), bar.text_y) for bar in chart["bars"]] == [
        ("100.0", "266.0", 13),
        ("33.3", "199.3", 37),
    ]
    for bar in chart["bars"]:
        ends = [segment.x + segment.width for segment in bar.segments]
        assert [segment.x for segment in bar.segments[1:]] == ends[:-1]
        assert ends[-1] == 160 + bar.width


def test_participation_chart_keeps_the_fractions_of_a_city():
    def city(name, registered, came):
        counts = Counts(registered=registered, checked=True, checked_registered=registered, checked_in=came)
        return Row(name=name, kind="G40-gemeente", is_g40=True, total=counts)

    chart = bar_chart([city("Deventer", 27, 24), city("Apeldoorn", 12, 8)])

    # 8 of 27 on 360 px is 106.67 px: the part that did not come starts at 266.7, not at 266.
    assert geometry(chart) == [
        [("attended", "160.0", "320.0"), ("no_show", "480.0", "40.0")],
        [("attended", "160.0", "106.7"), ("no_show", "266.7", "53.3")],
    ]
    assert [str(bar.value_x) for bar in chart["bars"]] == ["526.0", "326.0"]
    assert [(entry.box_x, entry.text_x) for entry in chart["legend"]] == [(160, 176), (320, 336), (430, 446)]
    assert (chart["svg_width"], chart["svg_height"], chart["label_x"]) == (580, 68, 150)


def test_template_prints_the_positions_with_a_decimal_point_in_dutch_too():
    chart = stacked_bar_chart([("Drie", 3, [("attended", 1), ("no_show", 2)])], width=100, label_width=40)

    with translation.override("nl"):
        svg = render_to_string(
            "registrations/admin/bar_chart.html", {"chart": chart, "chart_id": "c", "chart_title": "Titel"}
        )

    rects = re.findall(r'<rect class="(\w+)" x="([\d.]+)" y="0" width="([\d.]+)" height="18">', svg)
    assert rects == [("attended", "40.0", "33.3"), ("no_show", "73.3", "66.7")]
    assert Decimal(rects[0][1]) + Decimal(rects[0][2]) == Decimal(rects[1][1])
    assert '<text x="30" y="13" text-anchor="end">Drie</text>' in svg
    assert '<text x="146.0" y="13">3</text>' in svg
    assert 'width="200" height="24" viewBox="0 0 200 24"' in svg
