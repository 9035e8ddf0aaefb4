"""An editable copy of a session's synthesis as a Word document (.docx), for the
administrations that rework a document before sending it on.

It is drawn from the very context the PDF is drawn from (``sessions.synthesis.synthesis_of``
with ``for_pdf=True``), with real headings (Heading 1/2/3), tables and the photos' print
copies. Each part of the document is one function of ``SECTIONS``: a new part of the
synthesis (a summary, "À retenir"…) is one function added there."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
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
from docx.shared import Cm, Pt

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARGIN = Cm(2)
PHOTO_WIDTH = Cm(8)  # two photos side by side: A4 less its margins is 17 cm
PHOTOS_PER_ROW = 2

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


def _table(doc: Document, headers: list[str], rows: Iterable[Iterable[object]]) -> None:
    """A table whose first row is its header, repeated on every page it spans."""
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
    """A chart as the table of its numbers (editable, and readable without the drawing)."""
    if chart is None or getattr(chart, "empty", False):
        return
    doc.add_paragraph(str(getattr(chart, "title", "")), style="Caption")
    bars = getattr(chart, "bars", None)
    series = getattr(chart, "series", None)
    if bars is not None:
        unit = getattr(chart, "unit", "")
        _table(
            doc,
            [_("Item"), _("Value")],
            [
                (bar.label, f"{bar.display}{unit}" if bar.value is not None else bar.display)
                for bar in bars
            ],
        )
    elif series is not None:
        names = [str(name) for name, *_rest in series]
        rows = []
        for row in chart.rows:  # type: ignore[attr-defined]
            values = {str(segment.series): segment.value for segment in row.segments}
            cells = [
                _("masked") if row.masked or name in row.hidden else values.get(name, 0)
                for name in names
            ]
            rows.append([row.label, *cells])
        _table(doc, [_("Item"), *names], rows)
    else:
        doc.add_paragraph(str(getattr(chart, "text", "")))
    note = getattr(chart, "note", "")
    if note:
        doc.add_paragraph(str(note))


def _date(value, fmt: str = "l j F Y") -> str:
    return formats.date_format(value, fmt)


# The sections of the synthesis, in the PDF's order.


def cover(doc: Document, context: Context) -> None:
    session, programme = context["session"], context["programme"]
    doc.add_paragraph(f"{programme.name} — {programme.organisation}")
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
    doc.add_paragraph(_("Synthesis of the session"))
    if session.objectives:
        doc.add_heading(_("Objectives"), level=1)
        _paragraphs(doc, session.objectives)


def agenda(doc: Document, context: Context) -> None:
    doc.add_heading(_("The agenda as held"), level=1)
    if not context["agenda"]:
        doc.add_paragraph(_("No day in this session."))
    for entry in context["agenda"]:
        title = _date(entry.day.date)
        doc.add_heading(f"{title} — {entry.day.title}" if entry.day.title else title, level=2)
        if not entry.slots:
            doc.add_paragraph(_("No block on this day."))
            continue
        rows = []
        for slot in entry.slots:
            block = slot.item.title
            if slot.subgroups:
                block += " (" + ", ".join(sub.title for sub in slot.subgroups) + ")"
            times = f"{slot.start:%H:%M}–{slot.end:%H:%M}"
            rows.append((times, block, ", ".join(str(r) for r in slot.runners)))
        _table(doc, [_("Time"), _("Block"), _("Run by")], rows)


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
    )


def _questions(doc: Document, results) -> None:
    for question in results.questions:
        doc.add_heading(question.text, level=2)
        _chart(doc, question.chart)
        if question.arguments:
            _labelled(doc, _("Key arguments:"), question.arguments)


def _cases(doc: Document, results) -> None:
    for case in results.cases:
        doc.add_heading(case.question, level=2)
        _chart(doc, case.chart)
        for label, text in (
            (_("Prosecution:"), case.prosecution),
            (_("Defence:"), case.defence),
            (_("Verdict:"), case.verdict),
            (_("Lessons:"), case.lessons),
        ):
            if text:
                _labelled(doc, label, text)


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
    """The photos two by two in a table without borders, each with its caption."""
    photos = [(photo, _photo_path(photo.src)) for photo in part.photos]
    kept = [(photo, path) for photo, path in photos if path]
    if not kept:
        return
    doc.add_heading(_("Photos of the boards"), level=2)
    grid = doc.add_table(rows=0, cols=PHOTOS_PER_ROW)
    for start in range(0, len(kept), PHOTOS_PER_ROW):
        cells = grid.add_row().cells
        for cell, (photo, path) in zip(cells, kept[start : start + PHOTOS_PER_ROW], strict=False):
            run = cell.paragraphs[0].add_run()
            run.add_picture(str(path), width=PHOTO_WIDTH)
            # The text alternative Word reads aloud (the PDF's alt).
            inline = run._r.xpath(".//wp:inline")[0]
            inline.docPr.set("descr", photo.caption or _("Photo of a board"))
            if photo.caption:
                cell.add_paragraph(photo.caption, style="Caption")


def workshops(doc: Document, context: Context) -> None:
    if not context["parts"]:
        doc.add_heading(_("Workshops"), level=1)
        doc.add_paragraph(_("No workshop was logged for this session."))
    for part in context["parts"]:
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
                    (action.owner.full_name if action.owner else action.owner_name) or "—",
                    action.due_on.strftime("%d/%m/%Y") if action.due_on else "—",
                    action.atelier.title,
                )
                for action in context["actions"]
            ],
        )
    else:
        doc.add_paragraph(_("No action recorded."))
    if session.next_steps:
        doc.add_heading(_("Next steps"), level=2)
        _paragraphs(doc, session.next_steps)


# The document, part after part. A summary goes in after ``cover``.
SECTIONS: list[Section] = [cover, agenda, participation, workshops, debrief, actions]


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
    # French, so that Word checks the spelling in French.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(language)
    for section in SECTIONS:
        section(doc, context)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
