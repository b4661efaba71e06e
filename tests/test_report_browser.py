"""The visit pack in the clients that read it: headless Chromium (screen at 1280 and 390 px,
A4 PDF), axe-core and the Nu HTML Checker, on a store with two centres.

Skips where Chromium, axe-core or the checker is not installed, unless ``CI=true``
(``.ci/run`` installs Chromium from Debian and ``tests/browser/package.json``
from npm: axe-core, and vnu-jar, which runs on the machine's Java): there they
must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import html5lib
import pytest
from pypdf import PdfReader

from two_centres import AS_OF, NORTH, OTAKI, YEAR, build

pytestmark = pytest.mark.slow

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = Path(__file__).parent / "browser"
AXE = BROWSER / "node_modules" / "axe-core" / "axe.min.js"
VNU = BROWSER / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: A page (but the last) with fewer lines than this is a leftover: a row or a heading alone.
LEAST_LINES = 8


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests must run under CI but cannot: {reason}")
    pytest.skip(reason)


def _chromium() -> str:
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    _missing("headless Chromium is not installed (Debian: apt-get install chromium)")
    raise AssertionError  # not reached


def _run(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    done = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",  # tests run as root in CI containers
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def pack(invoke: Any, tmp_path: Path) -> Path:
    """The pack of a store with two centres, hostile names and 100 retention records."""
    build(invoke, tmp_path / "files")
    out = tmp_path / "pack.html"
    result = invoke("report", "--year", YEAR, "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("width", [1280, 390])
def test_chromium_screenshots_the_pack(pack: Path, tmp_path: Path, width: int) -> None:
    shot = tmp_path / f"pack-{width}.png"
    _run(tmp_path, f"--window-size={width},3000", f"--screenshot={shot}", pack.as_uri())
    assert _png_size(shot) == (width, 3000)
    assert shot.stat().st_size > 100_000  # a page of tables and charts, not a blank one
    keep = os.environ.get("WBLQA_KEEP_SCREENSHOT")
    if keep:  # to look at it: WBLQA_KEEP_SCREENSHOT=/tmp/pack pytest -m slow ...
        shutil.copy(shot, f"{keep}-{width}.png")


def _probe(pack: Path, tmp_path: Path, width: int) -> dict[str, Any]:
    """The pack laid out ``width`` CSS pixels wide (in a frame of that width), measured by
    tests/browser/probe.js, with axe-core's verdict."""
    if not AXE.exists():
        _missing("axe-core is not installed (npm install --prefix tests/browser)")
    probed = tmp_path / "probed.html"
    scripts = "".join(
        f'<script src="{path.as_uri()}"></script>' for path in (AXE, BROWSER / "probe.js")
    )
    probed.write_text(
        pack.read_text(encoding="utf-8").replace("</body>", f"{scripts}</body>"), encoding="utf-8"
    )
    frame = tmp_path / "frame.html"
    frame.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>probe</title></head>'
        f'<body style="margin:0"><iframe title="pack" src="{probed.as_uri()}" '
        f'style="width:{width}px;height:3000px;border:0"></iframe><script>'
        'addEventListener("message", e => { const p = document.createElement("pre");'
        ' p.id = "wblqa-probe"; p.textContent = e.data; document.body.appendChild(p); });'
        "</script></body></html>",
        encoding="utf-8",
    )
    dom = _run(
        tmp_path, "--window-size=1400,3000", "--virtual-time-budget=60000", "--dump-dom",
        frame.as_uri(),
    )  # fmt: skip
    found = re.search(r'<pre id="wblqa-probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    result: dict[str, Any] = json.loads(html5lib.parseFragment(found.group(1)).text)
    assert result["width"] == width
    return result


def test_on_a_phone_nothing_runs_off_the_screen_and_charts_stay_legible(
    pack: Path, tmp_path: Path
) -> None:
    probe = _probe(pack, tmp_path, 390)
    assert probe["scrollWidth"] <= 390 and probe["wide"] == [], probe["wide"]
    assert probe["outside"] == []  # every chart label inside its drawing
    assert probe["smallest"] >= 7  # px: the labels shrank to 3-4 px before
    assert probe["violations"] == [], probe["violations"]
    assert probe["passes"] > 10  # axe really ran


def test_on_a_desktop_axe_finds_nothing_and_labels_stay_inside(pack: Path, tmp_path: Path) -> None:
    probe = _probe(pack, tmp_path, 1280)
    assert probe["scrollWidth"] <= 1280 and probe["outside"] == []
    assert probe["violations"] == [], probe["violations"]


def _headings(pack: Path) -> set[str]:
    root = html5lib.parse(pack.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    return {
        re.sub(r"\s+", " ", "".join(h.itertext())).strip()
        for tag in ("h2", "h3", "caption")
        for h in root.iter(tag)
    }


def test_chromium_prints_the_pack_as_a_document(pack: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "pack.pdf"
    _run(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", pack.as_uri())
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    assert 5 <= pages <= 14
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
        210,
        297,
    )  # A4, in millimetres
    head = f"Visit pack {YEAR} · centre {NORTH}, {OTAKI}"
    headings = _headings(pack)
    # NFKC: the PDF sets "fi" as a ligature.
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    assert f"Quality assurance visit pack {YEAR}" in texts[0]
    for n, text in enumerate(texts, start=1):
        assert head in text and f"Page {n} of {pages}" in text  # the running head
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        content = [line for line in lines if head not in line]
        if n < pages:  # no page holds only a leftover row, or a heading without its content
            assert len(content) >= LEAST_LINES, (n, content)
            assert content[-1] not in headings, (n, content[-3:])
    everything = "\n".join(texts)
    for heading in (
        "What needs action",
        f"Annual Quality Declaration {YEAR}",
        f"Verification cycle {YEAR}",
        "Collaborative arrangements",
        "Retention of learner work and QA documents",
        "Sources",
    ):
        assert heading in everything
    assert "data/" not in everything  # the rules files' keys stay out of the printed pack
    kept = os.environ.get("WBLQA_KEEP_PDF")
    if kept:
        shutil.copy(pdf, kept)


def test_the_nu_html_checker_finds_nothing(pack: Path) -> None:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        _missing("the Nu HTML Checker needs java and vnu.jar (npm install --prefix tests/browser)")
    done = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", str(pack)],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert messages == [], messages  # no error, no warning
    assert done.returncode == 0
