"""The access policy: every named URL declares who may reach it, in one place.

The middleware enforces the role part before any view runs, and refuses any URL
that has no declaration (fail closed). Object-level checks ("member of this
session") are done by each model's access helper, named in ``scope``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from labo.roles import ALL_ROLES, AMBASSADOR, FACILITATOR, MANAGEMENT, roles_of


@dataclass(frozen=True)
class Access:
    public: bool = False
    roles: frozenset[str] = frozenset()
    any_user: bool = False
    staff: bool = False
    scope: str = ""

    def allows(self, user) -> bool | None:
        """True if allowed, False if refused, None if the user must log in first."""
        if self.public:
            return True
        if not user.is_authenticated:
            return None
        if self.staff:
            return user.is_active and user.is_staff
        return self.any_user or bool(roles_of(user) & self.roles)


PUBLIC = Access(public=True)
ANY_USER = Access(any_user=True)
STAFF = Access(staff=True)


def roles(*names: str, scope: str = "") -> Access:
    return Access(roles=frozenset(names), scope=scope)


PLANNER_SCOPE = "facilitators of the session's programme; other facilitators 403"
LIBRARY_SCOPE = "the lab's methods and session templates: every facilitator, no programme"

POLICY: dict[str, Access] = {
    "labo:login": PUBLIC,
    "labo:logout": PUBLIC,
    "labo:oidc-login": Access(public=True, scope="404 while single sign-on is off"),
    "labo:oidc-callback": Access(public=True, scope="the state kept in the visitor's session"),
    "labo:healthz": PUBLIC,
    "labo:readyz": PUBLIC,
    "labo:home": ANY_USER,
    "labo:my-profile": ANY_USER,
    "labo:calendar-renew": Access(any_user=True, scope="the visitor's own person; else 404"),
    "labo:person-list": roles(FACILITATOR),
    "labo:person-detail": roles(FACILITATOR),
    "labo:person-import": roles(FACILITATOR),
    "labo:my-data": Access(any_user=True, scope="the visitor's own data; 404 without a person"),
    "labo:person-export": roles(
        FACILITATOR, scope="a POST, recorded in the audit log (docs/privacy.md)"
    ),
    "labo:person-anonymise": roles(FACILITATOR),
    "labo:dashboard": roles(FACILITATOR, MANAGEMENT, scope="every programme, read-only"),
    "labo:review-request": roles(FACILITATOR, MANAGEMENT, scope="every programme"),
    "labo:history-restore": roles(
        FACILITATOR, scope="facilitators of the session the deleted result belonged to"
    ),
    "labo:search": roles(FACILITATOR, MANAGEMENT, scope="every programme; hidden ideas left out"),
    "labo:document-status": roles(
        FACILITATOR, MANAGEMENT, scope="documents show grades in aggregate: not for ambassadors"
    ),
    "labo:document-file": roles(
        FACILITATOR, MANAGEMENT, scope="documents show grades in aggregate: not for ambassadors"
    ),
    "sessions:session-list": Access(
        roles=ALL_ROLES, scope="ambassadors see the sessions they take part in"
    ),
    "sessions:session-detail": Access(
        roles=ALL_ROLES, scope="ambassadors: member of the session, else 404"
    ),
    "sessions:session-ics": Access(roles=ALL_ROLES, scope="as the session page"),
    "sessions:session-export": Access(
        roles=frozenset({FACILITATOR, MANAGEMENT}), scope="any session they can see"
    ),
    "sessions:day-agenda-pdf": Access(roles=ALL_ROLES, scope="as the session page"),
    "sessions:day-agenda-facilitators-pdf": roles(FACILITATOR, scope=PLANNER_SCOPE),
    "sessions:day-sign-in-pdf": roles(FACILITATOR, scope=PLANNER_SCOPE),
    "sessions:day-run": Access(roles=ALL_ROLES, scope="as the session page; actions for editors"),
    "sessions:day-run-action": roles(FACILITATOR, scope=PLANNER_SCOPE),
    "sessions:day-run-stream": Access(roles=ALL_ROLES, scope="as the session page"),
    "sessions:personal-feed": Access(public=True, scope="a signed token names the person"),
    "sessions:session-create": roles(FACILITATOR, scope="in a programme they facilitate"),
    **{
        f"sessions:{name}": roles(FACILITATOR, scope=LIBRARY_SCOPE)
        for name in (
            "method-list",
            "method-create",
            "method-edit",
            "template-list",
            "template-detail",
            "template-edit",
            "template-delete",
        )
    },
    "sessions:session-synthesis": roles(FACILITATOR, scope=PLANNER_SCOPE),
    "sessions:session-synthesis-docx": roles(FACILITATOR, scope=PLANNER_SCOPE),
    "sessions:session-history": roles(FACILITATOR, scope=PLANNER_SCOPE),
    **{
        f"sessions:{name}": roles(FACILITATOR, scope=PLANNER_SCOPE)
        for name in (
            "session-edit",
            "agenda",
            "session-save-template",
            "day-update",
            "item-create",
            "item-from-method",
            "day-reorder",
            "item-update",
            "item-edit",
            "item-duplicate",
            "item-delete",
            "item-restore",
            "item-move",
            "item-move-to-day",
            "item-add-subgroup",
            "item-duration",
            "day-attendance",
        )
    },
}

ATELIER_READ = Access(roles=ALL_ROLES, scope="as the session page; outsiders 404")
ATELIER_LOG = Access(
    roles=frozenset({FACILITATOR, AMBASSADOR}),
    scope="the workshop's facilitators and the session's members; management reads only",
)
ATELIER_RUN = roles(FACILITATOR, scope="the workshop's facilitators and the programme's")
POLICY.update(
    {
        "ateliers:atelier-detail": ATELIER_READ,
        "ateliers:photo-file": ATELIER_READ,
        "ateliers:report-pdf": ATELIER_READ,
        "ateliers:atelier-create": roles(FACILITATOR, scope=PLANNER_SCOPE),
        "ateliers:atelier-edit": ATELIER_RUN,
        "ateliers:result-delete": ATELIER_RUN,
        "ateliers:report-transition": ATELIER_RUN,
        "ateliers:reveal": ATELIER_RUN,
        "ateliers:guest-link-create": ATELIER_RUN,
        "ateliers:guest-link-revoke": ATELIER_RUN,
        "ateliers:guest": Access(public=True, scope="a signed, revocable link to one workshop"),
        "ateliers:service-worker": Access(public=True, scope="the same script for everyone"),
        "ateliers:live-console": ATELIER_RUN,
        "ateliers:live-open": ATELIER_RUN,
        "ateliers:live-action": ATELIER_RUN,
        "ateliers:live-close": ATELIER_RUN,
        "ateliers:live-projector": ATELIER_RUN,
        "ateliers:live-stream": ATELIER_RUN,
        "live:join": Access(public=True, scope="a form: the code of an open live room"),
        "live:room": Access(public=True, scope="who has the code of an open live room; else 404"),
        "live:stream": Access(public=True, scope="who has the code of an open live room"),
        **{
            f"ateliers:{name}": ATELIER_LOG
            for name in (
                "result-add",
                "result-update",
                "report-update",
                "grid-update",
                "rotation",
                "photo-add",
                "tap",
                "vote",
                "idea-classify",
                "action-toggle",
                "offer-adopt",
            )
        },
    }
)

COMMANDE_READ = Access(roles=ALL_ROLES, scope="ambassadors: the commandes whose team they are in")
POLICY.update(
    {
        "commandes:commande-board": COMMANDE_READ,
        "commandes:commande-list": COMMANDE_READ,
        "commandes:commande-detail": COMMANDE_READ,
        "commandes:deliverable-file": COMMANDE_READ,
        "commandes:commande-pdf": COMMANDE_READ,
        "commandes:commande-history": roles(FACILITATOR, scope="every commande"),
        "commandes:commande-move": Access(
            roles=frozenset({FACILITATOR, MANAGEMENT}),
            scope="the workflow says which role makes which move",
        ),
        "commandes:task-toggle": Access(roles=ALL_ROLES, scope="facilitators, or the task's owner"),
        "commandes:commande-review": roles(MANAGEMENT, scope="management's scorecard at the gate"),
        **{
            f"commandes:{name}": roles(FACILITATOR)
            for name in (
                "commande-create",
                "team-add",
                "team-remove",
                "task-add",
                "deliverable-add",
            )
        },
    }
)

# Whole namespaces whose views guard themselves the same way (Django's admin).
NAMESPACE_POLICY: dict[str, Access] = {"admin": STAFF}
# The admin's own login page must stay reachable to log in.
POLICY["admin:login"] = PUBLIC


def access_for(view_name: str) -> Access | None:
    if view_name in POLICY:
        return POLICY[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else ""
    return NAMESPACE_POLICY.get(namespace)


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        access = access_for(match.view_name) if match else None
        if access is None:
            raise PermissionDenied("No access declaration for this URL.")
        allowed = access.allows(request.user)
        if allowed is None:
            return redirect_to_login(request.get_full_path())
        if not allowed:
            raise PermissionDenied
        return None


# Buttons ask the same rules: a template shows a link or a form exactly when its URL will
# accept the visitor (`{% may "ateliers:atelier-edit" atelier as can_edit %}`, in
# labo/templatetags/access.py), by asking the policy above for the role, then the rule the
# URL's access helper (`<app>/access.py`) tests of its object. Rules are named, so this base
# imports no app. Derived from the declarations: a URL declared with ATELIER_RUN asks what
# get_atelier_for(run=True) asks, whatever its name.
OBJECT_RULES: dict[str, str] = {
    **{name: "sessions.change_session" for name, a in POLICY.items() if a.scope == PLANNER_SCOPE},
    **{name: "ateliers.view_atelier" for name, a in POLICY.items() if a is ATELIER_READ},
    **{name: "ateliers.log_results" for name, a in POLICY.items() if a is ATELIER_LOG},
    **{name: "ateliers.run_atelier" for name, a in POLICY.items() if a is ATELIER_RUN},
    "commandes:commande-detail": "commandes.view_commande",
    "commandes:commande-pdf": "commandes.view_commande",
    **{
        name: "sessions.view_session"
        for name in (
            "sessions:session-detail",
            "sessions:session-ics",
            "sessions:session-export",
            "sessions:day-agenda-pdf",
            "sessions:day-run",
            "sessions:day-run-stream",
        )
    },
    **{
        f"commandes:{name}": "commandes.change_commande"
        for name in (
            "commande-history",
            "team-add",
            "team-remove",
            "task-add",
            "deliverable-add",
        )
    },
    "commandes:commande-review": "commandes.review_commande",
    "commandes:task-toggle": "commandes.change_task",
    "labo:history-restore": "sessions.change_session",
    "labo:person-detail": "labo.view_person",
    "labo:person-export": "labo.change_person",
    "labo:person-anonymise": "labo.change_person",
    "labo:document-status": "labo.view_document",
    "labo:document-file": "labo.view_document",
}

_MAY_CACHE = "_labo_may"


def may(request: HttpRequest, view_name: str, obj: object = None) -> bool:
    """Whether the URL named ``view_name`` will accept the visitor: its declaration's role,
    then, for a URL whose view checks an object, the same rule of ``obj`` (the session, the
    workshop, the commande... its access helper tests; without it, refused). Each rule's
    answer is kept on the request: a page asks it once, however many buttons."""
    access = access_for(view_name)
    if access is None or not access.allows(request.user):
        return False
    rule = OBJECT_RULES.get(view_name)
    if rule is None:
        return True
    if obj is None:
        return False
    answers: dict[tuple, bool] = request.__dict__.setdefault(_MAY_CACHE, {})
    key = (rule, type(obj), getattr(obj, "pk", id(obj)))
    if key not in answers:
        answers[key] = rules.test_rule(rule, request.user, obj)
    return answers[key]
