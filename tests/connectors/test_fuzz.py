"""Every route of the gateway's OpenAPI (the whole schema, staff routes included, as staff get it), fuzzed
by schemathesis: no 5xx, no response that breaks its own schema — whatever a client sends."""

import tempfile

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from connectors.gateway import create_app
from connectors.settings import GatewaySettings
from tests.connectors.inprocess import RASA, STAFF, TOKEN, FakeCore

# Minutes on 2 cores (one of its cases took 230 s): out of the fast suite, still run by `make test`.
pytestmark = pytest.mark.slow

APP = create_app(GatewaySettings(rasa_url=RASA, action_server_url=RASA, officer_token=TOKEN,
                                 rate_limit_address="100000/minute", rate_limit_conversation="100000/minute"),
                 transport=httpx.MockTransport(FakeCore()))
schema = schemathesis.openapi.from_asgi("/officer/openapi.json", APP, headers=STAFF)


@pytest.fixture(scope="module", autouse=True)
def app_store():
    from storage import db

    db.configure(f"sqlite:///{tempfile.mkdtemp()}/app.db")
    yield
    db.configure(None)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_schema_violation(case):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    case.call_and_validate(headers=STAFF, checks=[not_a_server_error, response_schema_conformance])
