"""Page 1 of the synthesis: the summary a director reads in two minutes, and its
"À retenir" written in the preview."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ateliers import models as m
from ateliers.formats import FORMATS, Format, Part
from ateliers.queries import WORDS_STEP
from ateliers.services import add_photo
from ateliers.synthesis import HEADLINES, parts_of
from labo.lib.pdf import render_pdf
from labo.lib.typography import french_text
from sessions import synthesis
from sessions.models import Attendance, AttendanceRole, Session
from sessions.synthesis import summary_of, synthesis_of
from tests import factories
from tests.ateliers.test_photos import png_upload


def pages(session: Session) -> list[str]:
    content = render_pdf("sessions/pdf/synthesis.html", synthesis_of(session, for_pdf=True))
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def headlines(session: Session) -> dict[str, str]:
    summary = synthesis_of(session)["summary"]
    return {headline.title: headline.text for headline in summary["headlines"]}


@pytest.fixture
def grand_atelier(world):
    """Session #9 of the demo: 80 expected on the day, 7 guests came."""
    session = world.session
    world.day.capacity = 80
    world.day.save()
    for _ in range(7):
        factories.AttendanceFactory(day=world.day, role=AttendanceRole.GUEST, present=True)
    for _ in range(3):  # registered, did not come
        factories.AttendanceFactory(day=world.day, role=AttendanceRole.GUEST, present=False)
    session.key_messages = "L’invitation n’a pas porté.\nLe tribunal a fait bouger la salle."
    session.save()
    tribunal = factories.AtelierFactory(session=session, format="tribunal", title="Le tribunal")
    m.TribunalCase.objects.create(
        atelier=tribunal,
        question="L'innovation peut-elle bousculer l'expertise ?",
        before_for=2,
        before_against=5,
        after_for=4,
        after_against=3,
    )
    m.Action.objects.create(atelier=tribunal, what="Relancer les directions", owner_name="Camille")
    m.Action.objects.create(atelier=tribunal, what="Écrire aux invités", done=True)
    return session


def test_the_summary_figures_are_on_page_1(grand_atelier):
    first, *rest = pages(grand_atelier)

    # 1 member and 7 guests present of 80 expected: the key fact, on page 1.
    assert "8 / 80 présents / attendus · dont 7 invités" in first
    assert "Ateliers tenus 2" in first
    assert "Idées émises 0" in first
    assert "Actions décidées 2 1 faite" in first
    assert "L’invitation n’a pas porté." in first
    assert "Le tribunal — Convaincus 2 → 4, sceptiques 5 → 3" in first
    assert "Relancer les directions Camille" in first
    assert "Écrire aux invités" not in first  # done: in the details only
    assert "Chiffres clés" not in " ".join(rest)


def test_without_expected_attendance_the_day_counts_those_registered(grand_atelier):
    day = grand_atelier.days.get()
    day.capacity = None
    day.save()

    summary = synthesis_of(grand_atelier)["summary"]

    # 1 member and 10 guests registered, 8 came.
    assert [(f.expected, f.present, f.guests, f.fell_short) for f in summary["days"]] == [
        (11, 8, 7, False)
    ]


def test_an_empty_session_has_a_clean_summary(db):
    session = factories.SessionFactory(title="Une session sans rien")

    first = pages(session)[0]

    assert "Ateliers tenus 0" in first
    assert "Aucune action en cours." in first
    assert "À retenir" not in first  # nothing written: no empty heading in the document
    assert "Chaque atelier en une ligne" not in first


# Each workshop in one line, as its format says it ---------------------------------


def test_every_format_has_a_part_that_gives_its_headline():
    silent = [spec.format for spec in FORMATS.values() if not set(spec.parts) & set(HEADLINES)]

    assert silent == []


def test_the_debate_headline_is_its_clearest_majority(world):
    debate = factories.AtelierFactory(session=world.session, format="debat_mouvant", title="D")
    m.DebateQuestion.objects.create(atelier=debate, text="Tiède ?", yes=5, no=4, mixed=1)
    m.DebateQuestion.objects.create(atelier=debate, text="Le Labo partout ?", yes=2, no=9)

    assert headlines(world.session)["D"] == (
        "Majorité contre « Le Labo partout ? » (oui 2, non 9, mitigé 0)"
        " — 1 autre affirmation dans le détail"
    )


