"""Charts carry their figures in <title> elements; word counts skip stop words."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fieldvisit.engines.analytics.svg import Series, bar_chart, heat_map, line_chart, percent
from fieldvisit.engines.analytics.text import frequent_terms, tokens

SVG = "{http://www.w3.org/2000/svg}"


def titles(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - the SVG is our own output
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def test_stacked_bars_show_each_figure_on_hover():
    svg = bar_chart(
        "Loans by bucket",
        ["2025-01", "2025-02"],
        [Series("M0", [900, 950]), Series("M1 <new>", [100, None])],
        stacked=True,
    )
    assert titles(svg) == [
        "Loans by bucket",
        "2025-01 · M0: 900",
        "2025-01 · M1 <new>: 100",
        "2025-02 · M0: 950",
    ]


def test_line_points_and_heat_cells_carry_their_figures():
    line = line_chart("Cure", ["a", "b"], [Series("M1", [0.25, 0.5])], fmt=percent)
    assert titles(line)[1:] == ["a · M1: 25.0%", "b · M1: 50.0%"]
    heat = heat_map("Roll", ["M0"], ["M0", ""], [[0.9, 0.1]], [[90, 10]])
    assert titles(heat)[1:] == ["M0 → M0: 90.0% (90)", "M0 → —: 10.0% (10)"]


def test_chinese_is_segmented_and_stop_words_dropped():
    assert tokens("我失业了，三月份以后没有工资收入") == ["失业", "三月份", "工资收入"]
    assert tokens("I lost my job in March, 2025.") == ["lost", "job", "march"]


def test_terms_are_ranked_by_the_texts_they_occur_in_with_examples():
    terms = frequent_terms(
        [(1, "利率利率利率太高"), (2, "利率没说清楚"), (3, "还款压力大，利率高")], top=2
    )
    assert (terms[0].term, terms[0].texts, terms[0].examples) == ("利率", 3, (1, 2, 3))
    phrases = frequent_terms([(1, "job loss again"), (2, "job loss")], phrases=True)
    assert [(t.term, t.texts) for t in phrases] == [("job loss", 2)]
