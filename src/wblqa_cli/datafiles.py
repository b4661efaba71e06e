"""Where the rules directory ``data/`` is: a leaf that ``rules`` and ``dates`` both read."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from wblqa_cli.errors import DataError


def data_dir() -> Traversable:
    """The rules directory: ``wblqa_cli/data`` in a wheel, else ``<repo>/data``."""
    packaged = resources.files("wblqa_cli") / "data"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "data"
    if source_tree.is_dir():
        return source_tree
    raise DataError(
        "The rules directory 'data/' is missing from this installation.",
        hint="Reinstall wblqa: pip install --force-reinstall wblqa",
    )
