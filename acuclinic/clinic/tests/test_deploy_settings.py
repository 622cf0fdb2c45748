"""The production configuration (issue 8, part A): `check --deploy` clean, refusals that keep a
server from starting half-configured, and every environment variable documented.

Each case runs manage.py in a fresh process with the environment a server would have: settings
are read once at import, so that is the only honest way to try them.
"""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
STRONG_KEY = secrets.token_urlsafe(50)
# What a checked-in example or a lazy install might use.
WEAK_KEYS = ["change-me", "django-insecure-" + "x" * 50, "a" * 60]
PROBE = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="clinic.example.com")
for path in ("/", "/healthz"):
    response = client.get(path)
    print(path, response.status_code, response.get("Location", ""))
secure = client.get("/robots.txt", secure=True)
print("hsts", secure.get("Strict-Transport-Security", ""))
print("csp", secure.get("Content-Security-Policy", ""))
from django.conf import settings
print("cookies", settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
"""


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "DATABASE_URL", "PYTHONPATH", "TEST_DB_NAME"}
    }
    env.pop("TEST_DB_NAME", None)
    env.update(
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="clinic.example.com",
        EMAIL_URL="smtp://mail.example.com:587?tls=1",
        ACUCLINIC_VAR_DIR=str(tmp_path),
        # Nothing here needs a database server: a file that does not exist yet will do.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path: Path) -> None:
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_same_check_fails_without_https(tmp_path: Path) -> None:
    # The check is not vacuous: turn HTTPS off and it says so.
    env = production_env(tmp_path, ACUCLINIC_INSECURE_LOOPBACK="1", ALLOWED_HOSTS="127.0.0.1")
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


def test_production_redirects_to_https_but_not_the_health_check(tmp_path: Path) -> None:
    env = production_env(tmp_path, PAGE_CACHE_SECONDS="0")  # so /robots.txt needs no tables
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "acuclinic.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    lines = dict(line.split(" ", 1) for line in probe.stdout.splitlines())
    assert lines["/"] == "301 https://clinic.example.com/"
    assert not lines["/healthz"].startswith("301")  # a monitor may ask over http on loopback
    assert lines["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in lines["csp"] and "frame-ancestors 'none'" in lines["csp"]
    assert lines["cookies"] == "True True"


def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = manage(env, "check")
    assert done.returncode != 0 and "SECRET_KEY is not set" in done.stderr
    for weak in WEAK_KEYS:
        done = manage(production_env(tmp_path, SECRET_KEY=weak), "check")
        assert done.returncode != 0 and "SECRET_KEY is too weak" in done.stderr, weak


def test_production_refuses_the_generated_development_key(tmp_path: Path) -> None:
    laptop = production_env(tmp_path, ALLOWED_HOSTS="127.0.0.1")
    del laptop["SECRET_KEY"]
    assert manage(laptop, "check").returncode == 0  # loopback: a key is generated into var/
    generated = (tmp_path / "secret_key").read_text().strip()
    done = manage(production_env(tmp_path, SECRET_KEY=generated), "check")
    assert done.returncode != 0 and "SECRET_KEY is too weak" in done.stderr


def test_insecure_loopback_is_refused_for_a_public_host_name(tmp_path: Path) -> None:
    done = manage(production_env(tmp_path, ACUCLINIC_INSECURE_LOOPBACK="1"), "check")
    assert done.returncode != 0
    assert "ACUCLINIC_INSECURE_LOOPBACK=1 is for 127.0.0.1 and localhost only" in done.stderr


def test_tests_and_laptops_run_on_plain_http() -> None:
    # This very test run: DEBUG off, loopback host names, so no redirect that would break it.
    assert settings.INSECURE_LOOPBACK and not settings.HTTPS
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS == 0


# --- every environment variable settings.py reads is in docs/deploy.md -------------------

READERS = {"envbool", "envint", "envlist"}


def variables_read_by(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    # Module-level names for a variable's name (keyfile.py: ENV = "ACUCLINIC_BACKUP_KEY_FILE").
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    # The helpers themselves read a name they are given; their callers name the variable.
    body = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name in READERS)]
    for node in (inner for top in body for inner in ast.walk(top)):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = ast.unparse(node.func)
            if func in READERS or func in {"os.environ.get", "os.getenv"}:
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        if key is None:
            continue
        if isinstance(key, ast.Name) and key.id in constants:
            names.add(constants[key.id])
            continue
        assert isinstance(key, ast.Constant), (
            f"{path}: a computed variable name: {ast.unparse(key)}"
        )
        names.add(key.value)
    return names


def variables_read_by_the_code() -> set[str]:
    """settings.py and every module that reads the environment itself (the backup commands)."""
    names: set[str] = set()
    for path in sorted((REPO / "acuclinic").rglob("*.py")):
        parts = set(path.relative_to(REPO).parts)
        if parts & {"tests", "migrations"} or "environ" not in path.read_text():
            continue
        names |= variables_read_by(path)
    return names


def test_every_environment_variable_is_documented() -> None:
    names = variables_read_by_the_code()
    assert {"DATABASE_URL", "SECRET_KEY", "ACUCLINIC_INSECURE_LOOPBACK"} <= names  # sanity
    reference = (REPO / "docs" / "deploy.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", reference, flags=re.MULTILINE))
    missing = sorted(names - documented)
    assert not missing, f"read by the code, missing from docs/deploy.md's table: {missing}"
    stale = sorted(documented - names)
    assert not stale, f"in docs/deploy.md's table but read by no code: {stale}"
