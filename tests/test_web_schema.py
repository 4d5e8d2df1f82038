"""The web service against its own OpenAPI schema, with schemathesis: generated requests
(well-formed and not) to every operation, in-process through ASGI, with the worker
processes of a real server. No answer is a 500, and every answer fits the schema: its
status is documented, its content type and body are what the schema says."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

from wasmvm.web.app import create_app  # noqa: E402
from wasmvm.web.assets import Settings  # noqa: E402
from wasmvm.web.limits import Limits  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = create_app(Settings(limits=Limits(workers=2, timeout_seconds=5.0), pyodide_dir=None,
                          fixtures_dir=ROOT / "fixtures"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schemathesis.serializer("application/wasm")
def _wasm(ctx, value):  # module uploads: the body is the bytes
    return value if isinstance(value, bytes) else str(value).encode()


def teardown_module():
    APP.state.runner.shutdown()


@schema.parametrize()
@settings(max_examples=60, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_schema(case):
    # Not positive_data_acceptance: no schema says which bytes are a valid module or which
    # exports it has, so schema-valid requests are rightly answered 400, 404 or 422.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
