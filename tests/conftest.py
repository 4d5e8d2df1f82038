"""Test-session settings shared by every test module."""

from __future__ import annotations

import os
import tempfile

# `wasmvm run` keeps translations in a cache directory by default (exec.cache): the tests
# (and the CLI processes they start, which inherit the environment) use one of their own,
# fresh per session, never the user's ~/.cache.
_CACHE = tempfile.TemporaryDirectory(prefix="wasmvm-test-cache-")
os.environ["WASMVM_CACHE_DIR"] = _CACHE.name
