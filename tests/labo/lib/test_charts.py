import re

from labo.lib.charts import (
    BAR_SPAN,
    BAR_START,
    LABEL_WIDTH,
    PALETTE,
    ROW_HEIGHT,
    STACK_SPAN,
    bar_chart,
    shift_chart,
    stacked_chart,
    text_width,
    tint,
    wrap,
)


def drawn_texts(svg) -> list[str]:
    """The texts written in the drawing (labels, numbers), line by line."""
    return re.findall(r"<(?:text|tspan)[^>]*>([^<]+)<", str(svg))


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


def test_a_long_label_is_wrapped_on_several_lines_and_never_cut():
    label = "Le labo d’accompagnement de projets transversaux des directions métiers"
    chart = bar_chart("Intérêt", [(label, 4), ("Court", 3)], maximum=5)
    long, short = chart.bars

    assert len(long.lines) == 2
    assert " ".join(long.lines) == label
    assert "…" not in str(chart.svg)
    assert long.height > ROW_HEIGHT == short.height
    assert short.y == long.height  # the next row starts under the taller one
    assert [t for t in drawn_texts(chart.svg) if t in long.lines] == long.lines


def test_a_word_longer_than_a_line_is_broken_but_kept_whole():
    word = "x" * 90

    assert "".join(wrap(word)) == word


def test_no_line_of_a_label_is_wider_than_the_labels_room():
    label = "PMO DSIN / DRH : MODERNISATION ACCUEIL DES USAGERS ET DES AGENTS"

    lines = wrap(label)

    assert " ".join(lines) == label
    assert all(text_width(line) <= LABEL_WIDTH - 1 for line in lines)
    chart = stacked_chart("Catégories", ["A", "B", "C", "D", "E"], [(label, [1, 2, 3, 4, 5])])
    starts = [LABEL_WIDTH - text_width(line) for row in chart.rows for line in row.lines]
    assert min(starts) >= chart.left  # drawn inside the picture, not cut on its left


def test_every_bar_carries_its_number():
    chart = bar_chart("Notes", [("5/5", 2), ("4/5", 0), ("3/5", 7)])

    assert [t for t in drawn_texts(chart.svg) if t.isdigit()] == ["2", "0", "7"]


def test_the_palette_is_okabe_ito():
    assert PALETTE == ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00")
    assert PALETTE[0] in str(bar_chart("A", [("a", 1)]).svg)


def test_a_shift_shows_each_position_before_and_after_with_its_numbers():
    chart = shift_chart(
        "Positions",
        [("Convaincus", 2, 4), ("Sceptiques", 3, 1), ("Indécis", 2, 2)],
        before_label="Avant",
        after_label="Après",
    )
    convinced = chart.rows[0]

    assert convinced.lines == ["Convaincus 2 → 4"]
    assert convinced.change == 2
    assert convinced.after_length == 88 and convinced.before_length == 44
    texts = drawn_texts(chart.svg)
    for expected in ("Convaincus 2 → 4", "2 avant", "4 après", "Sceptiques 3 → 1", "1 après"):
        assert expected in texts
    # The light bar before, the dark one after, in the position's own colour.
    assert f'fill="{tint(PALETTE[0])}"' in str(chart.svg)
    assert f'fill="{PALETTE[0]}"' in str(chart.svg)
    assert chart.text == (
        "Positions. Avant : Convaincus 2, Sceptiques 3, Indécis 2 ; "
        "Après : Convaincus 4, Sceptiques 1, Indécis 2."
    )


def test_a_shift_of_nobody_is_empty_and_draws_no_length():
    chart = shift_chart("P", [("Convaincus", 0, 0)])

    assert chart.empty
    assert chart.rows[0].after_length == 0


def test_each_cell_of_a_stacked_bar_carries_its_number_inside_or_after_the_bar():
    chart = stacked_chart("Catégories", ["A", "B"], [("S9", [40, 1])], short=["A", "B"])
    row = chart.rows[0]

    assert row.segments[0].fits and not row.segments[1].fits
    assert "40" in drawn_texts(chart.svg)  # inside its cell
    assert row.after == "41 (B 1)"  # too narrow: named after the total


def test_the_drawing_starts_at_its_longest_label_and_keeps_the_documents_scale():
    short = bar_chart("Positions", [("Oui", 9), ("Non", 3)])
    long = bar_chart("Stands", [("Le labo d’accompagnement de projets transversaux", 4)])

    left = float(re.search(r'viewBox="([-\d.]+) ', str(short.svg)).group(1))
    width = float(re.search(r'width="([\d.]+)%"', str(short.svg)).group(1))
    assert left > 0
    assert width == round(100 * (200 - left) / 200, 1)  # the same scale as a whole drawing
    long_left = float(re.search(r'viewBox="([-\d.]+) ', str(long.svg)).group(1))
    assert long_left < left
    assert long_left <= 78 - max(text_width(line) for line in long.bars[0].lines)
