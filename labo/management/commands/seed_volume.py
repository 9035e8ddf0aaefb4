import time

from django.core.management.base import BaseCommand

from labo.devtools.volume import seed_volume


class Command(BaseCommand):
    help = (
        "Add a five-year lab for benchmarks (150 sessions, 1,500 workshops, 60,000 results, "
        "600 ambassadors, 300 commandes at scale 1). Additive: run it on a scratch database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, scale: float, **options) -> None:
        start = time.perf_counter()
        done = seed_volume(scale)
        self.stdout.write(
            f"{done.sessions} sessions, {done.workshops} workshops, {done.results} results, "
            f"{done.people} people, {done.commandes} commandes in "
            f"{time.perf_counter() - start:.1f} s"
        )
