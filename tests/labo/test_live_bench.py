"""`manage.py bench_live` at a tiny scale, so that it cannot rot: five phones for three
seconds against uvicorn, on a copy of the test database (SQLite: one process) or on the
test database itself (PostgreSQL: one process, then two, then two workers on one port)."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection


def _database_url(tmp_path: Path) -> tuple[str, list[str]]:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}", []
    connection.ensure_connection()
    copy = tmp_path / "live.sqlite3"
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)  # the migrated test database, as a file
    return f"sqlite:///{copy}", ["--single"]


def test_bench_live_counts_every_vote_once(transactional_db, tmp_path):
    url, extra = _database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "LABO_VAR_DIR": str(tmp_path)}

    run = subprocess.run(
        [
            *(sys.executable, "manage.py", "bench_live", "--phones", "5", "--seconds", "3"),
            *("--streams", "5", "--dev", *extra),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    runs = 3 if connection.vendor == "postgresql" else 1  # one, two, two workers on one port
    assert out.count("0 lost, 0 doubled") == runs, out
    assert out.count(", 0 never shown") == runs, out
    for sent, acknowledged, stored in re.findall(
        r"votes sent +(\d+) .*keys acknowledged (\d+), stored (\d+)", out
    ):
        assert int(sent) > 0
        assert acknowledged == stored
    assert "5 more phone streams open (of 5)" in out
