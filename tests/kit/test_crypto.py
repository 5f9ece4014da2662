"""Field encryption and blind indexes (kit/crypto.py), and the EncryptedText column
(kit/encrypted.py) on a test-only table of a real database."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Text, Uuid, make_url, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from maitred.config import ConfigError, Settings
from maitred.kit import crypto
from maitred.kit.crypto import DecryptionError, Keyring, key_id, normalize_email
from maitred.kit.db import Base, Database
from maitred.kit.encrypted import EncryptedText
from tests.conftest import make_settings

KEY_A, KEY_B = bytes(range(32)), bytes(range(32, 64))
INDEX_KEY, OTHER_INDEX_KEY = b"\x07" * 32, b"\x08" * 32
SECRET = "test-secret-key-that-is-long-enough-for-production"
GENERATE_HINT = "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"


def ring(*keys: bytes, index_key: bytes = INDEX_KEY) -> Keyring:
    return Keyring(keys, blind_index_key=index_key)


def b64(key: bytes, *, padded: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(key).decode()
    return encoded if padded else encoded.rstrip("=")


def flip_byte(token: str, position: int) -> str:
    prefix, encoded = token.rsplit(".", 1)
    payload = bytearray(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    payload[position] ^= 0x01
    return f"{prefix}.{b64(bytes(payload))}"


def settings_with(tmp_path: Path, **overrides: object) -> Settings:
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", **overrides)


@pytest.fixture
def active() -> Iterator[Keyring]:
    keyring = ring(KEY_A)
    previous = crypto.configure(keyring)
    yield keyring
    crypto.configure(previous)


# Sealing and opening


@pytest.mark.parametrize("plaintext", ["alice@example.com", "Zoë Ñandú, 寿司 🍣", ""])
def test_a_value_round_trips_and_every_seal_differs(plaintext: str) -> None:
    keyring = ring(KEY_A)

    first = keyring.encrypt(plaintext, context="users.email")
    second = keyring.encrypt(plaintext, context="users.email")

    assert keyring.decrypt(first, context="users.email") == plaintext
    assert keyring.decrypt(second, context="users.email") == plaintext
    assert first != second
    assert first.startswith(f"v1.{key_id(KEY_A)}.")
    assert first.isascii()
    assert "=" not in first


def test_the_plaintext_does_not_appear_in_the_token() -> None:
    token = ring(KEY_A).encrypt("alice@example.com", context="users.email")
    assert "alice" not in token
    assert "example" not in token


@pytest.mark.parametrize("position", [0, 11, 12, -1], ids=["nonce", "nonce-end", "body", "tag"])
def test_a_flipped_byte_is_refused(position: int) -> None:
    keyring = ring(KEY_A)
    token = keyring.encrypt("alice@example.com", context="users.email")

    with pytest.raises(DecryptionError) as caught:
        keyring.decrypt(flip_byte(token, position), context="users.email")

    assert str(caught.value) == (
        "cannot decrypt users.email: the value was altered or belongs to another column"
    )


def test_a_value_moved_to_another_column_is_refused() -> None:
    keyring = ring(KEY_A)
    token = keyring.encrypt("alice@example.com", context="users.email")

    with pytest.raises(DecryptionError) as caught:
        keyring.decrypt(token, context="customers.email")

    assert str(caught.value) == (
        "cannot decrypt customers.email: the value was altered or belongs to another column"
    )


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("alice@example.com", "not an encrypted value"),
        ("v2.630dcd29.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not an encrypted value"),
        ("v1.630dcd29.not base64!", "not an encrypted value"),
        ("v1.630dcd29.AAAA", "the value is truncated"),
    ],
)
def test_a_value_that_is_not_a_token_is_refused(token: str, reason: str) -> None:
    with pytest.raises(DecryptionError) as caught:
        ring(KEY_A).decrypt(token, context="users.email")
    assert str(caught.value) == f"cannot decrypt users.email: {reason}"


def test_the_keyring_repr_shows_key_ids_only() -> None:
    assert repr(ring(KEY_B, KEY_A)) == f"Keyring(key_ids=['{key_id(KEY_B)}', '{key_id(KEY_A)}'])"


# Rotation


def test_a_rotated_keyring_reads_old_values_and_seals_with_the_newest_key() -> None:
    old_token = ring(KEY_A).encrypt("+14155550100", context="customers.phone")
    rotated = ring(KEY_B, KEY_A)

    new_token = rotated.encrypt("+14155550100", context="customers.phone")

    assert rotated.decrypt(old_token, context="customers.phone") == "+14155550100"
    assert new_token.startswith(f"v1.{key_id(KEY_B)}.")
    assert rotated.needs_reencryption(old_token) is True
    assert rotated.needs_reencryption(new_token) is False


def test_a_keyring_without_the_old_key_cannot_read_its_values() -> None:
    old_token = ring(KEY_A).encrypt("+14155550100", context="customers.phone")

    with pytest.raises(DecryptionError) as caught:
        ring(KEY_B).decrypt(old_token, context="customers.phone")

    assert str(caught.value) == (
        f"cannot decrypt customers.phone: key {key_id(KEY_A)} is not in the keyring"
    )


# Keys from settings


def test_configured_keys_are_read_newest_first_with_or_without_padding(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        encryption_keys=f"{b64(KEY_B)}, {b64(KEY_A, padded=True)}",
        blind_index_key=b64(INDEX_KEY),
    )

    keyring = Keyring.from_settings(settings)

    assert keyring.key_ids == (key_id(KEY_B), key_id(KEY_A))
    assert keyring.blind_index("x", purpose="email") == ring(KEY_A).blind_index(
        "x", purpose="email"
    )


def test_the_derived_key_is_stable_for_a_secret_and_differs_for_another(tmp_path: Path) -> None:
    token = Keyring.from_settings(settings_with(tmp_path, secret_key=SECRET)).encrypt(
        "alice@example.com", context="users.email"
    )

    same_secret = Keyring.from_settings(settings_with(tmp_path, secret_key=SECRET))
    other_secret = Keyring.from_settings(settings_with(tmp_path, secret_key=SECRET + "-rotated"))

    # Pinned: a change of the derivation would make every stored value unreadable.
    assert same_secret.key_ids == ("0d05e4b0",)
    assert crypto.derived_encryption_key(SECRET) == "zewuYtgePNRkNAUIVR2C0oNIRusyEnwWX1OxkwdyV3g"
    assert same_secret.decrypt(token, context="users.email") == "alice@example.com"
    assert other_secret.key_ids != ("0d05e4b0",)
    with pytest.raises(DecryptionError):
        other_secret.decrypt(token, context="users.email")


def test_the_derived_key_can_be_listed_as_an_older_key(tmp_path: Path) -> None:
    token = Keyring.from_settings(settings_with(tmp_path, secret_key=SECRET)).encrypt(
        "alice@example.com", context="users.email"
    )
    keys = f"{crypto.generate_key()},{crypto.derived_encryption_key(SECRET)}"

    rotated = Keyring.from_settings(
        settings_with(tmp_path, secret_key=SECRET + "-rotated", encryption_keys=keys)
    )

    assert rotated.decrypt(token, context="users.email") == "alice@example.com"
    assert rotated.needs_reencryption(token) is True


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"encryption_keys": "not-a-key"}, "MAITRED_ENCRYPTION_KEYS: key 1"),
        ({"encryption_keys": f"{b64(KEY_A)},{b64(KEY_B[:16])}"}, "MAITRED_ENCRYPTION_KEYS: key 2"),
        ({"encryption_keys": f"{b64(KEY_A)},"}, "MAITRED_ENCRYPTION_KEYS: key 2"),
        ({"blind_index_key": "Zm9v"}, "MAITRED_BLIND_INDEX_KEY:"),
    ],
    ids=["not-base64", "short", "empty-entry", "blind-index"],
)
def test_a_malformed_key_is_one_line_naming_the_variable(
    tmp_path: Path, overrides: dict[str, object], problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Keyring.from_settings(settings_with(tmp_path, **overrides))

    assert str(caught.value) == (
        f"configuration error: {problem} is not 32 bytes in urlsafe base64; {GENERATE_HINT}"
    )


# Blind indexes


def test_a_blind_index_is_deterministic_hex() -> None:
    index = ring(KEY_A).blind_index("alice@example.com", purpose="email")

    # Pinned: a change would orphan every stored index.
    assert index == "dd8a59fc713345c863e1680b5fede76c41d14d31001e68bb80530765c2919fff"
    assert ring(KEY_B).blind_index("alice@example.com", purpose="email") == index


def test_a_blind_index_differs_per_purpose_and_per_key() -> None:
    keyring = ring(KEY_A)
    email = keyring.blind_index("alice@example.com", purpose="email")

    assert keyring.blind_index("alice@example.com", purpose="phone") != email
    other = ring(KEY_A, index_key=OTHER_INDEX_KEY).blind_index("alice@example.com", purpose="email")
    assert other != email


def test_normalized_emails_share_a_blind_index() -> None:
    keyring = ring(KEY_A)

    messy = keyring.blind_index(normalize_email("  Alice@Example.COM "), purpose="email")
    clean = keyring.blind_index(normalize_email("alice@example.com"), purpose="email")

    assert normalize_email("  Alice@Example.COM ") == "alice@example.com"
    assert messy == clean


# The process-wide keyring


def test_the_active_keyring_serves_the_module_functions(active: Keyring) -> None:
    token = crypto.encrypt("alice@example.com", context="users.email")

    assert crypto.active_keyring() is active
    assert active.decrypt(token, context="users.email") == "alice@example.com"
    assert crypto.decrypt(token, context="users.email") == "alice@example.com"
    assert crypto.blind_index("a", purpose="email") == active.blind_index("a", purpose="email")


def test_without_a_configured_keyring_use_fails_clearly(active: Keyring) -> None:
    assert crypto.configure(None) is active

    with pytest.raises(RuntimeError) as caught:
        crypto.encrypt("alice@example.com", context="users.email")

    assert str(caught.value) == (
        "no encryption keyring configured: call "
        "maitred.kit.crypto.configure(Keyring.from_settings(settings)) at start-up"
    )


# EncryptedText on a real table


class ProbeBase(DeclarativeBase):
    """Kept apart from maitred's Base so migrations and `alembic check` never see it."""

    type_annotation_map = Base.type_annotation_map


