import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from ateliers.models import Stand
from ateliers.services import plan_rotation
from labo.lib.typography import french_text
from sessions import services
from tests import factories
from tests.conftest import PERSONAS, client_for

PARTICIPANTS = "sessions:day-agenda-pdf"
FACILITATORS = "sessions:day-agenda-facilitators-pdf"
SIGN_IN = "sessions:day-sign-in-pdf"


@pytest.fixture(autouse=True)
def _need_pdftotext():
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read PDFs back; CI runs these.")


def pdf_text(content: bytes, tmp_path, *, layout: bool = True) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def planned(world):
    """The world's day: a workshop block with plan B, materials and facilitators of its own
    workshop; a 15-minute gap; a block of stands with two parallel groups and a rotation."""
    item = world.item
    item.alternative_plan = "Un seul procès si moins de 15 personnes"
    item.materials = "Trois marteaux de juge"
    item.description = "Consigne réservée aux animateurs"
    item.save()
    runner = factories.PersonFactory(first_name="Maximilienne", last_name="Vandenberghe")
    world.atelier.facilitators.add(runner)
    stands_item = factories.AgendaItemFactory(
        day=world.day,
        title="Trois stands",
        duration_minutes=60,
        fixed_start=datetime.time(9, 45),
        position=item.position + 1,
    )
    services.add_subgroup(item=stands_item, title="Groupe des élus")
    services.add_subgroup(item=stands_item, title="Groupe des agents")
    own = factories.PersonFactory(first_name="Octave", last_name="Desrosiers")
    stands_item.facilitators.add(own)
    atelier = factories.AtelierFactory(session=world.session, agenda_item=stands_item)
    for name in ("Stand citoyen", "Stand numérique", "Stand climat"):
        Stand.objects.create(atelier=atelier, name=name)
    plan_rotation(atelier=atelier, groups=["Bleus", "Verts", "Rouges"])
    return world


def test_participants_agenda_has_no_plan_b_nor_materials(planned, member_client, tmp_path):
    response = member_client.get(reverse(PARTICIPANTS, args=[planned.day.pk]))

    text = pdf_text(response.content, tmp_path)
    assert "Version participants" in text
    assert french_text("Tribunal de l'innovation") in text
    assert "09:00–09:30" in text
    assert "Un seul procès" not in text
    assert "Plan B" not in text
    assert "Trois marteaux" not in text
    assert "Matériel" not in text
    assert "Consigne réservée" not in text
    assert "Vandenberghe" not in text
    assert "Battement" not in text


