"""Issue 14, section 5: bad input never breaks a page.

Each example of the issue, and more of its class: texts too long or holding control
characters, stored text that would break an export, a calendar or a file name, photos that
are JPEGs in disguise or too large to decode, HR files too wide, forged formsets, forms
posted to a workshop of another format, empty posts, GETs that write, error pages."""

import csv
import datetime
import html
import io
import struct
import time
import zlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar
from openpyxl import Workbook, load_workbook
from PIL import Image

from ateliers.formats import FORMATS, Format, Part
from ateliers.models import (
    Action,
    CriteriaGrid,
    DemarreurReport,
    Idea,
    InterviewQuestion,
    Observation,
    Photo,
    Stand,
    SuggestedOffer,
)
from labo.lib.text import LONG_TEXT, SHORT_TEXT, clean_text, one_line
from labo.models import Person
from sessions.forms import ItemForm
from sessions.models import Attendance
from sessions.queries import runners
from tests import factories
from tests.conftest import PERSONAS, client_for
from tests.labo.test_access import MATRIX, url_kwargs

HTMX = {"HX-Request": "true"}


def add_idea(client, atelier, text):
    return client.post(
        reverse("ateliers:result-add", args=[atelier.pk, "idea"]), {"idea-text": text}
    )


# Lengths and control characters ----------------------------------------------------


def test_an_idea_of_1_8_mb_is_refused_and_nothing_is_saved(world, member_client):
    response = add_idea(member_client, world.atelier, "idea " * 360_000)

    assert response.status_code == 422
    assert "au plus 2000 caractères" in response.content.decode()
    assert Idea.objects.count() == 0


def test_a_pasted_text_over_the_limit_is_refused_whole_not_cut_by_the_browser(world, member_client):
    """A maxlength attribute makes the browser cut a paste without a word (seen on a phone:
    3,000 characters pasted, 2,000 saved): the limit is the server's, with the text kept."""
    page = member_client.get(reverse("ateliers:atelier-detail", args=[world.atelier.pk]))
    text = "Une idée longue, vraiment très longue. " * 80

    response = member_client.post(
        reverse("ateliers:result-add", args=[world.atelier.pk, "idea"]),
        {"idea-text": text},
        headers={"HX-Request": "true"},
    )

    assert " maxlength=" not in page.content.decode()
    assert 'data-maxlength="2000"' in page.content.decode()
    assert response.status_code == 422
    assert "au plus 2000 caractères" in response.content.decode()
    assert text.strip() in html.unescape(response.content.decode())
    assert Idea.objects.count() == 0


def test_an_action_address_opened_directly_is_a_french_405(world, facilitator_client):
    url = reverse("labo:person-export", args=[world.member.person.pk])

    response = facilitator_client.get(url)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Cette adresse est une action" in response.content.decode()


def test_a_post_larger_than_django_reads_is_a_french_400(world, member_client):
    response = add_idea(member_client, world.atelier, "idée " * 500_000)

    assert response.status_code == 400
    assert "Requête incomprise" in response.content.decode()
    assert Idea.objects.count() == 0


def session_data(session, **changes) -> dict:
    data = {
        "programme": session.programme_id,
        "number": session.number,
        "title": session.title,
        "place": session.place,
        "starts_on": session.starts_on.isoformat(),
        "ends_on": session.ends_on.isoformat(),
        "objectives": session.objectives,
        "status": session.status,
        "version": session.version,
    }
    if session.preparation_half_days is not None:
        data["preparation_half_days"] = session.preparation_half_days
    data.update(changes)
    return data


def test_a_long_text_of_a_session_is_refused_past_its_bound(world, facilitator_client):
    url = reverse("sessions:session-edit", args=[world.session.pk])
    data = session_data(world.session, objectives="x" * (LONG_TEXT + 1))

    response = facilitator_client.post(url, data)

    assert response.status_code == 422
    world.session.refresh_from_db()
    assert world.session.objectives == ""


def test_every_text_field_of_every_model_is_bounded():
    from django.apps import apps
    from django.db import models

    unbounded = [
        f"{model._meta.label}.{field.name}"
        for config in apps.get_app_configs()
        if config.name in ("labo", "sessions", "ateliers", "commandes")
        for model in config.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.max_length
    ]

    assert unbounded == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="tsvector: PostgreSQL only")
