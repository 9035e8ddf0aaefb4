from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Run gunicorn on loopback with production settings over the volume data (seed_volume): "
        "the agenda page's throughput against /healthz's, then a locust run of 50 users."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--no-locust", action="store_true")

    def handle(self, *args, users: int, seconds: int, no_locust: bool, **options) -> None:
        from ateliers.models import Atelier, DebateQuestion
        from labo import loadtest
        from labo.volume import PROGRAMME
        from sessions.models import AgendaItem, Session

        session = Session.objects.filter(programme__name=PROGRAMME, number=1).first()
        if session is None:
            raise CommandError("No volume data: run seed_volume first (on a scratch database).")
        day = session.days.order_by("date").first()
        ids = {
            "session": session.pk,
            "item": AgendaItem.objects.filter(day=day, parent__isnull=True)
            .order_by("position")[1]
            .pk,
            "atelier": Atelier.objects.filter(session=session, format="free").first().pk,
            "question": DebateQuestion.objects.filter(atelier__session=session).first().pk,
        }
        agenda = f"/sessions/{session.pk}/agenda/"
        with loadtest.gunicorn() as base:
            cookie = loadtest.session_cookie("vol-animateur")
            health = loadtest.requests_per_second(base, "/healthz")
            pages = loadtest.requests_per_second(base, agenda, cookie=cookie)
            ratio = pages / health
            verdict = "yes" if ratio >= 1 / 3 else "NO"
            self.stdout.write(
                f"gunicorn ({loadtest.WORKERS} workers, DEBUG off, {connection.vendor}), "
                "8 clients, 5 s each\n"
                f"/healthz            {health:8.0f} req/s\n"
                f"agenda page         {pages:8.0f} req/s\n"
                f"ratio               {ratio:8.2f}   (target ≥ 0.33)  {verdict}"
            )
            if no_locust:
                return
            for role, username in (
                ("facilitator", "vol-animateur"),
                ("ambassador", "vol-ambassadeur"),
                ("management", "vol-direction"),
            ):
                ids[f"cookie_{role}"] = loadtest.session_cookie(username)
            figures = loadtest.run_locust(base, users=users, seconds=seconds, ids=ids)
        ok = figures.p95_ms <= 200 and figures.failures == 0
        self.stdout.write(
            f"\nlocust: {users} users for {seconds} s (facilitators editing, ambassadors logging, "
            f"management reading)\n"
            f"{'request':<22} {'count':>7} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7}"
        )
        for row in figures.rows:
            self.stdout.write(
                f"{row['Name']:<22} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{row['50%']:>7} {row['95%']:>7}"
            )
        self.stdout.write(
            f"{'all':<22} {figures.requests:>7} {figures.failures:>5} {figures.p50_ms:>7.0f} "
            f"{figures.p95_ms:>7.0f}   {figures.rps:.0f} req/s   "
            f"(target p95 ≤ 200 ms, 0 errors)  {'yes' if ok else 'NO'}"
        )