def test_the_tribunal_headline_is_the_shift_of_each_trial(world):
    tribunal = factories.AtelierFactory(session=world.session, format="tribunal", title="T")
    for before, after in ((2, 4), (3, 5)):
        m.TribunalCase.objects.create(
            atelier=tribunal, question="?", before_for=before, after_for=after
        )

    assert headlines(world.session)["T"] == "Convaincus 2 → 4, 3 → 5 (2 procès)"


def test_the_headlines_count_the_phones_as_the_charts_do(world):
    tribunal = factories.AtelierFactory(session=world.session, format="tribunal", title="T")
    case = m.TribunalCase.objects.create(atelier=tribunal, question="?", before_for=2, after_for=4)
    debate = factories.AtelierFactory(session=world.session, format="debat_mouvant", title="D")
    question = m.DebateQuestion.objects.create(atelier=debate, text="Oui ?", yes=1, no=2)
    answers = [(tribunal, f"before-{case.pk}", "against"), (tribunal, f"after-{case.pk}", "for")]
    answers += [(debate, f"debate-{question.pk}", "yes")]
    for n in range(5):
        for atelier, step, value in answers:
            m.LiveAnswer.objects.create(atelier=atelier, step=step, device=f"d{n}", value=value)

    found = headlines(world.session)

    assert found["T"] == "Convaincus 2 → 9, sceptiques 5 → 0"
    assert found["D"] == "Majorité pour « Oui ? » (oui 6, non 2, mitigé 0)"


def test_the_tribunal_headline_of_many_trials_is_their_sum_on_one_line(world):
    tribunal = factories.AtelierFactory(session=world.session, format="tribunal", title="T")
    for n in range(4):
        m.TribunalCase.objects.create(atelier=tribunal, question="?", before_for=n, after_for=5)

    assert headlines(world.session)["T"] == "Convaincus 6 → 20 sur 4 procès"


def test_the_stands_headline_is_the_stand_that_convinced(world):
    stands = factories.AtelierFactory(session=world.session, format="labo_stands", title="S")
    for name, interest in (("Le labo citoyen", 3), ("Le labo interne", 5)):
        stand = m.Stand.objects.create(atelier=stands, name=name)
        m.StandFeedback.objects.create(stand=stand, understanding=4, interest=interest)

    assert (
        headlines(world.session)["S"] == "« Le labo interne » a le plus convaincu (intérêt 5,0/5)"
    )


def test_the_ideas_headline_is_the_top_voted_ideas(world):
    grid = factories.AtelierFactory(
        session=world.session, format="criteria_grid", title="G", ideas_revealed=True
    )
    for text, votes in (("Un guichet unique", 3), ("Une charte", 1), ("Rien", 0)):
        idea = m.Idea.objects.create(atelier=grid, text=text)
        for voter in range(votes):
            m.Vote.objects.create(idea=idea, voter=str(voter))

    assert headlines(world.session)["G"] == (
        "Les plus votées : « Un guichet unique » (3 points), « Une charte » (1 point)"
    )


def test_hidden_ideas_are_counted_never_quoted(world):
    free = factories.AtelierFactory(session=world.session, format="free", title="F")
    m.Idea.objects.create(atelier=free, text="Une idée pas encore révélée")

    assert headlines(world.session)["F"] == "1 idée, pas encore révélée"
    assert synthesis_of(world.session)["summary"]["idea_count"] == 1


def test_the_retrospective_headline_counts_each_column(world):
    retro = factories.AtelierFactory(session=world.session, format="retrospective", title="R")
    m.RetroEntry.objects.create(atelier=retro, kind="worked", text="Le rythme")
    m.RetroEntry.objects.create(atelier=retro, kind="improve", text="Les invitations")

    assert headlines(world.session)["R"] == "Ce qui a marché : 1 · Comment faire mieux : 1"


