"""Every named URL is declared in the access policy, and each is checked for every persona."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from labo.access import PLANNER_SCOPE, POLICY, access_for
from tests.conftest import PERSONAS, client_for

LOGIN = "/login/"


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            # An unnamed pattern is known to the resolver by its view's dotted path.
            local = pattern.name or pattern.lookup_str
            yield (f"{namespace}:{local}" if namespace else local), pattern


ALL_URLS = list(walk(get_resolver().url_patterns))
APP_NAMESPACES = ("labo", "sessions", "ateliers", "commandes", "live")


def test_every_url_is_named_and_declared():
    undeclared = [name for name, _ in ALL_URLS if access_for(name) is None]
    assert undeclared == []


def test_policy_declares_no_url_that_does_not_exist():
    names = {name for name, _ in ALL_URLS}
    assert sorted(set(POLICY) - names) == []


# Expected status per persona, in PERSONAS order: anonymous, outsider, member, facilitator,
# management. 302 for anonymous is the login redirect.
MATRIX = {
    "labo:login": ("get", [200, 302, 302, 302, 302]),
    "labo:logout": ("post", [302, 302, 302, 302, 302]),
    # Single sign-on is off here: its pages do not exist (tests/labo/sso/ turn it on).
    "labo:oidc-login": ("get", [404, 404, 404, 404, 404]),
    "labo:oidc-callback": ("get", [404, 404, 404, 404, 404]),
    "labo:healthz": ("get", [200, 200, 200, 200, 200]),
    "labo:readyz": ("get", [200, 200, 200, 200, 200]),
    "labo:home": ("get", [302, 200, 200, 200, 200]),
    "labo:my-profile": ("get", [302, 200, 200, 200, 200]),
    "labo:calendar-renew": ("post", [302, 302, 302, 302, 302]),
    "labo:person-list": ("get", [302, 403, 403, 200, 403]),
    "labo:person-detail": ("get", [302, 403, 403, 200, 403]),
    "labo:person-import": ("get", [302, 403, 403, 200, 403]),
    # One's own data: a GET that writes nothing. Someone else's: facilitators, a POST that
    # is recorded (docs/privacy.md).
    "labo:my-data": ("get", [302, 200, 200, 200, 200]),
    "labo:person-export": ("post", [302, 403, 403, 200, 403]),
    "labo:person-anonymise": ("post", [302, 403, 403, 422, 403]),
    # Restitutions: the dashboard, search and documents for facilitators and management (a
    # synthesis shows the grade mix of those present).
    "labo:dashboard": ("get", [302, 403, 403, 200, 200]),
    "labo:review-request": ("post", [302, 403, 403, 422, 422]),
    "labo:search": ("get", [302, 403, 403, 200, 200]),
    "labo:document-status": ("get", [302, 403, 403, 200, 200]),
    "labo:document-file": ("get", [302, 403, 403, 200, 200]),
    "sessions:session-synthesis": ("get", [302, 403, 403, 200, 403]),
    "sessions:session-synthesis-docx": ("get", [302, 403, 403, 200, 403]),
    "sessions:session-history": ("get", [302, 403, 403, 200, 403]),
    "commandes:commande-history": ("get", [302, 403, 403, 200, 403]),
    # Restoring needs a deleted result: the world's workshop loses an action.
    "labo:history-restore": ("post", [302, 403, 403, 302, 403]),
    "sessions:session-list": ("get", [302, 200, 200, 200, 200]),
    "sessions:session-detail": ("get", [302, 404, 200, 200, 200]),
    # The planner: facilitators of the programme only. Empty POSTs are refused with a
    # French message (422 on the page) or sent back to the planner (302).
    "sessions:session-create": ("get", [302, 403, 403, 200, 403]),
    # The lab's method library and session templates: every facilitator, nobody else.
    "sessions:method-list": ("get", [302, 403, 403, 200, 403]),
    "sessions:method-create": ("get", [302, 403, 403, 200, 403]),
    "sessions:method-edit": ("get", [302, 403, 403, 200, 403]),
    "sessions:template-list": ("get", [302, 403, 403, 200, 403]),
    "sessions:template-detail": ("get", [302, 403, 403, 200, 403]),
    "sessions:template-edit": ("get", [302, 403, 403, 200, 403]),
    "sessions:template-delete": ("post", [302, 403, 403, 422, 403]),
    "sessions:session-edit": ("get", [302, 403, 403, 200, 403]),
    "sessions:agenda": ("get", [302, 403, 403, 200, 403]),
    "sessions:item-edit": ("get", [302, 403, 403, 200, 403]),
    "sessions:session-save-template": ("post", [302, 403, 403, 422, 403]),
    "sessions:day-update": ("post", [302, 403, 403, 422, 403]),
    "sessions:item-create": ("post", [302, 403, 403, 422, 403]),
    "sessions:item-update": ("post", [302, 403, 403, 422, 403]),
    "sessions:item-from-method": ("post", [302, 403, 403, 302, 403]),
    "sessions:day-reorder": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-duplicate": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-delete": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-restore": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-move": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-move-to-day": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-add-subgroup": ("post", [302, 403, 403, 302, 403]),
    "sessions:item-duration": ("post", [302, 403, 403, 302, 403]),
    "sessions:day-attendance": ("get", [302, 403, 403, 200, 403]),
    "sessions:session-ics": ("get", [302, 404, 200, 200, 200]),
    "sessions:session-export": ("get", [302, 403, 403, 200, 200]),
    "sessions:day-agenda-pdf": ("get", [302, 404, 200, 200, 200]),
    "sessions:day-agenda-facilitators-pdf": ("get", [302, 403, 403, 200, 403]),
    "sessions:day-sign-in-pdf": ("get", [302, 403, 403, 200, 403]),
    "sessions:day-run": ("get", [302, 404, 200, 200, 200]),
    "sessions:day-run-action": ("post", [302, 403, 403, 302, 403]),
    "sessions:day-run-stream": ("get", [302, 404, 200, 200, 200]),
    # Workshops: members log, management reads, outsiders never see them (404).
    "ateliers:atelier-detail": ("get", [302, 404, 200, 200, 200]),
    "ateliers:photo-file": ("get", [302, 404, 200, 200, 200]),
    "ateliers:report-pdf": ("get", [302, 404, 200, 200, 200]),
    "ateliers:atelier-create": ("get", [302, 403, 403, 200, 403]),
    "ateliers:atelier-edit": ("get", [302, 403, 403, 200, 403]),
    "ateliers:result-delete": ("post", [302, 403, 403, 302, 403]),
    "ateliers:report-transition": ("post", [302, 403, 403, 422, 403]),
    "ateliers:reveal": ("post", [302, 403, 403, 302, 403]),
    "ateliers:guest-link-create": ("post", [302, 403, 403, 422, 403]),
    "ateliers:guest-link-revoke": ("post", [302, 403, 403, 302, 403]),
    "ateliers:guest": ("get", [200, 200, 200, 200, 200]),
    "ateliers:service-worker": ("get", [200, 200, 200, 200, 200]),
    # A live room: the session's facilitators open, run and close it; whoever has the code
    # of an open room answers (a guest, or anyone logged in).
    "ateliers:live-console": ("get", [302, 403, 403, 200, 403]),
    "ateliers:live-open": ("post", [302, 403, 403, 302, 403]),
    "ateliers:live-action": ("post", [302, 403, 403, 422, 403]),
    "ateliers:live-close": ("post", [302, 403, 403, 302, 403]),
    "ateliers:live-projector": ("get", [302, 403, 403, 200, 403]),
    "ateliers:live-stream": ("get", [302, 403, 403, 200, 403]),
    "live:join": ("get", [200, 200, 200, 200, 200]),
    "live:room": ("get", [200, 200, 200, 200, 200]),
    "live:stream": ("get", [200, 200, 200, 200, 200]),
    "ateliers:result-add": ("post", [302, 404, 422, 422, 403]),
    "ateliers:result-update": ("post", [302, 404, 422, 422, 403]),
    "ateliers:report-update": ("post", [302, 404, 422, 422, 403]),
    "ateliers:grid-update": ("post", [302, 404, 422, 422, 403]),
    "ateliers:rotation": ("post", [302, 404, 422, 422, 403]),
    "ateliers:photo-add": ("post", [302, 404, 422, 422, 403]),
    "ateliers:tap": ("post", [302, 404, 422, 422, 403]),
    "ateliers:vote": ("post", [302, 404, 404, 404, 403]),
    "ateliers:idea-classify": ("post", [302, 404, 422, 422, 403]),
    "ateliers:action-toggle": ("post", [302, 404, 404, 404, 403]),
    # Commandes: the member ambassador is in the commande's team.
    "commandes:commande-board": ("get", [302, 200, 200, 200, 200]),
    "commandes:commande-list": ("get", [302, 200, 200, 200, 200]),
    "commandes:commande-detail": ("get", [302, 404, 200, 200, 200]),
    "commandes:deliverable-file": ("get", [302, 404, 200, 200, 200]),
    "commandes:commande-pdf": ("get", [302, 404, 200, 200, 200]),
    "commandes:commande-move": ("post", [302, 403, 403, 409, 409]),
    "commandes:task-toggle": ("post", [302, 404, 403, 302, 403]),
    "commandes:commande-review": ("post", [302, 403, 403, 403, 422]),
    "commandes:commande-create": ("get", [302, 403, 403, 200, 403]),
    "commandes:team-add": ("post", [302, 403, 403, 422, 403]),
    "commandes:team-remove": ("post", [302, 403, 403, 404, 403]),
    "commandes:task-add": ("post", [302, 403, 403, 422, 403]),
    "commandes:deliverable-add": ("post", [302, 403, 403, 422, 403]),
    "ateliers:offer-adopt": ("post", [302, 404, 302, 302, 403]),
    # A public URL: the signed token is the credential (a wrong one is a 404).
    "sessions:personal-feed": ("get", [200, 200, 200, 200, 200]),
}

# Every URL the policy reserves to the facilitators of the session's programme.
PLANNER = sorted(name for name, access in POLICY.items() if access.scope == PLANNER_SCOPE)


PART_FORMATS = {
    "ateliers:report-update": "demarreur",
    "ateliers:report-transition": "demarreur",
    "ateliers:grid-update": "criteria_grid",
    "ateliers:rotation": "labo_stands",
}


def atelier_kwargs(name, world):
    from ateliers import models as m
    from ateliers.access import guest_token
    from tests.ateliers.test_photos import png_upload

    atelier = world.atelier
    if name in PART_FORMATS:
        # A part's form posts to a workshop whose format has the part (else 404).
        atelier.format = PART_FORMATS[name]
        atelier.save()
    if name == "ateliers:atelier-create":
        return {"session_pk": world.session.pk}
    if name == "ateliers:photo-file":
        from ateliers.services import add_photo

        photo = add_photo(atelier=atelier, upload=png_upload(), caption="", author=None)
        return {"pk": photo.pk, "size": "thumb"}
    if name == "ateliers:report-pdf":
        m.DemarreurReport.objects.get_or_create(atelier=atelier)
        return {"pk": atelier.pk}
    if name == "ateliers:result-delete":
        return {
            "pk": atelier.pk,
            "kind": "idea",
            "obj_pk": m.Idea.objects.create(atelier=atelier, text="x").pk,
        }
    if name == "ateliers:result-add":
        return {"pk": atelier.pk, "kind": "idea"}
    if name == "ateliers:result-update":
        return {
            "pk": atelier.pk,
            "kind": "action",
            "obj_pk": m.Action.objects.create(atelier=atelier, what="x").pk,
        }
    if name == "ateliers:report-transition":
        return {"pk": atelier.pk, "action": "review"}
    if name == "ateliers:guest-link-revoke":
        return {"pk": m.GuestLink.objects.create(atelier=atelier, purpose="rate").pk}
    if name == "ateliers:guest":
        link = m.GuestLink.objects.create(atelier=atelier, purpose="rate")
        return {"token": guest_token(link)}
    if name == "ateliers:service-worker":
        return {}
    if name.startswith("ateliers:live-") and name != "ateliers:live-open":
        from ateliers.live.services import open_room

        open_room(atelier=atelier, prompt="", by=None)
        if name == "ateliers:live-stream":
            return {"pk": atelier.pk, "view": "projector"}
    if name == "ateliers:tap":
        return {"pk": m.DebateQuestion.objects.create(atelier=atelier, text="x").pk}
    if name == "ateliers:offer-adopt":
        stand = m.Stand.objects.create(atelier=atelier, name="Stand")
        return {"pk": m.SuggestedOffer.objects.create(stand=stand, text="x").pk}
    return {"pk": atelier.pk}


def commande_kwargs(name, world):
    from django.core.files.base import ContentFile

    from commandes.models import Deliverable, Task, TeamMember

    commande = world.commande
    TeamMember.objects.get_or_create(commande=commande, person=world.member.person)
    if name in ("commandes:commande-board", "commandes:commande-list", "commandes:commande-create"):
        return {}
    if name == "commandes:deliverable-file":
        deliverable = Deliverable.objects.create(
            commande=commande, kind="other", title="Doc", file=ContentFile(b"x", name="doc.txt")
        )
        return {"pk": deliverable.pk}
    if name == "commandes:task-toggle":
        return {"pk": Task.objects.create(commande=commande, title="Relancer").pk}
    return {"pk": commande.pk}


def synthesis_document(world, **fields):
    from django.core.files.base import ContentFile

    from labo.models import Document

    fields.setdefault("session", world.session)
    document = Document(
        kind="synthesis" if fields["session"] else "review",
        programme=world.programme,
        title="Synthèse",
        status="ready",
        **fields,
    )
    document.file.save("synthese.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    document.save()
    return document


def deleted_action_entry(world):
    from auditlog.models import LogEntry

    from ateliers.models import Action

    action = Action.objects.create(atelier=world.atelier, what="Relancer")
    action.delete()
    return LogEntry.objects.filter(action=LogEntry.Action.DELETE).latest("pk")


def library_kwargs(name, world):
    from sessions.models import Method
    from sessions.services import save_as_template

    if name in ("sessions:method-list", "sessions:method-create", "sessions:template-list"):
        return {}
    if name == "sessions:method-edit":
        return {"pk": Method.objects.create(name="Méthode de test").pk}
    return {"pk": save_as_template(session=world.session, name="Modèle de test").pk}


def url_kwargs(name, world):
    if name == "labo:history-restore":
        return {"pk": deleted_action_entry(world).pk}
    if name in ("labo:document-status", "labo:document-file"):
        return {"pk": synthesis_document(world).pk}
    if name == "sessions:session-export":
        return {"pk": world.session.pk, "what": "results", "fmt": "xlsx"}
    if name.startswith("ateliers:"):
        return atelier_kwargs(name, world)
    if name in ("live:room", "live:stream"):
        from ateliers.live.services import open_room

        return {"code": open_room(atelier=world.atelier, prompt="", by=None).code}
    if name.startswith("commandes:"):
        return commande_kwargs(name, world)
    if name in ("labo:person-detail", "labo:person-export", "labo:person-anonymise"):
        return {"pk": world.member.person.pk}
    if name == "sessions:personal-feed":
        from sessions.calendar import feed_token

        return {"token": feed_token(world.member.person)}
    if name.startswith("sessions:method-") or name.startswith("sessions:template-"):
        return library_kwargs(name, world)
    if name.startswith("sessions:day-") or name in (
        "sessions:item-create",
        "sessions:item-from-method",
    ):
        return {"pk": world.day.pk}
    if name.startswith("sessions:item-"):
        return {"pk": world.item.pk}
    if name.startswith("sessions:session-") and name not in (
        "sessions:session-list",
        "sessions:session-create",
    ):
        return {"pk": world.session.pk}
    if name == "sessions:agenda":
        return {"pk": world.session.pk}

    return {}


def test_matrix_covers_every_application_url():
    app_urls = {name for name, _ in ALL_URLS if name.split(":")[0] in APP_NAMESPACES}
    assert sorted(app_urls ^ set(MATRIX)) == []


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_application_url_answers_each_persona(world, name, persona):
    method, expected = MATRIX[name]
    client = client_for(world, persona)
    url = reverse(name, kwargs=url_kwargs(name, world))

    response = getattr(client, method)(url)

    assert response.status_code == expected[PERSONAS.index(persona)]
    if persona == "anonymous" and response.status_code == 302 and name != "labo:logout":
        assert response["Location"].startswith(f"{LOGIN}?next=")


ADMIN_NO_ARGS = sorted(
    name
    for name, p in ALL_URLS
    if name.startswith("admin:")
    and p.name
    and not p.pattern.regex.groupindex
    and name != "admin:login"
)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ADMIN_NO_ARGS)
def test_admin_is_for_staff_only(world, name, persona):
    client = client_for(world, persona)

    response = client.get(reverse(name))

    assert response.status_code == (302 if persona == "anonymous" else 403)


@pytest.mark.parametrize("name", ADMIN_NO_ARGS)
def test_admin_opens_to_a_superuser(world, name):
    client = client_for(world, "admin")

    response = client.get(reverse(name))

    # The admin's logout only takes POST; autocomplete refuses a request without its fields;
    # task results and login attempts are written by the software, never added by hand.
    expected = {
        "admin:logout": 405,
        "admin:autocomplete": 403,
        "admin:django_tasks_database_dbtaskresult_add": 403,
        "admin:labo_document_add": 403,
        "admin:axes_accessattempt_add": 403,
        "admin:axes_accessfailurelog_add": 403,
        "admin:axes_accesslog_add": 403,
        "admin:auditlog_logentry_add": 403,
        "admin:labo_signinidentity_add": 403,
    }.get(name, 200)
    assert response.status_code == expected


def test_admin_change_page_refuses_an_ambassador(world):
    client = client_for(world, "member")
    url = reverse("admin:labo_sessions_session_change", args=[world.session.pk])

    assert client.get(url).status_code == 403
    assert client_for(world, "admin").get(url).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_login_page_stays_reachable(world, persona):
    response = client_for(world, persona).get(reverse("admin:login"))

    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", PLANNER)
def test_planner_refuses_a_facilitator_of_another_programme(world, client, name):
    from labo.roles import FACILITATOR
    from tests import factories

    stranger = factories.UserFactory(username="eve", roles=[FACILITATOR])
    factories.PersonFactory(user=stranger)
    client.force_login(stranger)
    method, _expected = MATRIX[name]

    response = getattr(client, method)(reverse(name, kwargs=url_kwargs(name, world)))

    assert response.status_code == 403
