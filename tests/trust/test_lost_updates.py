"""Nothing a facilitator saves is lost to someone else's save, and two facilitators working
at once never get a 500 (issue 14, section 1).

The first part replays each example, and others of its class, one request after the other
(any database); the second part races two clients on PostgreSQL for LABO_RACE_SECONDS
(60 by default; `make concurrency` runs it shorter, twenty times)."""

import datetime
import os
import random
import re
import threading
import time
from collections import Counter

import pytest
from django import forms
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ateliers import forms as f
from ateliers.kinds import KINDS
from ateliers.models import (
    Action,
    CriteriaGrid,
    DebateQuestion,
    DemarreurReport,
    Stand,
    TribunalCase,
)
from commandes.models import Commande
from commandes.models import Status as S
from labo.models import Person
from labo.people.forms import ProfileForm
from sessions import services
from sessions.forms import AttendanceFormSet, ItemForm
from sessions.models import AgendaItem, Day
from sessions.queries import runners
from tests import factories
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}
STALE = "Quelqu’un d’autre a modifié cet élément pendant que vous le modifiiez"


def as_posted(form: forms.BaseForm) -> dict:
    """What a browser sends for a form as it was drawn (its initial values)."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = "" if value is None else str(value)
        if field.field.show_hidden_initial:  # the value it was drawn with, sent hidden
            data[field.html_initial_name] = data[field.html_name]
    return data


def top_positions(day) -> list[int]:
    return list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position")
        .values_list("position", flat=True)
    )


# Débat mouvant: counts are never written by a form read earlier ----------------------


@pytest.fixture
def debate(world):
    world.atelier.format = "debat_mouvant"
    world.atelier.save()
    return DebateQuestion.objects.create(atelier=world.atelier, text="Le télétravail ?")


def test_a_statement_saved_from_a_form_read_before_32_taps_keeps_the_taps(
    world, debate, facilitator_client
):
    read_before = as_posted(KINDS["question"].bind(world.atelier, instance=debate))
    tap = reverse("ateliers:tap", args=[debate.pk])
    for position in ["yes"] * 20 + ["no"] * 8 + ["mixed"] * 4:
        facilitator_client.post(tap, {"position": position, "delta": 1}, headers=HTMX)

    read_before[f"question{debate.pk}-text"] = "Le télétravail, deux jours ?"
    response = facilitator_client.post(
        reverse("ateliers:result-update", args=[world.atelier.pk, "question", debate.pk]),
        read_before,
        headers=HTMX,
    )

    debate.refresh_from_db()
    assert response.status_code == 200
    assert (debate.text, debate.yes, debate.no, debate.mixed) == (
        "Le télétravail, deux jours ?",
        20,
        8,
        4,
    )


def test_a_count_set_to_a_value_replacing_a_stale_one_is_refused(world, debate, facilitator_client):
    tap = reverse("ateliers:tap", args=[debate.pk])
    facilitator_client.post(tap, {"position": "yes", "delta": 1})  # seen: 1
    facilitator_client.post(tap, {"position": "yes", "delta": 1})  # a tap since: 2

    response = facilitator_client.post(
        tap, {"position": "yes", "set_to": 5, "replacing": 1}, headers=HTMX
    )

    debate.refresh_from_db()
    assert response.status_code == 409
    assert "Le décompte a changé entre-temps (il est maintenant de 2)" in response.content.decode()
    assert debate.yes == 2


def test_a_count_set_to_a_value_replacing_the_current_one_is_corrected(
    world, debate, facilitator_client
):
    DebateQuestion.objects.filter(pk=debate.pk).update(no=7)

    response = facilitator_client.post(
        reverse("ateliers:tap", args=[debate.pk]),
        {"position": "no", "set_to": 3, "replacing": 7},
        headers=HTMX,
    )

    debate.refresh_from_db()
    assert response.status_code == 200
    assert debate.no == 3


def test_the_statement_form_has_no_count(world, debate):
    form = KINDS["question"].bind(world.atelier, instance=debate)

    assert sorted(form.fields) == ["arguments", "text", "version"]


# Blocks: edits, moves and reorders ---------------------------------------------------


@pytest.fixture
def second_day(world):
    return factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )


def test_a_block_moved_to_another_day_while_edited_leaves_both_days_drawn_in_place(
    world, facilitator_client
):
    """Found in a browser: the answer drew the block's new day where its old day stood, so
    the page showed one day twice and lost the other."""
    other = Day.objects.create(session=world.session, date=world.day.date + datetime.timedelta(1))
    form = ItemForm(instance=world.item, people=runners(), prefix=f"item{world.item.pk}")
    data = as_posted(form)
    data[form.add_prefix("title")] = "Retitré"
    services.move_to_day(item=AgendaItem.objects.get(pk=world.item.pk), day=other)

    response = facilitator_client.post(
        reverse("sessions:item-update", args=[world.item.pk]),
        data,
        headers={**HTMX, "HX-Target": f"day-{world.day.pk}"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<article class="day planner-day" id="day-{world.day.pk}"')
    assert f'id="day-{other.pk}"' in content
    assert 'data-hx-swap-oob="true"' in content
    assert "déplacé entre-temps" in content
    assert AgendaItem.objects.get(pk=world.item.pk).title == "Retitré"


def test_a_block_deleted_while_its_edit_is_saved_answers_the_planner_not_a_500(
    world, facilitator_client, monkeypatch
):
    form = ItemForm(instance=world.item, people=runners(), prefix=f"item{world.item.pk}")
    data = as_posted(form)
    save_item = services.save_item

    def deleted_meanwhile(**values):  # another facilitator deletes it as this edit is saved
        services.delete_item(item=AgendaItem.objects.get(pk=values["item"].pk))
        return save_item(**values)

    monkeypatch.setattr(services, "save_item", deleted_meanwhile)
    response = facilitator_client.post(
        reverse("sessions:item-update", args=[world.item.pk]), data, headers=HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("sessions:agenda", args=[world.session.pk])


def test_a_sub_group_never_moves_to_another_day_than_its_block(
    world, second_day, facilitator_client
):
    sub = services.add_subgroup(item=world.item, title="Table 1")

    response = facilitator_client.post(
        reverse("sessions:item-move-to-day", args=[sub.pk]), {"day": second_day.pk}, headers=HTMX
    )

    sub.refresh_from_db()
    assert response.status_code == 422
    assert sub.day_id == world.item.day_id == world.day.pk


def test_a_block_edited_after_a_move_stays_where_it_was_moved_with_its_sub_groups(
    world, second_day, facilitator_client
):
    sub = services.add_subgroup(item=world.item, title="Table 1")
    services.add_item(day=second_day, title="Café", duration_minutes=15)
    read_before = as_posted(
        ItemForm(instance=world.item, people=runners(), prefix=f"item{world.item.pk}")
    )
    mover = client_for(world, "facilitator")
    mover.post(
        reverse("sessions:item-move-to-day", args=[world.item.pk]),
        {"day": second_day.pk, "position": 0},
        headers=HTMX,
    )

    read_before[f"item{world.item.pk}-title"] = "Tribunal, version courte"
    response = facilitator_client.post(
        reverse("sessions:item-update", args=[world.item.pk]), read_before, headers=HTMX
    )

    world.item.refresh_from_db()
    sub.refresh_from_db()
    assert response.status_code == 200
    assert (world.item.title, world.item.day_id, world.item.position) == (
        "Tribunal, version courte",
        second_day.pk,
        0,
    )
    assert sub.day_id == second_day.pk
    assert top_positions(second_day) == [0, 1]
    assert top_positions(world.day) == []


def _revision_drawn(page: str, day: Day) -> str:
    match = re.search(rf'data-day="{day.pk}" data-revision="(\d+)"', page)
    assert match, "the planner draws the day's revision for reorders"
    return match.group(1)


def test_two_reorders_drawn_from_the_same_view_the_second_is_refused_with_the_fresh_day(world):
    second = services.add_item(day=world.day, title="Café", duration_minutes=15)
    third = services.add_item(day=world.day, title="Déjeuner", duration_minutes=60)
    alice, bruno = client_for(world, "facilitator"), client_for(world, "facilitator")
    page = alice.get(reverse("sessions:agenda", args=[world.session.pk])).content.decode()
    revision = _revision_drawn(page, world.day)
    url = reverse("sessions:day-reorder", args=[world.day.pk])

    first = alice.post(
        url,
        {"order": f"{third.pk},{world.item.pk},{second.pk}", "revision": revision},
        headers=HTMX,
    )
    late = bruno.post(
        url,
        {"order": f"{second.pk},{world.item.pk},{third.pk}", "revision": revision},
        headers=HTMX,
    )

    assert (first.status_code, late.status_code) == (200, 409)
    assert "Le déroulé a changé depuis son chargement" in late.content.decode()
    assert f'data-revision="{Day.objects.get(pk=world.day.pk).revision}"' in late.content.decode()
    assert list(
        AgendaItem.objects.filter(day=world.day).order_by("position").values_list("pk", flat=True)
    ) == [third.pk, world.item.pk, second.pk]


def test_a_reorder_drawn_before_a_block_was_edited_is_refused(world, facilitator_client):
    second = services.add_item(day=world.day, title="Café", duration_minutes=15)
    page = facilitator_client.get(reverse("sessions:agenda", args=[world.session.pk]))
    revision = _revision_drawn(page.content.decode(), world.day)
    services.add_item(day=world.day, title="Ajouté entre-temps", duration_minutes=5)
    services.delete_item(item=AgendaItem.objects.get(title="Ajouté entre-temps"))

    response = facilitator_client.post(
        reverse("sessions:day-reorder", args=[world.day.pk]),
        {"order": f"{second.pk},{world.item.pk}", "revision": revision},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert top_positions(world.day) == [0, 1]
    assert AgendaItem.objects.get(pk=world.item.pk).position == 0


def test_a_reorder_without_the_days_revision_is_refused(world, facilitator_client):
    second = services.add_item(day=world.day, title="Café", duration_minutes=15)

    response = facilitator_client.post(
        reverse("sessions:day-reorder", args=[world.day.pk]),
        {"order": f"{second.pk},{world.item.pk}"},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert AgendaItem.objects.get(pk=world.item.pk).position == 0


# Commandes: moves carry the status they were chosen on; the gate decides only ------------


def test_a_commande_move_without_expected_status_is_refused(world, facilitator_client):
    Commande.objects.filter(pk=world.commande.pk).update(status=S.CLARIFICATION)

    response = facilitator_client.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {"to_status": S.ABANDONED, "abandon_reason": "Plus de sujet"},
    )

    assert response.status_code == 409
    assert Commande.objects.get(pk=world.commande.pk).status == S.CLARIFICATION


def test_a_gate_decision_carrying_a_new_wording_does_not_rewrite_it(world):
    Commande.objects.filter(pk=world.commande.pk).update(
        status=S.SUBMITTED, reformulated_wording="Un guichet numérique"
    )
    management = client_for(world, "management")

    response = management.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {
            "to_status": S.VALIDATED,
            "expected_status": S.SUBMITTED,
            "reformulated_wording": "Une borne, finalement",
        },
    )

    commande = Commande.objects.get(pk=world.commande.pk)
    assert response.status_code == 409
    assert (commande.status, commande.reformulated_wording) == (
        S.SUBMITTED,
        "Un guichet numérique",
    )


def test_the_gate_offers_management_no_wording_to_rewrite(world):
    """Found in a browser: the gate's form offered the wording, then refused the decision."""
    Commande.objects.filter(pk=world.commande.pk).update(
        status=S.SUBMITTED, reformulated_wording="Un guichet numérique"
    )

    page = client_for(world, "management").get(
        reverse("commandes:commande-detail", args=[world.commande.pk])
    )

    content = page.content.decode()
    assert 'name="reformulated_wording"' not in content
    assert 'name="abandon_reason"' not in content
    assert 'name="shelved_until"' in content  # "not now" asks for a date


