"""Issue 3, item 10 and "Bad input": the console end to end, through nginx, over HTTP.

The database of the `stack` fixture holds SEED_COUNT certificates from `scm seed`; the
tests read the same SQLite file directly (read-only) as the oracle for counts and searches.
Tests that change state (rename, logout, killing the backend) come after the read-only ones
in this file and leave the stack running.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import (
    ADMIN_NAME, ADMIN_PASSWORD, REPO, SEED_COUNT, STATUSES, Console, Nginx, free_port, hidden_input,
    links, meta_csrf, query_of, row_ids, run_scm, scm_binary, total_count,
)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def set_cookie_headers(resp: requests.Response) -> list[str]:
    raw = resp.raw.headers
    return raw.get_all("Set-Cookie") if hasattr(raw, "get_all") else raw.getlist("Set-Cookie")


def cookie_header(resp: requests.Response, name: str) -> str | None:
    for h in set_cookie_headers(resp):
        if h.split("=", 1)[0].strip() == name:
            return h
    return None


def list_page(client: Console, **params) -> requests.Response:
    return client.get("/certificates", params=params)


def all_ids(client: Console, **params) -> list[str]:
    """Walk every page of a list query at 50 a page."""
    ids: list[str] = []
    page = 1
    while True:
        resp = list_page(client, limit=50, page=page, **params)
        assert resp.status_code == 200, resp.text[:300]
        got = row_ids(resp.text)
        ids += got
        if len(got) < 50:
            return ids
        page += 1
        assert page < 1000


def oracle_keyword_ids(stack, keyword: str) -> set[str]:
    """Certificates whose name, domain or SANs contain `keyword` (ASCII case-insensitive)."""
    kw = keyword.lower()
    with stack.db() as db:
        rows = db.execute("SELECT id, name, domain, sans FROM certificates").fetchall()
    return {r[0] for r in rows if any(kw in (v or "").lower() for v in r[1:])}


# --- health, login, sessions, CSRF -----------------------------------------------------------

def test_healthz_needs_no_session(stack):
    resp = requests.get(stack.url("/healthz"), timeout=10)
    assert resp.status_code == 200
    assert resp.text.strip() == "ok"


def test_login_page_has_form_csrf_field_and_cookie(stack):
    resp = requests.get(stack.url("/login"), timeout=10)
    assert resp.status_code == 200
    assert "text/html" in resp.headers["Content-Type"]
    page = resp.text
    assert re.search(r"""<form\b[^>]*method=["']post["'][^>]*action=["']/login["']|"""
                     r"""<form\b[^>]*action=["']/login["'][^>]*method=["']post["']""", page, re.I), \
        "no <form method=post action=/login>"
    token = hidden_input(page, "csrf_token")
    assert token, "login form has no hidden csrf_token"
    assert hidden_input(page, "username") is not None or re.search(r'name=["\']username["\']', page)
    assert re.search(r"""<input\b[^>]*name=["']password["'][^>]*>""", page, re.I)
    assert re.search(r"""<input\b[^>]*type=["']password["'][^>]*name=["']password["']|"""
                     r"""<input\b[^>]*name=["']password["'][^>]*type=["']password["']""", page, re.I), \
        "the password field is not type=password"
    csrf_cookie = cookie_header(resp, "scm_csrf")
    assert csrf_cookie, f"GET /login set no scm_csrf cookie: {set_cookie_headers(resp)}"


def test_login_succeeds_with_session_cookie_flags(stack):
    client = stack.new_client()
    client.get("/login")
    resp = client.post("/login", {"username": ADMIN_NAME, "password": ADMIN_PASSWORD})
    assert resp.status_code == 303, resp.text[:500]
    assert urllib.parse.urlsplit(resp.headers["Location"]).path == "/certificates"
    session = cookie_header(resp, "scm_session")
    assert session, f"no scm_session cookie: {set_cookie_headers(resp)}"
    flags = [f.strip().lower() for f in session.split(";")[1:]]
    assert "httponly" in flags, session
    assert "samesite=lax" in flags, session
    page = client.get("/certificates")
    assert page.status_code == 200
    assert ADMIN_NAME in page.text, "the signed-in user is not shown"


def test_wrong_password_gives_same_message_as_unknown_user(stack):
    pages = {}
    for user, pw in ((ADMIN_NAME, "not-the-password"), ("nobody-such-user", "whatever-pw")):
        client = stack.new_client()
        client.get("/login")
        resp = client.post("/login", {"username": user, "password": pw})
        assert resp.status_code == 200, f"{user}: {resp.status_code}"
        assert "Incorrect user name or password" in resp.text
        assert cookie_header(resp, "scm_session") is None
        assert client.get("/certificates").status_code == 303
        pages[user] = resp.text
    for text in pages.values():
        lowered = text.lower()
        for hint in ("does not exist", "no such user", "unknown user", "not found", "wrong password"):
            assert hint not in lowered, f"login error page hints: {hint!r}"

    def normalise(text: str, user: str) -> str:
        text = re.sub(r"""value=["'][^"']*["']""", 'value=""', text)
        text = re.sub(r"""content=["'][^"']*["']""", 'content=""', text)
        return text.replace(user, "USER")

    a = normalise(pages[ADMIN_NAME], ADMIN_NAME)
    b = normalise(pages["nobody-such-user"], "nobody-such-user")
    assert a == b, "the page for a wrong password differs from the page for an unknown user"


