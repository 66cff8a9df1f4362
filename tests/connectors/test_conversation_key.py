"""Gateway replicas starting together agree on one conversation key (none crashes on the race)."""

import multiprocessing
import os


def read_key(path: str) -> bytes:
    from connectors.conversations import _stored_key

    return _stored_key(path)


def test_replicas_starting_together_share_one_key(tmp_path):
    path = str(tmp_path / "conversation.key")
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        keys = pool.map(read_key, [path] * 6)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert os.listdir(tmp_path) == ["conversation.key"] and os.stat(path).st_mode & 0o777 == 0o600
