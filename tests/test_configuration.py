"""Every setting a process reads is documented in the README's configuration table."""

import re
from pathlib import Path

import pytest

from connectors.settings import GatewaySettings
from dossiers.settings import DossierSettings
from knowledge.settings import KnowledgeSettings
from rasa_sdk_plugins import ActionServerSettings
from storage.settings import StorageSettings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
TABLE = README[README.index("## Configuration"):README.index("## Tests")]
DOCUMENTED = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", TABLE))


@pytest.mark.parametrize("settings", [GatewaySettings, KnowledgeSettings, StorageSettings, DossierSettings,
                                      ActionServerSettings])
def test_every_setting_is_in_the_readme_table(settings):
    prefix = settings.model_config.get("env_prefix", "")
    names = {f"{prefix}{name}".upper() for name in settings.model_fields}
    assert names <= DOCUMENTED, f"undocumented: {sorted(names - DOCUMENTED)}"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "120")
    monkeypatch.setenv("KNOWLEDGE_EMBED_THREADS", "2")
    assert GatewaySettings().max_message_chars == 120 and KnowledgeSettings().embed_threads == 2
    assert GatewaySettings(gateway_port=9000).public_url == "http://127.0.0.1:9000"
