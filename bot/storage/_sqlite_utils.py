"""sqlite-utils imported without numpy (imported first by `bot.storage`).

sqlite-utils imports numpy when it is installed (matplotlib brings it, for HR's charts) only to
add numpy's scalar types to the column types it infers for new columns. The stores write Python
values only, and importing numpy is ~0.1 s of the bot's start (`bench/bench_startup.py`), so
sqlite-utils is imported here with numpy out of its sight; numpy itself is untouched, and loads
as usual when a chart needs it.
"""

from __future__ import annotations

import sys


def import_sqlite_utils() -> None:
    """Import `sqlite_utils.db` with `import numpy` failing inside it (idempotent). Call while
    no other thread imports: numpy is out of `sys.modules` for that moment."""
    if "sqlite_utils.db" in sys.modules:
        return
    saved = sys.modules.get("numpy")
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        if saved is None:
            del sys.modules["numpy"]
        else:
            sys.modules["numpy"] = saved


import_sqlite_utils()
