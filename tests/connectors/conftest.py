from tests.connectors.inprocess import gateway  # noqa: F401 - the in-process gateway fixture
