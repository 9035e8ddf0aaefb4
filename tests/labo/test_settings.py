import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_without_warning(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x7$kq!2-this-is-a-long-random-production-secret-for-the-check-9f3a",
        "ALLOWED_HOSTS": "labo.example.org",
        "LABO_VAR_DIR": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "LABO_VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _settings_under(env_extra: dict[str, str], code: str) -> str:
    inherited = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DB_POOL_MAX_SIZE")}
    env = {**inherited, **env_extra, "DJANGO_SETTINGS_MODULE": "labo.settings"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_a_pool_of_connections_replaces_persistent_ones_when_asked():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['OPTIONS'].get('pool', {}).get('max_size'), d['CONN_MAX_AGE'])"
    )
    url = "postgres://postgres@127.0.0.1:5432/labo"

    assert _settings_under({"DATABASE_URL": url}, code) == "None 60"
    assert _settings_under({"DATABASE_URL": url, "DB_POOL_MAX_SIZE": "12"}, code) == "12 0"


def test_the_shared_cache_goes_to_redis_when_asked():
    code = "from django.conf import settings; print(settings.CACHES['shared']['BACKEND'])"

    assert _settings_under({}, code).endswith("FileBasedCache")
    assert _settings_under({"REDIS_URL": "redis://127.0.0.1:6379/3"}, code).endswith("RedisCache")
