"""The core spec tests: every command of every core-2.0 script (SIMD included), run
through ``wasmvm.script.runner`` against the public API, on each execution tier.

One item per ``.wast`` file; an item fails if any of its commands fails, listing each as
``file:line: reason`` and the command that reruns just those lines. Text modules are
parsed (``wasmvm.wat``), so text-form assert_malformed run too: the parser's message must
start with the expected text. Skips are counted per command with their reason. The session ends with
``core: N passed, M failed, K skipped`` and the first failures.
"""

import pytest

from wasmvm.script import CheckResult, CheckSummary
from wasmvm.script.runner import run_script, script_config

FAILURE_LIST_LIMIT = 50
_PLUGIN_NAME = "wasmvm-core-summary"


class _CoreSummary:
    """A plugin, registered on first use, that writes the session's ``core:`` line."""

    def __init__(self):
        self.results: dict[str, list[CheckResult]] = {}

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("core spec tests")
        for tier, results in self.results.items():
            line = CheckSummary(f"core ({tier} tier)", results).report(FAILURE_LIST_LIMIT)
            terminalreporter.write_line(line)


@pytest.fixture
def core_results(request) -> dict[str, list[CheckResult]]:
    manager = request.config.pluginmanager
    plugin = manager.get_plugin(_PLUGIN_NAME)
    if plugin is None:
        plugin = _CoreSummary()
        manager.register(plugin, _PLUGIN_NAME)
    return plugin.results


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_core(tier, wast, spec_script, spec_lines, core_results, fail_spec_commands):
    results = run_script(spec_script, spec_lines, config=script_config(spec_script, tier))
    core_results.setdefault(tier, []).extend(results)
    fail_spec_commands(results)