def test_a_move_refused_when_no_move_is_left_still_says_why_and_shows_the_comment(world):
    """Found in a browser: decided in one tab, the other tab's 409 showed no message."""
    Commande.objects.filter(pk=world.commande.pk).update(status=S.VALIDATED)
    management = client_for(world, "management")

    response = management.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {"to_status": S.REFUSED, "expected_status": S.SUBMITTED, "comment": "Pas cette année"},
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "entre-temps" in content
    assert "Pas cette année" in content
    assert Commande.objects.get(pk=world.commande.pk).status == S.VALIDATED


def test_a_gate_decision_with_the_wording_as_shown_goes_through(world):
    Commande.objects.filter(pk=world.commande.pk).update(
        status=S.SUBMITTED, reformulated_wording="Un guichet\nnumérique"
    )

    response = client_for(world, "management").post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {
            "to_status": S.VALIDATED,
            "expected_status": S.SUBMITTED,
            "reformulated_wording": "Un guichet\r\nnumérique",  # as a browser sends it
        },
    )

    assert response.status_code == 302
    assert Commande.objects.get(pk=world.commande.pk).status == S.VALIDATED


def test_a_move_past_reformulated_does_not_rewrite_the_wording_either(world, facilitator_client):
    Commande.objects.filter(pk=world.commande.pk).update(
        status=S.REFORMULATED, reformulated_wording="Un guichet numérique"
    )

    facilitator_client.post(
        reverse("commandes:commande-move", args=[world.commande.pk]),
        {
            "to_status": S.SUBMITTED,
            "expected_status": S.REFORMULATED,
            "reformulated_wording": "Autre chose",
        },
    )

    assert Commande.objects.get(pk=world.commande.pk).reformulated_wording == (
        "Un guichet numérique"
    )