def test_an_idea_of_1_2_mb_stored_without_a_form_does_not_overflow_the_search_vector(world):
    text = " ".join(f"mot{n}" for n in range(170_000))  # 1.2 MB, all different words

    idea = Idea.objects.create(atelier=world.atelier, text=text)

    assert Idea.objects.filter(pk=idea.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="tsvector: PostgreSQL only")
def test_a_long_commande_stored_without_a_form_does_not_overflow_the_search_vector(world):
    world.commande.context = " ".join(f"contexte{n}" for n in range(150_000))

    world.commande.save()


def test_control_characters_are_stripped_from_an_idea(world, member_client):
    response = add_idea(member_client, world.atelier, "Une\x0bidée\x00 en\r\ndeux\x1blignes\x7f")

    assert response.status_code == 302
    assert Idea.objects.get().text == "Uneidée en\ndeuxlignes"


def test_control_characters_are_stripped_from_a_title_and_a_query(world, facilitator_client):
    url = reverse("sessions:session-edit", args=[world.session.pk])

    facilitator_client.post(url, session_data(world.session, title="Le\x0b titre\x08"))
    search = facilitator_client.get(reverse("labo:search"), {"q": "ti\x00tre"})

    world.session.refresh_from_db()
    assert world.session.title == "Le titre"
    assert search.status_code == 200


def test_a_text_of_only_control_characters_is_an_empty_required_field(world, member_client):
    response = add_idea(member_client, world.atelier, "\x0b\x0c\x1f")

    assert response.status_code == 422
    assert Idea.objects.count() == 0


def test_clean_text_and_one_line():
    assert clean_text("a\tb\r\nc\rd\x0be\x00") == "a\tb\nc\nde"
    assert one_line("  Séance\r\n n°3\x0b\t bis ") == "Séance n°3 bis"


def test_every_declared_text_field_of_every_form_is_bounded():
    from django import forms

    from tests.labo.test_fuzz import FORM_MODULES

    unbounded = []
    for module in FORM_MODULES:
        for name, cls in vars(module).items():
            if isinstance(cls, type) and issubclass(cls, forms.BaseForm):
                for field_name, field in cls.base_fields.items():
                    # The import's payload is signed by the server, never typed.
                    typed = field_name != "payload"
                    if isinstance(field, forms.CharField) and not field.max_length and typed:
                        unbounded.append(f"{module.__name__}.{name}.{field_name}")

    assert unbounded == []


# Exports, calendars --------------------------------------------------------------------


def export(client, session, what="results", fmt="xlsx"):
    url = reverse("sessions:session-export", args=[session.pk, what, fmt])
    return client.get(url)


def sheet_of(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook, workbook.worksheets[0]


def test_a_vertical_tab_in_an_action_does_not_break_the_xlsx_export(world, facilitator_client):
    Action.objects.create(atelier=world.atelier, what="Relancer\x0bla direction")

    response = export(facilitator_client, world.session)

    assert response.status_code == 200
    _workbook, sheet = sheet_of(response)
    assert "Relancerla direction" in [row[3] for row in sheet.iter_rows(values_only=True)]


def test_control_characters_in_people_do_not_break_the_attendance_export(world, facilitator_client):
    person = world.member.person
    person.last_name = "Dupont\x01\x02"
    person.save()

    xlsx = export(facilitator_client, world.session, "attendance", "xlsx")
    csv_ = export(facilitator_client, world.session, "attendance", "csv")

    assert xlsx.status_code == csv_.status_code == 200
    _workbook, sheet = sheet_of(xlsx)
    assert next(sheet.iter_rows(min_row=2, values_only=True))[1] == "Dupont"
    assert "Dupont;" in csv_.content.decode("utf-8-sig")


def test_xlsx_keeps_real_text_real_dates_and_a_named_sheet(world, facilitator_client):
    Action.objects.create(
        atelier=world.atelier, what='=HYPERLINK("x")', due_on=datetime.date(2026, 3, 2)
    )

    results = export(facilitator_client, world.session)
    attendance = export(facilitator_client, world.session, "attendance")

    workbook, sheet = sheet_of(results)
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "action")
    assert row[3].value == '=HYPERLINK("x")'
    assert row[3].data_type == "s"
    assert row[4].value == datetime.datetime(2026, 3, 2)
    assert row[4].is_date
    assert workbook.sheetnames == [f"session-{world.session.number}-results"]
    _workbook, sheet = sheet_of(attendance)
    first = next(sheet.iter_rows(min_row=2, values_only=True))
    assert first[0] == datetime.datetime.combine(world.day.date, datetime.time())


