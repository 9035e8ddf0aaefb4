import datetime
import re

import pytest
from django.urls import reverse

from labo.lib.typography import french_text
from sessions import services
from sessions.models import AgendaItem, Day, Method, Session
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True, params=[True, False], ids=["cache on", "cache off"])
def cache_on(request, settings) -> bool:
    """Every test runs with the planner's cache (sessions.planner_cache) and without it:
    the pages must be the same, whatever is kept."""
    settings.LABO_PLANNER_CACHE = request.param
    return request.param


def titles(day):
    return list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position")
        .values_list("title", flat=True)
    )


@pytest.fixture
def second_day(world):
    return factories.DayFactory(
        session=world.session, date=world.session.starts_on + datetime.timedelta(days=1)
    )


def test_create_session_makes_one_day_per_date(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:session-create"),
        {
            "programme": world.programme.pk,
            "number": 42,
            "title": "Session 42",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-02",
            "place": "Metz",
        },
    )

    session = Session.objects.get(number=42)
    assert response.status_code == 302
    assert response["Location"] == reverse("sessions:agenda", args=[session.pk])
    assert session.days.count() == 2


def test_create_session_refuses_end_before_start_in_french(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:session-create"),
        {
            "programme": world.programme.pk,
            "number": 43,
            "title": "À l'envers",
            "starts_on": "2026-12-05",
            "ends_on": "2026-12-01",
        },
    )

    assert response.status_code == 422
    assert "La date de fin doit être égale ou postérieure à la date de début." in (
        response.content.decode()
    )
    assert not Session.objects.filter(number=43).exists()


def test_create_session_only_in_a_programme_the_facilitator_runs(world, facilitator_client):
    foreign = factories.ProgrammeFactory()

    response = facilitator_client.post(
        reverse("sessions:session-create"),
        {
            "programme": foreign.pk,
            "number": 1,
            "title": "Ailleurs",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-01",
        },
    )

    assert response.status_code == 422
    assert not Session.objects.filter(programme=foreign).exists()


def test_create_session_from_a_template(world, facilitator_client):
    template = services.save_as_template(session=world.session, name="Modèle")

    facilitator_client.post(
        reverse("sessions:session-create"),
        {
            "programme": world.programme.pk,
            "number": 44,
            "title": "Depuis un modèle",
            "starts_on": "2027-01-04",
            "ends_on": "2027-01-04",
            "template": template.pk,
        },
    )

    day = Session.objects.get(number=44).days.get()
    assert titles(day) == ["Tribunal de l'innovation"]


