from labo.lib.charts import BAR_SPAN, BAR_START, STACK_SPAN, bar_chart, stacked_chart


def test_bars_are_proportional_and_the_longest_fills_the_span():
    chart = bar_chart("Positions", [("Oui", 9), ("Non", 3), ("Mitigé", 0)])

    assert [bar.length for bar in chart.bars] == [BAR_SPAN, round(BAR_SPAN / 3, 2), 0]
    assert chart.text == "Positions. Oui : 9 ; Non : 3 ; Mitigé : 0."


def test_a_fixed_maximum_keeps_averages_on_their_scale():
    chart = bar_chart("Intérêt", [("Stand", 2.5)], maximum=5, unit="/5", decimals=1)

    assert chart.bars[0].length == BAR_SPAN / 2
    assert chart.text == "Intérêt. Stand : 2,5/5."


def test_a_chart_of_zeros_draws_nothing_and_says_so():
    chart = bar_chart("Vide", [("a", 0), ("b", 0)])

    assert chart.empty
    assert all(bar.length == 0 for bar in chart.bars)


def test_a_hidden_cell_is_left_out_of_the_bar_and_the_total_is_not_shown():
    chart = stacked_chart(
        "Catégories",
        ["A", "B", "C"],
        [("Session 9", [15, None, 6]), ("Session 10", [3, 4, 5])],
        masked_label="moins de 5",
    )
    first, second = chart.rows

    assert [s.series for s in first.segments] == ["A", "C"]
    assert first.hidden == ["B"]
    assert first.after == "B : moins de 5"
    assert second.after == "12"
    assert first.segments[1].x == BAR_START + first.segments[0].length
    assert chart.text == (
        "Catégories. Session 9 : A 15, C 6, B moins de 5 ; Session 10 : A 3, B 4, C 5."
    )


def test_a_row_of_hidden_cells_is_masked_whole():
    chart = stacked_chart("Catégories", ["A", "B"], [("T1", [None, None])], masked_label="masqué")

    assert chart.rows[0].masked
    assert chart.rows[0].segments == []
    assert chart.text == "Catégories. T1 : masqué."


def test_hidden_cells_are_named_short_after_the_bar_and_in_full_in_the_text():
    chart = stacked_chart(
        "Catégories",
        ["Catégorie A", "Catégorie B"],
        [("S9", [15, None])],
        masked_label="moins de 5",
        short=["A", "B"],
    )

    assert chart.rows[0].after == "B : moins de 5"
    assert chart.rows[0].segments[0].length == STACK_SPAN
    assert chart.text == "Catégories. S9 : Catégorie A 15, Catégorie B moins de 5."


def test_the_svg_escapes_labels_and_carries_its_text_alternative():
    chart = bar_chart('Idées <b>"', [("<script>alert(1)</script>", 3)])

    svg = str(chart.svg)

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title>Idées &lt;b&gt;&quot;." in svg
    assert "style=" not in svg  # presentation attributes only: the CSP allows no inline style


def test_a_masked_row_is_drawn_dashed_with_its_label():
    chart = stacked_chart("G", ["A"], [("T1", [None])], masked_label="moins de 5")

    assert 'stroke-dasharray="1 1"' in str(chart.svg)
    assert "moins de 5" in str(chart.svg)