class Sealed(ProbeBase):
    # A name of its own: the PostgreSQL test database is shared.
    __tablename__ = f"test_crypto_sealed_{uuid.uuid4().hex[:8]}"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    label: Mapped[str] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(EncryptedText("test_crypto.secret"))
    other: Mapped[str | None] = mapped_column(EncryptedText("test_crypto.other"))


@pytest.fixture
async def sealed(settings: Settings, active: Keyring) -> AsyncIterator[Database]:
    """Only this module's table: no migrations and no cleaning of tables others may be using."""
    database = Database(settings.sqlalchemy_url, pool_size=2)
    async with database.engine.begin() as conn:
        await conn.run_sync(ProbeBase.metadata.create_all)
    yield database
    async with database.engine.begin() as conn:
        await conn.run_sync(ProbeBase.metadata.drop_all)
    await database.dispose()


async def _insert(database: Database, *, label: str, secret: str | None) -> None:
    async with database.transaction() as session:
        session.add(Sealed(label=label, secret=secret))


async def _raw(database: Database, column: str, *, label: str) -> str | None:
    query = text(f"SELECT {column} FROM {Sealed.__tablename__} WHERE label = :label")
    async with database.transaction(write=False) as session:
        value: str | None = (await session.execute(query, {"label": label})).scalar_one()
        return value


def _sqlite_bytes(database: Database) -> bytes:
    path = Path(str(make_url(database.url).database))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_the_column_reads_back_clear_text_but_stores_only_ciphertext(
    sealed: Database, active: Keyring
) -> None:
    secret = f"alice-{uuid.uuid4().hex}@example.com"
    label = f"control-{uuid.uuid4().hex}"

    await _insert(sealed, label=label, secret=secret)

    async with sealed.transaction(write=False) as session:
        row = (await session.execute(select(Sealed).where(Sealed.label == label))).scalar_one()
    assert row.secret == secret
    stored = await _raw(sealed, "secret", label=label)
    assert stored is not None
    assert stored.startswith(f"v1.{key_id(KEY_A)}.")
    assert secret not in stored
    assert active.decrypt(stored, context="test_crypto.secret") == secret
    if sealed.is_sqlite:
        on_disk = _sqlite_bytes(sealed)
        assert label.encode() in on_disk  # the clear column is on disk: the search finds text
        assert secret.encode() not in on_disk


async def test_none_is_stored_as_null(sealed: Database) -> None:
    await _insert(sealed, label="empty", secret=None)

    async with sealed.transaction(write=False) as session:
        row = (await session.execute(select(Sealed).where(Sealed.secret.is_(None)))).scalar_one()

    assert row.secret is None
    assert await _raw(sealed, "secret", label="empty") is None


async def test_a_ciphertext_copied_to_another_column_does_not_decrypt(sealed: Database) -> None:
    await _insert(sealed, label="moved", secret="alice@example.com")
    async with sealed.transaction() as session:
        await session.execute(text(f"UPDATE {Sealed.__tablename__} SET other = secret"))

    async with sealed.transaction(write=False) as session:
        with pytest.raises(DecryptionError) as caught:
            (await session.execute(select(Sealed.other))).scalar_one()

    assert str(caught.value) == (
        "cannot decrypt test_crypto.other: the value was altered or belongs to another column"
    )


def test_sql_comparisons_of_an_encrypted_column_are_refused() -> None:
    refused = (
        "an encrypted column cannot be compared or sorted in SQL; look rows up by a blind index"
    )

    for attempt in (
        lambda: Sealed.secret == "alice@example.com",
        lambda: Sealed.secret.in_(["alice@example.com"]),
        lambda: Sealed.secret.like("alice%"),
        lambda: Sealed.secret.desc(),
    ):
        with pytest.raises(TypeError) as caught:
            attempt()
        assert str(caught.value) == refused
    assert str(Sealed.secret == None).endswith("IS NULL")  # noqa: E711
    assert str(Sealed.secret.is_not(None)).endswith("IS NOT NULL")
