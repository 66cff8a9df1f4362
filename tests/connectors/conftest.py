from tests.connectors.inprocess import gateway  # noqa: F401 - the in-process gateway fixture
from tests.connectors.pages import served  # noqa: F401 - the citizen pages' gateway on loopback
