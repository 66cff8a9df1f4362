"""The embedded SQLite files hold citizens' personal data: only the service's own user may read them,
whatever the umask the service was started with."""

import os
import stat

import pytest

from storage import db


@pytest.fixture()
def open_umask():
    previous = os.umask(0o022)  # a usual login shell's: files 0644, readable by every local user
    yield
    os.umask(previous)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_the_app_database_is_created_readable_by_its_owner_only(tmp_path, open_umask):
    db.configure(f"sqlite:///{tmp_path / 'var' / 'app.db'}")
    try:
        with db.engine().begin() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        db.configure(None)
    assert mode(tmp_path / "var" / "app.db") == 0o600


def test_an_existing_app_database_is_made_private(tmp_path, open_umask):
    path = tmp_path / "app.db"
    path.touch(mode=0o644)
    db.configure(f"sqlite:///{path}")
    try:
        db.engine()
    finally:
        db.configure(None)
    assert mode(path) == 0o600


def test_the_tracker_store_is_created_readable_by_its_owner_only(tmp_path, open_umask, monkeypatch):
    from scripts.run import service_env

    monkeypatch.delenv("TRACKER_DB_NAME", raising=False)
    monkeypatch.delenv("TRACKER_DB_DIALECT", raising=False)
    env = service_env({"VAR_DIR": str(tmp_path / "var")})
    assert mode(tmp_path / "var" / "trackers.db") == 0o600 and env["TRACKER_DB_NAME"].endswith("trackers.db")
