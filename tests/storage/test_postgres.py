"""The same storage code and migrations on a real PostgreSQL server (the production setting), started for the test."""

import shutil
import subprocess
import tempfile

import pytest

from scripts.replicas import as_postgres, program

PORT = 25432


@pytest.fixture(scope="module")
def postgres_url():
    initdb, pg_ctl = program("initdb"), program("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server is not installed (apt-get install postgresql)")
    user = as_postgres()
    data = tempfile.mkdtemp(prefix="pg-")
    if user:
        shutil.chown(data, "postgres")
    subprocess.run([*user, initdb, "-D", data, "-A", "trust", "-U", "dvc"], check=True, capture_output=True)
    subprocess.run([*user, pg_ctl, "-D", data, "-o", f"-p {PORT} -k {data} -c listen_addresses=127.0.0.1",
                    "-l", f"{data}/log", "start", "-w"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://dvc@127.0.0.1:{PORT}/postgres"
    finally:
        subprocess.run([*user, pg_ctl, "-D", data, "stop", "-m", "fast"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_store_works_unchanged_on_postgresql(postgres_url):
    from common.status import DossierStatus
    from storage import channels, citizens, db, handover, identities
    from storage.migrate import current

    db.configure(postgres_url)
    try:
        assert db.engine().dialect.name == "postgresql"
        assert current(db.engine()) == "0010"  # migrated on first use
        sender, citizen = "pg-user", "pg-citizen"
        identities.link(sender, citizen)
        assert identities.take_login_link(identities.new_login_link(sender))["conversation_id"] == sender
        citizens.save_profile(citizen, {"full_name": "Trần Thị Mai", "id_number": "079192012345"})
        citizens.save_profile(citizen, {"phone": "0912345678"})
        assert citizens.get_profile(citizen) == {"full_name": "Trần Thị Mai", "id_number": "079192012345",
                                                "phone": "0912345678"}
        dossier = citizens.create_dossier(sender, "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {"purpose": "Kết hôn"})
        assert dossier["code"].startswith("HS-") and citizens.get_dossier(dossier["code"])["data"] == {"purpose": "Kết hôn"}
        assert citizens.set_dossier_status(dossier["code"], DossierStatus.SUBMITTED, None)["status"] == "submitted"
        queued = handover.open_handover("rest", sender, [("citizen", "CCCD 079192012345")], client="c" * 32)
        assert handover.list_handovers("waiting")[0]["transcript"][0]["text"] == "CCCD 079******345"  # masked
        handover.officer_reply(queued, "cán bộ", "Chào bạn")
        assert handover.take_outbox(sender) == ["Chào bạn"] and handover.take_outbox(sender) == []
        assert channels.first_time(f"zalo:{sender}") and not channels.first_time(f"zalo:{sender}")
        assert citizens.delete_personal_data(sender) == 2 and citizens.get_profile(citizen) is None  # profile, sign-in
    finally:
        db.configure(None)
