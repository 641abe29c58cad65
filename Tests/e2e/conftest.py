"""End-to-end fixtures: real nginx in front of a real `scm serve`, on free local ports, with a
temporary data directory.

The binary is $SCM_BIN, or .build/debug/scm in the checkout. nginx runs from a temporary
prefix holding the rendered nginx.conf (scripts/render-nginx-conf), var/log, var/tmp and a
symlink `public` -> the checkout's public/, since `root public;` resolves against -p.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
ADMIN_NAME = "admin"
ADMIN_PASSWORD = "e2e-Admin-Passw0rd!"
SERVE_ARGS = ("--review-scale", "1000", "--scheduler-interval", "3600")
SEED_COUNT = 203  # not a multiple of any page size; about 14 a status

# The API status codes of RULES.md §2 (SCMCore Certificate.Status raw values).
STATUSES = [
    "PAID", "CHECKING", "CHECKING_ORG", "ISSUING", "ISSUED", "UNPASSED", "CANCELCHECKING",
    "SUPPLEMENTCHECKING", "CANCELSUPPLEMENTING", "REISSUING", "REVOKING", "REVOKED", "UPLOAD",
    "EXPIRED",
]


def scm_binary() -> Path:
    path = Path(os.environ.get("SCM_BIN") or REPO / ".build" / "debug" / "scm")
    if not path.is_absolute():
        path = REPO / path
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def run_scm(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run one scm subcommand to completion and return it (stdout/stderr as text)."""
    proc = subprocess.run(
        [str(scm_binary()), *args], capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"scm {' '.join(args)} exited {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return proc


class ScmServe:
    """One `scm serve` process; stderr goes to a log file we can read."""

    def __init__(self, data_dir: Path, port: int, log_path: Path, threads: int = 8,
                 extra_args: tuple[str, ...] = ()):
        self.extra_args = tuple(extra_args)
        self.data_dir = data_dir
        self.port = port
        self.log_path = log_path
        self.threads = threads
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def start(self, timeout: float = 30) -> None:
        log = open(self.log_path, "a")
        log.write(f"--- start {time.strftime('%H:%M:%S')}\n")
        log.flush()
        start_offset = log.tell()
        self.proc = subprocess.Popen(
            [
                str(scm_binary()), "serve", "--data-dir", str(self.data_dir),
                "--listen", self.address, "--threads", str(self.threads), "--root", str(REPO),
                *self.extra_args,
            ],
            stdout=log, stderr=subprocess.STDOUT, cwd=str(REPO),
        )
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"scm serve exited {self.proc.returncode} at start:\n{self.log()[-4000:]}"
                )
            text = self.log()[start_offset:]
            if f"listening on {self.address}" in text and port_open(self.port):
                return
            time.sleep(0.05)
        raise AssertionError(f"scm serve did not print 'listening on {self.address}':\n{self.log()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Send `sig` and wait; return the exit status (negative: killed by a signal)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"scm serve did not exit within {timeout}s after signal {sig}")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Nginx:
    """nginx from a temporary prefix with the rendered configuration."""

    def __init__(self, prefix: Path, http_port: int, fcgi_address: str, edge_port: int, edge_dir: Path):
        self.prefix = prefix
        self.port = http_port
        self.proc: subprocess.Popen | None = None
        (prefix / "var" / "log").mkdir(parents=True, exist_ok=True)
        (prefix / "var" / "tmp").mkdir(parents=True, exist_ok=True)
        public = prefix / "public"
        if not public.exists():
            public.symlink_to(REPO / "public", target_is_directory=True)
        conf = subprocess.run(
            [str(REPO / "scripts" / "render-nginx-conf"), str(http_port), fcgi_address, str(edge_port), str(edge_dir)],
            check=True, capture_output=True, text=True,
        ).stdout
        (prefix / "nginx.conf").write_text(conf)
        self.globals = "daemon off;"
        if os.geteuid() == 0:
            # Workers would otherwise run as nobody, who cannot enter a private temp dir.
            self.globals += " user root;"

    def start(self, timeout: float = 15) -> None:
        self.proc = subprocess.Popen(
            ["nginx", "-p", str(self.prefix), "-c", "nginx.conf", "-g", self.globals],
            stdout=subprocess.DEVNULL, stderr=open(self.prefix / "var" / "log" / "stderr.log", "a"),
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited {self.proc.returncode}: {self.error_log()[-3000:]}")
            if port_open(self.port):
                return
            time.sleep(0.05)
        raise AssertionError("nginx did not start listening")

    def error_log(self) -> str:
        out = ""
        for name in ("stderr.log", "error.log"):
            p = self.prefix / "var" / "log" / name
            if p.exists():
                out += p.read_text(errors="replace")
        return out

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Stack:
    """nginx + scm serve + a data directory; what the tests talk to."""

    def __init__(self, root: Path):
        self.root = root
        self.data_dir = root / "data"
        self.http_port = free_port()
        self.fcgi_port = free_port()
        while self.fcgi_port == self.http_port:
            self.fcgi_port = free_port()
        # A still data set: the CA simulator reviews nothing during the run (review times x1000)
        # and the scheduler passes rarely, so the pages can be checked against the database.
        self.scm = ScmServe(self.data_dir, self.fcgi_port, root / "scm-serve.log",
                            extra_args=SERVE_ARGS)
        self.edge_port = free_port()
        while self.edge_port in (self.http_port, self.fcgi_port):
            self.edge_port = free_port()
        self.nginx = Nginx(root / "nginx", self.http_port, f"127.0.0.1:{self.fcgi_port}", self.edge_port,
                           self.data_dir / "edge")
        self.seeded = 0
        self.seed_statuses: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "scm.sqlite"

    def url(self, path: str) -> str:
        return self.base_url + path

    def seed(self, count: int) -> None:
        run_scm("seed", "--data-dir", str(self.data_dir), "--count", str(count))
        self.seeded += count
        with self.db() as db:
            self.seed_statuses = dict(db.execute("SELECT status, count(*) FROM certificates GROUP BY status"))
        # What the CA settles at its first pass (withdrawals, DV revocations) is settled before
        # scm serve starts, so list pages do not change under the tests that compare two of them.
        run_scm("tick", "--data-dir", str(self.data_dir), "--review-scale", "0")

    def db(self, readonly: bool = True) -> sqlite3.Connection:
        """A direct connection to the test database (the oracle for counts and searches)."""
        mode = "ro" if readonly else "rw"
        conn = sqlite3.connect(f"file:{self.db_path}?mode={mode}", uri=True, timeout=10)
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    def new_client(self) -> "Console":
        return Console(self.base_url)

    def login(self, name: str = ADMIN_NAME, password: str = ADMIN_PASSWORD) -> "Console":
        client = self.new_client()
        resp = client.login(name, password)
        assert resp.status_code == 303, f"login failed: {resp.status_code} {resp.text[:500]}"
        return client


def started_stack(prefix: str, extra_args=SERVE_ARGS, seed: int = 0) -> Stack:
    """A new temporary data directory with the admin user (and `seed` demo certificates), with
    scm serve and nginx running on it. Every stack fixture starts here and ends in `dismantle`."""
    binary = scm_binary()
    if not binary.exists():
        pytest.fail(f"scm binary not found at {binary}: run `swift build` or set SCM_BIN", pytrace=False)
    if shutil.which("nginx") is None:
        pytest.fail("nginx not installed: run scripts/deps.sh", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    st = Stack(root)
    st.scm.extra_args = tuple(extra_args)
    run_scm("migrate", "--data-dir", str(st.data_dir))
    run_scm("user", "create", "--data-dir", str(st.data_dir), "--name", ADMIN_NAME, "--admin",
            "--password", ADMIN_PASSWORD)
    if seed:
        st.seed(seed)
    st.scm.start()
    st.nginx.start()
    return st


def dismantle(st: Stack) -> int | None:
    """Stops nginx and scm serve (SIGTERM) and removes the directory (kept with SCM_E2E_KEEP=1).
    Returns scm serve's exit status, None when it was not running."""
    st.nginx.stop()
    status = st.scm.stop(signal.SIGTERM) if st.scm.running() else None
    if os.environ.get("SCM_E2E_KEEP"):
        print(f"\nkept {st.root}")
    else:
        shutil.rmtree(st.root, ignore_errors=True)
    return status


@pytest.fixture(scope="session")
def stack():
    st = started_stack("scm-e2e-", seed=SEED_COUNT)
    try:
        yield st
    finally:
        status = dismantle(st)
        if status is not None:
            assert status == 0, f"scm serve exited {status} on SIGTERM at the end of the session"


@pytest.fixture(scope="session")
def admin(stack) -> "Console":
    """A logged-in console session shared by read-only tests."""
    return stack.login()


# --- HTML helpers -------------------------------------------------------------------------

def hidden_input(page: str, name: str) -> str | None:
    for tag in re.findall(r"<input\b[^>]*>", page, re.I | re.S):
        if re.search(r"""\bname\s*=\s*["']?%s["'\s>/]""" % re.escape(name), tag, re.I):
            m = re.search(r"""\bvalue\s*=\s*"([^"]*)"|\bvalue\s*=\s*'([^']*)'""", tag, re.I)
            if m:
                return html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
            return ""
    return None


def meta_csrf(page: str) -> str | None:
    m = re.search(r"""<meta\b[^>]*name=["']csrf-token["'][^>]*>""", page, re.I)
    if not m:
        return None
    v = re.search(r"""content=["']([^"']*)["']""", m.group(0), re.I)
    return html.unescape(v.group(1)) if v else None


def row_ids(page: str) -> list[str]:
    """data-id of each certificate row of the list table."""
    table = re.search(r"""<table\b[^>]*class=["'][^"']*\bcert-table\b[^"']*["'].*?</table>""", page, re.I | re.S)
    assert table, "no <table class=\"cert-table\"> on the page"
    return re.findall(r"""<tr\b[^>]*\bdata-id=["']([^"']+)["']""", table.group(0), re.I)


def total_count(page: str) -> int:
    m = re.search(r"""<span\b[^>]*class=["'][^"']*\btotal-count\b[^"']*["'][^>]*>""", page, re.I)
    assert m, "no <span class=\"total-count\"> on the page"
    d = re.search(r"""data-total=["'](\d+)["']""", m.group(0))
    assert d, f"total-count span without data-total: {m.group(0)}"
    return int(d.group(1))


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"""<a\b[^>]*\bhref=["']([^"']*)["']""", page, re.I)]


def query_of(href: str) -> dict[str, str]:
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(href).query,
                                                       keep_blank_values=True).items()}


