"""A person's own data: what afreader keeps for them, as opposed to what it can rebuild.

History (`history.py`), saved searches (`saved.py`), bookmarks and clips (`notes.py`), in one
SQLite database (`db.py`, its schema and migrations in `schema.py`), filed by corpus
(`keys.py`). Unlike the index (a cache in the user cache directory, rebuilt whenever it is
stale or damaged), this data cannot be recreated: it lives in the user data directory, apart
from every index, and is never deleted to repair something.

The package sits between the engine and the interface: it may import `index` and `corpus`, and
is imported by `tui`; it never imports Textual (both contracts in pyproject.toml).
"""

from __future__ import annotations

from userdata.paths import ENV_DATA_DIR, data_dir

__all__ = ["ENV_DATA_DIR", "data_dir"]
