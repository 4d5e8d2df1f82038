"""Binary-format acceptance over every core-2.0 script (SIMD included).

Per command: every binary module (also those of assert_invalid / assert_unlinkable /
assert_uninstantiable) decodes and round-trips through the encoder; every binary
assert_malformed raises MalformedError whose message starts with the expected text.
Text-format assert_malformed are skipped (they test a WAT parser). The session ends with
``binary-format: N passed, M failed, K skipped`` and the failing ``file:line``s.
"""

import pytest

pytest.importorskip("wasmvm.binary.decode", reason="decoder not available")

from wasmvm.script import check_binary_format  # noqa: E402


def test_binary_format(wast, spec_script, spec_lines, binary_format_results, fail_spec_commands):
    results = check_binary_format(spec_script, spec_lines)
    binary_format_results.extend(results)
    fail_spec_commands(results)
