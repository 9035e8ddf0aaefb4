"""An editable copy of a session's synthesis as a Word document (.docx), for the
administrations that rework a document before sending it on.

It is drawn from the very context the PDF is drawn from (``sessions.synthesis.synthesis_of``
with ``for_pdf=True``), with real headings (Heading 1/2/3), tables and the photos' print
copies. Each part of the document is one function of ``SECTIONS``: a new part of the
synthesis is one function added there."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document as new_document
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph

from labo.lib.charts import BarChart, ShiftChart, StackedChart
from labo.lib.typography import french_text

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARGIN = Cm(2)
LINE = Cm(17)  # A4 less its margins
AFTER_TABLE = Pt(9)
PHOTO_WIDTH = Cm(8)  # two photos side by side: A4 less its margins is 17 cm
PHOTO_WIDTH_OF_THREE = Cm(5.2)  # three, when a workshop has more than two
SHORT_FALL = RGBColor(0x8A, 0x4B, 0x00)  # a day that fell short, as the PDF's .figure-short

Context = dict
Section = Callable[[Document, Context], None]


# Generic helpers: they know Word, not the lab.


def _lines(paragraph, text: str) -> None:
    """A text typed with line breaks, as the PDF's ``linebreaksbr`` shows it."""
    lines = str(text).splitlines() or [""]
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()


def _paragraphs(doc: Document, text: str) -> None:
    _lines(doc.add_paragraph(), text)


def _labelled(doc: Document, label: str, text: str) -> None:
    """``Label: text`` with the label in bold, as the PDF's ``<strong>`` lead-ins."""
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{label} ").bold = True
    _lines(paragraph, text)


def _bullets(doc: Document, items: Iterable[str]) -> None:
    for item in items:
        doc.add_paragraph(str(item), style="List Bullet")


def _table(
    doc: Document,
    headers: list[str],
    rows: Iterable[Iterable[object]],
    widths: Sequence[float] | None = None,
) -> None:
    """A table whose first row is its header, repeated on every page it spans. ``widths``:
    each column's share of the line (equal shares without them)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    _repeat_header(header)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    if widths:
        _widths(table, widths)
    _keep_rows_whole(table)


def _widths(table, shares: Sequence[float]) -> None:
    """Columns at their share of the line: Word reads the cells' widths, LibreOffice the
    grid's, so both are set."""
    total = sum(shares)
    table.autofit = False
    for column, share in zip(table.columns, shares, strict=True):
        width = Emu(int(LINE * share / total))
        column.width = width
        for cell in column.cells:
            cell.width = width


def _room_after_tables(doc: Document) -> None:
    """Room above a paragraph that follows a table, which would touch its last line else
    (the 3 pt every paragraph has before it do not show there)."""
    for table in doc.element.body.iterchildren(qn("w:tbl")):
        following = table.getnext()
        if following is not None and following.tag == qn("w:p"):
            Paragraph(following, doc).paragraph_format.space_before = AFTER_TABLE


def _keep_rows_whole(table) -> None:
    """A row is not split across two pages (a photo stays with its caption, a line of a
    table is read on one page)."""
    for row in table.rows:
        mark = OxmlElement("w:cantSplit")
        mark.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(mark)


def _repeat_header(row) -> None:
    """Mark a row as the table's header (Word repeats it and reads it as such)."""
    properties = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    properties.append(mark)


