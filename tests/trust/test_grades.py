"""Who sees a grade (docs/privacy.md, "Who sees a grade"): one test per row of the table,
for every persona of tests/conftest.py, and a guest where a guest reaches anything."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from ateliers.access import guest_token
from ateliers.models import GuestLink
from commandes.models import TeamMember
from labo.lib.disclosure import suppress
from labo.restitutions.review import Period, review_of
from sessions.synthesis import participation_of
from tests import factories
from tests.conftest import PERSONAS, client_for

# What each persona gets from a page, in PERSONAS order (anonymous is sent to log in).
FACILITATORS_ONLY = dict(zip(PERSONAS, [302, 403, 403, 200, 403], strict=True))
# The whole page, whatever the number of people shown with their grade.
QUERIES_TEAM_BUILDER = 18
QUERIES_ATTENDANCE = 7


def graded_present(day, **grades):
    """People of these grades marked present on the day."""
    for grade, n in grades.items():
        for _ in range(n):
            person = factories.PersonFactory(grade="" if grade == "unknown" else grade)
            factories.AttendanceFactory(day=day, person=person, present=True)


def cells(chart_row):
    """What a stacked chart's row shows, per series: a number, or None when masked."""
    shown = {s.series: s.value for s in chart_row.segments}
    names = ("Catégorie A", "Catégorie B", "Catégorie C", "Non renseignée")
    return {name: shown.get(name) for name in names}


# The rule, on its own -----------------------------------------------------------------


def test_suppress_masks_a_second_cell_when_one_would_be_recomputed():
    shown = suppress([20, 10, 4, 0], 5)

    assert shown.values == [20, None, None, 0]
    assert shown.total is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([9, 2, 0, 0], [None, None, 0, 0]),  # the complement is the only other cell
        ([3, 1, 0, 0], [None, None, None, None]),  # the whole group under the minimum
        ([7, 6, 2, 1], [7, 6, None, None]),  # two small cells hide each other
        ([8, 6, 5, 0], [8, 6, 5, 0]),  # nothing small: all shown, with the total
    ],
)
def test_suppress_never_leaves_one_masked_cell(counts, expected):
    assert suppress(counts, 5).values == expected
    assert sum(v is None for v in suppress(counts, 5).values) != 1


def test_suppress_masks_what_a_finer_table_masked():
    assert suppress([20, 7, 18, 0], 5, forced=[1]).values == [20, None, None, 0]


# Row: the people directory ----------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_directory_filters_and_shows_grades_for_facilitators_only(world, persona):
    wanted = factories.PersonFactory(grade="C", last_name="Rarecat")
    factories.PersonFactory(grade="A", last_name="Autrecat")

    response = client_for(world, persona).get(reverse("labo:person-list"), {"grade": "C"})

    assert response.status_code == FACILITATORS_ONLY[persona]
    if persona == "facilitator":
        assert list(response.context["people"]) == [wanted]
        assert "grade" in response.context["form"].fields
        assert "<td>C</td>" in response.content.decode()


