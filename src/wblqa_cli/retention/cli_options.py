"""What the ``wblqa retention`` commands share: --as-of, --kind, --status, the kind labels."""

from __future__ import annotations

import typer

from wblqa_cli.errors import InputError
from wblqa_cli.safetext import quoted

AS_OF = typer.Option(None, "--as-of", metavar="DATE", help="Judge as on this day (default: today).")
KIND_HELP = "learner_work or qa_documents."
STATUS_HELP = "retain, disposable, on-hold, unknown or disposed."


def checked_kind(value: str | None, option: str = "--kind") -> str | None:
    from wblqa_cli.retention.records import check_kind

    return None if value is None else check_kind(value, option)


def checked_status(value: str | None) -> str | None:
    from wblqa_cli.retention.records import LIST_STATUSES

    if value is not None and value not in LIST_STATUSES:
        raise InputError(
            f"{quoted(value)} (--status) is not a status; use {', '.join(LIST_STATUSES)}."
        )
    return value


def kind_label(kind: str) -> str:
    from wblqa_cli.retention.rules import load_rules

    return load_rules()[kind].short_label
