"""Personal data never reaches a log in clear, whichever logger writes it."""

import logging

from dossiers.privacy import mask_logs


def test_logs_are_masked_for_every_logger(caplog):
    mask_logs()
    mask_logs()  # installing twice does not mask twice
    with caplog.at_level(logging.INFO):
        logging.getLogger("sanic.access").info("citizen %s typed 079192012345 and 0912345678", "u1")
        logging.getLogger("some.library").warning("dob 12/12/1992")
    assert "079192012345" not in caplog.text and "0912345678" not in caplog.text and "12/12/1992" not in caplog.text
    assert "079******345" in caplog.text and "citizen u1" in caplog.text and "**/**/1992" in caplog.text
