"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary directory.

Found under /usr/lib/postgresql/*/bin (Debian's packages) or on PATH. Run as a
non-root user (PostgreSQL refuses root): as root we use ``runuser -u wblqa-pg``,
creating that system user if need be. The server listens only on a unix socket in
its own temporary directory, with trust authentication, fsync off: it is for tests.
Off CI, without PostgreSQL, the tests that need it skip with the reason; with
``CI=true`` they fail instead (CI installs PostgreSQL, see .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

PG_USER = "wblqa-pg"
PORT = 55432


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    if pg_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'wblqa[postgres]')"
    return None


@dataclass
class Server:
    root: Path
    bindir: Path
    as_root: bool
    suite_ready: bool = False

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}&port={PORT}"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_root:
            command = ["runuser", "-u", PG_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run(
            self.bindir / "initdb", "-D", self.data_dir, "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-k {self.socket_dir} -c listen_addresses='' -p {PORT} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            self.bindir / "pg_ctl", "-D", self.data_dir, "-o", options, "-w", "-t", "60",
            "-l", self.root / "log", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.data_dir, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=PORT, user="postgres", dbname=database,
            autocommit=True,
        ) as conn:  # fmt: skip
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL (as the superuser)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url(name)

    def suite_database(self) -> str:
        """One migrated database that test after test uses, emptied by :meth:`empty`
        (far cheaper than a database per test: no copy, no migrations)."""
        if not self.suite_ready:
            from wblqa_cli.store import open_store

            self.admin("CREATE DATABASE wblqa_suite TEMPLATE template0")
            open_store(self.url("wblqa_suite")).close()
            self.suite_ready = True
        return self.url("wblqa_suite")

    def empty(self, url: str) -> None:
        """Remove every row a test left (ids restart), keeping the schema and giving a new id.

        Closes the test's connections first; the audit log's guard is a trigger,
        which ``session_replication_role = replica`` leaves aside for this.
        """
        from sqlalchemy import make_url

        from wblqa_cli.store.transfer import tables

        name = make_url(url).database
        names = ", ".join(f'"{t.name}"' for t in tables())
        self.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        # As a new store: no rows but the random id its creation makes (migration 6).
        self.admin(
            f"SET session_replication_role = replica; TRUNCATE {names} RESTART IDENTITY CASCADE; "
            "INSERT INTO setting (key, value) VALUES ('store_id', md5(random()::text))",
            database=name,
        )

    def drop(self, url: str) -> None:
        """Remove a test's database (closing what the test left open)."""
        from sqlalchemy import make_url

        name = make_url(url).database
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_server() -> Server:
    bindir = pg_bin()
    assert bindir is not None
    as_root = os.geteuid() == 0
    if as_root:
        known = subprocess.run(["id", "-u", PG_USER], capture_output=True, check=False)
        if known.returncode != 0:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                 PG_USER],
                check=True,
            )  # fmt: skip
    root = Path(tempfile.mkdtemp(prefix="wblqa-pg-"))
    (root / "sock").mkdir()
    if as_root:
        shutil.chown(root, PG_USER)
        shutil.chown(root / "sock", PG_USER)
    root.chmod(0o755)
    server = Server(root, bindir, as_root)
    server.start()
    return server
