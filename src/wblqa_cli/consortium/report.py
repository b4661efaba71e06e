"""The check report: one result per check, its summary, JSON and JUnit XML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wblqa_cli.consortium.model import Waiver
from wblqa_cli.consortium.rules import rules
from wblqa_cli.rules import Cited

#: Display order: what needs action first.
STATUSES = ("fail", "warn", "waived", "pass", "n/a")


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    status: str
    message: str
    cited: Cited
    waiver: Waiver | None = None

    @property
    def source(self) -> str:
        """The citation, or ``wblqa default`` for a check of the tool's own."""
        return self.cited.source

    def source_text(self) -> str:
        """Source and strength as a person reads them (the tool's own default says so)."""
        return f"{self.cited.shown()}; {self.cited.strength}"

    def as_json(self) -> dict[str, Any]:
        w = self.waiver
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "strength": self.cited.strength,
            "strength_basis": self.cited.strength_basis,
            "message": self.message,
            "source": self.cited.source,
            "default_reason": self.cited.reason,
            "waiver": None
            if w is None
            else {"reason": w.reason, "approved_by": w.approved_by, "expires": w.expires},
        }


@dataclass(frozen=True)
class Report:
    arrangement: str
    model: str
    as_of: date
    apply_by: date | None
    delivery_start: date
    results: tuple[Result, ...]

    def summary(self) -> dict[str, int]:
        return {s: sum(1 for r in self.results if r.status == s) for s in STATUSES}

    @property
    def failed(self) -> bool:
        return any(r.status == "fail" for r in self.results)

    def status_of(self, check_id: str) -> str:
        return next(r.status for r in self.results if r.id == check_id)

    def apply_by_text(self) -> str:
        if self.apply_by is None:
            return "An informal collaboration needs no application to Pearson."
        weeks = rules().lead_time
        span = ", ".join(f"{n} {unit}" for unit, n in weeks.items())
        return (
            f"Latest date to apply: {self.apply_by.isoformat()} "
            f"({span} before delivery starts on {self.delivery_start.isoformat()})."
        )

    def summary_line(self) -> str:
        s = self.summary()
        parts = [
            f"{s['fail']} failed",
            f"{s['warn']} warnings",
            f"{s['waived']} waived",
            f"{s['pass']} passed",
            f"{s['n/a']} n/a",
        ]
        verdict = "needs action" if self.failed else "meets every checked prerequisite"
        return f"{self.arrangement} ({self.model}) {verdict}: {', '.join(parts)}."

    def as_json(self) -> dict[str, Any]:
        return {
            "arrangement": self.arrangement,
            "model": self.model,
            "as_of": self.as_of,
            "apply_by": self.apply_by,
            "results": [r.as_json() for r in self.results],
            "summary": self.summary(),
        }


def junit_xml(report: Report, *, hostname: str | None = None) -> str:
    """The report as JUnit XML that CI servers read: one testcase per check.

    A failed check is a ``failure``; a warning, an n/a or a waived one is
    ``skipped``, its message starting ``warning:``, ``n/a:`` or ``waived:``, so
    that a viewer (junit2html, xunit-viewer) shows it as not passed without
    failing the build, as ``wblqa`` exits 0 on warnings; every
    check's status, message and source is also a line of the suite's
    ``system-out`` (the strict schema allows no output inside a testcase).
    Valid against the Jenkins xUnit ``junit-10.xsd`` and the stricter Apache
    Ant schema (windyroad ``JUnit.xsd``): ``package``, ``id``, ``hostname``,
    ``time`` and a ``timestamp`` without a time zone are always there.
    Control characters in stored names are removed (XML 1.0 forbids them).
    """
    import socket
    import xml.etree.ElementTree as ET

    from wblqa_cli.safetext import for_file

    def text(value: object) -> str:
        return for_file(value)

    s = report.summary()
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=text(report.arrangement).strip() or "arrangement",
        package="wblqa.consortium",
        id="0",
        timestamp=f"{report.as_of.isoformat()}T00:00:00",
        hostname=text(hostname or socket.gethostname()).strip() or "localhost",
        tests=str(len(report.results)),
        failures=str(s["fail"]),
        errors="0",
        skipped=str(s["warn"] + s["n/a"] + s["waived"]),
        time="0",
    )
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("model", report.model),
        ("as_of", report.as_of.isoformat()),
        ("apply_by", report.apply_by.isoformat() if report.apply_by else ""),
        ("delivery_start", report.delivery_start.isoformat()),
    ):
        ET.SubElement(props, "property", name=key, value=text(value))
    lines = []
    for r in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            name=text(f"{r.id}: {r.title}"),
            classname=f"consortium.{r.id.split('.')[0]}",
            time="0",
        )
        message = text(r.message)
        if r.status == "fail":
            failure = ET.SubElement(case, "failure", message=message, type="prerequisite")
            failure.text = f"{message}\nSource: {text(r.source_text())}"
        elif r.status in ("warn", "n/a", "waived"):
            said = "warning" if r.status == "warn" else r.status
            skipped = ET.SubElement(case, "skipped", message=f"{said}: {message}")
            skipped.text = f"{message}\nSource: {text(r.source_text())}"
        lines.append(
            f"[{r.status}] {r.id}: {message}\n    Source: {text(r.source_text())}"
            f"\n    Strength: {r.cited.strength}: {text(r.cited.strength_basis)}"
        )
    lines.append(text(report.apply_by_text()))
    ET.SubElement(suite, "system-out").text = "\n".join(lines)
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