# Every other form read earlier: a version checked at save, a 409 with the text kept -----


def _in_format(world, format_):
    world.atelier.format = format_
    world.atelier.save()
    return world.atelier


def _result(kind):
    def make(world):
        formats = {"question": "debat_mouvant", "case": "tribunal", "stand": "labo_stands"}
        atelier = _in_format(world, formats.get(kind, "free"))
        obj = {
            "question": lambda: DebateQuestion.objects.create(atelier=atelier, text="Avant"),
            "case": lambda: TribunalCase.objects.create(atelier=atelier, question="Avant"),
            "stand": lambda: Stand.objects.create(atelier=atelier, name="Avant"),
            "action": lambda: Action.objects.create(atelier=atelier, what="Avant"),
        }[kind]()
        field = {"question": "text", "case": "question", "stand": "name", "action": "what"}[kind]
        url = reverse("ateliers:result-update", args=[atelier.pk, kind, obj.pk])

        def form():
            fresh = type(obj).objects.get(pk=obj.pk)
            return KINDS[kind].bind(atelier, instance=fresh)

        def read():
            return getattr(type(obj).objects.get(pk=obj.pk), field)

        return form, field, url, read

    return make


def _report(world):
    report = DemarreurReport.objects.create(atelier=_in_format(world, "demarreur"))

    def form():
        fresh = DemarreurReport.objects.get(pk=report.pk)
        return f.DemarreurReportForm(instance=fresh, prefix="report")

    return (
        form,
        "hypotheses",
        reverse("ateliers:report-update", args=[world.atelier.pk]),
        lambda: DemarreurReport.objects.get(pk=report.pk).hypotheses,
    )


