"""The visit pack in a real browser: headless Chromium renders it and prints it to PDF.

Skips where Chromium is not installed, unless ``CI=true`` (``.ci/run`` installs
the Debian package ``chromium``): there it must run.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from test_report import AS_OF, full_store  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("full_store")]

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    reason = "headless Chromium is not installed (Debian: apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests must run under CI but cannot: {reason}")
    pytest.skip(reason)


def _run(tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "profile"
    done = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",  # tests run as root in CI containers
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def pack(invoke, tmp_path: Path) -> Path:
    out = tmp_path / "pack.html"
    result = invoke("report", "--year", "2025-26", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_chromium_screenshots_the_pack(pack: Path, tmp_path: Path) -> None:
    shot = tmp_path / "pack.png"
    _run(tmp_path, "--window-size=1200,3000", f"--screenshot={shot}", pack.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 3000)
    assert len(data) > 100_000  # a page of tables and charts, not a blank one
    keep = os.environ.get("WBLQA_KEEP_SCREENSHOT")
    if keep:  # to look at it: WBLQA_KEEP_SCREENSHOT=/tmp/pack.png pytest -m slow ...
        shutil.copy(shot, keep)


def test_chromium_prints_the_pack_to_a4_pages(pack: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "pack.pdf"
    _run(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", pack.as_uri())
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    assert 7 <= pages <= 20  # each of the seven sections starts a page
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
        210,
        297,
    )  # A4, in millimetres
    first = reader.pages[0].extract_text()
    assert "Quality assurance visit pack 2025-26" in first
    assert "Visit pack 2025-26 · centre 12345" in first  # the running head
    assert f"Page 1 of {pages}" in first
    # NFKC: the PDF sets "fi" as a ligature.
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))
    for heading in (
        "What needs action",
        "Annual Quality Declaration 2025-26",
        "Verification cycle 2025-26",
        "Collaborative arrangements",
        "Retention of learner work and QA documents",
        "Sources",
    ):
        assert heading in text
    kept = os.environ.get("WBLQA_KEEP_PDF")
    if kept:
        shutil.copy(pdf, kept)
