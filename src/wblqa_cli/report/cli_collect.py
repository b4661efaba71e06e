"""Gathering the visit pack from the store, through ``gather.py`` and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from wblqa_cli.report.pack import AuditChain, Pack, add_months, assemble, settings

if TYPE_CHECKING:
    from wblqa_cli.dates import AcademicYear
    from wblqa_cli.store import Store


def audit_chain(s: Store) -> AuditChain:
    """The audit log's entry count, chain problems and head hash.

    The one place the pack reads the audit log: point it at a dedicated
    ``audit head`` query when the store has one.
    """
    from wblqa_cli.store.audit import entries, verify

    found = entries(s)
    return AuditChain(
        entries=len(found),
        problems=tuple(verify(s)),
        head=found[-1].hash if found else None,
    )


def rules_files() -> dict[str, Any]:
    """Every rules file under data/, parsed, by file name."""
    from wblqa_cli.rules import data_dir, load

    names = sorted(p.name for p in data_dir().iterdir() if p.name.endswith(".toml"))
    return {name: load(name) for name in names}


def collect(s: Store, year: AcademicYear, today: date, centre: str | None = None) -> Pack:
    """Everything the pack shows for ``year`` as of ``today`` (``centre``'s AQD and
    programmes only, if given; consortia and retention are the whole store's)."""
    from wblqa_cli import gather
    from wblqa_cli.store.centres import get_centre, list_centres

    config = settings()
    centres = list_centres(s) if centre is None else [get_centre(s, centre)]
    until = add_months(today, config.disposal_months) - timedelta(days=1)
    details = gather.aqd_details(s, year, centre)
    return assemble(
        centres=[(c.number, c.name) for c in centres],
        status=gather.status(s, year, today, centre, details=details),
        aqd=details,
        arrangements=gather.arrangement_reports(s, today),
        retention=gather.retention_detail(s, today, until, config.holds_listed),
        audit=audit_chain(s),
        rules_files=rules_files(),
        generated_at=datetime.now(UTC),
        config=config,
    )
