"""SQLite, the embedded default, under concurrent writes: writers wait for each other
(IMMEDIATE transactions, busy timeout, WAL) instead of failing with "database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.project.sqlite_writers import WRITERS

ROOT = Path(settings.BASE_DIR)


def test_twenty_parallel_seizure_posts_all_succeed_and_chains_verify(tmp_path):
    # A fresh process on a database file: the suite's own database may be PostgreSQL or
    # in-memory SQLite, where locking does not show.
    result = subprocess.run(  # noqa: S603 - our own module and a temporary path
        [sys.executable, "-m", "tests.project.sqlite_writers", str(tmp_path / "db.sqlite3")],
        cwd=ROOT,
        env={**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true", "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert [status for status, _ in summary["outcomes"]] == [201] * WRITERS, summary["outcomes"]
    assert summary["journal_mode"] == "wal"
    assert summary["seizures"] == WRITERS
    assert summary["references"] == [f"BRU-2026-{n:05d}" for n in range(1, WRITERS + 1)]
    assert summary["lots"] == summary["created_events"] == 2 * WRITERS
    assert summary["broken_chains"] == []
    assert summary["verify_custody"] == f"All {2 * WRITERS} custody chains verify."