def test_login_without_csrf_is_refused(stack):
    # No token in the form, cookie present.
    client = stack.new_client()
    client.get("/login")
    resp = client.post("/login", {"username": ADMIN_NAME, "password": ADMIN_PASSWORD}, token=None)
    assert resp.status_code == 403
    assert cookie_header(resp, "scm_session") is None


def test_login_with_forged_csrf_is_refused(stack):
    client = stack.new_client()
    client.get("/login")
    resp = client.post("/login", {"username": ADMIN_NAME, "password": ADMIN_PASSWORD},
                       token="forged-" + "0" * 40)
    assert resp.status_code == 403
    assert cookie_header(resp, "scm_session") is None


def test_login_with_token_but_no_csrf_cookie_is_refused(stack):
    client = stack.new_client()
    page = client.get("/login").text
    token = hidden_input(page, "csrf_token")
    client.http.cookies.clear()
    resp = client.post("/login", {"username": ADMIN_NAME, "password": ADMIN_PASSWORD}, token=token)
    assert resp.status_code == 403


def test_token_of_another_browser_is_refused(stack):
    a, b = stack.new_client(), stack.new_client()
    a.get("/login")
    b.get("/login")
    resp = a.post("/login", {"username": ADMIN_NAME, "password": ADMIN_PASSWORD}, token=b.csrf_token())
    assert resp.status_code == 403


@pytest.mark.parametrize("path", [
    "/certificates", "/certificates?status=ISSUED&page=2", "/certificates/scs0000000000000",
])
def test_no_page_without_a_session(stack, path):
    resp = requests.get(stack.url(path), allow_redirects=False, timeout=10)
    assert resp.status_code == 303, f"{path}: {resp.status_code}"
    loc = urllib.parse.urlsplit(resp.headers["Location"])
    assert loc.path == "/login"
    nxt = query_of(resp.headers["Location"]).get("next")
    assert nxt == path, f"next={nxt!r}, expected {path!r}"


def test_root_without_session_leads_to_login(stack):
    resp = requests.get(stack.url("/"), allow_redirects=False, timeout=10)
    assert resp.status_code == 303
    # "/" may first redirect to the list; either way no content without a session.
    if urllib.parse.urlsplit(resp.headers["Location"]).path != "/login":
        resp = requests.get(stack.url(resp.headers["Location"]), allow_redirects=False, timeout=10)
        assert resp.status_code == 303
        assert urllib.parse.urlsplit(resp.headers["Location"]).path == "/login"


def test_forged_session_cookie_is_refused(stack):
    resp = requests.get(stack.url("/certificates"), cookies={"scm_session": "A" * 43},
                        allow_redirects=False, timeout=10)
    assert resp.status_code == 303


def test_logged_in_pages_carry_csrf_meta(admin):
    page = admin.get("/certificates").text
    head = page.split("</head>", 1)[0]
    assert meta_csrf(head), "no <meta name=csrf-token> in <head>"


def test_post_without_csrf_when_logged_in_is_403(stack):
    client = stack.login()
    client.get("/certificates")
    resp = client.post("/logout", token=None)
    assert resp.status_code == 403
    assert client.get("/certificates").status_code == 200, "a refused logout logged out"


# --- the list: totals, filters, search, pagination, sort ----------------------------------

def test_total_without_filter_is_the_seed_count(admin, stack):
    resp = list_page(admin)
    assert resp.status_code == 200
    assert total_count(resp.text) == stack.seeded == SEED_COUNT
    assert len(row_ids(resp.text)) == min(10, SEED_COUNT) or len(row_ids(resp.text)) in (10, 20, 50)


def test_seed_covers_every_status(stack):
    """`scm seed` itself (read from the database right after it ran, before any scheduler pass)."""
    missing = [s for s in STATUSES if stack.seed_statuses.get(s, 0) == 0]
    assert not missing, f"scm seed made no certificate in status {missing}: {stack.seed_statuses}"
    unknown = set(stack.seed_statuses) - set(STATUSES)
    assert not unknown, f"unknown statuses in the database: {unknown}"


def test_seeded_certificates_past_issuance_download(admin, stack):
    """Seeded certificates carry the simulated CA's certificate, so what the list offers works."""
    with stack.db() as db:
        rows = db.execute(
            "SELECT c.id, c.status, length(m.certificate_pem) FROM certificates c"
            " LEFT JOIN certificate_materials m ON m.certificate_id = c.id"
            " WHERE c.status IN ('ISSUED', 'UPLOAD', 'EXPIRED', 'REVOKED') ORDER BY c.seq").fetchall()
    assert rows and all(length for _, _, length in rows), rows[:5]
    issued = next(cid for cid, status, _ in rows if status == "ISSUED")
    assert f'href="/certificates/{issued}/download"' in admin.get(f"/certificates/{issued}").text
    r = admin.get(f"/certificates/{issued}/download/nginx")
    assert r.status_code == 200 and r.content[:2] == b"PK", r.text[:300]


def test_status_filter_totals_add_up(admin, stack):
    totals = {}
    for status in STATUSES:
        resp = list_page(admin, status=status)
        assert resp.status_code == 200, f"{status}: {resp.status_code}"
        totals[status] = total_count(resp.text)
    assert sum(totals.values()) == SEED_COUNT, totals
    with stack.db() as db:
        in_db = dict(db.execute("SELECT status, count(*) FROM certificates GROUP BY status"))
    assert {s: n for s, n in totals.items() if n} == in_db


def test_status_filter_matches_database(admin, stack):
    with stack.db() as db:
        expected = {s: {r[0] for r in db.execute("SELECT id FROM certificates WHERE status = ?", (s,))}
                    for s in ("ISSUED", "PAID", "EXPIRED")}
    for status, ids in expected.items():
        got = all_ids(admin, status=status)
        assert len(got) == len(set(got)), f"{status}: duplicate rows"
        assert set(got) == ids, f"{status}: rows differ from the database"
        assert total_count(list_page(admin, status=status).text) == len(ids)


def test_empty_status_means_all(admin):
    assert total_count(list_page(admin, status="").text) == SEED_COUNT


def test_pagination_covers_every_row_once(admin):
    seen: list[str] = []
    pages = (SEED_COUNT + 9) // 10
    for page in range(1, pages + 1):
        resp = list_page(admin, limit=10, page=page, sort="name", dir="asc")
        assert resp.status_code == 200
        assert total_count(resp.text) == SEED_COUNT
        ids = row_ids(resp.text)
        expected = 10 if page < pages else SEED_COUNT - 10 * (pages - 1)
        assert len(ids) == expected, f"page {page}: {len(ids)} rows"
        seen += ids
    assert len(set(seen)) == SEED_COUNT, "pages overlap or miss rows"


@pytest.mark.parametrize("limit", [10, 20, 50])
def test_page_sizes(admin, limit):
    resp = list_page(admin, limit=limit)
    assert resp.status_code == 200
    assert len(row_ids(resp.text)) == min(limit, SEED_COUNT)


@pytest.mark.parametrize("asked,clamped", [("100000", 50), ("0", 10), ("12", 10), ("19", 20), ("49", 50)])
def test_limit_is_clamped(admin, asked, clamped):
    resp = admin.get("/certificates", params={"limit": asked})
    assert resp.status_code == 200, f"limit={asked}: {resp.status_code}"
    assert len(row_ids(resp.text)) == min(clamped, SEED_COUNT)


def _follow_page_2(admin, params: dict) -> None:
    """The page-2 link of a query must lead to page 2 of the same query (defaults may be left
    out of the link, but not the filters, sort, direction or page size asked for)."""
    resp = list_page(admin, **params)
    assert resp.status_code == 200
    assert total_count(resp.text) > int(params.get("limit", 10))
    nxt = [h for h in links(resp.text) if query_of(h).get("page") == "2"]
    assert nxt, f"no link to page 2 for {params}"
    href = nxt[0]
    assert href.startswith("/certificates?") or href.startswith("?"), href
    if href.startswith("?"):
        href = "/certificates" + href
    via_link = admin.get(href)
    direct = list_page(admin, page=2, **params)
    assert via_link.status_code == direct.status_code == 200
    assert row_ids(via_link.text) == row_ids(direct.text), f"{href} is not page 2 of {params}"
    assert total_count(via_link.text) == total_count(direct.text)
    for key in ("status", "keyword"):
        if params.get(key):
            assert query_of(href).get(key) == params[key], f"{key} dropped from {href}"


def test_filters_sort_and_page_are_kept_in_links(admin, stack):
    for sort in ("name", "expires", "updated", "status"):
        for direction in ("asc", "desc"):
            _follow_page_2(admin, {"sort": sort, "dir": direction, "limit": "10"})
    _follow_page_2(admin, {"sort": "name", "dir": "asc", "limit": "20"})

    # With a status filter and a keyword that leave more than one page.
    with stack.db() as db:
        status, n = db.execute(
            "SELECT status, count(*) AS n FROM certificates GROUP BY status ORDER BY n DESC LIMIT 1"
        ).fetchone()
    assert n > 10, "seed too small for this test"
    _follow_page_2(admin, {"status": status, "sort": "expires", "dir": "asc", "limit": "10"})
    frag = max(_some_fragments(stack), key=lambda f: len(oracle_keyword_ids(stack, f)))
    if len(oracle_keyword_ids(stack, frag)) > 10:
        _follow_page_2(admin, {"keyword": frag, "sort": "name", "dir": "desc", "limit": "10"})

    # The filter form shows the current keyword and status.
    kw = "zz-no-such-thing"
    resp = list_page(admin, status=status, keyword=kw)
    assert re.search(r"""<input\b[^>]*name=["']keyword["'][^>]*value=["']%s["']|"""
                     r"""<input\b[^>]*value=["']%s["'][^>]*name=["']keyword["']""" % (kw, kw), resp.text), \
        "the keyword box does not show the current keyword"
    assert re.search(r"""<option\b[^>]*value=["']%s["'][^>]*selected""" % status, resp.text), \
        "the status filter does not show the current status"


