"""Alembic migrations: a new database gets the whole schema; an older one is upgraded in place."""

import sqlalchemy as sa
from alembic import command

from storage.migrate import alembic_config, current, upgrade


def test_new_database_is_created_at_the_newest_revision(app_db):
    from storage import citizens, handover

    handover.open_handover("rest", "u1", [("citizen", "xin chào")])
    assert current(app_db.engine()) == "0010"
    tables = set(sa.inspect(app_db.engine()).get_table_names())
    assert {"handovers", "transcript", "outbox", "questions", "feedback", "payloads", "channel_tokens",
            "seen_events", "profiles", "dossiers", "login_links", "identity_links", "alembic_version"} <= tables
    assert citizens.create_dossier("u1", "1.004873", "f", {})["status"] == "draft"


def test_database_made_before_migrations_is_stamped_and_upgraded_in_place(tmp_path):
    """The previous release created its tables without Alembic and stored Vietnamese status labels."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0001")  # the old schema, exactly
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(sa.text(
            "INSERT INTO dossiers (code, access_key, sender_id, procedure_code, form_id, data, status, created_at, updated_at) "
            "VALUES ('HS-2026-000001', 'k', 'u', '1.001193', 'f', '{}', 'cần bổ sung', '2026-01-01', '2026-01-01')"))
        conn.execute(sa.text("INSERT INTO profiles (sender_id, data, consented_at) VALUES ('u', '{}', '2026-01-01')"))
    upgrade(engine)
    assert current(engine) == "0010"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM dossiers")).scalar() == "needs_more"
        # a profile kept for a conversation nobody signed in to is not carried over
        assert conn.execute(sa.text("SELECT count(*) FROM profiles")).scalar() == 0


def test_status_codes_go_back_to_labels_on_downgrade(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO dossiers (code, access_key, sender_id, procedure_code, form_id, data, status, created_at, updated_at) "
            "VALUES ('HS-2026-000002', 'k', 'u', '1.001193', 'f', '{}', 'done', '2026-01-01', '2026-01-01')"))
    command.downgrade(alembic_config(engine), "0001")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM dossiers")).scalar() == "đã có kết quả"


def test_a_deleted_dossier_number_is_never_given_again(app_db):
    from storage import citizens

    first = citizens.create_dossier("a", "1.004873", "f", {})["code"]
    assert citizens.delete_personal_data("a") == 1
    assert citizens.create_dossier("b", "1.004873", "f", {})["code"] != first
