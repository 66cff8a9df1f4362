"""rasa-sdk actions, one module a conversation capability.

In an action server's worker process the search models load while the actions are imported, before
the worker accepts requests: the server is ready only when warm, so no citizen waits for a model
load (or gets the gateway's apology) right after a (re)start. Sanic names its worker processes in
``SANIC_WORKER_NAME``; rasa-sdk's manager process and tests that import an action module load nothing.
"""

import logging
import os
import time

from common.privacy import mask_logs

logger = logging.getLogger(__name__)
mask_logs()  # citizens type CCCD numbers and phones into forms: no log of this process shows them


def warm_up() -> None:
    started = time.monotonic()
    try:
        from knowledge.search import default_searcher

        default_searcher().search("đăng ký khai sinh")
        logger.info("search models loaded in %.1f s", time.monotonic() - started)
    except Exception:  # a failed warm-up only means the first question loads them instead
        logger.exception("search warm-up failed")


if os.environ.get("SANIC_WORKER_NAME"):
    warm_up()