def test_csv_still_neutralises_a_formula(world, facilitator_client):
    Action.objects.create(atelier=world.atelier, what="=1+1")

    response = export(facilitator_client, world.session, fmt="csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows if row[2] == "action"] == ["'=1+1"]


def test_the_results_export_covers_every_part_of_every_format():
    from ateliers import exports

    assert set(exports.ROWS) == set(Part)


def test_the_results_export_holds_the_demarreur_the_grid_and_the_stands(world, facilitator_client):
    session = world.session
    demarreur = factories.AtelierFactory(session=session, format=Format.DEMARREUR)
    report = DemarreurReport.objects.create(
        atelier=demarreur, reformulated_request="Comment accueillir mieux ?"
    )
    InterviewQuestion.objects.create(report=report, text="Pour qui ?")
    Observation.objects.create(report=report, observer="Eve", phase="Écoute", note="Silence")
    grid = factories.AtelierFactory(session=session, format=Format.CRITERIA_GRID)
    CriteriaGrid.objects.create(
        atelier=grid, x_low="Facile", x_high="Difficile", y_low="Bas", y_high="Haut"
    )
    stands = factories.AtelierFactory(session=session, format=Format.LABO_STANDS)
    stand = Stand.objects.create(atelier=stands, name="Stand data", offers="Tableaux")
    SuggestedOffer.objects.create(stand=stand, text="Un atelier SQL")

    response = export(facilitator_client, session)

    _workbook, sheet = sheet_of(response)
    texts = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {
        "Comment accueillir mieux ?",
        "Pour qui ?",
        "Silence",
        "Facile → Difficile / Bas → Haut",
        "Stand data",
        "Un atelier SQL",
    } <= texts


def events_of(content: bytes) -> list:
    return Calendar.from_ical(content).walk("VEVENT")


def test_a_line_break_in_a_session_title_does_not_break_its_ics_nor_the_feed(world, client):
    from sessions.calendar import feed_token

    world.session.title = "Atelier\r\nprintemps"
    world.session.save()

    ics = client_for(world, "member").get(reverse("sessions:session-ics", args=[world.session.pk]))
    feed = client.get(reverse("sessions:personal-feed", args=[feed_token(world.member.person)]))

    assert ics.status_code == 200
    assert feed.status_code == 200
    for response in (ics, feed):
        (event,) = events_of(response.content)
        assert "\n" not in str(event["summary"])
        assert "Atelier printemps" in str(event["summary"])


def test_control_characters_in_a_place_a_day_and_a_block_do_not_break_the_ics(world, client):
    world.session.place = "Salle\x0b2\r"
    world.session.save()
    world.day.title = "Jour\x01 un"
    world.day.save()
    world.item.title = "Bloc\x1b\nsuivant"
    world.item.save()

    response = client_for(world, "member").get(
        reverse("sessions:session-ics", args=[world.session.pk])
    )

    assert response.status_code == 200
    (event,) = events_of(response.content)
    assert str(event["location"]) == "Salle2"
    assert "Jour un" in str(event["summary"])


# Photos ---------------------------------------------------------------------------------


def post_photo(client, atelier, name, data):
    return client.post(
        reverse("ateliers:photo-add", args=[atelier.pk]),
        {"photo-image": SimpleUploadedFile(name, data), "photo-caption": ""},
    )


def mpo_bytes() -> bytes:
    first = Image.new("RGB", (320, 240), (200, 30, 30))
    second = Image.new("RGB", (320, 240), (30, 30, 200))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def test_a_multi_picture_jpeg_is_a_jpeg(world, member_client):
    data = mpo_bytes()
    assert Image.open(io.BytesIO(data)).format == "MPO"

    response = post_photo(member_client, world.atelier, "IMG_0001.JPG", data)

    assert response.status_code == 302
    assert Photo.objects.get().width == 320


def png_of(width: int, height: int, *, color_type: int = 6) -> bytes:
    """A valid PNG of that size, made row by row so that the test itself stays small."""
    bands = {2: 3, 6: 4}[color_type]
    compressor = zlib.compressobj()
    row = b"\x00" + bytes(width * bands)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("size", "color_type"), [((7000, 7000), 6), ((6000, 5000), 2)])