class Console:
    """A browser-like client: keeps cookies, reads csrf tokens, posts forms, never follows
    redirects on its own so tests can see the 303s."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.http = requests.Session()
        self.last_page = ""

    def get(self, path: str, params: dict | None = None, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 30)
        resp = self.http.get(self.base + path, params=params, **kw)
        if "text/html" in resp.headers.get("Content-Type", ""):
            self.last_page = resp.text
        return resp

    def csrf_token(self, page: str | None = None) -> str:
        page = page if page is not None else self.last_page
        token = hidden_input(page, "csrf_token") or meta_csrf(page)
        assert token, "no csrf_token on the page"
        return token

    def post(self, path: str, data: dict | None = None, token: str | None = "from-page",
             **kw) -> requests.Response:
        """POST a form; the csrf token comes from the last page fetched unless given
        (None: send none)."""
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 30)
        form = dict(data or {})
        if token == "from-page":
            token = self.csrf_token()
        if token is not None:
            form["csrf_token"] = token
        return self.http.post(self.base + path, data=form, **kw)

    def login(self, name: str, password: str) -> requests.Response:
        page = self.get("/login")
        assert page.status_code == 200, f"GET /login: {page.status_code}"
        return self.post("/login", {"username": name, "password": password})

    def cookie(self, name: str) -> str | None:
        return self.http.cookies.get(name)


def status(st: Stack, cert_id: str) -> str | None:
    """The certificate's status in the stack's database; None when there is no such certificate."""
    with st.db() as db:
        row = db.execute("SELECT status FROM certificates WHERE id = ?", (cert_id,)).fetchone()
    return row[0] if row else None


def wait_status(st: Stack, cert_id: str, wanted: str, timeout: float = 20) -> None:
    """Waits until the scheduler (or a request) has moved the certificate to `wanted`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if status(st, cert_id) == wanted:
            return
        time.sleep(0.1)
    raise AssertionError(f"{cert_id} is {status(st, cert_id)}, not {wanted}")


# --- A stack whose CA issues at once (life-cycle, files, deploy modules) -------------------

LIFECYCLE_ARGS = ("--review-scale", "0", "--scheduler-interval", "0.2")


def make_stack(extra_args=LIFECYCLE_ARGS) -> Stack:
    return started_stack("scm-e2e-life-", extra_args)


def stop_stack(st: Stack) -> None:
    assert dismantle(st) in (None, 0)


@pytest.fixture(scope="module")
def life():
    st = make_stack()
    try:
        yield st
    finally:
        stop_stack(st)


@pytest.fixture(scope="module")
def console(life):
    client = life.login()
    client.get("/certificates")
    return client


def access_key(st, name: str) -> tuple[str, str]:
    """A new access key of user `name`, made with `scm user access-key create`: (AK, SK)."""
    out = run_scm("user", "access-key", "create", "--data-dir", str(st.data_dir), "--name", name).stdout
    return re.search(r"access key: (\S+)", out).group(1), re.search(r"secret key: (\S+)", out).group(1)