def _sorted_check(values: list, descending: bool) -> bool:
    pairs = list(zip(values, values[1:]))
    return all((a >= b) if descending else (a <= b) for a, b in pairs)


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sort_by_name(admin, stack, direction):
    ids = all_ids(admin, sort="name", dir=direction)
    assert len(ids) == SEED_COUNT
    with stack.db() as db:
        names = dict(db.execute("SELECT id, name FROM certificates"))
    seq = [names[i] for i in ids]
    desc = direction == "desc"
    assert _sorted_check(seq, desc) or _sorted_check([s.casefold() for s in seq], desc), \
        f"not sorted by name {direction}: {seq[:10]}"


@pytest.mark.parametrize("sort,column", [("updated", "updated_at"), ("expires", "not_after")])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sort_by_time(admin, stack, sort, column, direction):
    ids = all_ids(admin, sort=sort, dir=direction)
    assert len(ids) == SEED_COUNT
    with stack.db() as db:
        values = dict(db.execute(f"SELECT id, {column} FROM certificates"))
    seq = [values[i] for i in ids]
    present = [v for v in seq if v is not None]
    assert _sorted_check(present, direction == "desc"), f"not sorted by {sort} {direction}"
    # Certificates without the value (not issued yet) stay together at one end.
    flags = [v is None for v in seq]
    assert flags == sorted(flags) or flags == sorted(flags, reverse=True), "NULLs interleaved"


def test_sort_by_status_groups_rows(admin, stack):
    ids = all_ids(admin, sort="status", dir="asc")
    with stack.db() as db:
        status = dict(db.execute("SELECT id, status FROM certificates"))
    seq = [status[i] for i in ids]
    runs = [s for i, s in enumerate(seq) if i == 0 or seq[i - 1] != s]
    assert len(runs) == len(set(runs)), f"statuses not grouped: {runs}"


def _some_fragments(stack) -> list[str]:
    """Substrings of seeded names and domains: 1, 2, 3 and more characters, mixed case."""
    with stack.db() as db:
        name, domain = db.execute(
            "SELECT name, domain FROM certificates WHERE domain <> '' ORDER BY seq LIMIT 1").fetchone()
    label = domain.lstrip("*.").split(".")[0]
    frags = {name[:3], name[1:6].upper(), domain[-4:], label[:2], label[:1], label,
             domain.lstrip("*.")}
    return sorted(f for f in frags if f.strip())


def test_keyword_search_matches_database(admin, stack):
    for kw in _some_fragments(stack):
        expected = oracle_keyword_ids(stack, kw)
        got = all_ids(admin, keyword=kw)
        assert set(got) == expected, f"keyword {kw!r}: {len(got)} rows, expected {len(expected)}"
        assert total_count(list_page(admin, keyword=kw).text) == len(expected), kw