def test_the_starter_headline_is_the_request_reformulated(world):
    demarreur = factories.AtelierFactory(session=world.session, format="demarreur", title="B")
    m.DemarreurReport.objects.create(
        atelier=demarreur, reformulated_request="Un guichet numérique d'accueil"
    )

    assert headlines(world.session)["B"] == (
        "Demande reformulée : « Un guichet numérique d'accueil »"
    )


def test_a_workshop_with_no_result_falls_back_on_its_summary(world):
    world.atelier.summary = "Une matinée d'échanges."
    world.atelier.save()
    silent = factories.AtelierFactory(session=world.session, format="free", title="Rien")

    lines = headlines(world.session)

    assert lines[world.atelier.title] == "Une matinée d'échanges."
    assert lines[silent.title] == ""


# The "À retenir", written in the preview --------------------------------------------


def post_messages(client, session, text):
    data = {
        "action": "messages",
        "messages-key_messages": text,
        "messages-version": str(session.version),
    }
    return client.post(reverse("sessions:session-synthesis", args=[session.pk]), data)


def test_the_key_messages_are_saved_and_shown(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:session-synthesis", args=[world.session.pk]),
        {
            "action": "messages",
            "messages-key_messages": "  Un premier message \n\n Un second  ",
            "messages-version": "0",
            "ateliers": [world.atelier.pk],
        },
        headers={"HX-Request": "true"},
    )

    world.session.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert world.session.key_messages == "Un premier message\nUn second"
    assert page.lstrip().startswith('<section id="synthesis-preview"')
    assert '<ul class="key-messages"><li>Un premier message</li><li>Un second</li></ul>' in page
    # The form is drawn again at the new version, ready for the next edit.
    assert 'name="messages-version" value="1"' in page


def test_without_htmx_saving_the_key_messages_goes_back_to_the_preview(world, facilitator_client):
    response = post_messages(facilitator_client, world.session, "Un message")

    assert response.status_code == 302
    assert response["Location"].endswith("#key-messages")
    assert Session.objects.get(pk=world.session.pk).key_messages == "Un message"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("\n".join(f"Message {n}" for n in range(6)), "Au plus 5 messages : il y en a 6."),
        ("Court\n" + "x" * 201, "Le message 2 est trop long : 201 caractères, au plus 200."),
    ],
)
def test_bad_key_messages_are_refused_next_to_the_field(world, facilitator_client, text, error):
    world.session.key_messages = "Ce qui était écrit"
    world.session.save()

    response = post_messages(facilitator_client, world.session, text)

    page = response.content.decode()
    assert response.status_code == 422
    assert f'<p class="error" id="id_messages-key_messages_error">{french_text(error)}</p>' in page
    assert Session.objects.get(pk=world.session.pk).key_messages == "Ce qui était écrit"


def test_key_messages_saved_meanwhile_are_not_overwritten(world, facilitator_client):
    synthesis_page = facilitator_client.get(
        reverse("sessions:session-synthesis", args=[world.session.pk])
    )
    assert 'name="messages-version" value="0"' in synthesis_page.content.decode()
    Session.objects.filter(pk=world.session.pk).update(key_messages="L'autre", version=1)

    response = facilitator_client.post(
        reverse("sessions:session-synthesis", args=[world.session.pk]),
        {"action": "messages", "messages-key_messages": "Le mien", "messages-version": "0"},
    )

    assert response.status_code == 409
    assert Session.objects.get(pk=world.session.pk).key_messages == "L'autre"
    assert "Le mien" in response.content.decode()  # the user's text is kept in the form


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("member", 403), ("outsider", 403), ("management", 403)],
)
def test_only_who_may_prepare_the_synthesis_writes_its_key_messages(world, persona, status):
    from tests.conftest import client_for

    response = post_messages(client_for(world, persona), world.session, "Piraté")

    assert response.status_code == status
    assert Session.objects.get(pk=world.session.pk).key_messages == ""


