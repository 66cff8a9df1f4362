"""rasa-sdk actions, one module a conversation capability.

The search models load in a background thread when an action server's worker process starts (not
in rasa-sdk's manager process, not in tests that import an action module), so the first citizen
does not wait for them. Sanic names its worker processes in ``SANIC_WORKER_NAME``.
"""

import logging
import os
import threading

from dossiers.privacy import mask_logs

logger = logging.getLogger(__name__)
mask_logs()  # citizens type CCCD numbers and phones into forms: no log of this process shows them


def _warm_up() -> None:
    try:
        from knowledge.search import default_searcher

        default_searcher().search("đăng ký khai sinh")
        logger.info("search models loaded")
    except Exception:  # a failed warm-up only means the first question loads them instead
        logger.exception("search warm-up failed")


if os.environ.get("SANIC_WORKER_NAME"):
    threading.Thread(target=_warm_up, name="search-warm-up", daemon=True).start()
