"""`make run`'s scripts: scripts/deps.sh stops with install instructions when the Swift toolchain
is missing; scripts/run.sh on a new database creates the admin before seeding, so the demo
certificates belong to the admin (their ladder, templates and webhooks apply), and Ctrl-C stops
scm serve and nginx cleanly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from conftest import REPO, free_port, scm_binary


def test_deps_stops_without_swift_and_says_how_to_install_it():
    with tempfile.TemporaryDirectory() as empty:
        r = subprocess.run(["/bin/bash", str(REPO / "scripts" / "deps.sh")], env={"PATH": empty},
                           capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "Swift toolchain" in r.stderr and "https://www.swift.org/install/linux/" in r.stderr


def test_run_creates_the_admin_before_seeding_and_stops_on_ctrl_c():
    with tempfile.TemporaryDirectory(prefix="scm-run-") as data:
        http, fcgi, edge = free_port(), free_port(), free_port()
        env = dict(os.environ, SCM_BIN=str(scm_binary()), SCM_DATA_DIR=data, SCM_SEED="6",
                   SCM_HTTP=f"127.0.0.1:{http}", SCM_FCGI=f"127.0.0.1:{fcgi}", SCM_EDGE=f"127.0.0.1:{edge}",
                   SCM_SERVE_ARGS="--scheduler-interval 3600")
        run = subprocess.Popen([str(REPO / "scripts" / "run.sh")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
        output = []
        try:
            deadline = time.time() + 120
            while time.time() < deadline:
                line = run.stdout.readline()
                if not line:
                    break
                output.append(line)
                if line.startswith("Open http://"):
                    break
            assert any(line.startswith(f"Open http://127.0.0.1:{http}/  user: admin  password: ")
                       for line in output), "".join(output)
            db = sqlite3.connect(f"file:{Path(data) / 'scm.sqlite'}?mode=ro", uri=True)
            try:
                owners = db.execute(
                    "SELECT count(*), count(owner_id), min(u.name) FROM certificates c"
                    " LEFT JOIN users u ON u.id = c.owner_id").fetchone()
            finally:
                db.close()
            assert owners == (6, 6, "admin")
        finally:
            os.killpg(run.pid, signal.SIGINT)
            rest, _ = run.communicate(timeout=60)
        assert run.returncode == 0, "".join(output) + rest
