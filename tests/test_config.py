"""Settings from MAITRED_* variables; misconfiguration is one line naming the variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from maitred.config import ConfigError, Environment, load_settings

LONG_KEY = "k" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No MAITRED_* variables and no `.env` from the developer's machine."""
    for name in list(os.environ):
        if name.upper().startswith("MAITRED_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_to_an_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings()

    assert settings.env is Environment.development
    assert settings.data_dir == tmp_path / "xdg" / "maitred"
    assert settings.sqlalchemy_url == f"sqlite+aiosqlite:///{tmp_path}/xdg/maitred/maitred.db"
    assert settings.is_sqlite
    assert settings.run_embedded_worker is True


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///srv/maitred.db", "sqlite+aiosqlite:///srv/maitred.db"),
        ("postgresql://u:p@db:5432/maitred", "postgresql+asyncpg://u:p@db:5432/maitred"),
        ("postgres://u:p@db/maitred", "postgresql+asyncpg://u:p@db/maitred"),
    ],
)
def test_database_url_gets_its_async_driver(
    monkeypatch: pytest.MonkeyPatch, given: str, expected: str
) -> None:
    monkeypatch.setenv("MAITRED_DATABASE_URL", given)

    assert load_settings().sqlalchemy_url == expected


def test_postgresql_runs_workers_separately_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAITRED_DATABASE_URL", "postgresql://db/maitred")

    assert load_settings().run_embedded_worker is False
    assert load_settings(embedded_worker=True).run_embedded_worker is True


def test_unsupported_database_scheme_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAITRED_DATABASE_URL", "mysql://x")

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value) == (
        "configuration error: MAITRED_DATABASE_URL: unsupported scheme 'mysql'; "
        "use sqlite:///path/file.db or postgresql://user:pass@host:port/db"
    )


def test_s3_storage_needs_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAITRED_STORAGE_BACKEND", "s3")

    with pytest.raises(ConfigError) as raised:
        load_settings()
    monkeypatch.setenv("MAITRED_S3_BUCKET", "maitred-uploads")

    assert str(raised.value) == (
        "configuration error: MAITRED_S3_BUCKET must be set when MAITRED_STORAGE_BACKEND=s3"
    )
    assert load_settings().s3_bucket == "maitred-uploads"


@pytest.mark.parametrize("key", ["", "too-short"])
def test_production_needs_a_long_secret_key(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv("MAITRED_ENV", "production")
    monkeypatch.setenv("MAITRED_SECRET_KEY", key)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith(
        "configuration error: MAITRED_SECRET_KEY must be set to at least 32 characters"
    )
    assert "\n" not in str(raised.value)


def test_production_with_a_secret_key_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAITRED_ENV", "production")
    monkeypatch.setenv("MAITRED_SECRET_KEY", LONG_KEY)

    settings = load_settings()

    assert settings.env is Environment.production
    assert settings.resolved_secret_key() == LONG_KEY


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MAITRED_DB_POOL_SIZE", "0", "Input should be greater than or equal to 1"),
        ("MAITRED_IDEMPOTENCY_TTL_HOURS", "1", "Input should be greater than or equal to 24"),
        ("MAITRED_LOG_FORMAT", "xml", "Input should be 'auto', 'json' or 'text'"),
        ("MAITRED_ENV", "staging", "Input should be 'development' or 'production'"),
    ],
)
def test_invalid_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value) == f"configuration error: {variable}: {message}"


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MAITRED_DATABASE_URL=postgresql://from-dotenv/maitred\n")

    assert load_settings().sqlalchemy_url == "postgresql+asyncpg://from-dotenv/maitred"


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("MAITRED_LOG_LEVEL=DEBUG\n")
    monkeypatch.setenv("MAITRED_LOG_LEVEL", "WARNING")

    assert load_settings().log_level == "WARNING"


def test_development_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")

    first = settings.resolved_secret_key()
    second = load_settings(data_dir=tmp_path / "data").resolved_secret_key()

    assert first == second
    assert len(first) >= 32
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_configured_secret_key_writes_no_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MAITRED_SECRET_KEY", LONG_KEY)

    assert load_settings(data_dir=tmp_path / "data").resolved_secret_key() == LONG_KEY
    assert not (tmp_path / "data").exists()