def test_add_block_through_htmx_returns_the_day_fragment(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:item-create", args=[world.day.pk]),
        {
            f"day{world.day.pk}-title": "Déjeuner",
            f"day{world.day.pk}-kind": "meal",
            f"day{world.day.pk}-duration_minutes": "60",
            f"day{world.day.pk}-fixed_start": "12:30",
        },
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<article class="day planner-day" id="day-{world.day.pk}"')
    assert "12:30–13:30" in content
    assert french_text("Bloc « Déjeuner » ajouté.") in content
    assert titles(world.day) == ["Tribunal de l'innovation", "Déjeuner"]


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("-5", "Un bloc dure au moins une minute."),
        ("0", "Un bloc dure au moins une minute."),
        ("100000", "Un bloc dure au plus 12 heures (720 minutes)."),
        ("abc", "Saisissez une durée en minutes entières."),
    ],
)
def test_add_block_with_a_bad_duration_is_refused_next_to_the_field(
    world, facilitator_client, duration, message
):
    prefix = f"day{world.day.pk}"
    response = facilitator_client.post(
        reverse("sessions:item-create", args=[world.day.pk]),
        {
            f"{prefix}-title": "Trop long",
            f"{prefix}-kind": "free",
            f"{prefix}-duration_minutes": duration,
        },
        headers=HTMX,
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert titles(world.day) == ["Tribunal de l'innovation"]


def test_add_block_without_javascript_redirects_back_to_the_day(world, facilitator_client):
    prefix = f"day{world.day.pk}"

    response = facilitator_client.post(
        reverse("sessions:item-create", args=[world.day.pk]),
        {f"{prefix}-title": "Café", f"{prefix}-kind": "coffee", f"{prefix}-duration_minutes": "15"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#day-{world.day.pk}")


def test_invalid_block_without_javascript_renders_the_page_with_the_error(
    world, facilitator_client
):
    prefix = f"day{world.day.pk}"

    response = facilitator_client.post(
        reverse("sessions:item-create", args=[world.day.pk]),
        {f"{prefix}-title": "", f"{prefix}-kind": "coffee", f"{prefix}-duration_minutes": "15"},
    )

    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.content.decode()


def test_edit_block_inline_pins_it_and_shows_the_overlap_warning(world, facilitator_client):
    world.item.duration_minutes = 240
    world.item.save()
    lunch = services.add_item(day=world.day, title="Déjeuner", duration_minutes=60)
    prefix = f"item{lunch.pk}"

    response = facilitator_client.post(
        reverse("sessions:item-update", args=[lunch.pk]),
        {
            f"{prefix}-title": "Déjeuner",
            f"{prefix}-kind": "meal",
            f"{prefix}-duration_minutes": "60",
            f"{prefix}-fixed_start": "12:30",
            f"{prefix}-version": "0",
        },
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Le bloc précédent déborde sur cet horaire fixe." in content
    lunch.refresh_from_db()
    assert lunch.fixed_start == datetime.time(12, 30)


def test_edit_block_with_errors_retargets_the_form(world, facilitator_client):
    prefix = f"item{world.item.pk}"

    response = facilitator_client.post(
        reverse("sessions:item-update", args=[world.item.pk]),
        {f"{prefix}-title": "", f"{prefix}-kind": "free", f"{prefix}-duration_minutes": "-1"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#item-{world.item.pk}"
    world.item.refresh_from_db()
    assert world.item.title == "Tribunal de l'innovation"


def test_edit_form_fragment_for_htmx_and_page_without_javascript(world, facilitator_client):
    url = reverse("sessions:item-edit", args=[world.item.pk])

    fragment = facilitator_client.get(url, headers=HTMX).content.decode()
    page = facilitator_client.get(url).content.decode()

    assert fragment.lstrip().startswith(
        f'<li class="agenda-item editing" id="item-{world.item.pk}"'
    )
    assert "<html" in page
    assert f'id="item-{world.item.pk}"' in page


def test_delete_offers_undo_and_undo_restores(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:item-delete", args=[world.item.pk]), headers=HTMX
    )

    assert (
        french_text("Bloc « Tribunal de l&#x27;innovation » supprimé.") in response.content.decode()
    )
    assert titles(world.day) == []

    facilitator_client.post(reverse("sessions:item-restore", args=[world.item.pk]), headers=HTMX)

    assert titles(world.day) == ["Tribunal de l'innovation"]


def test_delete_without_javascript_keeps_the_undo_on_the_page(world, facilitator_client):
    response = facilitator_client.post(reverse("sessions:item-delete", args=[world.item.pk]))
    page = facilitator_client.get(response["Location"])

    assert reverse("sessions:item-restore", args=[world.item.pk]) in page.content.decode()


def test_move_up_announces_the_new_position(world, facilitator_client):
    second = services.add_item(day=world.day, title="Café", duration_minutes=15)

    response = facilitator_client.post(
        reverse("sessions:item-move", args=[second.pk]), {"direction": "up"}, headers=HTMX
    )

    content = response.content.decode()
    assert titles(world.day) == ["Café", "Tribunal de l'innovation"]
    assert french_text("« Café » déplacé en position 1 sur 2.") in content
    assert f'data-focus="item-{second.pk}-up"' in content


def test_reorder_with_a_stale_order_answers_409_and_keeps_the_agenda(world, facilitator_client):
    second = services.add_item(day=world.day, title="Café", duration_minutes=15)

    response = facilitator_client.post(
        reverse("sessions:day-reorder", args=[world.day.pk]),
        {"order": f"{second.pk}"},
        headers=HTMX,
    )

    assert response.status_code == 409
    assert "Le déroulé a changé depuis son chargement" in response.content.decode()
    assert titles(world.day) == ["Tribunal de l'innovation", "Café"]


def test_reorder_with_garbage_is_refused(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:day-reorder", args=[world.day.pk]), {"order": "1,deux"}, headers=HTMX
    )

    assert response.status_code == 409
    assert "Le nouvel ordre est illisible." in response.content.decode()


def test_move_to_another_day_returns_both_days(world, facilitator_client, second_day):
    response = facilitator_client.post(
        reverse("sessions:item-move-to-day", args=[world.item.pk]),
        {"day": second_day.pk},
        headers=HTMX,
    )

    content = response.content.decode()
    assert titles(second_day) == ["Tribunal de l'innovation"]
    assert f'id="day-{world.day.pk}"' in content
    assert f'id="day-{second_day.pk}" aria-labelledby="day-{second_day.pk}-title"' in content
    assert 'data-hx-swap-oob="true"' in content


def test_move_to_a_day_of_another_session_is_refused_in_french(world, facilitator_client):
    foreign = factories.DayFactory()

    response = facilitator_client.post(
        reverse("sessions:item-move-to-day", args=[world.item.pk]),
        {"day": foreign.pk},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "Choisissez une journée de cette session." in response.content.decode()
    assert titles(world.day) == ["Tribunal de l'innovation"]


def test_add_from_method(world, facilitator_client):
    method = Method.objects.get(name="Brise-glace")

    facilitator_client.post(
        reverse("sessions:item-from-method", args=[world.day.pk]),
        {f"method{world.day.pk}-method": method.pk},
        headers=HTMX,
    )

    assert titles(world.day) == ["Tribunal de l'innovation", "Brise-glace"]


def test_add_subgroup(world, facilitator_client):
    facilitator_client.post(
        reverse("sessions:item-add-subgroup", args=[world.item.pk]),
        {f"sub{world.item.pk}-title": "Table 1"},
        headers=HTMX,
    )

    assert list(world.item.subgroups.values_list("title", flat=True)) == ["Table 1"]


def test_day_settings_refuse_an_end_before_the_start(world, facilitator_client):
    prefix = f"settings{world.day.pk}"

    response = facilitator_client.post(
        reverse("sessions:day-update", args=[world.day.pk]),
        {f"{prefix}-starts_at": "17:00", f"{prefix}-ends_at": "09:00"},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "La journée doit finir après son début." in response.content.decode()
    assert Day.objects.get(pk=world.day.pk).starts_at == datetime.time(9, 0)


def test_save_as_template(world, facilitator_client):
    response = facilitator_client.post(
        reverse("sessions:session-save-template", args=[world.session.pk]),
        {"name": "Session type"},
    )

    assert response.status_code == 302
    assert world.session.days.count() == 1


def test_edit_session_refuses_to_drop_a_day_with_blocks(world, facilitator_client):
    later = world.session.starts_on + datetime.timedelta(days=3)

    response = facilitator_client.post(
        reverse("sessions:session-edit", args=[world.session.pk]),
        {
            "programme": world.programme.pk,
            "number": world.session.number,
            "title": world.session.title,
            "starts_on": later.isoformat(),
            "ends_on": later.isoformat(),
            "status": "planned",
            "version": world.session.version,
        },
    )

    assert response.status_code == 422
    assert "Des journées hors des nouvelles dates ont encore des blocs" in (
        response.content.decode()
    )
    world.session.refresh_from_db()
    assert world.session.starts_on != later


@pytest.mark.parametrize("count", [1, 50])
def test_agenda_page_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count, cache_on
):
    for _ in range(count):
        block = factories.AgendaItemFactory(day=world.day)
        block.facilitators.add(world.facilitator.person)

    url = reverse("sessions:agenda", args=[world.session.pk])

    with django_assert_num_queries(6):
        drawn = facilitator_client.get(url)
    # The visitor is in the shared cache, the page in the worker's: one query, the session
    # read with its days' and the method library's signatures. Without the planner's cache:
    # the session, its days, the method library, the blocks and their runners.
    with django_assert_num_queries(1 if cache_on else 5):
        cached = facilitator_client.get(url)

    assert drawn.status_code == cached.status_code == 200
    assert _without_tokens(cached) == _without_tokens(drawn)


def test_the_planner_is_drawn_the_same_with_and_without_its_cache(
    world, facilitator_client, second_day, settings
):
    from ateliers.models import Atelier

    sub = factories.AgendaItemFactory(day=world.day, parent=world.item, title="Table 1")
    world.item.facilitators.add(world.member.person)
    Atelier.objects.filter(pk=world.atelier.pk).update(agenda_item=world.item)
    lunch = services.add_item(day=second_day, title="Déjeuner", duration_minutes=60)
    urls = [
        (reverse("sessions:agenda", args=[world.session.pk]), {}),
        (reverse("sessions:agenda", args=[world.session.pk]), {"undo": sub.pk}),
        (reverse("sessions:agenda", args=[world.session.pk]), {"edit": lunch.pk}),
        (reverse("sessions:agenda", args=[world.session.pk]), {"settings": second_day.pk}),
    ]
    services.delete_item(item=sub)

    def drawn(cache: bool) -> list[str]:
        settings.LABO_PLANNER_CACHE = cache
        pages = [facilitator_client.get(url, query) for url, query in urls]
        pages += [facilitator_client.get(url, query) for url, query in urls]  # kept, if on
        pages.append(  # a day's fragment (the first block cannot go up: nothing moves)
            facilitator_client.post(
                reverse("sessions:item-move", args=[world.item.pk]),
                {"direction": "up"},
                headers=HTMX,
            )
        )
        return [_without_tokens(page) for page in pages]

    with_cache, without = drawn(True), drawn(False)

    assert with_cache == without
    assert "Table 1" not in with_cache[0] and "Déjeuner" in with_cache[0]


def _without_tokens(response) -> str:
    import re

    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    # Each run's move moves the day's revision on, which the page carries for reorders.
    page = re.sub(r'data-revision="\d+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def test_the_cached_day_follows_every_change(world, facilitator_client):
    from ateliers.models import Atelier

    url = reverse("sessions:agenda", args=[world.session.pk])
    second = factories.AgendaItemFactory(day=world.day, title="Déjeuner", position=5)
    facilitator_client.get(url)  # cached

    services.move_item(item=second, offset=-1)
    moved = facilitator_client.get(url).content.decode()
    world.day.title = "Le Grand Atelier"
    world.day.save()
    retitled = facilitator_client.get(url).content.decode()
    Atelier.objects.filter(pk=world.atelier.pk).update(agenda_item=None)
    workshop = factories.AtelierFactory(session=world.session, agenda_item=second, title="Stands")
    linked = facilitator_client.get(url).content.decode()
    runner = factories.PersonFactory(first_name="Bob")
    second.facilitators.add(runner)
    facilitator_client.get(url)
    runner.first_name = "Roberta"  # renamed, or anonymised when they leave
    runner.save()
    renamed = facilitator_client.get(url).content.decode()

    assert moved.index("Déjeuner") < moved.index(french_text("Tribunal de l&#x27;innovation"))
    assert "Le Grand Atelier" in retitled
    assert workshop.title in linked
    assert "Roberta" in renamed


def test_the_kept_page_follows_the_session_and_the_method_library(world, facilitator_client):
    url = reverse("sessions:agenda", args=[world.session.pk])
    facilitator_client.get(url)  # kept

    Session.objects.filter(pk=world.session.pk).update(title="Le Grand Atelier d'hiver")
    retitled = facilitator_client.get(url).content.decode()
    method = Method.objects.create(name="Bocal à poissons", duration_minutes=40)
    added = facilitator_client.get(url).content.decode()
    method.name = "Aquarium"
    method.save()
    renamed = facilitator_client.get(url).content.decode()
    method.delete()
    removed = facilitator_client.get(url).content.decode()

    assert french_text("Le Grand Atelier d&#x27;hiver") in retitled
    assert "Bocal à poissons" in added
    assert "Aquarium" in renamed and "Bocal à poissons" not in renamed
    assert "Aquarium" not in removed


def test_an_edits_answer_shows_the_method_library_as_it_is(world, facilitator_client):
    url = reverse("sessions:item-move", args=[world.item.pk])
    facilitator_client.post(url, {"direction": "down"}, headers=HTMX)  # library kept

    Method.objects.create(name="Bocal à poissons", duration_minutes=40)
    answer = facilitator_client.post(url, {"direction": "up"}, headers=HTMX)

    assert "Bocal à poissons" in answer.content.decode()


def test_a_day_added_or_removed_shows_on_the_kept_page(world, facilitator_client):
    url = reverse("sessions:agenda", args=[world.session.pk])
    facilitator_client.get(url)

    later = factories.DayFactory(
        session=world.session, date=world.day.date + datetime.timedelta(days=1), title="Jour 2"
    )
    with_day = facilitator_client.get(url).content.decode()
    later_pk = later.pk
    later.delete()
    without = facilitator_client.get(url).content.decode()

    assert f'id="day-{later_pk}"' in with_day
    assert f'id="day-{later_pk}"' not in without


def test_each_visitor_has_their_own_kept_page(world, facilitator_client):
    from django.test import Client

    from labo.roles import FACILITATOR

    url = reverse("sessions:agenda", args=[world.session.pk])
    facilitator_client.get(url)
    other = factories.UserFactory(username="dora", roles=[FACILITATOR])
    world.programme.facilitators.add(factories.PersonFactory(user=other))
    client = Client()
    client.force_login(other)

    page = client.get(url).content.decode()

    assert "Se déconnecter (dora)" in page
    assert "(alice)" not in page


def test_a_facilitator_taken_off_the_programme_is_refused_the_kept_page(world, facilitator_client):
    url = reverse("sessions:agenda", args=[world.session.pk])
    assert facilitator_client.get(url).status_code == 200

    world.programme.facilitators.remove(world.facilitator.person)

    assert facilitator_client.get(url).status_code == 403


def test_a_message_is_shown_once_and_never_kept(world, facilitator_client):
    url = reverse("sessions:agenda", args=[world.session.pk])
    facilitator_client.get(url)

    facilitator_client.post(
        reverse("sessions:session-save-template", args=[world.session.pk]),
        {"name": "Modèle d'hiver", "description": ""},
    )
    with_message = facilitator_client.get(url).content.decode()
    after = facilitator_client.get(url).content.decode()

    assert french_text("Modèle d&#x27;hiver") in with_message
    assert "Modèle d&#x27;hiver" not in after


def test_a_cached_day_carries_the_visitors_own_csrf_token(world, facilitator_client):
    from django.test import Client

    from sessions.planner_cache import CSRF_PLACEHOLDER

    url = reverse("sessions:agenda", args=[world.session.pk])
    facilitator_client.get(url)
    other = Client(enforce_csrf_checks=True)
    other.force_login(world.facilitator)

    page = other.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    moved = other.post(
        reverse("sessions:item-move", args=[world.item.pk]),
        {"direction": "down", "csrfmiddlewaretoken": token},
    )

    assert CSRF_PLACEHOLDER not in page.content.decode()
    assert moved.status_code == 302


def test_an_edit_draws_again_only_the_blocks_it_changed(
    world, facilitator_client, monkeypatch, cache_on
):
    from sessions import planner_cache

    for title in ("Déjeuner", "Stands", "Débat mouvant"):
        services.add_item(day=world.day, title=title, duration_minutes=30)
    facilitator_client.get(reverse("sessions:agenda", args=[world.session.pk]))  # all drawn
    drawn = []
    render = planner_cache.render_to_string

    def spy(name, context=None, *args, **kwargs):
        if name.endswith("#block"):
            drawn.append(context["slot"].item.title)
        return render(name, context, *args, **kwargs)

    monkeypatch.setattr(planner_cache, "render_to_string", spy)
    answer = facilitator_client.post(  # the first block (“Tribunal”) swaps with “Déjeuner”
        reverse("sessions:item-move", args=[world.item.pk]), {"direction": "down"}, headers=HTMX
    )
    html = answer.content.decode()

    if cache_on:
        assert sorted(drawn) == ["Déjeuner", "Tribunal de l'innovation"]
    else:  # nothing kept: every block is drawn
        assert sorted(drawn) == ["Débat mouvant", "Déjeuner", "Stands", "Tribunal de l'innovation"]
    assert html.index("Déjeuner") < html.index(french_text("Tribunal de l&#x27;innovation"))
    assert html.index("Stands") < html.index("Débat mouvant")
    lunch = AgendaItem.objects.get(title="Déjeuner")
    assert f'id="item-{lunch.pk}-up" disabled' in html  # first now
    assert f'id="item-{world.item.pk}-up">' in html  # no longer first: it can go up


@pytest.mark.parametrize("change", ["runner renamed", "workshop retitled", "sub-group retitled"])
def test_a_kept_block_follows_its_runners_workshop_and_sub_groups(
    world, facilitator_client, change
):
    """What a block shows beyond its own fields can change without a signal (a bulk update):
    the block's key covers it."""
    from ateliers.models import Atelier
    from labo.models import Person

    runner = Person.objects.get(user=world.member)
    world.item.facilitators.add(runner)
    sub = factories.AgendaItemFactory(day=world.day, parent=world.item, title="Table 1")
    services.add_item(day=world.day, title="Déjeuner", duration_minutes=60)
    last = services.add_item(day=world.day, title="Clôture", duration_minutes=15)
    move = reverse("sessions:item-move", args=[last.pk])  # the two blocks after it swap
    before = facilitator_client.post(move, {"direction": "up"}, headers=HTMX).content.decode()

    shown = {
        "runner renamed": lambda: Person.objects.filter(pk=runner.pk).update(first_name="Roberta"),
        "workshop retitled": lambda: Atelier.objects.filter(pk=world.atelier.pk).update(
            title="Stands du labo"
        ),
        "sub-group retitled": lambda: AgendaItem.objects.filter(pk=sub.pk).update(
            title="Table des élus"
        ),
    }
    shown[change]()
    after = facilitator_client.post(move, {"direction": "down"}, headers=HTMX).content.decode()

    expected = {
        "runner renamed": "Roberta",
        "workshop retitled": "Stands du labo",
        "sub-group retitled": "Table des élus",
    }[change]
    assert expected not in before
    assert expected in after


@pytest.mark.parametrize("answer", ["move", "invalid block", "move to another day", "page"])
def test_no_answer_carries_the_csrf_placeholder(world, facilitator_client, second_day, answer):
    from sessions.planner_cache import CSRF_PLACEHOLDER

    item = world.item.pk
    response = {
        "move": lambda: facilitator_client.post(
            reverse("sessions:item-move", args=[item]), {"direction": "down"}, headers=HTMX
        ),
        "invalid block": lambda: facilitator_client.post(
            reverse("sessions:item-create", args=[world.day.pk]),
            {f"day{world.day.pk}-title": "", f"day{world.day.pk}-duration_minutes": "0"},
            headers=HTMX,
        ),
        "move to another day": lambda: facilitator_client.post(
            reverse("sessions:item-move-to-day", args=[item]),
            {"day": second_day.pk},
            headers=HTMX,
        ),
        "page": lambda: facilitator_client.get(
            reverse("sessions:agenda", args=[world.session.pk]), {"undo": item}
        ),
    }[answer]()
    html = response.content.decode()

    assert 'name="csrfmiddlewaretoken"' in html
    assert CSRF_PLACEHOLDER not in html


def test_moving_a_block_changed_meanwhile_answers_409_in_french(
    world, facilitator_client, monkeypatch
):
    def changed_meanwhile(**kwargs):
        raise services.StaleAgenda(services.GONE)

    monkeypatch.setattr(services, "move_item", changed_meanwhile)
    response = facilitator_client.post(
        reverse("sessions:item-move", args=[world.item.pk]), {"direction": "down"}, headers=HTMX
    )

    assert response.status_code == 409
    assert "supprimé entre-temps" in response.content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_move_fragment_query_count_is_constant(
    world, facilitator_client, django_assert_num_queries, count
):
    for _ in range(count):
        factories.AgendaItemFactory(day=world.day)

    # The account, the block, the lock (the revision), the blocks, the renumbering, the
    # savepoint's two, the days, blocks and runners, the method library (kept after).
    with django_assert_num_queries(11):
        response = facilitator_client.post(
            reverse("sessions:item-move", args=[world.item.pk]),
            {"direction": "down"},
            headers=HTMX,
        )

    assert response.status_code == 200


def test_attendance_records_roles_presence_and_additions(world, facilitator_client):
    member_attendance = world.day.attendances.get()
    newcomers = factories.PersonFactory.create_batch(2)
    data = {
        "att-TOTAL_FORMS": "1",
        "att-INITIAL_FORMS": "1",
        "att-0-id": member_attendance.pk,
        "att-0-role": "observer",
        "att-0-present": "",
        "att-0-version": member_attendance.version,
        "add-people": [p.pk for p in newcomers],
        "add-role": "guest",
    }

    response = facilitator_client.post(
        reverse("sessions:day-attendance", args=[world.day.pk]), data
    )

    assert response.status_code == 302
    member_attendance.refresh_from_db()
    assert (member_attendance.role, member_attendance.present) == ("observer", False)
    assert world.day.attendances.filter(role="guest").count() == 2


def test_attendance_with_a_bad_role_changes_nothing(world, facilitator_client):
    attendance = world.day.attendances.get()

    response = facilitator_client.post(
        reverse("sessions:day-attendance", args=[world.day.pk]),
        {
            "att-TOTAL_FORMS": "1",
            "att-INITIAL_FORMS": "1",
            "att-0-id": attendance.pk,
            "att-0-role": "king",
            "add-role": "guest",
        },
    )

    assert response.status_code == 422
    assert "Sélectionnez un choix valide" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.role == "ambassador"


def test_attendance_page_masks_a_small_grade_mix(world, facilitator_client):
    response = facilitator_client.get(reverse("sessions:day-attendance", args=[world.day.pk]))

    assert response.context["mix"].masked is True
    assert "la répartition n’est pas affichée" in response.content.decode()


def test_attendance_page_names_the_roles_in_french(world, facilitator_client):
    """Found in a browser: the count per role read "Ambassador 11 / Facilitator 3"."""
    factories.AttendanceFactory(day=world.day, role="facilitator")

    response = facilitator_client.get(reverse("sessions:day-attendance", args=[world.day.pk]))

    content = response.content.decode()
    assert "<dt>Animateur</dt>" in content
    assert "<dt>Facilitator</dt>" not in content
    assert "<dt>Ambassador</dt>" not in content


def test_day_settings_load_on_demand_and_without_javascript(world, facilitator_client):
    url = reverse("sessions:day-update", args=[world.day.pk])

    fragment = facilitator_client.get(url, headers=HTMX)
    plain = facilitator_client.get(url)
    page = facilitator_client.get(plain["Location"])

    assert f'name="settings{world.day.pk}-starts_at"' in fragment.content.decode()
    assert plain.status_code == 302
    assert f'name="settings{world.day.pk}-starts_at"' in page.content.decode()


def edit_data(item, **values):
    prefix = f"item{item.pk}"
    data = {
        f"{prefix}-title": item.title,
        f"{prefix}-kind": item.kind,
        f"{prefix}-duration_minutes": item.duration_minutes,
        f"{prefix}-version": item.version,
    }
    data.update({f"{prefix}-{k}": v for k, v in values.items()})
    return data


def test_two_facilitators_editing_one_block_do_not_overwrite_each_other(world, facilitator_client):
    loaded = AgendaItem.objects.get(pk=world.item.pk)  # both load version 0
    first = facilitator_client.post(
        reverse("sessions:item-update", args=[loaded.pk]),
        edit_data(loaded, title="Titre d'Alice"),
        headers=HTMX,
    )

    second = facilitator_client.post(
        reverse("sessions:item-update", args=[loaded.pk]),
        edit_data(loaded, duration_minutes=90),
        headers=HTMX,
    )

    content = second.content.decode()
    assert first.status_code == 200
    assert second.status_code == 409
    assert "Quelqu’un a modifié ce bloc pendant que vous l’éditiez." in content
    assert 'value="90"' in content  # the second person's input is still there
    item = AgendaItem.objects.get(pk=loaded.pk)
    assert (item.title, item.duration_minutes, item.version) == ("Titre d'Alice", 30, 1)


def test_saving_again_after_a_conflict_keeps_the_second_version(world, facilitator_client):
    loaded = AgendaItem.objects.get(pk=world.item.pk)
    facilitator_client.post(
        reverse("sessions:item-update", args=[loaded.pk]),
        edit_data(loaded, title="Titre d'Alice"),
        headers=HTMX,
    )
    loaded.version = 1  # the conflict form carries the latest version

    response = facilitator_client.post(
        reverse("sessions:item-update", args=[loaded.pk]),
        edit_data(loaded, duration_minutes=90),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert AgendaItem.objects.get(pk=loaded.pk).duration_minutes == 90