def _grid(world):
    grid = CriteriaGrid.objects.create(
        atelier=_in_format(world, "criteria_grid"),
        x_low="Facile",
        x_high="Difficile",
        y_low="Faible",
        y_high="Fort",
    )

    def form():
        return f.CriteriaGridForm(instance=CriteriaGrid.objects.get(pk=grid.pk), prefix="grid")

    return (
        form,
        "zones",
        reverse("ateliers:grid-update", args=[world.atelier.pk]),
        lambda: CriteriaGrid.objects.get(pk=grid.pk).zones,
    )


def _profile(world):
    person = Person.objects.get(user=world.facilitator)

    def form():
        return ProfileForm(instance=Person.objects.get(pk=person.pk))

    return (
        form,
        "job_title",
        reverse("labo:my-profile"),
        lambda: Person.objects.get(pk=person.pk).job_title,
    )


def _session(world):
    from sessions.forms import SessionForm, programmes_of
    from sessions.models import Session

    def form():
        fresh = Session.objects.get(pk=world.session.pk)
        return SessionForm(instance=fresh, programmes=programmes_of(world.facilitator))

    return (
        form,
        "title",
        reverse("sessions:session-edit", args=[world.session.pk]),
        lambda: Session.objects.get(pk=world.session.pk).title,
    )


