"""The visit pack's pure parts: months, kinds, citations and the SVG charts."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from wblqa_cli.report import charts
from wblqa_cli.report.pack import (
    Count,
    add_months,
    by_kind,
    by_month,
    citations,
    settings,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_add_months_crosses_years() -> None:
    assert add_months(date(2025, 10, 6), 0) == date(2025, 10, 1)
    assert add_months(date(2025, 10, 6), 3) == date(2026, 1, 1)
    assert add_months(date(2025, 12, 31), 12) == date(2026, 12, 1)


def test_by_month_keeps_empty_months_and_drops_the_rest() -> None:
    rows = [
        (date(2025, 10, 31), "learner_work", 2),
        (date(2025, 10, 7), "qa_documents", 1),
        (date(2026, 1, 1), "learner_work", 5),
        (date(2026, 10, 1), "learner_work", 9),  # the 13th month: outside
    ]
    months = by_month(rows, date(2025, 10, 6), 12)
    assert [m.label for m in months][:4] == ["Oct 2025", "Nov 2025", "Dec 2025", "Jan 2026"]
    assert [m.count for m in months][:4] == [3, 0, 0, 5]
    assert len(months) == 12 and sum(m.count for m in months) == 8


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.lists(st.tuples(st.integers(0, 800), st.integers(1, 50)), max_size=30),
    st.integers(1, 24),
)
def test_by_month_counts_exactly_the_rows_in_its_window(
    start: date, offsets: list[tuple[int, int]], months: int
) -> None:
    rows = [(start + timedelta(days=d), "learner_work", n) for d, n in offsets]
    counted = by_month(rows, start, months)
    end = add_months(start, months)
    inside = sum(n for day, _, n in rows if start.replace(day=1) <= day < end)
    assert len(counted) == months and sum(c.count for c in counted) == inside


def test_by_kind_labels_and_orders_largest_first() -> None:
    rows = [(date(2025, 1, 1), "a", 1), (date(2025, 2, 1), "b", 4), (date(2025, 3, 1), "a", 1)]
    assert by_kind(rows, {"a": "Learner work", "b": "QA documents"}) == [
        Count("QA documents", 4),
        Count("Learner work", 2),
    ]


def test_citations_split_join_and_locate() -> None:
    files = {
        "x.toml": {
            "format": 1,
            "rules": [
                {"kind": "lw", "source": "doc-a: Section 1"},
                {"kind": "qa", "source": "doc-a: Section 1; doc-b: Other"},
            ],
            "window": {"source": "doc-b: Other"},
        }
    }
    found = {(c.document, c.section): c.used_by for c in citations(files)}
    assert found == {
        ("doc-a", "Section 1"): ("data/x.toml lw", "data/x.toml qa"),
        ("doc-b", "Other"): ("data/x.toml qa", "data/x.toml [window]"),
    }


def test_settings_come_from_data() -> None:
    s = settings()
    assert s.disposal_months == 12 and s.holds_listed > 0 and s.flags_listed > 0


def _svg(text: str) -> ElementTree.Element:
    root = ElementTree.fromstring(text)  # well-formed XML, as an SVG must be
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    return root


def test_timeline_marks_each_date_and_today() -> None:
    first, last = date(2025, 9, 1), date(2026, 8, 31)
    spans = [
        charts.Span("AQD due <soon>", date(2025, 10, 14)),
        charts.Span("LSV window", date(2025, 10, 1), date(2026, 3, 31)),
    ]
    root = _svg(charts.timeline("Key dates & more", spans, first, last, date(2025, 10, 6)))
    assert root.find(f"{SVG}title").text == "Key dates & more"  # type: ignore[union-attr]
    assert len(root.findall(f"{SVG}circle")) == 1
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "AQD due <soon>" in texts and "today" in texts
    assert texts.count("Sep") == 1 and "Aug" in texts


def test_timeline_without_today_in_the_year() -> None:
    root = _svg(charts.timeline("t", [], date(2025, 9, 1), date(2026, 8, 31), date(2027, 1, 1)))
    assert "today" not in [t.text for t in root.iter(f"{SVG}text")]


def test_progress_bars_fill_the_answered_share() -> None:
    bars = [charts.Progress("Centre", 5, 20, 1), charts.Progress("x" * 80, 0, 0, 0)]
    root = _svg(charts.progress_bars("AQD", bars))
    filled = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.FILL]
    assert [float(r.get("width", 0)) for r in filled] == [85.0, 340.0]  # 5/20, and 0/0 is done
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "5/20, 1 flagged" in texts
    cut = [t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}title") is not None]
    assert len(cut) == 1  # the long label, cut with "…", its whole text in its <title>
    assert cut[0].find(f"{SVG}title").text == "x" * 80  # type: ignore[union-attr]
    assert (cut[0].find(f"{SVG}title").tail or "").endswith("…")  # type: ignore[union-attr]


def test_columns_scale_to_the_largest_and_label_every_month() -> None:
    counts = [Count("Oct 2025", 0), Count("Nov 2025", 4), Count("Dec 2025", 2)]
    root = _svg(charts.columns("Disposals", counts))
    heights = [float(r.get("height", 0)) for r in root.iter(f"{SVG}rect")]
    assert heights == [150.0, 75.0]  # no column for a zero month
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["0", "Oct", "2025", "4", "Nov", "2025", "2", "Dec", "2025"]


def _inside(root: ElementTree.Element) -> None:
    """Every label's measured extent lies within the drawing's viewBox."""
    _, _, width, _ = (float(v) for v in (root.get("viewBox") or "").split())
    for t in root.iter(f"{SVG}text"):
        shown = (t.find(f"{SVG}title").tail if t.find(f"{SVG}title") is not None else t.text) or ""
        size = float(t.get("font-size") or charts.SIZE)
        extent = charts.text_width(shown, size)
        x = float(t.get("x", 0))
        left = x - extent / 2 if t.get("text-anchor") == "middle" else x
        assert left >= 0 and left + extent <= width, (shown, left, extent, width)


@given(st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=5))
def test_every_label_is_drawn_inside_its_chart(labels: list[str]) -> None:
    first, last = date(2025, 9, 1), date(2026, 8, 31)
    spans = [charts.Span(label, first + timedelta(days=40 * i)) for i, label in enumerate(labels)]
    _inside(_svg(charts.timeline("t", spans, first, last, last)))
    _inside(
        _svg(charts.progress_bars("p", [charts.Progress(x, 10**6, 10**6, 10**6) for x in labels]))
    )
    _inside(_svg(charts.columns("c", [Count(f"{x} 2025", 10**9) for x in labels])))


def test_charts_escape_labels() -> None:
    hostile = '"><script>alert(1)</script>'
    for svg in (
        charts.columns(hostile, [Count(hostile, 1)]),
        charts.progress_bars(hostile, [charts.Progress(hostile, 1, 2, 0)]),
        charts.timeline(
            hostile,
            [charts.Span(hostile, date(2025, 9, 2))],
            date(2025, 9, 1),
            date(2026, 8, 31),
            date(2025, 9, 1),
        ),
    ):
        root = _svg(svg)
        assert not [e for e in root.iter() if "script" in e.tag]
        assert root.get("aria-label") == hostile


def test_running_head_is_safe_inside_a_css_string() -> None:
    from wblqa_cli.report.render import css_text

    assert css_text('12345" } body { display: none } /*') == "12345  body  display none  /"
    assert css_text("Visit pack 2025-26 · centre 12345, 67890") == (
        "Visit pack 2025-26 · centre 12345, 67890"
    )
