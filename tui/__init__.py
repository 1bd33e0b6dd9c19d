"""afreader's Textual app and command line."""

from __future__ import annotations

__all__ = ["version"]


def version() -> str:
    """The installed afreader's version (read only when asked: importing the package metadata
    costs a launch 20 ms)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("afreader")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"