def test_keyword_and_status_combine(admin, stack):
    with stack.db() as db:
        status = db.execute("SELECT status FROM certificates GROUP BY status "
                            "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        in_status = {r[0] for r in db.execute("SELECT id FROM certificates WHERE status = ?", (status,))}
    for kw in _some_fragments(stack)[:3]:
        expected = oracle_keyword_ids(stack, kw) & in_status
        got = set(all_ids(admin, keyword=kw, status=status))
        assert got == expected, f"status={status} keyword={kw!r}"


@pytest.mark.parametrize("keyword", [
    "' OR 1=1 --", "%_", "%", "_", "\\", "\"", "a\"b", "*", "NEAR(a b)", "name:x", "^ab",
    "'; DROP TABLE certificates; --", "\u00e9t\u00e9", "\u4e2d\u6587",
])
def test_keyword_metacharacters_are_literal(admin, stack, keyword):
    resp = list_page(admin, keyword=keyword)
    assert resp.status_code == 200, f"{keyword!r}: {resp.status_code}"
    expected = oracle_keyword_ids(stack, keyword)
    assert total_count(resp.text) == len(expected), \
        f"{keyword!r}: total {total_count(resp.text)}, expected {len(expected)} (a false match?)"
    assert set(row_ids(resp.text)) <= expected


def test_keyword_of_255_characters_is_accepted(admin):
    resp = list_page(admin, keyword="k" * 255)
    assert resp.status_code == 200
    assert total_count(resp.text) == 0


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("params,word", [
    ({"page": "-1"}, "page"),
    ({"page": "0"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "99999999999999999999999"}, "page"),
    ({"status": "BOGUS"}, "status"),
    ({"status": "issued'--"}, "status"),
    ({"sort": "password_hash"}, "sort"),
    ({"keyword": "x" * 5 * 1024}, "keyword"),
    ({"keyword": "y" * 256}, "keyword"),
])
def test_bad_list_parameters_give_400_with_message(admin, params, word):
    resp = list_page(admin, **params)
    assert resp.status_code == 400, f"{params if len(str(params)) < 80 else word}: {resp.status_code}"
    assert "text/html" in resp.headers.get("Content-Type", "")
    assert word in resp.text.lower(), f"the 400 page does not name the parameter {word!r}"
    assert "Traceback" not in resp.text and "Fatal error" not in resp.text


@pytest.mark.parametrize("path,params", [
    ("/certificates", {"page": "40"}),
    ("/certificates", {"page": "13", "limit": "50"}),
    ("/certificates", {"page": "9999", "status": "ISSUED"}),
    ("/csrs", {"page": "5"}),
    ("/csrs", {"page": "77", "limit": "50"}),
])
def test_page_past_the_last_is_an_empty_page_not_a_crash(stack, admin, path, params):
    resp = admin.get(path, params=params)
    assert resp.status_code == 200, f"{path} {params}: {resp.status_code}"
    if path == "/certificates":
        assert "past the last" in resp.text
    # The page links stay inside the real pages (1..last), the current one past them.
    numbers = [int(query_of(h).get("page", "1")) for h in links(resp.text) if h.startswith(path + "?")
               and "page" in query_of(h)]
    assert all(n >= 1 for n in numbers)
    assert requests.get(stack.url("/healthz"), timeout=10).status_code == 200, "scm serve died"


def test_unknown_route_is_404_page(admin):
    resp = admin.get("/no/such/page")
    assert resp.status_code == 404
    assert "text/html" in resp.headers.get("Content-Type", "")
    assert "<html" in resp.text.lower()


def test_unknown_certificate_is_404(admin):
    resp = admin.get("/certificates/scs9999999999999")
    assert resp.status_code == 404
    assert "text/html" in resp.headers.get("Content-Type", "")


def test_body_over_limit_is_413(stack):
    resp = requests.post(stack.url("/login"), data=b"a" * (2 * 1024 * 1024 + 1024),
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert resp.status_code == 413


def test_body_just_under_limit_is_not_413(stack):
    client = stack.new_client()
    client.get("/login")
    resp = client.post("/login", {"username": ADMIN_NAME, "password": "p" * (1024 * 1024)})
    assert resp.status_code != 413 and resp.status_code < 500, resp.status_code


# --- details, escaping --------------------------------------------------------------------

# The console's names of RULES.md §1 and the progress of §2, as the list shows them.
BRAND_NAMES = {"SYMANTEC": "DigiCert", "GEOTRUST": "GeoTrust", "GLOBALSIGN": "GlobalSign", "CFCA": "CFCA",
               "TRUSTASIA": "TrustAsia", "VTRUS": "vTrus"}
TYPE_NAMES = {"DV_SSL_CERT_BASIC": "DV (Basic)", "DV_SSL_CERT": "DV", "OV_SSL_CERT": "OV", "OV_SSL_CERT_PRO": "OV Pro",
              "EV_SSL_CERT": "EV", "EV_SSL_CERT_PRO": "EV Pro"}
PROGRESS = {"PAID": "0", "CHECKING": "40", "CHECKING_ORG": "70", "ISSUING": "90"}


def type_label(brand: str, cert_type: str, years: int, origin: str) -> str:
    if origin == "uploaded":
        return "Uploaded certificate"
    return f"{BRAND_NAMES[brand]} ({'1 year' if years == 1 else f'{years} years'}) {TYPE_NAMES[cert_type]}"


def list_cells(page: str) -> dict[str, dict[str, str]]:
    """The list's cells by certificate ID and data-label (the cell's HTML)."""
    rows = {}
    for cert_id, body in re.findall(r'<tr data-id="([^"]+)">(.*?)</tr>', page, re.S):
        rows[cert_id] = dict(re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', body, re.S))
    return rows


def test_list_columns_show_type_progress_expiry_mark_and_project(admin, stack):
    def database_rows():
        # Read after each page: the CA simulator's pass may move a certificate on meanwhile.
        with stack.db() as db:
            return {r[0]: r[1:] for r in db.execute(
                "SELECT id, brand, type, validity_years, origin, status, not_after, enterprise_project FROM certificates")}

    now = time.time()
    for status in ("PAID", "CHECKING", "CHECKING_ORG", "ISSUING", "ISSUED", "UPLOAD", "EXPIRED"):
        cells = list_cells(list_page(admin, status=status, limit=50, sort="expires", dir="asc").text)
        rows = database_rows()
        assert cells, f"no {status} row to check"
        for cert_id, cell in cells.items():
            brand, cert_type, years, origin, db_status, not_after, project = rows[cert_id]
            if db_status != status:
                continue
            assert html.unescape(cell["Type"]).strip() == type_label(brand, cert_type, years, origin), cert_id
            progress = re.search(r'aria-valuenow="(\d+)"', cell["Status"])
            assert (progress.group(1) if progress else None) == PROGRESS.get(status), f"{cert_id} {status}"
            days_left = (not_after - now) / 86400 if not_after else None
            if days_left is not None and abs(days_left - 30) > 0.01 and abs(days_left) > 0.01:
                soon = status in ("ISSUED", "UPLOAD") and 0 < days_left < 30
                assert ("Expire soon" in cell["Status"]) == soon, f"{cert_id}: {days_left:.1f} days left"
            assert html.unescape(cell["Project"]).strip() == project
    assert "DigiCert (1 year) OV" in {type_label(*r[:4]) for r in rows.values()}, "the seed has a DigiCert 1-year OV"
    shown = [cell["Type"] for cell in list_cells(list_page(admin, limit=50).text).values()]
    assert any("(1 year)" in label for label in shown)
    soon_page = list_page(admin, status="ISSUED", limit=50, sort="expires", dir="asc").text
    assert "Expire soon" in soon_page, "the seed has ISSUED certificates expiring within 30 days"


def test_details_page(admin, stack):
    with stack.db() as db:
        (cert_id, name, domain, brand, cert_type, years, origin, not_after, serial, fingerprint, project,
         email) = db.execute(
            "SELECT c.id, c.name, c.domain, c.brand, c.type, c.validity_years, c.origin, c.not_after, c.serial_number,"
            " c.fingerprint_sha256, c.enterprise_project, a.applicant_email FROM certificates c"
            " JOIN applications a ON a.certificate_id = c.id"
            " WHERE c.status = 'ISSUED' AND c.serial_number <> '' ORDER BY c.seq LIMIT 1").fetchone()
    resp = admin.get(f"/certificates/{cert_id}")
    assert resp.status_code == 200
    fields = {html.unescape(k).strip(): html.unescape(v).strip()
              for k, v in re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", resp.text, re.S)}
    assert fields["Certificate ID"] == cert_id and fields["Name"] == name
    assert fields["Type"] == type_label(brand, cert_type, years, origin)
    assert fields["Enterprise project"] == project
    assert fields["Serial number"] == serial and fields["SHA-256 fingerprint"] == fingerprint
    assert fields["Valid until"].startswith(time.strftime("%Y-%m-%d", time.gmtime(not_after)))
    assert fields["Applicant e-mail"] == email
    assert html.escape(domain) in resp.text and ">Issued<" in resp.text


# --- nginx: static files and headers ----------------------------------------------------------

def test_nginx_serves_the_pages_scm_build_help_wrote(stack):
    """`scm build-help` renders templates/help/*.md into public/help/; nginx serves those files
    itself (no X-Request-Id: scm serve never saw the request) and falls back to the app for a
    page whose file is missing. Built in a copy, so the checkout's public/ is left alone."""
    root = Path(tempfile.mkdtemp(prefix="scm-e2e-help-"))
    try:
        root.chmod(0o755)
        shutil.copytree(REPO / "templates", root / "templates")
        run_scm("build-help", "--root", str(root))
        built = root / "public" / "help"
        prefix = root / "nginx"
        (prefix / "public").mkdir(parents=True)
        for entry in (REPO / "public").iterdir():
            if entry.name != "help":
                (prefix / "public" / entry.name).symlink_to(entry)
        (prefix / "public" / "help").symlink_to(built, target_is_directory=True)
        port = free_port()
        nginx = Nginx(prefix, port, f"127.0.0.1:{stack.fcgi_port}", free_port(), stack.data_dir / "edge")
        nginx.start()
        try:
            base = f"http://127.0.0.1:{port}"
            for path, file in (("/help/buy", "buy.html"), ("/help/audit-log", "audit-log.html"),
                               ("/help/users-and-permissions.html", "users-and-permissions.html"),
                               ("/help/", "index.html")):
                r = requests.get(base + path, timeout=10)
                assert r.status_code == 200, path
                assert r.content == (built / file).read_bytes(), f"{path} is not the built {file}"
                assert "Last-Modified" in r.headers, f"{path} went to scm serve"  # a file nginx served has a date
                assert "max-age=600" in r.headers.get("Cache-Control", ""), path
            (built / "buy.html").unlink()
            r = requests.get(base + "/help/buy", timeout=10)
            assert r.status_code == 200 and "X-Request-Id" in r.headers, "a missing file falls back to the app"
        finally:
            nginx.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_static_css_served_by_nginx_with_cache_and_security_headers(stack):
    resp = requests.get(stack.url("/css/console.css"), timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/css")
    assert len(resp.content) > 500, "console.css is (nearly) empty"
    cc = resp.headers.get("Cache-Control", "")
    m = re.search(r"max-age=(\d+)", cc)
    assert m and int(m.group(1)) >= 600, f"Cache-Control: {cc!r}"
    assert "Expires" in resp.headers
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, name
    on_disk = (REPO / "public" / "css" / "console.css").read_bytes()
    assert resp.content == on_disk


def test_static_js_served(stack):
    resp = requests.get(stack.url("/js/console.js"), timeout=10)
    assert resp.status_code == 200
    assert "javascript" in resp.headers["Content-Type"]


@pytest.mark.parametrize("path,status", [("/login", 200), ("/certificates", 303), ("/nope", None),
                                          ("/healthz", 200)])
def test_security_headers_on_app_responses(stack, path, status):
    resp = requests.get(stack.url(path), allow_redirects=False, timeout=10)
    if status is not None:
        assert resp.status_code == status
    for name, value in SECURITY_HEADERS.items():
        got = resp.headers.get(name)
        assert got is not None, f"{path}: no {name}"
        # A duplicate from the app would show as "a, b"; the nginx value must be the one.
        assert got == value, f"{path}: {name}: {got!r}"


def test_no_inline_script_in_pages(admin):
    for path in ("/certificates", f"/certificates/{row_ids(list_page(admin).text)[0]}"):
        page = admin.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", page, re.I):
            assert "src=" in tag, f"{path}: inline <script> (CSP forbids it): {tag}"
        assert not re.search(r"""\son[a-z]+\s*=\s*["']""", page), f"{path}: inline event handler"


# --- headless Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from cdp import Browser
    b = Browser(1280, 900)
    yield b
    b.close()


def test_screenshot_of_list_page_is_styled(browser, admin, stack):
    from cdp import png_stats
    session = admin.cookie("scm_session")
    assert session
    browser.set_cookie(stack.base_url + "/", "scm_session", session)
    browser.events.clear()
    browser.navigate(stack.url("/certificates"))
    assert browser.evaluate("location.pathname") == "/certificates", "not logged in in the browser"
    rows = browser.evaluate("document.querySelectorAll('table.cert-table tr[data-id]').length")
    assert rows and rows > 0
    sheets = browser.evaluate(
        "Array.from(document.styleSheets).map(s => { try { return s.cssRules.length } catch (e) { return -1 } })")
    assert sheets and all(n > 0 for n in sheets), f"stylesheets not loaded: {sheets}"
    png = browser.screenshot()
    out = os.environ.get("SCM_SCREENSHOT_OUT")
    if out:
        path = Path(out)
        if not path.is_absolute():
            path = REPO / path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    stats = png_stats(png)
    assert stats["size"] == (1280, 900)
    assert stats["distinct"] > 64, f"nearly blank page: {stats}"
    r, g, b = stats["header_mean"]
    assert (r + g + b) / 3 < 200, f"the top header band is white-ish, page unstyled? {stats}"
    body_bg = browser.evaluate("getComputedStyle(document.body).backgroundColor")
    font = browser.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times" not in font, f"default serif font: {font}"
    assert body_bg


def test_browser_sees_no_csp_violations_or_script_errors(browser, admin, stack):
    session = admin.cookie("scm_session")
    browser.set_cookie(stack.base_url + "/", "scm_session", session)
    browser.events.clear()
    browser.navigate(stack.url("/certificates"))
    ids = browser.evaluate("Array.from(document.querySelectorAll('tr[data-id]')).map(r => r.dataset.id)")
    assert ids
    browser.navigate(stack.url(f"/certificates/{ids[0]}"))
    errors = browser.console_errors()
    assert not errors, f"console errors: {errors}"


# Pages with wide tables or preformatted text: their tables and <pre> blocks scroll inside their
# own box, so neither the page (at 375 px) nor a card (at 1280 px) is wider than its space.
WIDE_PAGES = ("/certificates", "/overview", "/messages", "/users", "/users/groups", "/policies", "/audit",
              "/orders", "/csrs", "/messages/webhooks", "/help/messages", "/help/users-and-permissions")

# Cards whose content is wider than the card itself: "class width>client" for each.
OVERFLOWING_CARDS = """[...document.querySelectorAll('.card, section, .table-wrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
    .map(e => `${e.className || e.tagName} ${e.scrollWidth}>${e.clientWidth}`)"""

# Table boxes that have to scroll to show their table.
SCROLLING_TABLES = """[...document.querySelectorAll('.table-wrap')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => `${e.scrollWidth}>${e.clientWidth}`)"""


def page_widths(stack, admin, width: int, height: int) -> dict[str, tuple[int, list[str]]]:
    from cdp import Browser
    b = Browser(width, height)
    try:
        b.set_cookie(stack.base_url + "/", "scm_session", admin.cookie("scm_session"))
        measured = {}
        for path in WIDE_PAGES:
            b.navigate(stack.url(path))
            measured[path] = (b.evaluate("document.documentElement.scrollWidth"), b.evaluate(OVERFLOWING_CARDS),
                              b.evaluate(SCROLLING_TABLES))
        return measured
    finally:
        b.close()


def test_list_page_usable_at_375px(stack, admin):
    # The tables may scroll inside their own box; the pages themselves must not scroll sideways.
    wide = {path: w for path, (w, _, _) in page_widths(stack, admin, 375, 812).items() if w > 375 + 2}
    assert not wide, f"pages wider than a 375px viewport: {wide}"


def test_no_card_overflows_at_1280px(stack, admin):
    measured = page_widths(stack, admin, 1280, 900)
    wide = {path: w for path, (w, _, _) in measured.items() if w > 1280 + 2}
    overflowing = {path: cards for path, (_, cards, _) in measured.items() if cards}
    assert not wide and not overflowing, f"pages too wide: {wide}; cards overflowing: {overflowing}"
    # The overview's tables fit their half-width cards: nothing to scroll at a desktop width.
    assert measured["/overview"][2] == [], f"overview tables scroll at 1280px: {measured['/overview'][2]}"


# --- state-changing tests (rename, logout, backend failures) come last ----------------------

def test_script_in_name_comes_back_escaped(admin, stack):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    target = row_ids(list_page(admin, sort="name", dir="asc").text)[0]
    with stack.db(readonly=False) as db:
        db.execute("UPDATE certificates SET name = ? WHERE id = ?", (evil, target))
    db.close()
    for path, params in ((f"/certificates/{target}", None), ("/certificates", {"keyword": "alert"})):
        resp = admin.get(path, params=params)
        assert resp.status_code == 200, path
        assert "<script>alert(" not in resp.text, f"{path}: name not escaped"
        assert "<img src=x" not in resp.text, f"{path}: name not escaped"
        assert "&lt;script&gt;alert(" in resp.text, f"{path}: escaped name missing"
    resp = list_page(admin, keyword="alert")
    assert target in row_ids(resp.text), "the search index did not follow the rename"


def test_logout_ends_the_session(stack):
    client = stack.login()
    cookie = client.cookie("scm_session")
    client.get("/certificates")
    resp = client.post("/logout")
    assert resp.status_code == 303
    assert urllib.parse.urlsplit(resp.headers["Location"]).path == "/login"
    assert client.get("/certificates").status_code == 303
    # The old cookie value is dead on the server, not just deleted in the browser.
    replay = requests.get(stack.url("/certificates"), cookies={"scm_session": cookie},
                          allow_redirects=False, timeout=10)
    assert replay.status_code == 303


def test_user_create_refuses_existing_user(stack):
    proc = run_scm("user", "create", "--data-dir", str(stack.data_dir), "--name", ADMIN_NAME,
                   "--password", "x-y-z-123456", check=False)
    assert proc.returncode != 0
    # The existing password still works.
    stack.login()


def test_user_create_generates_password(stack):
    proc = run_scm("user", "create", "--data-dir", str(stack.data_dir), "--name", "operator1")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("password: ")]
    assert len(lines) == 1, proc.stdout
    password = lines[0][len("password: "):]
    assert len(password) >= 12
    stack.login("operator1", password)


def test_port_in_use_is_a_clear_error(stack):
    proc = subprocess.run(
        [str(scm_binary()), "serve", "--data-dir", str(stack.data_dir), "--listen",
         stack.scm.address, "--root", str(REPO)],
        capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 1, proc.returncode
    assert stack.scm.address in proc.stderr, proc.stderr


def test_without_scheduler_serves_and_never_takes_the_scheduler_lease(tmp_path):
    data = tmp_path / "data"
    run_scm("migrate", "--data-dir", str(data))
    port = free_port()
    proc = subprocess.Popen(
        [str(scm_binary()), "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}", "--root", str(REPO),
         "--without-scheduler", "--scheduler-interval", "0.1"],
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        time.sleep(1)  # ten scheduler intervals
        import sqlite3
        with sqlite3.connect(f"file:{data}/scm.sqlite?mode=ro", uri=True) as db:
            assert db.execute("SELECT count(*) FROM scheduler_lease").fetchone()[0] == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, proc.stderr.read()


def test_dead_backend_gives_502_and_restart_recovers(stack, admin):
    assert admin.get("/certificates").status_code == 200
    status = stack.scm.stop(signal.SIGKILL)
    assert status == -signal.SIGKILL
    resp = admin.get("/certificates")
    assert resp.status_code == 502
    assert "text/html" in resp.headers.get("Content-Type", "")
    for name in SECURITY_HEADERS:
        assert name in resp.headers
    stack.scm.start()
    # nginx may still hold dead keep-alive connections: the very next request must work.
    resp = admin.get("/certificates")
    assert resp.status_code == 200
    assert total_count(resp.text) == SEED_COUNT


def test_sigterm_finishes_in_flight_requests_and_exits_0(stack, admin):
    statuses: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def hammer():
        s = requests.Session()
        s.cookies.update(admin.http.cookies)
        while not stop.is_set():
            try:
                r = s.get(stack.url("/certificates"), params={"limit": 50}, allow_redirects=False, timeout=30)
                statuses.append(r.status_code)
                if r.status_code == 200 and "</html>" not in r.text:
                    errors.append("truncated page")
            except requests.RequestException as e:
                errors.append(repr(e))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    t0 = time.time()
    status = stack.scm.stop(signal.SIGTERM, timeout=20)
    took = time.time() - t0
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    assert status == 0, f"scm serve exited {status} on SIGTERM"
    assert took < 10, f"scm serve took {took:.1f}s to stop"
    assert not errors, errors[:5]
    assert statuses.count(200) > 0
    others = {s for s in statuses if s not in (200, 502)}
    assert not others, f"unexpected statuses during shutdown: {others}"
    # Bring it back for the session teardown (which checks SIGTERM → 0 again).
    stack.scm.start()
    assert admin.get("/certificates").status_code == 200
