"""Applying Alembic migrations from code (`maitred migrate`, `maitred serve`, the tests)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

_HERE = Path(__file__).resolve()
_CANDIDATES = (
    _HERE.parents[1] / "_migrations",  # installed wheel
    _HERE.parents[3] / "migrations",  # source checkout / editable install
)


def alembic_config(sqlalchemy_url: str) -> Config:
    script_location = next((p for p in _CANDIDATES if (p / "env.py").exists()), None)
    if script_location is None:
        raise RuntimeError("maitred's migrations directory is missing from this installation")
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["sqlalchemy_url"] = sqlalchemy_url
    return config


def ensure_sqlite_dir(sqlalchemy_url: str) -> None:
    if sqlalchemy_url.startswith("sqlite"):
        path = sqlalchemy_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def upgrade(sqlalchemy_url: str, revision: str = "head") -> None:
    """Blocking; call it from a thread when an event loop is running."""
    ensure_sqlite_dir(sqlalchemy_url)
    command.upgrade(alembic_config(sqlalchemy_url), revision)


def check(sqlalchemy_url: str) -> None:
    """Raises when the models and the migrations disagree (`alembic check`)."""
    command.check(alembic_config(sqlalchemy_url))
