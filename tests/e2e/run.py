"""The command line as a user types it, in a child process: one helper for the e2e tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def ecp(db: Path, *args: str, user: str = "amina",
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``ecp --db DB ARGS…`` with ``ECP_USER`` set and ``ECP_DB`` cleared."""
    env = {k: v for k, v in os.environ.items() if k != "ECP_DB"}
    env["ECP_USER"] = user
    return subprocess.run([sys.executable, "-m", "ecp", "--db", str(db), *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                          env=env)


def ok(db: Path, *args: str) -> str:
    """The output of a command that must succeed (its arguments and errors shown if not)."""
    r = ecp(db, *args)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout
