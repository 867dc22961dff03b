"""A password in AIAS_DATABASE_URL never reaches what aias prints."""

import pytest

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings

URL = "postgresql://postgres:S3cretPW@db.example:5432/aias"


def test_the_connect_hint_and_the_description_carry_no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    # `connect with: psql 'postgresql://postgres:S3cretPW@…'` was printed by every command.
    settings = ConnectionSettings(URL)
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert "S3cretPW" not in settings.psql_command() and "postgres@db.example:5432/aias" in settings.psql_command()
    assert settings.describe() == "postgresql://postgres:***@db.example:5432/aias"
    monkeypatch.setenv(DATABASE_URL_ENV, URL)
    assert settings.psql_command().endswith('"$AIAS_DATABASE_URL"')  # works, and shows nothing secret


def test_a_url_without_a_password_is_shown_as_it_is() -> None:
    socket = ConnectionSettings("postgresql://postgres:@/aias?host=/srv/aias/pgdata")
    assert socket.psql_command().endswith("'postgresql://postgres:@/aias?host=/srv/aias/pgdata'")