def _day(world):
    from sessions.forms import DayForm

    def form():
        return DayForm(instance=Day.objects.get(pk=world.day.pk), prefix=f"settings{world.day.pk}")

    return (
        form,
        "title",
        reverse("sessions:day-update", args=[world.day.pk]),
        lambda: Day.objects.get(pk=world.day.pk).title,
    )


def _atelier(world):
    from ateliers.models import Atelier

    def form():
        fresh = Atelier.objects.get(pk=world.atelier.pk)
        return f.AtelierForm(instance=fresh, session=world.session)

    return (
        form,
        "title",
        reverse("ateliers:atelier-edit", args=[world.atelier.pk]),
        lambda: Atelier.objects.get(pk=world.atelier.pk).title,
    )


FORMS_READ_EARLIER = {
    "session": _session,
    "day": _day,
    "atelier": _atelier,
    "question": _result("question"),
    "case": _result("case"),
    "stand": _result("stand"),
    "action": _result("action"),
    "report": _report,
    "grid": _grid,
    "profile": _profile,
}


@pytest.mark.parametrize("kind", FORMS_READ_EARLIER)
def test_a_stale_form_is_refused_with_409_and_the_users_text_kept(world, kind):
    form, field, url, read = FORMS_READ_EARLIER[kind](world)
    alice, bruno = client_for(world, "facilitator"), client_for(world, "facilitator")
    alices, brunos = as_posted(form()), as_posted(form())  # both read the same version
    name = form()[field].html_name
    alices[name], brunos[name] = "Le texte d’Alice", "Le texte de Bruno"

    first = alice.post(url, alices, headers=HTMX)
    late = bruno.post(url, brunos, headers=HTMX)

    assert first.status_code in (200, 302)
    assert late.status_code == 409
    assert STALE in late.content.decode()
    assert "Le texte de Bruno" in late.content.decode()
    assert read() == "Le texte d’Alice"
    # Saved again, the refused form now carries the version it was shown with: it wins.
    again = re.search(
        rf'name="{re.escape(form().add_prefix("version"))}" value="(\d+)"', late.content.decode()
    )
    assert again, "the refused form carries the current version"
    brunos[form().add_prefix("version")] = again.group(1)
    assert bruno.post(url, brunos, headers=HTMX).status_code in (200, 302)
    assert read() == "Le texte de Bruno"


def test_a_stale_attendance_sheet_is_refused_row_by_row(world):
    attendances = world.day.attendances.select_related("person")
    url = reverse("sessions:day-attendance", args=[world.day.pk])

    def sheet(**row):
        data = as_posted(AttendanceFormSet(queryset=attendances, prefix="att").management_form)
        data.update(as_posted(AttendanceFormSet(queryset=attendances, prefix="att").forms[0]))
        data.update({f"att-0-{k}": v for k, v in row.items()})
        data.update({"add-role": "ambassador"})
        return data

    alices, brunos = sheet(role="observer"), sheet(role="guest")
    alice, bruno = client_for(world, "facilitator"), client_for(world, "facilitator")

    first = alice.post(url, alices)
    late = bruno.post(url, brunos)

    attendance = world.day.attendances.get()
    assert (first.status_code, late.status_code) == (302, 409)
    assert STALE in late.content.decode()
    assert '<option value="guest" selected>' in late.content.decode()  # Bruno's choice, kept
    assert attendance.role == "observer"


def test_an_action_ticked_since_its_form_was_read_is_not_unticked_by_it(world):
    action = Action.objects.create(atelier=world.atelier, what="Relancer la DRH")
    read_before = as_posted(KINDS["action"].bind(world.atelier, instance=action))
    alice = client_for(world, "facilitator")
    alice.post(reverse("ateliers:action-toggle", args=[world.atelier.pk]), {"action": action.pk})

    read_before[f"action{action.pk}-what"] = "Relancer la DRH et la DSI"
    response = client_for(world, "facilitator").post(
        reverse("ateliers:result-update", args=[world.atelier.pk, "action", action.pk]),
        read_before,
        headers=HTMX,
    )

    action.refresh_from_db()
    assert response.status_code == 409
    assert (action.what, action.done) == ("Relancer la DRH", True)


