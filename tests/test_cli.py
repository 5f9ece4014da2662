"""The `maitred` command, run as a user would: a subprocess configured by MAITRED_* variables."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from maitred import __version__
from maitred.kit.migrate import alembic_config

pytestmark = pytest.mark.long  # a `maitred` process per call: scheduled first

MAITRED = str(Path(sys.executable).with_name("maitred"))
COMMANDS = ["serve", "migrate", "create-admin", "demo", "worker"]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory (no `.env`) holding the data directory."""
    return tmp_path


def database_file(workdir: Path) -> Path:
    return workdir / "data" / "maitred.db"


def maitred(workdir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "MAITRED_DATA_DIR": str(workdir / "data"),
        "MAITRED_DATABASE_URL": f"sqlite:///{database_file(workdir)}",
    }
    environment.update(env)
    return subprocess.run(
        [MAITRED, *args],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def rows(workdir: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database_file(workdir)) as connection:
        return connection.execute(sql).fetchall()


def counts(workdir: Path) -> dict[str, int]:
    return {
        table: rows(workdir, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("organizations", "users", "memberships")
    }


def stored_email(workdir: Path, stored: str) -> str:
    """An encrypted email column decrypted with the keyring the command used."""
    from maitred.config import Settings
    from maitred.kit.crypto import Keyring

    keyring = Keyring.from_settings(Settings(data_dir=workdir / "data"))
    return keyring.decrypt(stored, context="users.email")


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("maitred: ")
    return result.stderr.rstrip("\n")


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["maitred", *COMMANDS])
def test_help_works_for_every_command(workdir: Path, command: list[str]) -> None:
    result = maitred(workdir, *command, "--help")

    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: maitred {' '.join(command)}".rstrip())
    assert result.stderr == ""
    assert not (workdir / "data").exists()


def test_version(workdir: Path) -> None:
    result = maitred(workdir, "--version")

    assert (result.returncode, result.stdout) == (0, f"maitred {__version__}\n")


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def test_migrate_creates_the_sqlite_file_at_the_latest_migration(workdir: Path) -> None:
    assert not database_file(workdir).exists()

    result = maitred(workdir, "migrate")

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "database is at the latest migration\n",
        "",
    )
    assert rows(workdir, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert counts(workdir) == {"organizations": 0, "users": 0, "memberships": 0}
    assert (workdir / "data" / "secret_key").stat().st_mode & 0o777 == 0o600

    again = maitred(workdir, "migrate")

    assert (again.returncode, again.stdout, again.stderr) == (
        0,
        "database is at the latest migration\n",
        "",
    )
    assert rows(workdir, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_create_admin_creates_an_organization_and_its_admin(workdir: Path) -> None:
    result = maitred(
        workdir, "create-admin", "--email", "Owner@Hibachi.Example", "--password", PASSWORD
    )

    assert result.returncode == 0, result.stderr
    ((org_id, name, slug),) = rows(workdir, "SELECT id, name, slug FROM organizations")
    ((user_id, email, password_hash),) = rows(workdir, "SELECT id, email, password_hash FROM users")
    assert (name, slug) == ("My Business", "my-business")
    assert "hibachi" not in email
    assert stored_email(workdir, email) == "owner@hibachi.example"
    assert str(password_hash).startswith("$argon2id$")
    assert PASSWORD not in str(password_hash)
    assert rows(workdir, "SELECT user_id, organization_id, role FROM memberships") == [
        (user_id, org_id, "admin")
    ]
    assert result.stdout.splitlines() == [
        f"created organization 'My Business' (slug my-business, id {_uuid(org_id)})",
        f"created admin owner@hibachi.example (id {_uuid(user_id)})",
    ]


def _uuid(stored: object) -> str:
    return str(uuid.UUID(str(stored)))


def test_create_admin_again_with_the_same_email_changes_nothing(workdir: Path) -> None:
    maitred(workdir, "create-admin", "--email", "owner@hibachi.example", "--password", PASSWORD)
    before = rows(workdir, "SELECT id, email, password_hash, updated_at FROM users")

    again = maitred(
        workdir,
        "create-admin",
        "--email",
        "OWNER@hibachi.example",
        "--password",
        "a-different-password",
        "--org-name",
        "Another Business",
    )

    assert again.returncode == 0, again.stderr
    using, unchanged = again.stdout.splitlines()
    assert using.startswith("using organization 'My Business' (slug my-business, id ")
    assert unchanged == "user owner@hibachi.example already exists; nothing changed"
    assert counts(workdir) == {"organizations": 1, "users": 1, "memberships": 1}
    assert rows(workdir, "SELECT id, email, password_hash, updated_at FROM users") == before


def test_create_admin_with_org_name_creates_that_organization_then_joins_it(
    workdir: Path,
) -> None:
    def create_admin(email: str, org_name: str) -> subprocess.CompletedProcess[str]:
        options = ["--email", email, "--password", PASSWORD, "--org-name", org_name]
        return maitred(workdir, "create-admin", *options)

    created = create_admin("chef@sushi.example", "Sushi Bar Nakamura")
    joined = create_admin("waiter@sushi.example", "sushi bar nakamura")

    assert created.returncode == joined.returncode == 0
    assert created.stdout.splitlines()[0].startswith(
        "created organization 'Sushi Bar Nakamura' (slug sushi-bar-nakamura, id "
    )
    assert joined.stdout.splitlines()[0].startswith(
        "using organization 'Sushi Bar Nakamura' (slug sushi-bar-nakamura, id "
    )
    members = rows(
        workdir,
        "SELECT u.email, o.name, m.role FROM memberships m"
        " JOIN organizations o ON o.id = m.organization_id JOIN users u ON u.id = m.user_id",
    )
    assert sorted((stored_email(workdir, e), name, role) for e, name, role in members) == [
        ("chef@sushi.example", "Sushi Bar Nakamura", "admin"),
        ("waiter@sushi.example", "Sushi Bar Nakamura", "admin"),
    ]
    assert counts(workdir) == {"organizations": 1, "users": 2, "memberships": 2}


def test_short_password_is_refused_in_one_line(workdir: Path) -> None:
    result = maitred(workdir, "create-admin", "--email", "a@example.com", "--password", "short")

    assert assert_one_line_error(result) == (
        "maitred: password: Password must be at least 10 characters"
    )
    assert counts(workdir) == {"organizations": 0, "users": 0, "memberships": 0}


def test_invalid_email_is_refused_in_one_line(workdir: Path) -> None:
    result = maitred(workdir, "create-admin", "--email", "not-an-email", "--password", PASSWORD)

    assert assert_one_line_error(result) == (
        "maitred: email: An email address must have an @-sign."
    )
    assert counts(workdir) == {"organizations": 0, "users": 0, "memberships": 0}


def test_demo_is_idempotent(workdir: Path) -> None:
    first = maitred(workdir, "demo")
    after_first = counts(workdir)
    book_after_first = book_counts(workdir)
    users_after_first = rows(workdir, "SELECT id, password_hash FROM users")

    second = maitred(workdir, "demo")

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    team = ("manager", "staff", "chef")
    identity_lines = [
        "created demo organization 'Hibachi at Home (demo)' (slug hibachi-at-home-demo)",
        "created demo user admin@hibachi-demo.example (admin) / password demo-password-2026",
        *(
            f"created demo user {who}@hibachi-demo.example ({role}) / password demo-password-2026"
            for who, role in zip(team, ("manager", "staff", "facilitator"), strict=True)
        ),
    ]
    assert first.stdout.splitlines()[:5] == identity_lines
    # The hibachi business first, then the studio (tests/test_demo_studio.py).
    assert "created leads 51-100 of 100, won ones converted" in first.stdout.splitlines()
    assert first.stdout.splitlines()[-1].startswith("booked ")
    assert second.stdout.splitlines()[:4] == [
        line.replace("created", "kept") for line in identity_lines[1:]
    ]
    hibachi_end = second.stdout.splitlines().index("kept 100 leads")
    assert second.stdout.splitlines()[hibachi_end - 2 : hibachi_end] == [
        "kept 200 customers",
        "kept 600 bookings",
    ]
    assert all(line.startswith("kept ") for line in second.stdout.splitlines())
    assert after_first == {"organizations": 2, "users": 6, "memberships": 6}
    assert book_after_first == {"customers": 200, "leads": 100, "bookings": 600, "menu_items": 7}
    assert counts(workdir) == after_first
    assert book_counts(workdir) == book_after_first
    assert rows(workdir, "SELECT id, password_hash FROM users") == users_after_first
    assert (
        rows(workdir, "SELECT timezone, currency, country FROM organizations")
        == [("America/Los_Angeles", "USD", "US")] * 2
    )


def book_counts(workdir: Path) -> dict[str, int]:
    """The hibachi business's book (the studio has customers and bookings too)."""
    return {
        table: rows(
            workdir,
            f"SELECT count(*) FROM {table} JOIN organizations o ON o.id = organization_id"
            " WHERE o.slug = 'hibachi-at-home-demo'",
        )[0][0]
        for table in ("customers", "leads", "bookings", "menu_items")
    }


def test_unsupported_database_url_is_one_line_naming_the_variable(workdir: Path) -> None:
    result = maitred(workdir, "migrate", MAITRED_DATABASE_URL="mysql://x")

    assert assert_one_line_error(result) == (
        "maitred: configuration error: MAITRED_DATABASE_URL: unsupported scheme 'mysql'; "
        "use sqlite:///path/file.db or postgresql://user:pass@host:port/db"
    )
    assert not (workdir / "data").exists()


def test_unreachable_database_is_one_line(workdir: Path) -> None:
    result = maitred(
        workdir, "migrate", MAITRED_DATABASE_URL="postgresql://maitred@127.0.0.1:1/maitred"
    )

    line = assert_one_line_error(result)
    assert line.startswith("maitred: cannot use the database: ")


def test_production_without_secret_key_is_one_line(workdir: Path) -> None:
    result = maitred(workdir, "migrate", MAITRED_ENV="production")

    line = assert_one_line_error(result)
    assert line.startswith(
        "maitred: configuration error: MAITRED_SECRET_KEY must be set to at least 32 characters "
        "in production"
    )
    assert not (workdir / "data").exists()


def test_invalid_setting_names_its_variable(workdir: Path) -> None:
    result = maitred(workdir, "migrate", MAITRED_DB_POOL_SIZE="lots")

    assert assert_one_line_error(result) == (
        "maitred: configuration error: MAITRED_DB_POOL_SIZE: "
        "Input should be a valid integer, unable to parse string as an integer"
    )


def test_unknown_command_is_a_usage_error(workdir: Path) -> None:
    result = maitred(workdir, "bake")

    assert result.returncode == 2
    assert "invalid choice: 'bake'" in result.stderr
    assert "Traceback" not in result.stderr