# What page 1 costs ------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 8])
def test_the_summary_asks_the_database_nothing_whatever_the_workshops(
    world, django_assert_num_queries, extra
):
    for n in range(extra):
        tribunal = factories.AtelierFactory(session=world.session, format="tribunal")
        m.TribunalCase.objects.create(atelier=tribunal, question="?", before_for=n, after_for=n)
        m.Action.objects.create(atelier=tribunal, what=f"Action {n}", owner_name="Camille")
    workshops = parts_of(world.session, atelier_ids=None, photo_ids=None, for_pdf=False)
    workshops["actions"] = list(workshops["actions"])
    per_day = synthesis.participation_of(world.session)["per_day"]

    with django_assert_num_queries(0):
        summary = summary_of(world.session, per_day=per_day, workshops=workshops)

    assert len(summary["headlines"]) == 1 + extra
    assert summary["action_count"] == extra


@pytest.mark.parametrize("extra", [0, 8])
def test_the_preview_draws_the_sessions_part_in_constant_queries(
    world, facilitator_client, django_assert_num_queries, monkeypatch, extra
):
    for n in range(extra):
        tribunal = factories.AtelierFactory(session=world.session, format="tribunal")
        m.TribunalCase.objects.create(atelier=tribunal, question="?", before_for=n, after_for=n)
        m.Action.objects.create(atelier=tribunal, what=f"Action {n}", owner_name="Camille")
        factories.AttendanceFactory(day=world.day, role=AttendanceRole.GUEST)
    # The workshops' part (ateliers.synthesis) is read once beforehand: what is counted is
    # what sessions draws around it, page 1 included.
    loaded = parts_of(world.session, atelier_ids=None, photo_ids=None, for_pdf=False)
    loaded["actions"] = list(loaded["actions"])
    source = synthesis._workshops[0]
    monkeypatch.setattr(
        synthesis,
        "_workshops",
        [synthesis.WorkshopsSource(choices=source.choices, parts=lambda *a, **k: dict(loaded))],
    )

    # 16: the agenda as held reads its workshops' facilitators once for every day.
    with django_assert_num_queries(16):
        response = facilitator_client.get(
            reverse("sessions:session-synthesis", args=[world.session.pk])
        )

    assert response.status_code == 200
    assert len(response.context["summary"]["headlines"]) == 1 + extra


def fill(atelier: m.Atelier, person) -> None:
    """Something in every part of the workshop's format and in what every workshop has, so
    that each read of the synthesis is made (ideas hidden in free workshops, revealed in the
    others: both reads)."""
    parts = atelier.parts
    if Part.QUESTIONS in parts:
        question = m.DebateQuestion.objects.create(atelier=atelier, text="Faut-il ?", yes=3)
        m.LiveAnswer.objects.create(
            atelier=atelier, step=f"debate-{question.pk}", device="d1", value="yes"
        )
    if Part.CASES in parts:
        case = m.TribunalCase.objects.create(atelier=atelier, question="?", after_for=2)
        m.LiveAnswer.objects.create(
            atelier=atelier, step=f"before-{case.pk}", device="d1", value="for"
        )
    if Part.REPORT in parts:
        report = m.DemarreurReport.objects.create(atelier=atelier, reformulated_request="Aider")
        m.DemarreurRole.objects.create(report=report, role="observer", person=person)
        m.InterviewQuestion.objects.create(report=report, text="Qui ?")
        m.Observation.objects.create(report=report, observer="Bob", phase="Écoute", note="Oui")
    if Part.STANDS in parts:
        stand = m.Stand.objects.create(atelier=atelier, name="Le stand")
        m.StandFeedback.objects.create(stand=stand, understanding=4, interest=5, comment="Clair")
        m.SuggestedOffer.objects.create(stand=stand, text="Un guichet")
        m.StandVisit.objects.create(stand=stand, group="A", round=1)
    if Part.GRID in parts:
        m.CriteriaGrid.objects.create(
            atelier=atelier, x_low="Peu", x_high="Très", y_low="Bas", y_high="Haut"
        )
    if Part.RETRO in parts:
        m.RetroEntry.objects.create(atelier=atelier, kind=m.RetroKind.WORKED, text="Le rythme")
    if Part.IDEAS in parts:
        theme = m.Theme.objects.create(atelier=atelier, name="Accueil")
        idea = m.Idea.objects.create(atelier=atelier, text="Une idée", theme=theme, x=10, y=20)
        m.Vote.objects.create(idea=idea, voter="v1")
        atelier.ideas_revealed = atelier.format != Format.FREE
        atelier.save()
    m.LiveAnswer.objects.create(atelier=atelier, step=WORDS_STEP, device="d2", value="clair")
    m.Rating.objects.create(atelier=atelier, score=4, comment="Bien")
    m.Action.objects.create(atelier=atelier, what="Relancer", owner=person)
    m.GuestLink.objects.create(atelier=atelier, purpose=m.GuestPurpose.VOTE)
    add_photo(atelier=atelier, upload=png_upload(), caption="Le mur", author=None)


