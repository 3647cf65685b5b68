"""Right to left the charts mirror like the page: time from the right, values at the right,
a radar's axes anticlockwise."""

from decimal import Decimal

from practicum.reflection import charts

VALUES = [("Jan", 2), ("Feb", 3), ("Mar", 5)]


def test_a_line_chart_runs_from_the_right_with_its_values_on_the_right():
    ltr = charts.line_chart(VALUES, low=0, high=5, rtl=False)
    rtl = charts.line_chart(VALUES, low=0, high=5, rtl=True)
    assert [p.x for p in ltr.points] == sorted(p.x for p in ltr.points)  # oldest at the left
    assert [p.x for p in rtl.points] == [ltr.width - p.x for p in ltr.points]  # ...at the right
    assert [p.y for p in rtl.points] == [p.y for p in ltr.points]
    assert ltr.value_x < ltr.grid_start and ltr.value_anchor == "end"
    assert rtl.value_x > rtl.grid_end and rtl.value_anchor == "start"
    assert (rtl.first_anchor, rtl.last_anchor) == ("end", "start")


def test_a_radar_goes_round_the_other_way():
    axes = [(n, f"C{n}", Decimal(3), None) for n in range(1, 5)]
    ltr = charts.radar(axes, low=1, high=5, rtl=False)
    rtl = charts.radar(axes, low=1, high=5, rtl=True)
    assert rtl.axes[0].x == ltr.axes[0].x  # the first still points up
    assert ltr.axes[1].x > ltr.centre > rtl.axes[1].x  # the second: right, then left
    assert (ltr.axes[1].anchor, rtl.axes[1].anchor) == ("start", "end")
