"""rasa-sdk actions. The search models load in a background thread when the action server starts
(not at import: rasa-sdk must finish importing first), so the first citizen does not wait for them."""

import logging
import os
import threading

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    try:
        from knowledge.search import default_searcher

        default_searcher().search("đăng ký khai sinh")
        logger.info("search models loaded")
    except Exception:  # a failed warm-up only means the first question loads them instead
        logger.exception("search warm-up failed")


if os.environ.get("ACTIONS_WARMUP", "1") == "1":
    threading.Thread(target=_warm_up, name="search-warm-up", daemon=True).start()