def test_a_png_too_large_to_decode_is_refused_before_decoding(
    world, member_client, size, color_type
):
    data = png_of(*size, color_type=color_type)

    with mock.patch.object(Image.Image, "load", autospec=True) as load:
        response = post_photo(member_client, world.atelier, "board.png", data)

    assert response.status_code == 422
    assert "trop de pixels" in response.content.decode()
    load.assert_not_called()
    assert Photo.objects.count() == 0


def test_a_large_jpeg_is_still_accepted_as_it_decodes_scaled_down(world, member_client):
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 4500), (10, 120, 10)).save(buffer, "JPEG")

    response = post_photo(member_client, world.atelier, "board.jpg", buffer.getvalue())

    assert response.status_code == 302
    assert Photo.objects.get().width == 2000


# HR import ---------------------------------------------------------------------------


def wide_xlsx(columns: int, rows: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Courriel"] + [f"Col {n}" for n in range(columns - 3)])
    for n in range(rows):
        sheet.append([f"Nom{n}", "P", f"p{n}@x.fr"] + [n] * (columns - 3))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_hr_file_a_thousand_columns_wide_is_refused_quickly(world, facilitator_client):
    data = wide_xlsx(1000, 60)
    upload = SimpleUploadedFile("rh.xlsx", data)

    start = time.monotonic()
    response = facilitator_client.post(reverse("labo:person-import"), {"file": upload})

    assert time.monotonic() - start < 10
    assert response.status_code == 422
    assert "Trop de colonnes" in response.content.decode()


def test_a_wide_csv_is_refused_too_and_a_narrow_one_still_reads(world, facilitator_client):
    from labo.people.importing import ImportFileError, parse

    wide = ";".join(["Nom", "Prénom", "Courriel"] + ["x"] * 997) + "\nA;B;a@x.fr\n"
    narrow = "Nom;Prénom;Courriel;" + ";" * 30 + "\nA;B;a@x.fr\n"

    with pytest.raises(ImportFileError, match="Trop de colonnes"):
        parse("rh.csv", wide.encode())
    assert parse("rh.csv", narrow.encode()).rows[0]["email"] == "a@x.fr"


def test_an_xlsx_with_empty_header_cells_between_columns_still_reads():
    from labo.people.importing import parse

    workbook = Workbook()
    workbook.active.append(["Nom", None, "Prénom", None, "Courriel"])
    workbook.active.append(["A", None, "B", None, "a@x.fr"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert parse("rh.xlsx", buffer.getvalue()).rows[0]["first_name"] == "B"


# Formsets, other formats, empty posts -------------------------------------------------


def attendance_post(client, world, data):
    return client.post(reverse("sessions:day-attendance", args=[world.day.pk]), data)


def test_a_forged_attendance_formset_adds_no_row(world, facilitator_client):
    attendance = Attendance.objects.get()
    data = {
        "att-TOTAL_FORMS": "2",
        "att-INITIAL_FORMS": "1",
        "att-0-id": attendance.pk,
        "att-0-role": attendance.role,
        # A third form the sheet never showed, changed from its defaults (present).
        "att-1-role": "observer",
        "add-role": attendance.role,
    }

    response = attendance_post(facilitator_client, world, data)

    assert response.status_code < 500
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"att-TOTAL_FORMS": "100000", "att-INITIAL_FORMS": "0", "add-role": "ambassador"},
        {"att-TOTAL_FORMS": "x", "att-INITIAL_FORMS": "y"},
    ],
    ids=["empty", "too-many-forms", "unreadable"],
)
def test_a_bad_attendance_post_is_a_4xx_with_a_message(world, facilitator_client, data):
    response = attendance_post(facilitator_client, world, data)

    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "model"),
    [
        ("ateliers:report-update", {"report-reformulated_request": "x"}, DemarreurReport),
        ("ateliers:grid-update", {"grid-x_low": "a", "grid-x_high": "b"}, CriteriaGrid),
        ("ateliers:rotation", {"rotation-groups": "A\nB"}, Stand),
    ],
)
def test_a_form_posted_to_a_workshop_of_another_format_creates_nothing(
    world, facilitator_client, name, data, model
):
    world.atelier.format = Format.TRIBUNAL
    world.atelier.save()

    response = facilitator_client.post(reverse(name, args=[world.atelier.pk]), data)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert model.objects.count() == 0


def test_a_review_posted_to_a_workshop_of_another_format_creates_no_report(
    world, facilitator_client
):
    url = reverse("ateliers:report-transition", args=[world.atelier.pk, "review"])

    response = facilitator_client.post(url)

    assert response.status_code == 404
    assert DemarreurReport.objects.count() == 0


