"""``python -m wasmvm``: the same as the ``wasmvm`` command."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
