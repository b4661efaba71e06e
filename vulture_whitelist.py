"""What vulture cannot see used: names read by a library, a template or pytest.

vulture (``.ci/run``, configured in pyproject.toml) reports code that nothing
uses. It reads Python only, so the names below are used where it cannot look;
each says where. Typer commands (``@app.command``), the consortium checks
(``@_check``) and SQLAlchemy event handlers (``@event.listens_for``) are
registered by decorators, which pyproject.toml's ``ignore_decorators`` covers.
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Attributes set for a library to read.
_.maxdict, _.maxlevel, _.maxlist, _.maxlong, _.maxother, _.maxstring  # reprlib.Repr limits
_.no_wrap, _.overflow  # rich table columns
_.pointed_at, _.is_answered  # questionary's menu control (aqd/cli_prompting.py)
_.isolation_level  # the sqlite3 connection (store/engine.py)
_.text_factory  # the sqlite3 connection: how it decodes text (store/engine.py, diagnose.py)
_.readable, _.writable, _.seekable, _.tell  # file protocol: read by zipfile, csv, io

# Read by the visit pack's Jinja template (report/templates/pack.html.j2).
_.intact, _.disposable_by_kind, _.used_by, _.sources, _.holds

# Data held so that it is checked when read, and read by tests; no screen shows it yet.
_.cases  # retention/rules.py: the hold cases of data/retention.toml
_.year_window_reason  # consortium/rules.py: why the year window is wblqa's own default
_.basis, _.matched_title  # cycle/scope.py: how a programme's scope was found
_.status_of  # consortium/report.py: one check's status (tests/test_consortium_*.py)

# pytest: fixtures asked for by name for what they do, not what they return; marks.
_._no_hang  # an autouse fixture (tests/test_bounded_input.py)
_.tty, _.full_store, _.umask_022, _.centre_named, _.store_with_everything, _.grouped
_.pytestmark
_.unsafe_ask  # a stand-in for questionary's question, called by the code under test

# Dead code in the store side of issue 21 (store/, gather.py), removed on branch
# issue-21; drop these lines when it merges.
_.aqd_progress, _.ExportRow, _.FIELDS