# Two clients at once, on PostgreSQL ---------------------------------------------------

RACE_SECONDS = float(os.environ.get("LABO_RACE_SECONDS", "60"))


def _deadlocks() -> int:
    """Deadlocks PostgreSQL detected in this database since it started (every backend's
    statistics flushed: the racing connections are closed by then)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        if connection.pg_version >= 150000:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _settled_deadlocks(before: int) -> int:
    """The count once the closed connections have flushed theirs (they do on exit)."""
    deadline = time.monotonic() + 3
    count = _deadlocks()
    while count == before and time.monotonic() < deadline:
        time.sleep(0.2)
        count = _deadlocks()
    return count


def _race(clients, work, seconds):
    """Each client runs ``work(client, rng)`` again and again for ``seconds``; the status
    codes they got, all together."""
    codes: Counter = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(client, seed):
        rng = random.Random(seed)
        try:
            while time.monotonic() < stop:
                status = work(client, rng)
                with lock:
                    codes[status] += 1
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(client, seed)) for seed, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    assert errors == []
    return codes


def _facilitators(world, count=2):
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(world.facilitator)
        clients.append(client)
    return clients


postgres_race = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (CI runs it with DATABASE_URL).")


@pytest.mark.usefixtures("_postgres_only")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_edits_moves_and_reorders_at_once_keep_every_day_whole_and_never_deadlock(world):
    later = world.session.starts_on + datetime.timedelta(days=1)
    days = [world.day, factories.DayFactory(session=world.session, date=later)]
    for day in days:
        for number in range(5):
            block = services.add_item(day=day, title=f"Bloc {number}", duration_minutes=10)
            if number % 2 == 0:
                services.add_subgroup(item=block, title=f"Table {number}")
    blocks = list(AgendaItem.objects.filter(day__in=days).values_list("pk", flat=True))
    before = _deadlocks()

    def work(client, rng):
        pk = rng.choice(blocks)
        item = AgendaItem.all_objects.get(pk=pk)
        action = rng.choice(["edit", "edit", "move", "to-day", "reorder", "bin"])
        if action == "edit":  # a form read a moment ago, saved now
            form = ItemForm(instance=item, people=runners(), prefix=f"item{pk}")
            data = as_posted(form)
            data[f"item{pk}-title"] = f"Édité {rng.randrange(1000)}"
            time.sleep(rng.random() / 50)
            url = reverse("sessions:item-update", args=[pk])
        elif action == "move" and item.parent_id is None:
            data, url = {"direction": rng.choice(["up", "down"])}, "sessions:item-move"
            url = reverse(url, args=[pk])
        elif action == "to-day" and item.parent_id is None:
            target = rng.choice([d for d in days if d.pk != item.day_id])
            data = {"day": target.pk, "position": rng.randrange(6)}
            url = reverse("sessions:item-move-to-day", args=[pk])
        elif action == "bin" and item.parent_id is None:
            url = reverse(
                "sessions:item-restore" if item.deleted_at else "sessions:item-delete", args=[pk]
            )
            data = {}
        else:  # a reorder of the day as drawn a moment ago
            day = Day.objects.get(pk=item.day_id)
            ids = list(
                AgendaItem.objects.filter(day=day, parent__isnull=True).values_list("pk", flat=True)
            )
            rng.shuffle(ids)
            data = {"order": ",".join(map(str, ids)), "revision": day.revision}
            url = reverse("sessions:day-reorder", args=[day.pk])
        return client.post(url, data, headers=HTMX).status_code

    codes = _race(_facilitators(world), work, RACE_SECONDS)

    assert not [code for code in codes if code >= 500], codes
    assert codes[200] > 0, codes
    assert _settled_deadlocks(before) == before
    for day in days:
        assert top_positions(day) == list(range(len(top_positions(day))))
    for sub in AgendaItem.all_objects.filter(parent__isnull=False).select_related("parent"):
        assert sub.day_id == sub.parent.day_id
    assert AgendaItem.all_objects.filter(day__in=days).count() == len(blocks)


@pytest.mark.usefixtures("_postgres_only")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["question", "report", "profile"])
def test_two_saves_of_one_form_read_at_once_one_wins_the_other_is_told(world, kind):
    form, field, url, read = FORMS_READ_EARLIER[kind](world)
    alice, bruno = _facilitators(world)
    rounds = 10
    outcomes = []
    for number in range(rounds):
        barrier = threading.Barrier(2)
        read_now = as_posted(form())
        name = form()[field].html_name
        results = {}

        def save(client, text, read_now=read_now, name=name, barrier=barrier, results=results):
            try:
                barrier.wait()
                response = client.post(url, {**read_now, name: text}, headers=HTMX)
                results[text] = response.status_code
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=save, args=(alice, f"Alice {number}")),
            threading.Thread(target=save, args=(bruno, f"Bruno {number}")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        winners = [text for text, status in results.items() if status in (200, 302)]
        outcomes.append((sorted(results.values()), winners))
        assert len(winners) == 1, results
        assert sorted(results.values())[-1] == 409, results
        assert read() == winners[0]
    assert len(outcomes) == rounds


# After a refusal, saving again must not put back what the other person changed ----------


def test_a_refused_block_form_shows_the_others_change_and_saving_it_again_keeps_both(world):
    """Found in a browser: the refused form was refilled with the user's stale values for
    every field, so saving it again silently put back the other's new title."""
    form = ItemForm(instance=world.item, people=runners(), prefix=f"item{world.item.pk}")
    alices, brunos = as_posted(form), as_posted(form)
    alices[form["title"].html_name] = "Le titre d’Alice"
    brunos[form["description"].html_name] = "La description de Bruno"
    alice, bruno = client_for(world, "facilitator"), client_for(world, "facilitator")
    url = reverse("sessions:item-update", args=[world.item.pk])
    assert alice.post(url, alices, headers=HTMX).status_code == 200

    refused = bruno.post(url, brunos, headers=HTMX)
    again = refused.context["form"]
    saved = bruno.post(url, again.data, headers=HTMX)

    assert refused.status_code == 409
    assert again[("title")].value() == "Le titre d’Alice"
    assert again["description"].value() == "La description de Bruno"
    assert saved.status_code == 200
    item = AgendaItem.objects.get(pk=world.item.pk)
    assert (item.title, item.description) == ("Le titre d’Alice", "La description de Bruno")


