"""A store as a college group keeps it: two centres, realistic ids, hostile names.

Used by the tests that read what people act on (tables at 80 columns, the
commands wblqa prints, the visit pack in a browser). Built through the CLI,
as a user would; ``build(invoke, folder)`` returns the names it used.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _aqd_helpers import complete_document, write_json
from wblqa_cli.aqd.bank import load_bank

DATA = Path(__file__).resolve().parent / "data" / "consortium"
AS_OF = "2025-10-06"
YEAR = "2025-26"

NORTH, OTAKI = "12345", "67890"
OTAKI_NAME = 'Ōtaki Training & <Skills> "Ltd"'
ARRANGEMENT = 'North Vale & Ōtaki <BTEC> "Consortium"'
#: A right-to-left override inside a reason: shown escaped, never obeyed.
BIDI_REASON = "Appeal \u202eLTR override\u202c lodged"

PROGRAMMES: dict[str, tuple[str, str, str]] = {  # code -> (centre, title, dcs expiry)
    "601/7890/1": (NORTH, "Pearson BTEC Level 3 National Extended Diploma in Engineering", ""),
    "603/1234/5": (NORTH, "Pearson BTEC Level 3 Diploma in Business Administration", "2025-11-01"),
    "600/4567/8": (NORTH, "Pearson BTEC Level 2 Certificate in Warehousing and Storage", ""),
    "610/2222/3": (OTAKI, "Pearson BTEC Level 3 Diploma in Security Operations", "2025-09-30"),
    "603/9876/X": (OTAKI, "Pearson BTEC Level 2 Diploma in Health and Social Care", ""),
}


@dataclass(frozen=True)
class Built:
    retention_ids: tuple[str, ...]
    programme_codes: tuple[str, ...]
    records_csv: Path


def ok(invoke: Any, *args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def _retention_csv(folder: Path) -> tuple[Path, tuple[str, ...]]:
    """100 records over the five programmes, ids as a college numbers them."""
    codes = list(PROGRAMMES)
    rows = [["id", "programme", "kind", "certified", "received", "cohort", "learner", "hold"]]
    ids = []
    for n in range(1, 101):
        ref = f"LW-{2021 + n % 3}-{n:04d}"
        ids.append(ref)
        code = codes[n % len(codes)]
        kind = "learner_work" if n % 2 else "qa_documents"
        certified = f"{2021 + n % 4}-07-15" if n % 7 else ""
        received = f"{2021 + n % 4}-08-01" if n % 5 else ""
        hold = BIDI_REASON if n == 7 else ("Complaint, see file" if n % 23 == 0 else "")
        rows.append([ref, code, kind, certified, received, f"{YEAR} day", "", hold])
    path = folder / "records.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path, tuple(ids)


def _answers(folder: Path, codes: tuple[str, ...], flags: int) -> Path:
    bank = load_bank()
    doc = complete_document(codes)
    flipped = 0
    for q in bank.of_scope("centre"):
        if (
            q.type == "yes-no"
            and q.expect is not None
            and q.id in doc["centre"]
            and flipped < flags
        ):
            doc["centre"][q.id] = {"answer": not q.expect, "comment": "Agreed with the LSV"}
            flipped += 1
    name = f"answers-{len(codes)}-{flags}.json"
    return write_json(folder / name, doc)


def _arrangement(folder: Path) -> Path:
    text = (DATA / "formal.toml").read_text(encoding="utf-8")
    text = text.replace('name = "North Vale BTEC Consortium"', f"name = {json.dumps(ARRANGEMENT)}")
    text = re.sub(r"(?m)^liv_appointed = .*$", "", text)
    path = folder / "arrangement.toml"
    path.write_text(text, encoding="utf-8")
    return path


def build(invoke: Any, folder: Path) -> Built:
    """Register both centres, their programmes, 100 retention records, an arrangement and
    centre 12345's declaration (two answers flagged); centre 67890's is not started."""
    folder.mkdir(parents=True, exist_ok=True)
    ok(invoke, "centre", "add", NORTH, "--name", "North Vale College")
    ok(invoke, "centre", "add", OTAKI, "--name", OTAKI_NAME)
    for code, (centre, title, dcs) in PROGRAMMES.items():
        extra = ["--dcs-expiry", dcs] if dcs else []
        ok(invoke, "programme", "add", code, "--title", title, "--centre", centre,
           "--year", YEAR, *extra)  # fmt: skip
    records, ids = _retention_csv(folder)
    ok(invoke, "retention", "import", str(records))
    ok(invoke, "consortium", "import", str(_arrangement(folder)))
    north = tuple(c for c, (centre, _, _) in PROGRAMMES.items() if centre == NORTH)
    ok(invoke, "aqd", "start", "--year", YEAR, "--centre", NORTH,
       "--answers", str(_answers(folder, north, 2)))  # fmt: skip
    return Built(retention_ids=ids, programme_codes=tuple(PROGRAMMES), records_csv=records)
