"""The demo lab: the shapes of the field reports, told in our own words, with invented people.

Every write goes through the services users go through (people's HR import, sessions,
workshops, the commande workflow with its role checks), so the demo can never show a state
the rules forbid. Idempotent: every object is found by a natural key before it is created,
and agendas are only written into days that have none.
"""

from __future__ import annotations

import datetime
import decimal
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from ateliers import models as m
from ateliers.formats import Format
from ateliers.models import Atelier, DemarreurRoleKind, Position, RetroKind
from ateliers.services import (
    add_idea,
    add_result,
    adopt_offer,
    classify_idea,
    create_atelier,
    plan_rotation,
    report_of,
    reveal_ideas,
    save_grid,
    tap,
    update_report,
)
from commandes.models import Commande, DeliverableKind, TeamRole
from commandes.models import Status as CS
from commandes.services import (
    add_deliverable,
    add_task,
    add_team_member,
    backdate_history,
    record_commande,
    rename_commande,
    save_review,
)
from commandes.workflow import Move, move, role_for
from labo.models import Direction, Grade, Person, Programme
from labo.people.services import (
    add_direction,
    add_skills,
    create_account,
    import_people,
    record_onboarding,
)
from labo.roles import AMBASSADOR, FACILITATOR, MANAGEMENT
from sessions.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Day,
    ItemKind,
    Session,
    SessionStatus,
    SessionTemplate,
)
from sessions.services import (
    add_item,
    add_subgroup,
    create_programme,
    create_session,
    record_attendance,
    save_as_template,
    save_debrief,
    save_key_messages,
    update_day,
    update_session,
)

DEMO_PASSWORD = "demo"

DIRECTIONS = [
    ("Direction des ressources humaines", "DRH"),
    ("Direction des systèmes d'information", "DSI"),
    ("Direction des déchets et de la propreté", "DDP"),
    ("Direction des mobilités", "DMOB"),
    ("Direction de l'énergie et du climat", "DEC"),
    ("Direction de l'action économique", "DAE"),
    ("Direction de la relation aux usagers", "DRU"),
    ("Direction de la jeunesse", "DJ"),
    ("Direction générale des services", "DGS"),
]
SKILLS = [
    "Prototypage",
    "Reformulation de la commande",
    "Enquête de terrain",
    "Facilitation",
    "Design de service",
    "Rédaction",
    "Vidéo et communication",
]

A, B, C = Grade.A, Grade.B, Grade.C
# first name, last name, grade, direction acronym, profile, skills, appetites, join offset (days)
AMBASSADORS = [
    ("Léa", "Fontaine", A, "DRH", "Ressources humaines", [3, 5], [0], -700),
    ("Mathis", "Girard", B, "DSI", "Informatique", [0, 4], [2], -690),
    ("Inès", "Moreau", A, "DSI", "Informatique", [4], [1, 3], -680),
    ("Hugo", "Lambert", C, "DDP", "Déchets", [2], [0], -650),
    ("Chloé", "Bonnet", A, "DMOB", "Mobilité", [1, 3], [4], -640),
    ("Nathan", "Rousseau", B, "DEC", "Énergie", [0], [2, 6], -600),
    ("Manon", "Vincent", A, "DAE", "Économie", [1], [3], -560),
    ("Lucas", "Mercier", C, "DRU", "Accueil des usagers", [2, 6], [0], -520),
    ("Emma", "Blanc", A, "DJ", "Jeunesse", [5], [1], -500),
    ("Théo", "Guerin", B, "DRH", "Formation", [3], [4], -480),
    ("Jade", "Faure", A, "DAE", "Économie", [1, 2], [0], -450),
    ("Louis", "Andre", C, "DDP", "Propreté urbaine", [6], [2], -420),
    ("Zoé", "Chevalier", A, "DMOB", "Transports", [4], [3], -400),
    ("Gabriel", "Robin", B, "DSI", "Données", [0, 5], [1], -380),
    ("Alice", "Gauthier", A, "DEC", "Climat", [3], [0, 4], -300),
    ("Arthur", "Perrin", C, "DRU", "Accueil des usagers", [2], [6], -250),
    ("Lina", "Morel", A, "DGS", "Pilotage", [1], [2], -200),
    ("Jules", "Dupuis", B, "DJ", "Jeunesse", [5, 6], [3], -90),
    ("Rose", "Lemoine", A, "DAE", "Entreprises", [], [0, 1], -40),
    ("Paul", "Noel", C, "DDP", "Collecte", [], [2], -20),
]
MENTOR = "Léa Fontaine"
MENTEES = ("Rose Lemoine", "Paul Noel")
# The facilitators, management, then commanditaires and guests (who have no account).
OTHERS = [
    ("Camille", "Roussel", A, "DGS", "Animation", -800),
    ("Yanis", "Barbier", A, "DGS", "Design", -780),
    ("Hélène", "Marchand", A, "DGS", "Direction générale", -900),
    ("Sophie", "Delorme", "", None, "Élue, vice-présidente", None),
    ("Marc", "Aubert", A, "DRU", "Directeur", None),
    ("Claire", "Dumas", A, "DJ", "Directrice", None),
    ("Bruno", "Lefort", A, "DAE", "Chef de projet", None),
] + [
    (first, last, B if last == "Masson" else A, "DGS", "Invité du Grand Atelier", None)
    for first, last in [
        ("Agnès", "Roy"),
        ("Denis", "Caron"),
        ("Fanny", "Picard"),
        ("Gilles", "Renaud"),
        ("Karine", "Leclerc"),
        ("Olivier", "Brun"),
        ("Sylvie", "Masson"),
    ]
]
# username, the person it belongs to, roles
ACCOUNTS = [
    ("animateur", "Camille Roussel", [FACILITATOR]),
    ("ambassadrice", "Léa Fontaine", [AMBASSADOR]),
    ("ambassadeur2", "Paul Noel", [AMBASSADOR]),
    ("direction", "Hélène Marchand", [MANAGEMENT]),
    ("admin", None, []),
]
# Who makes a move: the workflow says which role (commandes.workflow.role_for).
MOVERS = {FACILITATOR: "animateur", MANAGEMENT: "direction"}
HISTORY_STEP = datetime.timedelta(days=10)

