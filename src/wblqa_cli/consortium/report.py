"""The check report: one result per check, its summary, JSON and JUnit XML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wblqa_cli.consortium.rules import rules

#: Display order: what needs action first.
STATUSES = ("fail", "warn", "waived", "pass", "n/a")


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    status: str
    message: str
    source: str

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "source": self.source,
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


def junit_xml(report: Report) -> str:
    """The report as JUnit XML: one testcase per check; fail → failure, n/a/waived → skipped."""
    import xml.etree.ElementTree as ET

    s = report.summary()
    suites = ET.Element("testsuites", name="wblqa consortium check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=report.arrangement,
        tests=str(len(report.results)),
        failures=str(s["fail"]),
        errors="0",
        skipped=str(s["n/a"] + s["waived"]),
        timestamp=report.as_of.isoformat(),
    )
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("model", report.model),
        ("as_of", report.as_of.isoformat()),
        ("apply_by", report.apply_by.isoformat() if report.apply_by else ""),
        ("delivery_start", report.delivery_start.isoformat()),
    ):
        ET.SubElement(props, "property", name=key, value=value)
    for r in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"consortium.{r.id.split('.')[0]}",
            name=f"{r.id}: {r.title}",
        )
        if r.status == "fail":
            failure = ET.SubElement(case, "failure", message=r.message, type="prerequisite")
            failure.text = f"{r.message}\nSource: {r.source}"
        elif r.status in ("n/a", "waived"):
            ET.SubElement(case, "skipped", message=f"{r.status}: {r.message}")
        out = ET.SubElement(case, "system-out")
        out.text = f"[{r.status}] {r.message}\nSource: {r.source}"
    out = ET.SubElement(suite, "system-out")
    out.text = report.apply_by_text()
    ET.indent(suites)
    # XML 1.0 forbids most control characters; ElementTree writes them as they are.
    from wblqa_cli.safetext import for_file

    return for_file(ET.tostring(suites, encoding="unicode", xml_declaration=True)) + "\n"