def test_directory_filters_people_of_no_known_grade(world, facilitator_client):
    unknown = factories.PersonFactory(grade="", last_name="Sanscat")

    response = facilitator_client.get(reverse("labo:person-list"), {"grade": "none"})

    assert unknown in response.context["people"]
    assert all(p.grade == "" for p in response.context["people"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_page_shows_the_grade_to_facilitators_only(world, persona):
    person = factories.PersonFactory(grade="B")

    response = client_for(world, persona).get(reverse("labo:person-detail", args=[person.pk]))

    assert response.status_code == FACILITATORS_ONLY[persona]
    if persona == "facilitator":
        assert "Catégorie B" in response.content.decode()


# Row: the team builder and its warnings -----------------------------------------------


@pytest.fixture
def one_person_team(world):
    """The example: a team of one, whose grade the warning would give away."""
    person = world.member.person
    person.grade = "A"
    person.save()
    TeamMember.objects.create(commande=world.commande, person=person, role="pilot")
    return person


@pytest.mark.parametrize("persona", PERSONAS)
def test_team_grades_and_grade_warning_only_for_facilitators(world, one_person_team, persona):
    response = client_for(world, persona).get(
        reverse("commandes:commande-detail", args=[world.commande.pk])
    )

    expected = {"anonymous": 302, "outsider": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected != 200:
        return
    page = response.content.decode()
    warned = "Aucun membre de catégorie B ou C" in page
    assert warned is (persona == "facilitator")
    assert ("catégorie A" in page) is (persona == "facilitator")


def test_team_suggestions_show_grades_to_facilitators(world, facilitator_client):
    skill = factories.SkillFactory(name="Design de service")
    candidate = factories.PersonFactory(grade="C", user=factories.UserFactory(roles=["ambassador"]))
    candidate.skills.add(skill)

    response = facilitator_client.get(
        reverse("commandes:commande-detail", args=[world.commande.pk]), {"skills": [skill.pk]}
    )

    assert [s.person for s in response.context["suggested"]] == [candidate]
    assert "catégorie C" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_commande_file_never_carries_a_grade(world, one_person_team, persona):
    response = client_for(world, persona).get(
        reverse("commandes:commande-pdf", args=[world.commande.pk])
    )

    expected = {"anonymous": 302, "outsider": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected == 200:
        assert response.context["warnings"] == []  # a document: no grade warning, for anyone


# Row: attendance ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_attendance_shows_each_grade_to_facilitators_only(world, persona):
    person = world.member.person
    person.grade = "C"
    person.save()

    response = client_for(world, persona).get(
        reverse("sessions:day-attendance", args=[world.day.pk])
    )

    assert response.status_code == FACILITATORS_ONLY[persona]
    if persona == "facilitator":
        assert "<td>C</td>" in response.content.decode()


# Row: the dashboard and the programme review ------------------------------------------


def period(world):
    start = world.day.date - datetime.timedelta(days=30)
    return {"start": start.isoformat(), "end": (start + datetime.timedelta(days=60)).isoformat()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboard_masks_a_cell_that_the_participants_total_would_give_back(world, persona):
    # The example: 34 present, 4 of grade C; "Participants 34" minus A and B gave C back.
    world.member.person.grade = "A"
    world.member.person.save()
    graded_present(world.day, A=19, B=10, C=4)

    response = client_for(world, persona).get(reverse("labo:dashboard"), period(world))

    expected = {"anonymous": 302, "outsider": 403, "member": 403}.get(persona, 200)
    assert response.status_code == expected
    if expected != 200:
        return
    row = response.context["by_session"].rows[0]
    assert cells(row) == {
        "Catégorie A": 20,
        "Catégorie B": None,
        "Catégorie C": None,
        "Non renseignée": 0,
    }
    assert response.context["totals"]["participants"] == 34  # 34 - 20: B and C together only
    assert "Catégorie B 10" not in response.content.decode()


def test_review_masks_in_a_quarter_what_one_of_its_sessions_masked(world):
    # Two sessions of one quarter: the quarter's B (7) minus the second session's (5) would
    # give back the first session's masked 2.
    second = factories.SessionFactory(programme=world.programme, starts_on=world.day.date)
    second_day = factories.DayFactory(session=second, date=world.day.date)
    graded_present(world.day, A=10, B=2, C=8)
    graded_present(second_day, A=10, B=5, C=10)
    start = world.day.date - datetime.timedelta(days=1)

    review = review_of(world.programme, Period(start, start + datetime.timedelta(days=2)))

    first = next(r for r in review["by_session"].rows if world.session.title in r.label)
    quarter = review["by_quarter"].rows[0]
    assert cells(first)["Catégorie B"] is None
    assert cells(quarter)["Catégorie B"] is None
    assert sum(v is None for v in cells(quarter).values()) >= 2


# Row: the session's synthesis (page and document) ------------------------------------


def test_synthesis_mix_cannot_be_recomputed_from_the_people_present(world):
    world.member.person.grade = "A"
    world.member.person.save()
    graded_present(world.day, A=19, B=10, C=4)

    participation = participation_of(world.session)

    rows = dict(participation["mix"].rows)
    assert [rows[k] for k in rows] == [20, None, None, 0]
    assert participation["mix"].total is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_synthesis_document_reaches_facilitators_and_management_only(world, persona):
    from tests.labo.test_access import synthesis_document

    document = synthesis_document(world)

    response = client_for(world, persona).get(reverse("labo:document-file", args=[document.pk]))

    expected = {"anonymous": 302, "outsider": 403, "member": 403}.get(persona, 200)
    assert response.status_code == expected


# Row: exports of a session -------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_session_export_holds_no_grade(world, persona):
    world.member.person.grade = "C"
    world.member.person.save()

    response = client_for(world, persona).get(
        reverse("sessions:session-export", args=[world.session.pk, "attendance", "csv"])
    )

    expected = {"anonymous": 302, "outsider": 403, "member": 403}.get(persona, 200)
    assert response.status_code == expected
    if expected == 200:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Catégorie" not in content.decode("utf-8-sig")
        assert ";C;" not in content.decode("utf-8-sig") and ",C," not in content.decode("utf-8-sig")


# Row: personal data exports -------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_own_export_holds_ones_grade_and_writes_nothing(world, persona):
    client = client_for(world, persona)
    if persona != "anonymous":
        own = getattr(world, persona).person
        own.grade = "B"
        own.save()
    before = LogEntry.objects.count()

    response = client.get(reverse("labo:my-data"))

    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert json.loads(response.content)["person"]["grade"] == "B"
    assert LogEntry.objects.count() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_someone_elses_export_is_a_facilitators_post_and_is_recorded(world, persona):
    person = world.member.person
    person.grade = "C"
    person.save()
    url = reverse("labo:person-export", args=[person.pk])
    client = client_for(world, persona)

    response = client.post(url)

    recorded = LogEntry.objects.filter(additional_data__privacy="export")
    if persona == "facilitator":
        assert response.status_code == 200
        assert json.loads(response.content)["person"]["grade"] == "C"
        assert recorded.get().actor == world.facilitator
    else:
        assert response.status_code == {"anonymous": 302}.get(persona, 403)
        assert not recorded.exists()


def test_someone_elses_export_is_never_a_get(world, facilitator_client):
    url = reverse("labo:person-export", args=[world.member.person.pk])

    response = facilitator_client.get(url)

    assert response.status_code == 405
    assert not LogEntry.objects.filter(additional_data__privacy="export").exists()


def test_person_page_offers_the_export_as_a_form_that_posts(world, facilitator_client):
    person = world.member.person

    page = facilitator_client.get(reverse("labo:person-detail", args=[person.pk]))

    url = reverse("labo:person-export", args=[person.pk])
    assert f'<form method="post" action="{url}"' in page.content.decode()


# Row: guests ---------------------------------------------------------------------------


def test_a_guest_sees_no_grade(world, client):
    world.member.person.grade = "C"
    world.member.person.save()
    link = GuestLink.objects.create(atelier=world.atelier, purpose="rate")

    page = client.get(reverse("ateliers:guest", args=[guest_token(link)])).content.decode()

    assert "Catégorie" not in page
    assert client.get(reverse("labo:person-list")).status_code == 302


# The table itself -----------------------------------------------------------------------


def test_every_row_of_the_privacy_table_is_tested():
    import fnmatch
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
    rows = [line for line in doc.read_text().splitlines() if re.match(r"\| \d+ \|", line)]
    tests = [name for name in globals() if name.startswith("test_")]

    assert len(rows) == 10
    for row in rows:
        named = re.findall(r"`(test_[^`]+)`", row.rsplit("|", 2)[-2])
        assert named, row
        for pattern in named:
            assert fnmatch.filter(tests, pattern), pattern


# Showing grades costs no query per person -------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_directory_by_grade_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    for _ in range(count):
        factories.PersonFactory(grade="B")

    with django_assert_num_queries(5):
        response = facilitator_client.get(reverse("labo:person-list"), {"grade": "B"})

    assert len(response.context["people"]) == count


@pytest.mark.parametrize("count", [1, 8])
def test_team_builder_with_grades_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    for _ in range(count):
        TeamMember.objects.create(
            commande=world.commande, person=factories.PersonFactory(grade="C"), role="member"
        )

    with django_assert_num_queries(QUERIES_TEAM_BUILDER):
        response = facilitator_client.get(
            reverse("commandes:commande-detail", args=[world.commande.pk])
        )

    assert response.content.decode().count("catégorie C") == count


@pytest.mark.parametrize("count", [1, 20])
def test_attendance_with_grades_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    graded_present(world.day, B=count)

    with django_assert_num_queries(QUERIES_ATTENDANCE):
        response = facilitator_client.get(reverse("sessions:day-attendance", args=[world.day.pk]))

    assert response.content.decode().count("<td>B</td>") == count


def test_synthesis_docx_masks_the_mix_as_the_pdf_does(world, facilitator_client):
    import io

    import docx

    graded_present(world.day, A=19, B=2, C=4)

    response = facilitator_client.get(
        reverse("sessions:session-synthesis-docx", args=[world.session.pk])
    )

    document = docx.Document(io.BytesIO(response.content))
    rows = [
        [cell.text for cell in row.cells]
        for table in document.tables
        for row in table.rows
        if row.cells and row.cells[0].text.startswith("Catégorie ")
    ]
    assert rows == [
        ["Catégorie A", "19"],
        ["Catégorie B", "moins de 5"],
        ["Catégorie C", "moins de 5"],
    ]