def test_a_result_of_a_kind_the_format_lacks_is_refused(world, member_client):
    url = reverse("ateliers:result-add", args=[world.atelier.pk, "case"])

    response = member_client.post(url, {"case-question": "Faut-il ?"})

    assert response.status_code == 404


# A GET never writes -----------------------------------------------------------------

# Writes that are no change of the lab's data: the login session (Django saves it when it
# changes, a login from a test client included), the cache table if the cache is kept in
# the database, and django-axes' log of who logged in.
IGNORED_TABLES = ("django_session", "django_cache", "axes_")

GETS = sorted(name for name, (method, _statuses) in MATRIX.items() if method == "get")
# A workshop's page for every format: each shows other parts.
PAGES = GETS + [f"ateliers:atelier-detail[{fmt}]" for fmt in FORMATS]


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and not any(
            f'"{table.upper()}' in sql or f" {table.upper()}" in sql for table in IGNORED_TABLES
        ):
            found.append(query["sql"][:120])
    return found


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_a_get_never_writes(world, page, persona):
    name, _bracket, variant = page.partition("[")
    if variant:
        world.atelier.format = variant.rstrip("]")
        world.atelier.save()
    client = client_for(world, persona)
    url = reverse(name, kwargs=url_kwargs(name, world))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code < 500
    found = writes(queries)
    assert found == []


# Error pages, health ------------------------------------------------------------------


def test_an_unknown_page_is_a_french_404(world, member_client):
    response = member_client.get("/nowhere/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_server_error_is_a_french_page_drawn_without_the_database(rf, django_db_blocker):
    from django.views.defaults import server_error

    request = rf.get("/")
    with django_db_blocker.block():
        response = server_error(request)

    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


def test_a_view_that_fails_answers_the_french_500_page(db):
    client = Client(raise_request_exception=False)
    with mock.patch("labo.views.JsonResponse", side_effect=RuntimeError):
        response = client.get(reverse("labo:healthz"))

    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


def test_the_429_and_400_pages_are_french(world, rf):
    from labo.views import too_many_requests

    request = rf.get("/")
    request.user = world.member
    assert "Trop de demandes" in too_many_requests(request).content.decode()
    assert too_many_requests(request).status_code == 429
    assert "Requête incomprise" in render_to_string("400.html")


def test_readyz_answers_503_naming_the_database_when_it_is_down_healthz_200(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        ready = client.get(reverse("labo:readyz"))
        alive = client.get(reverse("labo:healthz"))

    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "failing": {"database": "OperationalError"}}
    assert alive.status_code == 200


def test_readyz_answers_200_when_the_database_is_up(db, client):
    assert client.get(reverse("labo:readyz")).status_code == 200


def test_short_and_long_bounds_are_what_the_forms_say():
    from ateliers.forms import IdeaForm
    from sessions.forms import SessionForm

    assert IdeaForm.base_fields["text"].max_length == SHORT_TEXT
    assert SessionForm.base_fields["objectives"].max_length == LONG_TEXT


def test_a_post_without_its_csrf_token_is_a_french_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)

    response = client.post(reverse("ateliers:result-add", args=[world.atelier.pk, "idea"]))

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert Idea.objects.count() == 0


# Ids no column can hold ---------------------------------------------------------------


@pytest.mark.parametrize("forged", [str(2**63), str(-(2**63) - 1), str(2**70)])
def test_a_multiple_choice_of_an_id_no_column_holds_is_refused_not_a_500(
    world, facilitator_client, forged
):
    """Found by the fuzz test: a block's runners posted with the id 2**63 overflowed SQLite."""
    form = ItemForm(instance=world.item, people=runners(), prefix=f"item{world.item.pk}")
    data = {f.html_name: "" if f.value() is None else f.value() for f in form}
    data[form.add_prefix("facilitators")] = [forged]
    data[form.add_prefix("title")] = "Renommé"

    response = facilitator_client.post(
        reverse("sessions:item-update", args=[world.item.pk]), data, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    world.item.refresh_from_db()
    assert world.item.title != "Renommé"


def test_an_id_lookup_leaves_out_values_no_column_holds(world):
    assert list(Person.objects.filter(pk__in=[2**63, -(2**63) - 1])) == []
    assert list(Person.objects.filter(pk__in=[world.member.person.pk, 2**70])) == [
        world.member.person
    ]