def test_facilitators_agenda_has_plan_b_materials_runners_and_gaps(
    planned, facilitator_client, tmp_path
):
    response = facilitator_client.get(reverse(FACILITATORS, args=[planned.day.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Version animation" in text
    assert "Plan B : Un seul procès" in text
    flat = " ".join(pdf_text(response.content, tmp_path, layout=False).split())
    assert "Trois marteaux de juge" in flat
    assert "Consigne réservée aux animateurs" in flat
    assert "Animé par" in text
    # The workshop's facilitator for a block with no runner of its own (a long name wraps
    # between its words, never inside one); a block's own runner otherwise.
    assert "Maximilienne" in text
    assert "Vandenberghe" in text
    assert "Octave Desrosiers" in flat
    assert "09:30–09:45" in text
    assert "Battement de 15 minutes : rien de prévu." in text


def test_facilitators_agenda_says_what_needs_attention(planned, facilitator_client, tmp_path):
    item = planned.day.items.get(title="Trois stands")
    item.fixed_start = datetime.time(9, 15)  # before the tribunal ends at 09:30
    item.save()

    response = facilitator_client.get(reverse(FACILITATORS, args=[planned.day.pk]))

    text = pdf_text(response.content, tmp_path, layout=False)
    assert "1 bloc demande votre attention." in " ".join(text.split())
    assert "Le bloc précédent déborde sur cet horaire fixe." in " ".join(text.split())


@pytest.mark.parametrize("url", [PARTICIPANTS, FACILITATORS])
def test_both_agendas_give_the_groups_and_rounds_their_times(
    planned, facilitator_client, tmp_path, url
):
    response = facilitator_client.get(reverse(url, args=[planned.day.pk]))

    text = pdf_text(response.content, tmp_path)
    assert re.search(r"09:45–10:45\s+Groupe des élus", text)
    assert re.search(r"09:45–10:45\s+Groupe des agents", text)
    assert "Rotation des stands" in text
    # Three rounds share the block's hour: twenty minutes each.
    for number, times in ((1, "09:45–10:05"), (2, "10:05–10:25"), (3, "10:25–10:45")):
        assert f"Tour {number}" in text
        assert times in text
    assert re.search(r"Bleus\s+Stand citoyen\s+Stand numérique\s+Stand climat", text)
    assert re.search(r"Rouges\s+Stand climat\s+Stand citoyen\s+Stand numérique", text)


def test_a_group_longer_than_its_block_is_a_warning_for_facilitators(
    planned, facilitator_client, tmp_path
):
    group = planned.day.items.get(title="Groupe des agents")
    group.duration_minutes = 90
    group.save()

    response = facilitator_client.get(reverse(FACILITATORS, args=[planned.day.pk]))

    text = " ".join(pdf_text(response.content, tmp_path, layout=False).split())
    assert "09:45–11:15 Groupe des agents" in text
    assert "Ce sous-groupe finit après la fin de sa séquence." in text


# Expected status per persona, in PERSONAS order: anonymous, outsider, member, facilitator,
# management.
@pytest.mark.parametrize(
    ("url", "statuses"),
    [
        (PARTICIPANTS, [302, 404, 200, 200, 200]),
        (FACILITATORS, [302, 403, 403, 200, 403]),
    ],
)
def test_who_gets_which_agenda(world, url, statuses):
    got = [
        client_for(world, persona).get(reverse(url, args=[world.day.pk])).status_code
        for persona in PERSONAS
    ]

    assert got == statuses


def test_a_facilitator_of_another_programme_gets_only_the_participants_agenda(world):
    other = factories.UserFactory(username="eve", roles=["facilitator"])
    factories.PersonFactory(user=other)
    client = client_for(world, "member")
    client.force_login(other)

    participants = client.get(reverse(PARTICIPANTS, args=[world.day.pk]))
    facilitators = client.get(reverse(FACILITATORS, args=[world.day.pk]))

    assert (participants.status_code, facilitators.status_code) == (200, 403)


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("member", [PARTICIPANTS]),
        ("management", [PARTICIPANTS]),
        ("facilitator", [PARTICIPANTS, FACILITATORS]),
    ],
)
def test_the_session_page_offers_each_agenda_to_who_may_have_it(world, persona, links):
    response = client_for(world, persona).get(
        reverse("sessions:session-detail", args=[world.session.pk])
    )

    html = response.content.decode()
    offered = [
        name for name in (PARTICIPANTS, FACILITATORS) if reverse(name, args=[world.day.pk]) in html
    ]
    assert offered == links


def test_the_planner_offers_both_agendas(world, facilitator_client):
    response = facilitator_client.get(reverse("sessions:agenda", args=[world.session.pk]))

    html = response.content.decode()
    assert reverse(PARTICIPANTS, args=[world.day.pk]) in html
    assert reverse(FACILITATORS, args=[world.day.pk]) in html


def numbered_lines(text: str) -> list[int]:
    """The numbers that begin lines, page numbers ("2/4") left out."""
    return [int(m) for m in re.findall(r"^\s*(\d+)\b(?!\s*/)", text, flags=re.MULTILINE)]


def test_sign_in_sheet_has_a_line_per_expected_person(world, facilitator_client, tmp_path):
    day = factories.DayFactory(
        session=world.session, date=world.session.starts_on.replace(day=28), capacity=80
    )

    response = facilitator_client.get(reverse(SIGN_IN, args=[day.pk]))

    text = pdf_text(response.content, tmp_path)
    assert "80 attendus" in text
    assert numbered_lines(text) == list(range(1, 81))
    assert page_count(response.content) == 4
    # The table's header is printed again on every page.
    assert text.count("Après-midi") == 4


def test_sign_in_sheet_prints_in_landscape_when_asked(world, facilitator_client, tmp_path):
    url = reverse(SIGN_IN, args=[world.day.pk])

    portrait = PdfReader(io.BytesIO(facilitator_client.get(url).content)).pages[0].mediabox
    response = facilitator_client.get(url, {"orientation": "landscape"})
    landscape = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    wrong = facilitator_client.get(url, {"orientation": "de biais"})

    assert portrait.height > portrait.width
    assert landscape.width > landscape.height
    assert "paysage" in response["Content-Disposition"]
    assert wrong.status_code == 422
    assert "portrait ou en paysage" in wrong.content.decode()
    planner = facilitator_client.get(reverse("sessions:agenda", args=[world.session.pk]))
    assert f"{url}?orientation=landscape" in planner.content.decode()


def test_sign_in_sheet_fills_up_to_the_expected_attendance(world, facilitator_client, tmp_path):
    world.day.capacity = 8
    world.day.save()
    for name in ("Abadie", "Zidane"):
        factories.AttendanceFactory(day=world.day, person=factories.PersonFactory(last_name=name))

    response = facilitator_client.get(reverse(SIGN_IN, args=[world.day.pk]))

    # The world's member and two more registered, then five blank lines.
    assert numbered_lines(pdf_text(response.content, tmp_path)) == list(range(1, 9))


def test_sign_in_sheet_keeps_spare_lines_when_the_day_is_full(world, facilitator_client, tmp_path):
    world.day.capacity = 1
    world.day.save()

    response = facilitator_client.get(reverse(SIGN_IN, args=[world.day.pk]))

    assert numbered_lines(pdf_text(response.content, tmp_path)) == [1, 2, 3, 4]


def test_sign_in_sheet_without_an_expected_attendance_has_a_few_blank_lines(
    world, facilitator_client, tmp_path
):
    response = facilitator_client.get(reverse(SIGN_IN, args=[world.day.pk]))

    assert numbered_lines(pdf_text(response.content, tmp_path)) == list(range(1, 10))


def test_sign_in_sheet_groups_people_by_direction_sorted_by_name(
    world, facilitator_client, tmp_path
):
    finance = factories.DirectionFactory(name="Direction des finances", acronym="DF")
    youth = factories.DirectionFactory(name="Direction de la jeunesse", acronym="DJ")
    for last, direction in (
        ("Zola", finance),
        ("Aubert", youth),
        ("Martin", finance),
        ("Berger", None),
        ("Durand", youth),
    ):
        person = factories.PersonFactory(last_name=last, first_name="Jo", direction=direction)
        factories.AttendanceFactory(day=world.day, person=person)

    response = facilitator_client.get(reverse(SIGN_IN, args=[world.day.pk]))

    text = pdf_text(response.content, tmp_path)
    order = [
        "Direction de la jeunesse (DJ)",
        "1 AUBERT Jo",
        "2 DURAND Jo",
        "Direction des finances (DF)",
        "3 MARTIN Jo",
        "4 ZOLA Jo",
        "Direction non renseignée",
        "5 BERGER Jo",  # then the world's member, who has no direction either
        "Personnes non inscrites",
    ]
    flat = " ".join(text.split())
    positions = [flat.index(piece) for piece in order]
    assert positions == sorted(positions)


def test_printed_tables_give_every_header_a_scope():
    folder = Path(settings.BASE_DIR) / "templates" / "sessions" / "pdf"
    headers = [
        tag
        for name in ("agenda.html", "sign_in.html", "_rotation.html")
        for tag in re.findall(r"<th\b[^>]*>", (folder / name).read_text())
    ]

    assert len(headers) >= 10
    assert [tag for tag in headers if "scope=" not in tag] == []
