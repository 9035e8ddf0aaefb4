import itertools

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import reverse

from labo.bench import logged_in_client, measure, table
from sessions.models import AgendaItem, Session

HTMX = {"HX-Request": "true"}


class Command(BaseCommand):
    help = "Print p50/p95 server time and response size of main pages and htmx edits."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "targets", nargs="*", help="what to measure: agenda, ateliers, pdf (default: all)"
        )
        parser.add_argument("--runs", type=int, default=100)

    def handle(self, *args, targets, runs, **options) -> None:
        from labo.bench import volume_allowed

        known = {"agenda", "ateliers", "pdf", "volume"}
        unknown = set(targets) - known
        if unknown:
            raise CommandError(f"Unknown target(s): {', '.join(sorted(unknown))}")
        if "volume" in targets and not volume_allowed():
            raise CommandError(
                "The volume benchmark seeds 60,000 results: run it on a scratch database "
                "(make bench), not on one that holds a lab."
            )
        if not targets:
            targets = sorted(known - ({"volume"} if not volume_allowed() else set()))
        if "volume" in targets:
            self.stdout.write(self.volume(runs))
        if not Session.objects.filter(number=9, programme__name="La Transfo").exists():
            call_command("seed_demo", verbosity=0)
        measures = []
        if "agenda" in targets:
            measures += self.agenda(runs)
        if "ateliers" in targets:
            measures += self.ateliers(runs)
        if measures:
            self.stdout.write(table(measures))
        if "pdf" in targets:
            self.stdout.write(self.pdf(max(3, runs // 20)))

    def agenda(self, runs: int):
        session = Session.objects.get(number=9, programme__name="La Transfo")
        client = logged_in_client("animateur")
        day = session.days.order_by("date").first()
        item = AgendaItem.objects.filter(day=day, parent__isnull=True).order_by("position")[1]
        order = ",".join(
            str(pk)
            for pk in AgendaItem.objects.filter(day=day, parent__isnull=True)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        directions = iter(["up", "down"] * (runs + 10))
        prefix = f"item{item.pk}"
        versions = itertools.count(item.version)  # each save bumps the block's version

        def edit():
            return {
                f"{prefix}-title": item.title,
                f"{prefix}-kind": item.kind,
                f"{prefix}-duration_minutes": item.duration_minutes,
                f"{prefix}-version": next(versions),
            }

        with transaction.atomic():
            results = [
                measure(
                    "agenda page (3 days)",
                    lambda: client.get(reverse("sessions:agenda", args=[session.pk])),
                    runs=runs,
                    target_ms=50,
                ),
                measure(
                    "edit: move a block (htmx)",
                    lambda: client.post(
                        reverse("sessions:item-move", args=[item.pk]),
                        {"direction": next(directions)},
                        headers=HTMX,
                    ),
                    runs=runs,
                    target_ms=30,
                ),
                measure(
                    "edit: save a block (htmx)",
                    lambda: client.post(
                        reverse("sessions:item-update", args=[item.pk]), edit(), headers=HTMX
                    ),
                    runs=runs,
                    target_ms=30,
                ),
                measure(
                    "edit: reorder a day (htmx)",
                    lambda: client.post(
                        reverse("sessions:day-reorder", args=[day.pk]),
                        {"order": order},
                        headers=HTMX,
                    ),
                    runs=runs,
                    target_ms=30,
                ),
                measure(
                    "session page (read-only)",
                    lambda: client.get(reverse("sessions:session-detail", args=[session.pk])),
                    runs=runs,
                    target_ms=50,
                ),
            ]
            transaction.set_rollback(True)  # the demo lab is left as it was
        return results

    def ateliers(self, runs: int):
        from ateliers.models import Action, Atelier, DebateQuestion, Idea, Rating
        from labo.bench import photo_measure

        session = Session.objects.get(number=9, programme__name="La Transfo")
        client = logged_in_client("animateur")
        with transaction.atomic():
            atelier = Atelier.objects.create(
                session=session, format="free", title="Bench", ideas_revealed=True
            )
            Idea.objects.bulk_create(
                Idea(atelier=atelier, text=f"Idée {n} " * 5) for n in range(300)
            )
            Action.objects.bulk_create(
                Action(atelier=atelier, what=f"Action {n}") for n in range(100)
            )
            Rating.objects.bulk_create(
                Rating(atelier=atelier, score=1 + n % 5, comment=f"Commentaire {n}")
                for n in range(100)
            )
            debate = Atelier.objects.create(
                session=session, format="debat_mouvant", title="Bench débat"
            )
            question = DebateQuestion.objects.create(atelier=debate, text="?")
            results = [
                measure(
                    "workshop page (500 results)",
                    lambda: client.get(reverse("ateliers:atelier-detail", args=[atelier.pk])),
                    runs=runs,
                    target_ms=50,
                ),
                measure(
                    "edit: tap +1 (htmx)",
                    lambda: client.post(
                        reverse("ateliers:tap", args=[question.pk]),
                        {"position": "yes", "delta": "1"},
                        headers=HTMX,
                    ),
                    runs=runs,
                    target_ms=30,
                ),
            ]
            transaction.set_rollback(True)
        results.append(photo_measure(runs=max(5, runs // 10), target_ms=400))
        return results

    def pdf(self, runs: int) -> str:
        """The synthesis of the demo's biggest session scaled to 12 workshops, 300 results
        and 30 phone photos; photos go to a scratch folder and the data is rolled back."""
        import tempfile

        from django.db.models import Count
        from django.test import override_settings

        from labo.bench import scale_session, synthesis_figures

        demo = Session.objects.filter(programme__name="La Transfo")
        session = demo.annotate(n=Count("ateliers")).order_by("-n", "pk").first()
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
            transaction.atomic(),
        ):
            scale_session(session, workshops=12, results=300, photos=30)
            figures = synthesis_figures(session, runs=runs)
            transaction.set_rollback(True)
        return (
            f"Synthesis of session #{session.number} scaled to 12 workshops, 300 results, "
            f"30 photos ({runs} runs)\n" + figures.report()
        )

    def volume(self, runs: int) -> str:
        """Every main page at 1× (a tenth of five years) then 10× (five years): SQL queries
        must not change; time and size are measured at 10×."""
        from labo import bench

        small, rest = bench.seed_scales
        run = bench.VolumeRun(runs=runs)
        seeded_small = run.seed(small)
        run.count_queries("1x")
        seeded_rest = run.seed(rest)
        run.count_queries("10x")
        run.time_pages()
        return (
            f"Volume: {seeded_small} then {seeded_rest} more ({connection.vendor})\n" + run.report()
        )
