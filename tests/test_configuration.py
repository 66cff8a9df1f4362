"""Every setting a process reads is documented in the configuration table (docs/configuration.md)."""

import re
from pathlib import Path

import pytest

from connectors.settings import GatewaySettings
from dossiers.settings import DossierSettings
from knowledge.settings import KnowledgeSettings
from rasa_sdk_plugins import ActionServerSettings
from storage.handover import HandoverSettings
from storage.settings import StorageSettings

ROOT = Path(__file__).resolve().parent.parent
TABLE = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
# Only the table's first column documents a variable (a name in the prose or another cell does not).
DOCUMENTED = {name for row in TABLE.splitlines() if row.startswith("| `")
              for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


@pytest.mark.parametrize("settings", [GatewaySettings, KnowledgeSettings, StorageSettings, DossierSettings,
                                      ActionServerSettings, HandoverSettings])
def test_every_setting_is_in_the_configuration_table(settings):
    prefix = settings.model_config.get("env_prefix", "")
    names = {f"{prefix}{name}".upper() for name in settings.model_fields}
    assert names <= DOCUMENTED, f"undocumented: {sorted(names - DOCUMENTED)}"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "120")
    monkeypatch.setenv("KNOWLEDGE_EMBED_THREADS", "2")
    assert GatewaySettings().max_message_chars == 120 and KnowledgeSettings().embed_threads == 2
    assert GatewaySettings(gateway_port=9000).public_url == "http://127.0.0.1:9000"


def test_the_readme_points_to_the_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/configuration.md" in readme and len(readme.splitlines()) <= 250
