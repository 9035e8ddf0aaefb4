"""The figures of a period: what the dashboard shows and the programme review prints."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from ateliers.models import Rating
from commandes.models import Status
from labo.lib.pdf import html_to_pdf
from labo.restitutions.review import Period, review_of, workshop_half_days
from tests import factories
from tests.sessions.test_pdf import _need_pdftotext, pdf_text  # noqa: F401

YEAR = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def held_session(programme, *, number, grades, day=datetime.date(2026, 6, 24), preparation=None):
    session = factories.SessionFactory(
        programme=programme, number=number, starts_on=day, preparation_half_days=preparation
    )
    day = factories.DayFactory(session=session)  # 9:00–17:00: two half-days
    for grade, count in grades.items():
        for _ in range(count):
            factories.AttendanceFactory(day=day, person=factories.PersonFactory(grade=grade))
    return session


@pytest.fixture
def programme(db):
    return factories.ProgrammeFactory(name="La Transfo")


def test_grades_per_session_hide_small_groups_and_their_total(programme):
    held_session(programme, number=9, grades={"A": 15, "B": 2, "C": 1})
    held_session(programme, number=10, grades={"A": 6, "B": 5})
    held_session(programme, number=11, grades={"C": 3})

    rows = review_of(programme, YEAR)["by_session"].rows

    assert [s.value for s in rows[0].segments if s.value] == [15]
    assert rows[0].hidden == ["Catégorie B", "Catégorie C"]
    assert "15" not in rows[0].after and "18" not in rows[0].after
    assert [s.value for s in rows[1].segments if s.value] == [6, 5]
    assert rows[1].after == "11"
    assert rows[2].masked


def test_participants_over_time_are_counted_once_per_quarter(programme):
    first = held_session(programme, number=1, grades={"A": 5})
    second = factories.DayFactory(session=first, date=datetime.date(2026, 6, 25))
    for attendance in first.days.first().attendances.all():
        factories.AttendanceFactory(day=second, person=attendance.person)

    review = review_of(programme, YEAR)

    (row,) = review["by_quarter"].rows
    assert row.label == "2026 T2"
    assert row.after == "5"
    assert review["totals"]["participants"] == 5


def test_preparation_ratio_is_half_days_of_preparation_per_half_day_of_workshop(programme):
    held_session(programme, number=1, grades={}, preparation=Decimal("3"))
    short = held_session(
        programme, number=2, grades={}, preparation=Decimal("2"), day=datetime.date(2026, 7, 1)
    )
    short.days.update(starts_at=datetime.time(14), ends_at=datetime.time(17))

    review = review_of(programme, YEAR)

    assert [s.half_days for s in review["sessions"]] == [2, 1]
    assert [s.ratio for s in review["sessions"]] == [Decimal("1.5"), Decimal("2.0")]
    assert review["preparation"] == {
        "preparation": Decimal("5"),
        "workshop": 3,
        "ratio": Decimal("1.7"),
    }


def test_half_days_of_a_session_without_days_is_zero():
    assert workshop_half_days([]) == 0


def test_commandes_funnel_ratings_and_the_gate(programme):
    session = held_session(programme, number=1, grades={})
    factories.CommandeFactory(programme=programme, status=Status.SUBMITTED, title="Occiline")
    factories.CommandeFactory(programme=programme, status=Status.VALIDATED)
    factories.CommandeFactory(status=Status.SUBMITTED, title="Ailleurs")  # another programme
    debate = factories.AtelierFactory(session=session, format="debat_mouvant")
    for score in (5, 4):
        Rating.objects.create(atelier=debate, score=score)

    review = review_of(programme, YEAR)

    funnel = {bar.label: bar.value for bar in review["funnel"].bars}
    assert funnel["Soumise à la direction"] == 1 and funnel["Validée"] == 1
    assert [c.title for c in review["at_gate"]] == ["Occiline"]
    assert (
        review["ratings"].text
        == "Note moyenne des méthodes, par format (sur 5). Débat mouvant (2) : 4,5/5."
    )
    assert review["totals"]["workshops"] == 1


def test_sessions_outside_the_period_are_left_out(programme):
    held_session(programme, number=1, grades={"A": 5}, day=datetime.date(2025, 6, 1))

    review = review_of(programme, YEAR)

    assert review["sessions"] == []
    assert review["totals"]["participants"] == 0


def test_the_review_takes_the_same_queries_for_one_or_many_sessions(programme):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            review_of(programme, YEAR)
        return len(ctx.captured_queries)

    held_session(programme, number=1, grades={"A": 5})
    one = queries()
    for n in range(2, 12):
        session = held_session(programme, number=n, grades={"A": 6, "B": 5})
        factories.AtelierFactory(session=session)

    assert queries() == one == 11


def test_the_review_pdf_reads_back(programme, tmp_path):
    held_session(programme, number=9, grades={"A": 15, "B": 2}, preparation=Decimal("4"))
    context = review_of(programme, YEAR)

    text = pdf_text(html_to_pdf(render_to_string("labo/pdf/review.html", context)), tmp_path)

    assert "Bilan du Labo : La Transfo" in text
    assert "du 1 janvier 2026 au 31 décembre 2026" in text
    assert "Chiffres clés" in text
    assert "Participation par catégorie" in text
    assert "moins de 5" in text
    assert "Ratio de préparation" in text


def test_an_empty_period_takes_the_same_queries(programme):
    with CaptureQueriesContext(connection) as ctx:
        review_of(programme, YEAR)

    assert len(ctx.captured_queries) == 11