ResultT = TypeVar("ResultT", bound=models.Model)


@dataclass
class Block:
    title: str
    kind: ItemKind
    minutes: int
    fixed: str | None = None
    description: str = ""
    alternative: str = ""
    materials: str = ""
    subgroups: tuple[str, ...] = ()


@dataclass
class NewPerson:
    """A line of the HR list the demo imports, with what the import does not carry."""

    first: str
    last: str
    grade: str = ""
    direction: str | None = None  # acronym
    profile: str = ""
    joined: int | None = None  # days from today
    skills: Sequence[int] = ()
    appetites: Sequence[int] = ()

    @property
    def key(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{_ascii(self.first)}.{_ascii(self.last)}@labo.example".lower()


def _time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def _result(model: type[ResultT], atelier: Atelier, kind: str, /, **fields: Any) -> ResultT:
    """A result logged as the workshop's page logs it (ateliers.kinds), typed as its model."""
    result = add_result(atelier=atelier, kind=kind, fields=fields, author=None)
    if not isinstance(result, model):
        raise TypeError(f"A result of kind {kind!r} is a {type(result).__name__}.")
    return result


class DemoLab:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.directions: dict[str, Direction] = {}
        self.people: dict[str, Person] = {}
        self.users: dict[str, User] = {}

    def date(self, offset: int) -> datetime.date:
        """The day ``offset`` days from the demo's today."""
        return self.today + datetime.timedelta(days=offset)

    # People -------------------------------------------------------------
    def build_people(self) -> None:
        for name, acronym in DIRECTIONS:
            direction = Direction.objects.filter(name=name).first()
            self.directions[acronym] = direction or add_direction(name=name, acronym=acronym)
        add_skills(names=SKILLS)  # the lab's list first, in its order, before anyone has one
        everyone = [
            NewPerson(first, last, grade, acronym, profile, joined, skills, appetites)
            for first, last, grade, acronym, profile, skills, appetites, joined in AMBASSADORS
        ] + [
            NewPerson(first, last, grade, acronym, profile, joined)
            for first, last, grade, acronym, profile, joined in OTHERS
        ]
        emails = [p.email for p in everyone]
        known = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
        newcomers = [p for p in everyone if p.email not in known]
        if newcomers:
            result = import_people(
                rows=[self._row(p) for p in newcomers],
                lines=list(range(2, len(newcomers) + 2)),
            )
            if not result.ok:
                raise RuntimeError([row.errors for row in result.rows if not row.ok])
        by_email = {p.email: p for p in Person.objects.filter(email__in=emails)}
        self.people = {p.key: by_email[p.email] for p in everyone}
        for new in newcomers:
            welcome = (
                self.date(new.joined + 14) if new.joined is not None and new.joined < -60 else None
            )
            mentor = self.people[MENTOR] if new.key in MENTEES else None
            if welcome or mentor:
                record_onboarding(
                    person=self.people[new.key], welcome_day_on=welcome, mentor=mentor
                )

    def _row(self, new: NewPerson) -> dict[str, str]:
        """The person as a line of the HR list (labo.people.forms.PersonRowForm)."""
        return {
            "last_name": new.last,
            "first_name": new.first,
            "email": new.email,
            "grade": new.grade,
            "direction": self.directions[new.direction].name if new.direction else "",
            "job_title": "",
            "domain_profile": new.profile,
            "skills": "; ".join(SKILLS[i] for i in new.skills),
            "appetites": "; ".join(SKILLS[i] for i in new.appetites),
            "joined_on": self.date(new.joined).isoformat() if new.joined is not None else "",
            "is_active": "oui",
        }

    def build_users(self) -> None:
        for username, person_key, roles in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = create_account(
                    username=username,
                    person=self.people[person_key] if person_key else None,
                    roles=roles,
                    password=DEMO_PASSWORD if settings.DEBUG else None,
                    superuser=username == "admin",
                )
            self.users[username] = user

    # Programme and sessions ----------------------------------------------
    def build_programme(self) -> Programme:
        programme = Programme.objects.filter(name="La Transfo").first()
        if programme is None:
            programme = create_programme(
                name="La Transfo",
                organisation="Région de démonstration",
                description=(
                    "Un cycle de sessions de plusieurs jours pour construire le laboratoire "
                    "d'innovation interne avec un réseau d'ambassadeurs volontaires."
                ),
                starts_on=self.today - datetime.timedelta(days=540),
                facilitators=[self.people["Camille Roussel"], self.people["Yanis Barbier"]],
            )
        return programme

    def session(
        self,
        programme: Programme,
        number: int,
        title: str,
        *,
        place: str,
        start: int,
        days: int,
        status: SessionStatus,
        objectives: str,
        debrief: str = "",
    ) -> Session:
        session = Session.objects.filter(programme=programme, number=number).first()
        if session is not None:
            return session
        starts_on = self.date(start)
        fields: dict[str, Any] = {
            "programme": programme,
            "number": number,
            "title": title,
            "place": place,
            "starts_on": starts_on,
            "ends_on": starts_on + datetime.timedelta(days=days - 1),
            "objectives": objectives,
            "facilitators": [self.people["Camille Roussel"], self.people["Yanis Barbier"]],
        }
        session = create_session(**fields)
        if status != SessionStatus.PLANNED:
            held = status == SessionStatus.HELD
            update_session(
                session=session,
                status=status,
                preparation_half_days=decimal.Decimal(4) if held else None,
                **fields,
            )
        if debrief:
            save_debrief(session=session, debrief=debrief)
        return session

    def day(
        self,
        session: Session,
        offset: int,
        title: str = "",
        *,
        capacity: int | None = None,
        blocks: Iterable[Block] = (),
    ) -> Day:
        date = session.starts_on + datetime.timedelta(days=offset)
        day = Day.objects.get(session=session, date=date)
        if not day.items.exists():
            update_day(
                day=day,
                title=title,
                starts_at=day.starts_at,
                ends_at=day.ends_at,
                capacity=capacity,
            )
            for block in blocks:
                item = add_item(
                    day=day,
                    title=block.title,
                    kind=block.kind,
                    duration_minutes=block.minutes,
                    fixed_start=_time(block.fixed) if block.fixed else None,
                    description=block.description,
                    alternative_plan=block.alternative,
                    materials=block.materials,
                )
                for sub in block.subgroups:
                    add_subgroup(item=item, title=sub)
        return day

    def attend(
        self, day: Day, keys: Iterable[str], role: AttendanceRole = AttendanceRole.AMBASSADOR
    ) -> None:
        there = set(Attendance.objects.filter(day=day).values_list("person_id", flat=True))
        added = [self.people[key] for key in keys if self.people[key].pk not in there]
        if added:
            record_attendance(day=day, changes=(), removed=(), added=added, role=role)

    def atelier(
        self,
        session: Session,
        title: str,
        fmt: Format,
        *,
        item_title: str | None = None,
        objectives: str = "",
        commande: Commande | None = None,
        facilitators: Iterable[str] = (),
        participants: Iterable[str] = (),
    ) -> Atelier:
        atelier = Atelier.objects.filter(session=session, title=title).first()
        if atelier is not None:
            return atelier
        item = None
        if item_title:
            item = AgendaItem.objects.filter(
                day__session=session,
                title=item_title,
                parent__isnull=True,
                atelier__isnull=True,
            ).first()
        return create_atelier(
            session=session,
            facilitators=[self.people[k] for k in facilitators],
            participants=[self.people[k] for k in participants],
            title=title,
            format=fmt,
            objectives=objectives,
            commande=commande,
            agenda_item=item,
        )

    def commande(
        self,
        programme: Programme,
        title: str,
        *,
        initial_title: str = "",
        commanditaire: str,
        role: str,
        direction: str,
        wording: str,
        reformulated: str = "",
        path: Sequence[CS] = (),
        team: Iterable[tuple[str, TeamRole]] = (),
    ) -> Commande:
        """Record the commande as it first came, then make its moves after "received" (each
        by a user of the role the workflow asks for), then date them ten days apart."""
        commande = Commande.objects.filter(programme=programme, title=title).first()
        if commande is not None:
            return commande
        commande = record_commande(
            programme=programme,
            title=initial_title or title,
            commanditaire=self.people[commanditaire],
            commanditaire_role=role,
            direction=self.directions[direction],
            initial_wording=wording,
            user=self.users[MOVERS[FACILITATOR]],
        )
        if initial_title:
            rename_commande(commande=commande, title=title)
        members = list(team)
        for status in path:
            if status == CS.IN_PROGRESS:  # the workflow wants a team before the work starts
                self._team(commande, members)
                members = []
            move(
                commande=commande,
                move=Move(
                    to_status=status,
                    reformulated_wording=reformulated if status == CS.REFORMULATED else "",
                ),
                user=self.users[MOVERS[role_for(status)]],
            )
        self._team(commande, members)
        backdate_history(
            commande=commande,
            first_at=timezone.now() - HISTORY_STEP * (len(path) + 1),
            interval=HISTORY_STEP,
        )
        commande.refresh_from_db()
        return commande

    def _team(self, commande: Commande, members: Iterable[tuple[str, TeamRole]]) -> None:
        for key, role in members:
            add_team_member(commande=commande, person=self.people[key], role=role)


AMBASSADOR_KEYS = [f"{a[0]} {a[1]}" for a in AMBASSADORS]


@transaction.atomic
def seed_demo(today: datetime.date | None = None) -> DemoLab:
    """Create (or complete) the demo lab; running it again changes nothing."""
    lab = DemoLab(today or timezone.localdate())
    lab.build_people()
    lab.build_users()
    programme = lab.build_programme()
    regulars = AMBASSADOR_KEYS[:12]

    commandes = _commandes(lab, programme)
    _session_grand_atelier(lab, programme, regulars)
    _session_debate(lab, programme, regulars)
    _session_one_year(lab, programme, regulars, commandes)
    _session_coming(lab, programme, regulars, commandes)
    _templates(programme)
    _results(lab)
    _commande_work(lab, commandes)
    return lab


def _commande_work(lab: DemoLab, commandes: dict[str, Commande]) -> None:
    """Tasks, deliverables and a scorecard, so that every commande page has something to show."""
    occiline = commandes["occiline"]
    if not occiline.tasks.exists():
        add_task(
            commande=occiline,
            title="Observer l'accueil dans deux maisons de la Région",
            owner=lab.people["Lucas Mercier"],
            due_on=lab.date(-5),
        )
        add_task(
            commande=occiline,
            title="Maquetter le guichet avec les agents d'accueil",
            owner=lab.people["Léa Fontaine"],
            due_on=lab.date(12),
        )
    comptoir = commandes["comptoir"]
    if not comptoir.deliverables.exists():
        add_deliverable(
            commande=comptoir,
            kind=DeliverableKind.QUESTIONNAIRE,
            title="Questionnaire pour la V1 du comptoir",
            url="https://intranet.example/comptoir/questionnaire",
        )
        add_deliverable(
            commande=comptoir,
            kind=DeliverableKind.RECOMMENDATIONS,
            title="Carnet de préconisations pour la V2",
            url="https://intranet.example/comptoir/carnet",
        )
    assistantes = commandes["assistantes"]
    if not assistantes.reviews.exists():
        save_review(
            commande=assistantes,
            reviewer=lab.users[MOVERS[MANAGEMENT]],
            value=4,
            feasibility=5,
            alignment=4,
            urgency=3,
            comment="Un événement coûte peu et fait exister le réseau.",
        )


def _templates(programme: Programme) -> None:
    name = "Deux jours : réseau et commandes réelles"
    if not SessionTemplate.objects.filter(name=name).exists():
        save_as_template(
            session=Session.objects.get(programme=programme, number=11),
            name=name,
            description="Une journée sur le réseau des ambassadeurs, une journée de démarreurs "
            "bienveillants sur trois commandes réelles.",
        )


def _commandes(lab: DemoLab, programme: Programme) -> dict[str, Commande]:
    # The moves after "received".
    full_path = [CS.CLARIFICATION, CS.REFORMULATED, CS.SUBMITTED, CS.VALIDATED]
    return {
        "occiline": lab.commande(
            programme,
            "Occiline",
            initial_title="Occiborne",
            commanditaire="Marc Aubert",
            role="Directeur de la relation aux usagers",
            direction="DRU",
            wording="Installer une borne d'accueil numérique dans chaque maison de la Région.",
            reformulated=(
                "Plus qu'une borne : un guichet numérique d'accueil en maison de la Région, "
                "pensé avec les agents d'accueil et testé auprès des usagers."
            ),
            path=[*full_path, CS.IN_PROGRESS],
            team=[
                ("Lucas Mercier", TeamRole.PILOT),
                ("Inès Moreau", TeamRole.FACILITATOR),
                ("Arthur Perrin", TeamRole.REFEREE),
                ("Mathis Girard", TeamRole.MEMBER),
                ("Léa Fontaine", TeamRole.MEMBER),
            ],
        ),
        "crj": lab.commande(
            programme,
            "Première journée du Conseil régional des jeunes",
            commanditaire="Claire Dumas",
            role="Directrice de la jeunesse",
            direction="DJ",
            wording="Organiser la première journée du Conseil régional des jeunes.",
            reformulated=(
                "Faire de la journée un lieu de test des politiques jeunesse, "
                "en plus d'un lieu d'expression des jeunes."
            ),
            path=[CS.CLARIFICATION, CS.REFORMULATED],
        ),
        "assistantes": lab.commande(
            programme,
            "Un événement pour le réseau des assistantes",
            initial_title="Outiller le réseau des assistantes",
            commanditaire="Lina Morel",
            role="Secrétaire générale adjointe",
            direction="DGS",
            wording="Choisir un logiciel pour outiller le réseau des assistantes de la Région.",
            reformulated=(
                "Le réseau n'a pas d'abord besoin d'un logiciel mais d'un événement "
                "qui le fasse exister et qui recueille ses besoins."
            ),
            path=[CS.CLARIFICATION, CS.REFORMULATED, CS.SUBMITTED],
        ),
        "hub": lab.commande(
            programme,
            "Hub PME",
            initial_title="Le guichet unique",
            commanditaire="Bruno Lefort",
            role="Chef de projet développement économique",
            direction="DAE",
            wording=(
                "Quelle organisation dans les territoires pour accompagner le développement "
                "et le financement des PME ?"
            ),
        ),
        "comptoir": lab.commande(
            programme,
            "Comptoir des services",
            commanditaire="Marc Aubert",
            role="Directeur de la relation aux usagers",
            direction="DRU",
            wording="Ouvrir un comptoir des services pour les agents de la collectivité.",
            reformulated=(
                "Un questionnaire pour éclairer la V1 du comptoir et un carnet de "
                "préconisations pour imaginer la V2."
            ),
            path=[*full_path, CS.IN_PROGRESS, CS.PROTOTYPE, CS.DELIVERED],
            team=[
                ("Chloé Bonnet", TeamRole.PILOT),
                ("Hugo Lambert", TeamRole.MEMBER),
                ("Théo Guerin", TeamRole.FACILITATOR),
                ("Jade Faure", TeamRole.REFEREE),
            ],
        ),
        "courriels": lab.commande(
            programme,
            "Gérer les courriels au conseil régional",
            commanditaire="Sophie Delorme",
            role="Élue, vice-présidente",
            direction="DGS",
            wording="Réduire la surcharge de courriels des agents du conseil régional.",
            path=[CS.CLARIFICATION],
        ),
    }


GRAND_ATELIER_KEY_MESSAGES = (
    "7 invités sur 80 attendus, presque tous cadres de catégorie A : il faut aller chercher "
    "les agents de catégorie B et C, par un mail à tous ou un événement ouvert comme la "
    "Ker’Metz.",
    "Le tribunal de l’innovation a fait bouger les pessimistes : un format à garder, avec des "
    "questions plus concrètes.",
    "Le stand d’accompagnement de projets a le plus convaincu et gagné une offre « Aide à "
    "l’adhésion au projet ».",
)


def _session_grand_atelier(lab: DemoLab, programme: Programme, regulars: list[str]) -> None:
    session = lab.session(
        programme,
        9,
        "Préparer le Grand Atelier",
        place="Salle du conseil, hôtel de la métropole",
        start=-150,
        days=3,
        status=SessionStatus.HELD,
        objectives=(
            "Imaginer le futur Labo et son organisation ; trouver de nouveaux adhérents ; "
            "préparer le Grand Atelier qui doit orienter l'offre de service du Labo."
        ),
        debrief=(
            "Le Grand Atelier prévu pour 80 personnes en a accueilli 7, surtout des cadres de "
            "catégorie A : il faut aller chercher les agents de catégorie B et C. Le tribunal "
            "a fait bouger les pessimistes ; le stand d'accompagnement de projets a gagné une "
            "offre d'aide à l'adhésion au projet."
        ),
    )
    if not session.key_messages:
        # The synthesis's "À retenir", as the facilitators would write it after the day.
        save_key_messages(
            session=session,
            key_messages="\n".join(GRAND_ATELIER_KEY_MESSAGES),
            version=None,
        )
    day1 = lab.day(
        session,
        0,
        "Le futur Labo",
        blocks=[
            Block("Brise-glace « retour de vacances »", ItemKind.ICEBREAKER, 20),
            Block("Café et collation", ItemKind.COFFEE, 15),
            Block(
                "Rappel du rendez-vous de juin",
                ItemKind.REMINDER,
                30,
                description="Courte restitution de chaque atelier du rendez-vous de présentation.",
            ),
            Block(
                "Combien d'adhérents, quels profils ?",
                ItemKind.DEBATE,
                40,
                description="Votes et discussion : 5 permanents ; profils RH, 2 informatique, "
                "déchets, mobilité, énergie, économie.",
            ),
            Block(
                "Donner envie de rejoindre le Labo",
                ItemKind.WORKSHOP,
                75,
                subgroups=("Groupe slogan et vidéo", "Groupe texte de présentation"),
            ),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block(
                "Préparation du Grand Atelier",
                ItemKind.WORKSHOP,
                150,
                description="Répartir les rôles : brise-glace, présentation du Labo, tribunal, stands.",
            ),
            Block("Débrief de la journée", ItemKind.DEBRIEF, 30),
        ],
    )
    day2 = lab.day(
        session,
        1,
        "Répétitions",
        blocks=[
            Block("Tour de table", ItemKind.ICEBREAKER, 20),
            Block("Répétition du tribunal de l'innovation", ItemKind.WORKSHOP, 90),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block(
                "Fabrication des trois stands",
                ItemKind.WORKSHOP,
                120,
                materials="Panneaux, post-it, feutres",
            ),
        ],
    )
    day3 = lab.day(
        session,
        2,
        "Le Grand Atelier",
        capacity=80,
        blocks=[
            Block("Accueil des invités et répétition générale", ItemKind.FREE, 30),
            Block("Brise-glace", ItemKind.ICEBREAKER, 15),
            Block(
                "Présentation de la Transfo et du Labo",
                ItemKind.PRESENTATION,
                25,
                description="Le Labo et ses premiers projets, dont le « bureau volant ».",
            ),
            Block(
                "Tribunal de l'innovation",
                ItemKind.WORKSHOP,
                50,
                alternative="Si moins de 20 personnes : un seul procès, jurés debout, sans tirage au sort.",
            ),
            Block(
                "Les trois stands de labos",
                ItemKind.WORKSHOP,
                60,
                alternative="Avec moins de 15 invités : un seul groupe qui passe d'un stand à l'autre.",
                subgroups=(
                    "Stand du labo citoyen",
                    "Stand du labo d'accompagnement de projets",
                    "Stand du labo d'innovation interne",
                ),
            ),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block("Débrief à chaud des ambassadeurs", ItemKind.DEBRIEF, 45),
        ],
    )
    for day in (day1, day2, day3):
        lab.attend(day, regulars)
        lab.attend(day, ["Camille Roussel", "Yanis Barbier"], AttendanceRole.FACILITATOR)
    guests = [
        "Agnès Roy",
        "Denis Caron",
        "Fanny Picard",
        "Gilles Renaud",
        "Karine Leclerc",
        "Olivier Brun",
        "Sylvie Masson",
    ]
    lab.attend(day3, guests, AttendanceRole.GUEST)
    lab.attend(day3, ["Hélène Marchand"], AttendanceRole.MANAGEMENT)
    lab.atelier(
        session,
        "Le tribunal de l'innovation",
        Format.TRIBUNAL,
        item_title="Tribunal de l'innovation",
        objectives="Deux procès : « L'innovation peut-elle bousculer l'expertise technique ? » "
        "et « L'innovation est-elle dans les gènes de notre métropole ? »",
        facilitators=["Chloé Bonnet", "Nathan Rousseau", "Manon Vincent"],
        participants=regulars[:8] + guests,
    )
    lab.atelier(
        session,
        "Trois stands, trois labos",
        Format.LABO_STANDS,
        item_title="Les trois stands de labos",
        objectives="Confronter trois labos possibles (citoyen, accompagnement de projets, "
        "innovation interne) au regard des agents.",
        facilitators=["Léa Fontaine", "Inès Moreau", "Hugo Lambert"],
        participants=regulars + guests,
    )
    lab.atelier(
        session,
        "Rétrospective du Grand Atelier",
        Format.RETROSPECTIVE,
        item_title="Débrief à chaud des ambassadeurs",
        facilitators=["Camille Roussel"],
        participants=regulars,
    )


def _session_debate(lab: DemoLab, programme: Programme, regulars: list[str]) -> None:
    session = lab.session(
        programme,
        10,
        "Et si le Labo se mêlait de…",
        place="Maison des associations",
        start=-110,
        days=1,
        status=SessionStatus.HELD,
        objectives="Débattre de la place du Labo et trier les idées de services.",
        debrief="Une salle majoritairement favorable à un Labo catalyseur et à un espace "
        "permanent ; partagée sur un Labo réservé aux usagers et sur son budget propre.",
    )
    day = lab.day(
        session,
        0,
        blocks=[
            Block("Brise-glace", ItemKind.ICEBREAKER, 15),
            Block(
                "Débat mouvant",
                ItemKind.DEBATE,
                45,
                description="Quatre questions clivantes ; chacun se place : oui, non, mitigé.",
            ),
            Block("Tables de scénarios", ItemKind.WORKSHOP, 60),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block(
                "Tamis de critères",
                ItemKind.WORKSHOP,
                60,
                materials="Grilles A0 à deux axes, post-it de trois couleurs",
            ),
            Block("Trois groupes de travail", ItemKind.WORKSHOP, 90),
            Block("Débrief", ItemKind.DEBRIEF, 30),
        ],
    )
    lab.attend(day, regulars[2:12])
    lab.attend(day, ["Yanis Barbier"], AttendanceRole.FACILITATOR)
    participants = regulars[2:12]
    lab.atelier(
        session,
        "Le Labo en quatre questions",
        Format.DEBAT_MOUVANT,
        item_title="Débat mouvant",
        objectives="Le Labo est-il un catalyseur ? Un espace permanent ? Réservé aux "
        "usagers ? Doit-il avoir son propre budget ?",
        facilitators=["Yanis Barbier"],
        participants=participants,
    )
    lab.atelier(
        session,
        "Et si le Labo se mêlait de…",
        Format.SCENARIO_TABLES,
        item_title="Tables de scénarios",
        facilitators=["Gabriel Robin"],
        participants=participants,
    )
    lab.atelier(
        session,
        "Le tamis des idées",
        Format.CRITERIA_GRID,
        item_title="Tamis de critères",
        objectives="Autonomie ↔ présence physique ; fréquent ↔ exceptionnel ; "
        "centralisé ↔ décentralisé.",
        facilitators=["Zoé Chevalier"],
        participants=participants,
    )


def _session_one_year(
    lab: DemoLab, programme: Programme, regulars: list[str], commandes: dict[str, Commande]
) -> None:
    session = lab.session(
        programme,
        11,
        "La Transfo a un an",
        place="Toulouse, salle des Jacobins",
        start=-55,
        days=2,
        status=SessionStatus.HELD,
        objectives="Préfigurer le réseau des ambassadeurs ; choisir trois commandes réelles "
        "et les clarifier par des démarreurs bienveillants.",
        debrief="Occiborne devient Occiline ; le réseau des assistantes sera outillé par un "
        "événement plutôt qu'un logiciel ; la journée des jeunes devient aussi un lieu "
        "de test.",
    )
    day1 = lab.day(
        session,
        0,
        "Le réseau des ambassadeurs",
        blocks=[
            Block(
                "Quelles valeurs pour le Labo ?",
                ItemKind.WORKSHOP,
                90,
                description="Autonomie, horizontalité, frugalité, curiosité, congruence.",
            ),
            Block("Café", ItemKind.COFFEE, 15),
            Block("Les conseils d'un autre laboratoire", ItemKind.PRESENTATION, 60),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block(
                "Moi et le Labo",
                ItemKind.WORKSHOP,
                75,
                description="Chacun situe ses compétences et ses appétences : prototypage, "
                "reformulation de la commande, enquête.",
            ),
            Block("Le parcours du nouvel ambassadeur", ItemKind.WORKSHOP, 75),
        ],
    )
    day2 = lab.day(
        session,
        1,
        "Trois commandes réelles",
        blocks=[
            Block("Brise-glace", ItemKind.ICEBREAKER, 15),
            Block(
                "Construire les grilles d'entretien",
                ItemKind.WORKSHOP,
                60,
                description="Un jeu de cartes interroge les grilles, questions dérangeantes comprises.",
            ),
            Block(
                "Démarreurs bienveillants",
                ItemKind.WORKSHOP,
                90,
                subgroups=("Occiline", "Conseil régional des jeunes", "Réseau des assistantes"),
            ),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block("Débriefer et reformuler les commandes", ItemKind.DEBRIEF, 90),
            Block("Calendrier des trois projets", ItemKind.FREE, 30),
        ],
    )
    for day in (day1, day2):
        lab.attend(day, regulars[:10] + AMBASSADOR_KEYS[14:18])
        lab.attend(day, ["Camille Roussel"], AttendanceRole.FACILITATOR)
    lab.atelier(
        session,
        "Les valeurs du réseau",
        Format.FREE,
        item_title="Quelles valeurs pour le Labo ?",
        facilitators=["Camille Roussel"],
        participants=regulars[:10],
    )
    for key, title in (
        ("occiline", "Démarreur bienveillant : Occiborne"),
        ("crj", "Démarreur bienveillant : journée des jeunes"),
        ("assistantes", "Démarreur bienveillant : réseau des assistantes"),
    ):
        lab.atelier(
            session,
            title,
            Format.DEMARREUR,
            commande=commandes[key],
            objectives="Cerner les contours de la commande avec son commanditaire.",
            facilitators=["Camille Roussel"],
            participants=regulars[:5],
        )


def _session_coming(
    lab: DemoLab, programme: Programme, regulars: list[str], commandes: dict[str, Commande]
) -> None:
    session = lab.session(
        programme,
        12,
        "Le démarreur bienveillant en vrai",
        place="Hôtel de région, salle 4",
        start=24,
        days=2,
        status=SessionStatus.PLANNED,
        objectives="Tester le démarreur bienveillant avec une élue ; prototyper le Hub PME ; "
        "lancer la fabrique des mandats.",
    )
    day1 = lab.day(
        session,
        0,
        "Démarreur et prototypes",
        capacity=20,
        blocks=[
            Block("Accueil", ItemKind.COFFEE, 15),
            Block(
                "Démarreur bienveillant avec l'élue",
                ItemKind.WORKSHOP,
                90,
                description="Une élue, un discutant expert, un discutant naïf, cinq observateurs "
                "avec une grille d'observation ; trois phases.",
                alternative="Si l'élue a moins d'une heure : garder les phases 1 et 3.",
            ),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block("L'atelier des prototypes : Hub PME", ItemKind.WORKSHOP, 150),
        ],
    )
    day2 = lab.day(
        session,
        1,
        "La fabrique des mandats",
        blocks=[
            Block("Tour de table", ItemKind.ICEBREAKER, 15),
            Block(
                "La fabrique des mandats",
                ItemKind.WORKSHOP,
                120,
                description="Rôles : usagers, fabricants, regards extérieurs, pilote, animateur, arbitre.",
            ),
            Block("Déjeuner", ItemKind.MEAL, 60, fixed="12:30"),
            Block("Rétrospective de la semaine", ItemKind.DEBRIEF, 45),
        ],
    )
    for day in (day1, day2):
        lab.attend(day, regulars[:8])
        lab.attend(day, ["Camille Roussel", "Yanis Barbier"], AttendanceRole.FACILITATOR)
    lab.attend(day1, ["Sophie Delorme"], AttendanceRole.GUEST)
    lab.atelier(
        session,
        "Démarreur bienveillant : les courriels",
        Format.DEMARREUR,
        item_title="Démarreur bienveillant avec l'élue",
        commande=commandes["courriels"],
        facilitators=["Camille Roussel"],
        participants=["Léa Fontaine", "Mathis Girard", "Inès Moreau", "Hugo Lambert"],
    )
    lab.atelier(
        session,
        "L'atelier des prototypes : Hub PME",
        Format.FREE,
        item_title="L'atelier des prototypes : Hub PME",
        commande=commandes["hub"],
        facilitators=["Yanis Barbier"],
        participants=regulars[:6],
    )
    lab.atelier(
        session,
        "Rétrospective de la semaine",
        Format.RETROSPECTIVE,
        item_title="Rétrospective de la semaine",
        facilitators=["Camille Roussel"],
        participants=regulars[:8],
    )


def _results(lab: DemoLab) -> None:
    """Results of the workshops, as the field reports tell them (only if none is logged)."""

    def atelier(title: str) -> Atelier:
        return Atelier.objects.get(title=title)

    debate = atelier("Le Labo en quatre questions")
    if not debate.debate_questions.exists():
        for position, (text, yes, no, mixed, arguments) in enumerate(
            [
                (
                    "Le Labo est-il un catalyseur ?",
                    9,
                    0,
                    1,
                    "Il fait se rencontrer des services qui ne se parlent pas.",
                ),
                (
                    "Le Labo doit-il être un espace permanent ?",
                    8,
                    1,
                    1,
                    "Un lieu donne une existence ; mais il ne doit pas devenir un bureau de plus.",
                ),
                (
                    "Le Labo est-il réservé aux usagers ?",
                    3,
                    2,
                    5,
                    "Les agents aussi sont des usagers de l'administration.",
                ),
                (
                    "Le Labo doit-il avoir son propre budget ?",
                    3,
                    2,
                    5,
                    "Un petit budget libère ; un gros budget attire les commandes pour de mauvaises raisons.",
                ),
            ]
        ):
            question = _result(
                m.DebateQuestion,
                debate,
                "question",
                position=position,
                text=text,
                arguments=arguments,
            )
            # The room stands, one tap per person, as in the live room.
            for side, count in ((Position.YES, yes), (Position.NO, no), (Position.MIXED, mixed)):
                for _ in range(count):
                    tap(question=question, position=side, delta=1)
    tribunal = atelier("Le tribunal de l'innovation")
    if not tribunal.tribunal_cases.exists():
        _result(
            m.TribunalCase,
            tribunal,
            "case",
            question="L'innovation peut-elle bousculer l'expertise technique ?",
            prosecution="Les experts savent ; l'innovation fait perdre du temps.",
            defence="L'expertise gagne à être questionnée par des regards extérieurs.",
            before_for=2,
            before_against=3,
            before_undecided=2,
            after_for=4,
            after_against=1,
            after_undecided=2,
            verdict="L'innovation est acquittée, avec sursis.",
            lessons="Une question trop large divise moins qu'une question concrète.",
        )
        _result(
            m.TribunalCase,
            tribunal,
            "case",
            question="L'innovation est-elle dans les gènes de notre métropole ?",
            before_for=3,
            before_against=1,
            before_undecided=3,
            after_for=5,
            after_against=0,
            after_undecided=2,
            verdict="Oui, à condition de remettre le citoyen dans la démarche.",
        )
    stands = atelier("Trois stands, trois labos")
    if not stands.stands.exists():
        citizen = _result(
            m.Stand,
            stands,
            "stand",
            name="Le labo citoyen",
            offers="Tests et enquêtes à petite échelle\nDébats citoyens\nAteliers de débogage",
        )
        startup = _result(
            m.Stand,
            stands,
            "stand",
            name="Le labo d'accompagnement de projets",
            offers="Sessions transversales au démarrage d'un projet\nAnalyse des besoins (budget, cadrage)",
        )
        internal = _result(
            m.Stand,
            stands,
            "stand",
            name="Le labo d'innovation interne",
            offers="Rencontres et partages d'expérience\nVeille et enquêtes collaboratives",
        )
        for stand, (u, i) in ((citizen, (4, 4)), (startup, (5, 4)), (internal, (3, 3))):
            _result(m.StandFeedback, stands, "feedback", stand=stand, understanding=u, interest=i)
        suggestion = _result(
            m.SuggestedOffer,
            stands,
            "suggestion",
            stand=startup,
            text="Aide à l'adhésion au projet",
        )
        adopt_offer(suggestion=suggestion)
        plan_rotation(atelier=stands, groups=["Groupe 1", "Groupe 2", "Groupe 3"])
    grid = atelier("Le tamis des idées")
    if not m.CriteriaGrid.objects.filter(atelier=grid).exists():
        save_grid(
            atelier=grid,
            fields={
                "x_low": "Autonomie",
                "x_high": "Présence physique",
                "y_low": "Exceptionnel",
                "y_high": "Fréquent",
                "zones": "Les offres fréquentes et en présence ressortent en premier.",
            },
        )
        for text, x, y in (
            ("Permanence du Labo dans les directions", 80, 85),
            ("Boîte à outils en ligne", 15, 70),
            ("Grand atelier annuel", 85, 10),
        ):
            idea = add_idea(atelier=grid, text=text, author=None, anonymous=False)
            classify_idea(idea=idea, theme=None, x=x, y=y)
        reveal_ideas(atelier=grid)
    values = atelier("Les valeurs du réseau")
    if not values.ideas.exists():
        lea = lab.people["Léa Fontaine"]
        for text, author in (
            ("Autonomie", lea),
            ("Horizontalité", None),
            ("Frugalité", None),
            ("Curiosité", lab.people["Mathis Girard"]),
            ("Congruence", None),
        ):
            add_idea(atelier=values, text=text, author=author, anonymous=False)
        reveal_ideas(atelier=values)
    occiborne = atelier("Démarreur bienveillant : Occiborne")
    if not m.DemarreurReport.objects.filter(atelier=occiborne).exists():
        update_report(
            report=report_of(atelier=occiborne),
            version=0,
            fields={
                "timebox_minutes": 90,
                "used_minutes": 60,
                "phases_observed": "Accueil et contexte ; exploration du besoin ; reformulation.",
                "reformulated_request": "Plus qu'une borne : un guichet numérique d'accueil, pensé avec les agents.",
                "hypotheses": "Les usagers viennent surtout pour être orientés, pas pour une démarche en ligne.",
                "options_retained": "Prototyper un guichet avec un agent d'accueil et une tablette.",
                "next_steps": "Tester deux semaines dans une maison de la Région.",
            },
        )
        roles = [
            (DemarreurRoleKind.COMMANDITAIRE, "Marc Aubert"),
            (DemarreurRoleKind.EXPERT, "Inès Moreau"),
            (DemarreurRoleKind.NAIVE, "Hugo Lambert"),
            (DemarreurRoleKind.FACILITATOR, "Camille Roussel"),
            (DemarreurRoleKind.SCRIBE, "Léa Fontaine"),
        ] + [
            (DemarreurRoleKind.OBSERVER, key)
            for key in (
                "Chloé Bonnet",
                "Nathan Rousseau",
                "Manon Vincent",
                "Lucas Mercier",
                "Emma Blanc",
            )
        ]
        for role, key in roles:
            _result(m.DemarreurRole, occiborne, "role", role=role, person=lab.people[key])
        for text, uncomfortable in (
            ("Qui utilisera la borne, et pour quoi faire ?", False),
            ("Que se passe-t-il si personne ne s'en sert ?", True),
        ):
            _result(
                m.InterviewQuestion, occiborne, "interview", text=text, uncomfortable=uncomfortable
            )
        _result(
            m.Observation,
            occiborne,
            "observation",
            observer="Chloé Bonnet",
            phase="Reformulation",
            note="Le commanditaire a lui-même proposé le mot « guichet ».",
        )
    retro = atelier("Rétrospective du Grand Atelier")
    if not retro.retro_entries.exists():
        for kind, text in (
            (RetroKind.WORKED, "Le tribunal a fait bouger les pessimistes."),
            (RetroKind.DIDNT, "7 invités au lieu de 80, presque tous de catégorie A."),
            (RetroKind.IMPROVE, "Aller chercher les agents de catégorie B et C."),
        ):
            _result(m.RetroEntry, retro, "retro", kind=kind, text=text)
        _result(
            m.Action,
            retro,
            "action",
            what="Relancer les directions pour le prochain atelier",
            owner=lab.people["Camille Roussel"],
        )
        for score in (4, 5, 4, 3, 5):
            _result(m.Rating, retro, "rating", score=score)