@pytest.mark.parametrize("kind", ["session", "case", "profile"])
def test_a_refused_form_keeps_the_users_change_and_takes_the_others(world, kind):
    form, field, url, read = FORMS_READ_EARLIER[kind](world)
    drawn = form()
    other = next(
        name
        for name, f_ in drawn.fields.items()
        if name not in (field, "version")
        and isinstance(f_, forms.CharField)
        and not isinstance(f_, forms.ModelChoiceField)
    )
    alices, brunos = as_posted(drawn), as_posted(drawn)
    alices[drawn[other].html_name] = "Changé par Alice"
    brunos[drawn[field].html_name] = "Changé par Bruno"
    alice, bruno = client_for(world, "facilitator"), client_for(world, "facilitator")
    assert alice.post(url, alices, headers=HTMX).status_code in (200, 302)

    refused = bruno.post(url, brunos, headers=HTMX)
    again = next(c["form"] for c in refused.context if "form" in c and c["form"].is_bound)
    bruno.post(url, again.data, headers=HTMX)

    assert refused.status_code == 409
    fresh = form().instance
    assert (getattr(fresh, other), read()) == ("Changé par Alice", "Changé par Bruno")


def test_a_field_both_changed_says_so_next_to_it(world):
    form = ItemForm(instance=world.item, people=runners(), prefix=f"item{world.item.pk}")
    alices, brunos = as_posted(form), as_posted(form)
    alices[form["title"].html_name] = "Le titre d’Alice"
    brunos[form["title"].html_name] = "Le titre de Bruno"
    url = reverse("sessions:item-update", args=[world.item.pk])
    client_for(world, "facilitator").post(url, alices, headers=HTMX)

    refused = client_for(world, "facilitator").post(url, brunos, headers=HTMX)

    again = refused.context["form"]
    assert again["title"].value() == "Le titre de Bruno"
    assert again.errors["title"] == [
        "Modifié entre-temps par quelqu’un d’autre aussi : votre version est celle affichée ici."
    ]