@pytest.fixture
def every_format(world, request) -> int:
    """``request.param`` workshops of each format, each with results in every part."""
    for spec in FORMATS.values():
        for _ in range(request.param):
            fill(
                factories.AtelierFactory(session=world.session, format=spec.format),
                world.member.person,
            )
    return request.param


def filled(parts: list, world) -> list:
    """The parts of the workshops ``fill`` filled, each as what it read: every part given its
    own results, never another workshop's."""
    found = [part for part in parts if part.atelier != world.atelier]
    return sorted(
        {
            (
                part.empty,
                len(part.photos),
                tuple(part.results.words),
                part.results.rating_count,
                len(part.results.actions),
                len(part.results.ideas) + part.results.hidden_ideas,
            )
            for part in found
        }
    )


WHAT_EACH_READ = [
    (False, 1, (("clair", 1),), 1, 1, 0),  # debate, starter, stands: no ideas
    (False, 1, (("clair", 1),), 1, 1, 1),
]


@pytest.mark.parametrize("every_format", [1, 3], indirect=True)
def test_the_preview_reads_every_workshop_in_constant_queries(
    world, every_format, facilitator_client, django_assert_num_queries
):
    url = reverse("sessions:session-synthesis", args=[world.session.pk])

    # The agenda as held: its workshops' facilitators and rotations, once for every day.
    with django_assert_num_queries(45):
        response = facilitator_client.get(url)

    assert response.status_code == 200
    parts = response.context["parts"]
    assert len(parts) == 1 + every_format * len(FORMATS)
    assert filled(parts, world) == WHAT_EACH_READ


@pytest.mark.parametrize("every_format", [1, 3], indirect=True)
def test_the_pdfs_context_reads_every_workshop_in_constant_queries(
    world, every_format, django_assert_num_queries
):
    with django_assert_num_queries(37):
        context = synthesis_of(world.session, for_pdf=True)

    assert len(context["parts"]) == 1 + every_format * len(FORMATS)
    assert filled(context["parts"], world) == WHAT_EACH_READ


def test_next_steps_put_the_dated_actions_first_on_every_database(world):
    import datetime

    m.Action.objects.create(atelier=world.atelier, what="Un jour")
    m.Action.objects.create(
        atelier=world.atelier, what="Vendredi", due_on=datetime.date(2026, 12, 11)
    )

    summary = synthesis_of(world.session)["summary"]

    assert [action.what for action in summary["next_actions"]] == ["Vendredi", "Un jour"]


def test_a_long_session_gives_its_attendance_as_one_figure_on_page_1(db):
    import datetime

    session = factories.SessionFactory(starts_on=datetime.date(2026, 7, 6))
    for n in range(5):
        day = factories.DayFactory(session=session, date=datetime.date(2026, 7, 6 + n), capacity=10)
        for _k in range(n):
            Attendance.objects.create(day=day, person=factories.PersonFactory(), present=True)

    figures = synthesis_of(session)["summary"]["days"]

    assert [(f.label, f.expected, f.present) for f in figures] == [
        ("5 jours, du 6 juillet au 10 juillet", 50, 10)
    ]