def _a4_with_page_numbers(doc: Document) -> None:
    """A4 portrait, 2 cm margins, the page number centred in the footer, as the PDF."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.text = text
        run._r.append(field)


def _photo_path(src: str) -> Path | None:
    """The local file of a photo's ``file://`` address, if it is one of the processed
    photos (the same rule as the PDF's fetcher: nothing else is read)."""
    if not src.startswith("file://"):
        return None
    path = Path(unquote(urlparse(src).path)).resolve()
    root = (Path(settings.MEDIA_ROOT) / "photos").resolve()
    if path.is_relative_to(root) and path.is_file():
        return path
    return None


def _chart(doc: Document, chart: object) -> None:
    """A chart as the table of its numbers (editable, and readable without the drawing):
    one table per kind of chart of ``labo.lib.charts``."""
    if chart is None or getattr(chart, "empty", False):
        return
    doc.add_paragraph(str(getattr(chart, "title", "")), style="Caption")
    if isinstance(chart, ShiftChart):
        _shift_table(doc, chart)
    elif isinstance(chart, StackedChart):
        _stacked_table(doc, chart)
    elif isinstance(chart, BarChart):
        _table(
            doc,
            [_("Item"), _("Value")],
            [
                (bar.label, f"{bar.display}{chart.unit}" if bar.value is not None else bar.display)
                for bar in chart.bars
            ],
            widths=(12, 5),
        )
    else:
        doc.add_paragraph(str(getattr(chart, "text", "")))
    note = getattr(chart, "note", "")
    if note:
        doc.add_paragraph(str(note))


def _shift_table(doc: Document, chart: ShiftChart) -> None:
    """How a room moved: each position before and after, and by how much."""
    _table(
        doc,
        [_("Position"), chart.before_label, chart.after_label, _("Shift")],
        [(row.label, row.before, row.after, _signed(row.change)) for row in chart.rows],
        widths=(8, 3, 3, 3),
    )


def _signed(change: int) -> str:
    """+2, −3 (a minus sign, not a hyphen) or 0."""
    return f"{change:+d}".replace("-", "−") if change else "0"


def _stacked_table(doc: Document, chart: StackedChart) -> None:
    """One row per bar, one column per series; a hidden cell says so, as the drawing."""
    names = [str(name) for name, _colour, _x in chart.series]
    rows = []
    for row in chart.rows:
        values = {str(segment.series): segment.value for segment in row.segments}
        cells = [
            chart.masked_label if row.masked or name in row.hidden else values.get(name, 0)
            for name in names
        ]
        rows.append([row.label, *cells])
    _table(doc, [_("Item"), *names], rows)


def _date(value, fmt: str = "l j F Y") -> str:
    return formats.date_format(value, fmt)


# The sections of the synthesis, in the PDF's order.


def summary(doc: Document, context: Context) -> None:
    """Page 1, as the PDF's: why, the key figures, "À retenir", each workshop in one line
    and the next steps with their owners."""
    session, programme, s = context["session"], context["programme"], context["summary"]
    doc.add_paragraph(
        f"{_('Synthesis of the session')} · {programme.name} — {programme.organisation}"
    )
    doc.add_heading(
        _("Session #%(number)s: %(title)s") % {"number": session.number, "title": session.title},
        level=0,
    )
    if session.starts_on == session.ends_on:
        when = _date(session.starts_on)
    else:
        when = _("from %(start)s to %(end)s") % {
            "start": _date(session.starts_on, "j F Y"),
            "end": _date(session.ends_on, "j F Y"),
        }
    doc.add_paragraph(f"{session.place} · {when}" if session.place else when)
    if session.objectives:
        # Whole, not cut at 400 characters as on the PDF's page 1: this copy is reworked.
        _labelled(doc, _("Why:"), session.objectives)
    _key_figures(doc, s)
    if s["key_messages"]:
        doc.add_heading(_("Key messages"), level=1)
        for message in s["key_messages"]:
            doc.add_paragraph(style="List Bullet").add_run(message).bold = True
    if s["headlines"]:
        doc.add_heading(_("Each workshop in one line"), level=1)
        for headline in s["headlines"]:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(headline.title).bold = True
            paragraph.add_run(f" — {headline.text or _('no result recorded')}")
    _next_steps(doc, context)
    doc.add_page_break()


def _key_figures(doc: Document, s: dict) -> None:
    """The figures as a table of two columns: what is counted, and the count."""
    doc.add_heading(_("Key figures"), level=1)
    rows: list[tuple[str, str, str, bool]] = []
    for figure in s["days"]:
        label = figure.label
        if figure.expected:
            value, note = f"{figure.present} / {figure.expected}", _("present / expected")
        else:
            value, note = str(figure.present), _("people present")
        if figure.guests:
            note += " · " + ngettext(
                "of whom %(n)s guest", "of whom %(n)s guests", figure.guests
            ) % {"n": figure.guests}
        rows.append((label, value, note, figure.fell_short))
    done = s["actions_done"]
    rows += [
        (_("Workshops held"), str(s["workshop_count"]), "", False),
        (_("Ideas given"), str(s["idea_count"]), "", False),
        (
            _("Actions decided"),
            str(s["action_count"]),
            ngettext("%(n)s done", "%(n)s done", done) % {"n": done} if done else "",
            False,
        ),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for label, value, note, short in rows:
        cells = table.add_row().cells
        cells[0].text = label
        figure = cells[1].paragraphs[0].add_run(value)
        figure.bold = True
        figure.font.size = Pt(13)
        if short:
            figure.font.color.rgb = SHORT_FALL
        if note:
            cells[1].paragraphs[0].add_run(f" {note}")
    _widths(table, (6, 11))
    _keep_rows_whole(table)


def _next_steps(doc: Document, context: Context) -> None:
    session, s = context["session"], context["summary"]
    doc.add_heading(_("Next steps"), level=1)
    if s["next_actions"]:
        _table(
            doc,
            [_("What"), _("Who"), _("By when")],
            [(action.what, _owner(action), _due(action)) for action in s["next_actions"]],
            widths=(9.5, 4.5, 3),
        )
        if s["more_actions"]:
            doc.add_paragraph(
                ngettext(
                    "And %(n)s more action, in the details.",
                    "And %(n)s more actions, in the details.",
                    s["more_actions"],
                )
                % {"n": s["more_actions"]}
            )
    elif session.next_steps:
        _paragraphs(doc, session.next_steps)
    else:
        doc.add_paragraph(_("No open action."))


def _owner(action) -> str:
    return (action.owner.full_name if action.owner else action.owner_name) or "—"


def _due(action) -> str:
    return action.due_on.strftime("%d/%m/%Y") if action.due_on else "—"


def agenda(doc: Document, context: Context) -> None:
    """The agenda as held, as the PDF prints it: who ran each block (its own runners, else
    its workshop's facilitators), the column left out when nobody ran any."""
    doc.add_heading(_("The agenda as held"), level=1)
    if not context["held"]:
        doc.add_paragraph(_("No day in this session."))
    for held_day in context["held"]:
        day = held_day.entry.day
        title = _date(day.date)
        doc.add_heading(f"{title} — {day.title}" if day.title else title, level=2)
        if not held_day.blocks:
            doc.add_paragraph(_("No block on this day."))
            continue
        rows = []
        for printed in held_day.blocks:
            slot = printed.slot
            block = slot.item.title
            if slot.subgroups:
                block += " (" + ", ".join(sub.title for sub in slot.subgroups) + ")"
            times = f"{slot.start:%H:%M}–{slot.end:%H:%M}"
            runners = ", ".join(str(r) for r in printed.runners)
            rows.append((times, block, runners) if held_day.has_runners else (times, block))
        if held_day.has_runners:
            _table(doc, [_("Time"), _("Block"), _("Run by")], rows, widths=(3, 9, 5))
        else:
            _table(doc, [_("Time"), _("Block")], rows, widths=(3, 14))


def participation(doc: Document, context: Context) -> None:
    p = context["participation"]
    doc.add_heading(_("Who took part"), level=1)
    _bullets(
        doc,
        [
            f"{_date(day.date, 'l j F')} : "
            + ngettext("%(n)s person present", "%(n)s people present", day.present)
            % {"n": day.present}
            for day in p["per_day"]
        ],
    )
    if p["by_role"]:
        doc.add_paragraph(" · ".join(f"{label} : {n}" for label, n in p["by_role"]))
    doc.add_heading(_("Grade mix of those present"), level=2)
    mix = p["mix"]
    if mix.masked:
        doc.add_paragraph(
            _("Fewer than %(minimum)s people: the mix is not shown.") % {"minimum": mix.minimum}
        )
        return
    fewer = _("fewer than %(minimum)s") % {"minimum": mix.minimum}
    _table(
        doc,
        [_("Grade"), _("People")],
        [(label, fewer if count is None else count) for label, count in mix.rows],
        widths=(12, 5),
    )


def _questions(doc: Document, results) -> None:
    for question in results.questions:
        doc.add_heading(question.text, level=2)
        _chart(doc, question.chart)
        if question.phone_tally:
            doc.add_paragraph(
                f"{_('Of which by phone (live room):')} "
                + " · ".join(f"{label} {value}" for _key, label, value in question.phone_tally)
            )
        if question.arguments:
            _labelled(doc, _("Key arguments:"), question.arguments)


def _cases(doc: Document, results) -> None:
    for case in results.cases:
        doc.add_heading(case.question, level=2)
        _chart(doc, case.chart)
        if case.has_phones:
            doc.add_paragraph(
                f"{_('Of which by phone (live room):')} {_('before')} {_phones(case.phones_before)}"
                f", {_('after')} {_phones(case.phones_after)}"
                f" ({_('convinced / sceptical / undecided')})"
            )
        for label, text in (
            (_("Prosecution:"), case.prosecution),
            (_("Defence:"), case.defence),
            (_("Verdict:"), case.verdict),
            (_("Lessons:"), case.lessons),
        ):
            if text:
                _labelled(doc, label, text)


def _phones(answers: dict[str, int]) -> str:
    return " / ".join(str(answers.get(key, 0)) for key in ("for", "against", "undecided"))


def _report(doc: Document, results) -> None:
    report = results.report
    if not report:
        return
    doc.add_heading(_("Interview report"), level=2)
    for label, text in (
        (_("Reformulated request"), report.reformulated_request),
        (_("Hypotheses"), report.hypotheses),
        (_("Options retained"), report.options_retained),
        (_("Next steps"), report.next_steps),
    ):
        doc.add_heading(label, level=3)
        _paragraphs(doc, text or "—")


def _stands(doc: Document, results) -> None:
    for stand in results.stands:
        doc.add_heading(stand.name, level=2)
        doc.add_paragraph(
            ngettext("%(n)s feedback", "%(n)s feedback", stand.feedback_count)
            % {"n": stand.feedback_count}
        )
        _bullets(doc, [line for line in (stand.offers or "").splitlines() if line])
        for feedback in stand.feedback.all():
            if feedback.comment:
                doc.add_paragraph(feedback.comment, style="Quote")
        for suggestion in stand.suggestions.all():
            text = f"{_('Suggested:')} {suggestion.text}"
            doc.add_paragraph(f"{text} ({_('added')})" if suggestion.adopted else text)


def _grid(doc: Document, results) -> None:
    grid = results.grid
    if not grid:
        return
    doc.add_heading(_("Criteria grid"), level=2)
    doc.add_paragraph(
        _("Horizontal: %(xl)s to %(xh)s. Vertical: %(yl)s (bottom) to %(yh)s (top).")
        % {"xl": grid.x_low, "xh": grid.x_high, "yl": grid.y_low, "yh": grid.y_high}
    )
    placed = [idea for idea in results.ideas if idea.x is not None and idea.y is not None]
    if placed:
        _table(
            doc,
            [_("Idea"), str(grid.x_high), str(grid.y_high)],
            [(f"{idea.number}. {idea.text}", idea.x, idea.y) for idea in placed],
            widths=(11, 3, 3),
        )
    if grid.zones:
        _labelled(doc, _("Zones that come out:"), grid.zones)


def _retro(doc: Document, results) -> None:
    for label, entries in results.retro.items():
        if entries:
            doc.add_heading(str(label), level=2)
            _bullets(doc, [f"{e.step} : {e.text}" if e.step else e.text for e in entries])


def _ideas(doc: Document, part) -> None:
    results = part.results
    if not (part.themes or results.hidden_ideas):
        return
    doc.add_heading(_("Ideas by theme"), level=2)
    if results.hidden_ideas:
        doc.add_paragraph(
            ngettext(
                "%(n)s idea, not revealed.", "%(n)s ideas, not revealed.", results.hidden_ideas
            )
            % {"n": results.hidden_ideas}
        )
    for name, ideas in part.themes:
        doc.add_heading(str(name), level=3)
        _table(
            doc,
            ["#", _("Idea"), _("Dots")],
            [(idea.number, idea.text, idea.dots) for idea in ideas],
            widths=(1.2, 13.8, 2),
        )


def _ratings(doc: Document, results) -> None:
    if results.words:
        _labelled(
            doc,
            _("Words given (live room):"),
            " · ".join(f"{word} ({count})" for word, count in results.words[:20]),
        )
    if results.rating_count:
        average = formats.number_format(results.rating_average or 0, decimal_pos=1)
        _labelled(
            doc,
            _("Rating of the methods:"),
            ngettext(
                "%(avg)s/5 from %(n)s rating", "%(avg)s/5 from %(n)s ratings", results.rating_count
            )
            % {"avg": average, "n": results.rating_count},
        )
        _bullets(doc, [f"{r.score}/5 — {r.comment}" for r in results.ratings])


def _photos(doc: Document, part) -> None:
    """The photos two or three side by side, as the PDF's grid, in a table without borders,
    each captioned with what it shows, its workshop and its moment."""
    photos = [(photo, _photo_path(photo.src)) for photo in part.photos]
    kept = [(photo, path) for photo, path in photos if path]
    if not kept:
        return
    doc.add_heading(_("Photos of the boards"), level=2)
    per_row = 3 if len(kept) > 2 else 2
    width = PHOTO_WIDTH if per_row == 2 else PHOTO_WIDTH_OF_THREE
    grid = doc.add_table(rows=0, cols=per_row)
    for start in range(0, len(kept), per_row):
        cells = grid.add_row().cells
        for cell, (photo, path) in zip(cells, kept[start : start + per_row], strict=False):
            run = cell.paragraphs[0].add_run()
            run.add_picture(str(path), width=width)
            # The text alternative Word reads aloud (the PDF's alt).
            inline = run._r.xpath(".//wp:inline")[0]
            inline.docPr.set("descr", photo.caption or _("Photo of a board"))
            caption = cell.add_paragraph(style="Caption")
            if photo.caption:
                caption.add_run(photo.caption).add_break()
            where = photo.workshop
            if photo.moment:
                where += f" · {_date(photo.moment, 'j F Y')}"
            caption.add_run(where)
    _keep_rows_whole(grid)


def workshops(doc: Document, context: Context) -> None:
    if not context["parts"]:
        doc.add_heading(_("Workshops"), level=1)
        doc.add_paragraph(_("No workshop was logged for this session."))
    for part in context["parts"]:
        if part.empty:
            continue  # named in one line after the others, as the PDF does
        atelier, results = part.atelier, part.results
        doc.add_heading(atelier.title, level=1)
        meta = str(atelier.get_format_display())
        if atelier.commande:
            meta += f" · {_('Commande')} : {atelier.commande.title}"
        doc.add_paragraph(meta)
        if atelier.objectives:
            _labelled(doc, _("Objectives:"), atelier.objectives)
        if atelier.summary:
            _paragraphs(doc, atelier.summary)
        _questions(doc, results)
        _cases(doc, results)
        _report(doc, results)
        _stands(doc, results)
        _grid(doc, results)
        _retro(doc, results)
        _ideas(doc, part)
        for chart in part.charts:
            _chart(doc, chart)
        _ratings(doc, results)
        _photos(doc, part)
    _empty_parts(doc, context)


def _empty_parts(doc: Document, context: Context) -> None:
    """The workshops with nothing logged, in one line rather than a heading each."""
    empty = context["empty_parts"]
    if not empty:
        return
    if len(empty) == len(context["parts"]):
        doc.add_heading(_("Workshops"), level=1)
    _labelled(doc, _("No result logged:"), ", ".join(part.atelier.title for part in empty) + ".")


def debrief(doc: Document, context: Context) -> None:
    doc.add_heading(_("Debrief"), level=1)
    _paragraphs(doc, context["session"].debrief or _("No debrief written yet."))


def actions(doc: Document, context: Context) -> None:
    session = context["session"]
    doc.add_heading(_("Actions and next steps"), level=1)
    if context["actions"]:
        _table(
            doc,
            [_("What"), _("Who"), _("By when"), _("Workshop")],
            [
                (
                    f"✓ {action.what}" if action.done else action.what,
                    _owner(action),
                    _due(action),
                    action.atelier.title,
                )
                for action in context["actions"]
            ],
            widths=(7, 4, 2.5, 3.5),
        )
    else:
        doc.add_paragraph(_("No action recorded."))
    if session.next_steps:
        doc.add_heading(_("Next steps"), level=2)
        _paragraphs(doc, session.next_steps)


# The document, part after part, in the PDF's order.
SECTIONS: list[Section] = [summary, agenda, participation, workshops, debrief, actions]


def _typeset(doc: Document) -> None:
    """French typography on every text of the document, once it is written, as the PDF's
    HTML is typeset once (labo.lib.typography): apostrophes, non-breaking spaces. Only the
    texts (w:t) change, never a picture or a field around them."""
    parts = [doc.element.body]
    for section in doc.sections:
        parts += [section.header._element, section.footer._element]
    for part in parts:
        for text in part.iter(qn("w:t")):
            if text.text:
                text.text = french_text(text.text)
    doc.core_properties.title = french_text(doc.core_properties.title)


def synthesis_docx(context: Context) -> bytes:
    """The synthesis as a .docx, from the context ``synthesis_of(..., for_pdf=True)`` gives."""
    doc = new_document()
    session = context["session"]
    doc.core_properties.title = _("Synthesis of session #%(number)s: %(title)s") % {
        "number": session.number,
        "title": session.title,
    }
    doc.core_properties.author = str(context["programme"].organisation)
    doc.core_properties.language = "fr-FR"
    _a4_with_page_numbers(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_before = Pt(3)
    normal.paragraph_format.space_after = Pt(3)
    doc.styles["List Bullet"].paragraph_format.space_before = Pt(1)
    doc.styles["List Bullet"].paragraph_format.space_after = Pt(1)
    caption = doc.styles["Caption"].paragraph_format
    caption.space_before = Pt(8)
    caption.keep_with_next = True  # a chart's title stays with its table
    # French, so that Word checks the spelling in French.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(language)
    for section in SECTIONS:
        section(doc, context)
    _room_after_tables(doc)
    _typeset(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
