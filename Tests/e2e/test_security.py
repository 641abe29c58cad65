"""Issue 8 end to end: permissions, escaping, CSRF, sessions, login throttling and the audit
chain, over HTTP through nginx and `scm serve`, on a stack of its own (the login lock would
otherwise lock 127.0.0.1 out of every other test module).

The tests run in file order: the clock-shifted restart and the login lock come last.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import signal
import shutil
import sqlite3
import urllib.parse

import pytest
import requests

from test_files import ExternalCA, upload
from conftest import (ADMIN_NAME, ADMIN_PASSWORD, SERVE_ARGS, Console, ScmServe, Stack, access_key, dismantle, links,
                      run_scm, started_stack)

XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']
# What must never come back, and what the escaped text looks like on a page.
RAW = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>']
ESCAPED = ['&lt;script&gt;alert(1)&lt;/script&gt;', '&lt;img src=x onerror=alert(1)&gt;']
LOCK_MESSAGE = "Too many failed sign-ins"
# The user's own credentials, own inbox state and signing out: open to every signed-in user by
# design, whatever their policies (no action; PermissionRoutesTests.openToEverySignedInUser).
OWN_ROUTES = ("/logout", "/account/password", "/users/access-keys", "/login", "/messages/read-all")


@pytest.fixture(scope="module")
def sec():
    st = started_stack("scm-e2e-sec-", seed=40)
    try:
        st.admin = st.login()
        st.auditor_password = create_user(st.admin, "auditor1", "auditors")
        yield st
    finally:
        dismantle(st)


def create_user(admin: Console, name: str, group: str) -> str:
    """Creates a user on the users page; returns the password it shows once."""
    admin.get("/users")
    r = admin.post("/users", {"name": name, "group": group})
    assert r.status_code == 200, r.text[:800]
    m = re.search(r'<p class="mono secret-password">([^<]+)</p>', r.text)
    assert m, "no generated password on the page"
    return html.unescape(m.group(1))


def snapshot(st: Stack) -> dict[str, str]:
    """A digest of every row of every table but sessions, throttling and the audit log."""
    with st.db() as db:
        tables = [t for (t,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'certificates_search%' AND name NOT IN ('sessions', 'login_failures', 'events')")]
        out = {}
        for table in tables:
            digest = hashlib.sha256()
            count = 0
            for row in db.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
                count += 1
            out[table] = f"{count}:{digest.hexdigest()}"
        return out


def forms(page: str) -> list[tuple[str, dict[str, str]]]:
    """Every POST form of a page: its action and its named fields with their values."""
    found = []
    for m in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page, re.I | re.S):
        attrs, body = m.group(1), m.group(2)
        if not re.search(r'method="post"', attrs, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        if not action:
            continue
        fields = {}
        for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", body, re.I):
            name = re.search(r'name="([^"]+)"', tag)
            if name and name.group(1) != "csrf_token":
                value = re.search(r'value="([^"]*)"', tag)
                fields[name.group(1)] = html.unescape(value.group(1)) if value else "x"
        found.append((html.unescape(action.group(1)), fields))
    return found


def crawl(client: Console, limit: int = 260) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """The console's pages reachable from the navigation (a few of each shape) and their forms."""
    start = ["/overview", "/certificates", "/orders", "/csrs", "/cloud", "/cloud/dns", "/cloud/mail", "/messages",
             "/messages/settings", "/audit", "/users", "/users/groups", "/policies", "/certificates/buy",
             "/certificates/upload", "/csrs/new"]
    seen, queue, shapes, pages, all_forms = set(), list(start), {}, [], {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        split = urllib.parse.urlsplit(path)
        if split.netloc or not split.path.startswith("/") or split.path.startswith(("/help", "/css", "/js", "/logout")):
            continue
        shape = re.sub(r"/[^/]*\d[^/]*", "/:id", split.path) + ("?" if split.query else "")
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] > 2:
            continue
        r = client.get(path)
        if r.status_code != 200 or "text/html" not in r.headers.get("Content-Type", ""):
            continue
        pages.append(path)
        for action, fields in forms(r.text):
            all_forms.setdefault(action, fields)
        queue.extend(h for h in links(r.text) if h.startswith("/") and h not in seen)
    return pages, list(all_forms.items())


def test_read_only_user_walks_every_route_and_nothing_changes(sec):
    pages, admin_forms = crawl(sec.admin)
    assert len(pages) > 30 and len(admin_forms) > 15, (len(pages), len(admin_forms))
    auditor = sec.login("auditor1", sec.auditor_password)
    before = snapshot(sec)
    for path in pages:
        r = auditor.get(path)
        # 404: per-user pages (another user's messages) do not exist for this user.
        assert r.status_code in (200, 403, 404), f"GET {path}: {r.status_code}"
    token = auditor.csrf_token(auditor.get("/certificates").text)
    refused = 0
    # Marking one's own messages read is allowed to everyone and, touching only the auditor's own
    # inbox, must leave every row of the snapshot below as it was.
    assert auditor.post("/messages/read-all", {}, token=token).status_code == 303
    for action, fields in admin_forms:
        if action.startswith(OWN_ROUTES) or action.startswith("/certificates?") or action == "/audit":
            continue
        r = auditor.post(action, fields, token=token)
        assert r.status_code == 403, f"POST {action} as a read-only user answered {r.status_code}"
        refused += 1
    assert refused > 15
    after = snapshot(sec)
    changed = {t: (before.get(t), after.get(t)) for t in set(before) | set(after) if before.get(t) != after.get(t)}
    assert not changed, f"a read-only user changed: {changed}"
    # No button the auditor may not use, and no key leaves.
    page = auditor.get("/certificates").text
    assert "/delete\"" not in page and "/download\"" not in page
    # Every form on every page the auditor reaches is one they may use: their own account, inbox
    # and sign-out. Whatever else a read-only user would post, the server refuses.
    auditor_pages, auditor_forms = crawl(auditor)
    assert len(auditor_pages) >= 25, len(auditor_pages)
    offered = sorted(action for action, _ in auditor_forms if not action.startswith(OWN_ROUTES))
    assert not offered, f"forms offered to a read-only user: {offered}"
    creates = ('href="/csrs/new"', 'href="/csrs/upload"', 'href="/certificates/buy"', 'href="/certificates/upload"')
    for path in auditor_pages:
        text = auditor.get(path).text
        assert not any(link in text for link in creates), f"{path} offers a create link to a read-only user"


@pytest.fixture(scope="module")
def careful(sec):
    """A user whose group holds SCM FullAccess and a custom policy denying scm:cert:delete: its
    name and password."""
    admin = sec.admin
    admin.get("/policies/new")
    document = '{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["scm:cert:delete"]}]}'
    assert admin.post("/policies", {"name": "no-delete", "description": "", "document": document}).status_code == 303
    admin.get("/users/groups")
    assert admin.post("/users/groups", {"name": "careful", "description": ""}).status_code == 303
    with sec.db() as db:
        group = db.execute("SELECT id FROM user_groups WHERE name = 'careful'").fetchone()[0]
        policies = dict(db.execute("SELECT name, id FROM policies"))
    for name in ("no-delete", "SCM FullAccess"):
        admin.get("/users/groups")
        r = admin.post(f"/users/groups/{group}/policies", {"policy": str(policies[name]), "project": ""})
        assert r.status_code == 303, r.text[:500]
    return "careful1", create_user(admin, "careful1", "careful")


def test_deny_on_delete_blocks_delete_and_nothing_else(sec, careful):
    admin = sec.admin
    name, password = careful
    # A certificate the administrator may delete: the list offers it.
    listing = admin.get("/certificates", params={"limit": "50"}).text
    deletable = re.findall(r'href="/certificates/([^"/]+)/delete"', listing)
    assert deletable, "no deletable certificate in the seed"
    cert_id = deletable[0]

    user = sec.login(name, password)
    page = user.get("/certificates", params={"limit": "50"}).text
    assert "/delete\"" not in page
    assert user.get(f"/certificates/{cert_id}/delete").status_code == 403
    r = user.post(f"/certificates/{cert_id}/delete", {"acknowledge": "on"}, token=user.csrf_token(page))
    assert r.status_code == 403 and "no-delete" in html.unescape(r.text) and "scm:cert:delete" in r.text
    with sec.db() as db:
        assert db.execute("SELECT count(*) FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0] == 1
    # Everything else still works for this user.
    assert user.get(f"/certificates/{cert_id}").status_code == 200
    assert user.get("/csrs").status_code == 200
    r = user.post(f"/certificates/{cert_id}/rename", {"name": "careful-renamed", "description": "still allowed"},
                  token=user.csrf_token(page))
    assert r.status_code == 303, r.text[:500]
    with sec.db() as db:
        assert db.execute("SELECT name FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0] == "careful-renamed"


def sample(schema: dict):
    """A value of the JSON schema's type, for a body whose content does not matter."""
    kind = schema.get("type")
    if kind == "object":
        return {name: sample(field) for name, field in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    return {"string": "x", "integer": 1, "boolean": True, "array": [], "number": 1}.get(kind, "x") \
        if kind != "array" or "items" not in schema else [sample(schema["items"])]


def test_read_only_access_key_walks_every_api_operation_and_nothing_changes(sec):
    """Every operation of /v3/scm/openapi.json with a read-only user's key: a call whose action
    SCM ReadOnlyAccess does not allow is 403, the others answer, and no row changes."""
    from test_api_sdk import signed_request
    ak, sk = access_key(sec, "auditor1")
    with sec.db() as db:
        cert_id = db.execute("SELECT id FROM certificates WHERE status = 'ISSUED' LIMIT 1").fetchone()[0]
    admin = sec.admin
    admin.get("/csrs/new")
    assert admin.post("/csrs", {"name": "walk-csr", "domain_name": "walk.example.com", "private_key_algo": "EC_P256",
                                "usage": "PERSONAL"}).status_code == 303
    with sec.db() as db:
        csr_id = db.execute("SELECT id FROM csrs WHERE name = 'walk-csr'").fetchone()[0]
    document = requests.get(sec.base_url + "/v3/scm/openapi.json", timeout=30).json()

    def keys(db) -> list:
        return db.execute("SELECT ak, user_id, sealed_sk, enabled, created_at FROM access_keys ORDER BY ak").fetchall()

    before = {t: v for t, v in snapshot(sec).items() if t != "access_keys"}
    with sec.db() as db:
        keys_before = keys(db)
    walked = refused = 0
    for path, methods in document["paths"].items():
        if not path.startswith("/v3/scm/"):
            continue  # the console's JSON forms: a session and a CSRF token, not an access key
        for method, operation in methods.items():
            concrete = re.sub(r"\{(certificate_id|cert_id|resource_id)\}", cert_id, path).replace("{id}", csr_id)
            schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body = json.dumps(sample(schema)).encode() if schema else b""
            r = signed_request(sec, method.upper(), concrete, body=body, ak=ak, sk=sk)
            action = operation["x-scm-action"]
            where = f"{method.upper()} {path} ({operation['operationId']}, {action})"
            if action.endswith((":get", ":list")):
                assert r.status_code not in (401, 403) and r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
            else:
                assert r.status_code == 403, f"{where} answered {r.status_code}: {r.text[:300]}"
                assert r.json()["error_code"] == "SCM.0003" and action in r.json()["error_msg"], where
                refused += 1
            walked += 1
    assert walked == 27 and refused >= 15, (walked, refused)
    after = {t: v for t, v in snapshot(sec).items() if t != "access_keys"}
    changed = [t for t in set(before) | set(after) if before.get(t) != after.get(t)]
    assert not changed, f"a read-only access key changed: {changed}"
    with sec.db() as db:
        assert keys(db) == keys_before


def test_deny_on_delete_through_the_sdk_blocks_delete_certificate_only(sec, careful):
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkscm.v3 import (CreateCsrRequest, CreateCsrRequestBody, DeleteCertificateRequest, DeleteCsrRequest,
                                      ListCertificatesRequest, ShowCertificateRequest, UpdateCSRRequestBody,
                                      UpdateCsrRequest)
    from test_api_sdk import make_client
    client = make_client(sec, *access_key(sec, careful[0]))
    listing = sec.admin.get("/certificates", params={"limit": "50"}).text
    cert_id = re.findall(r'href="/certificates/([^"/]+)/delete"', listing)[-1]
    with pytest.raises(ClientRequestException) as info:
        client.delete_certificate(DeleteCertificateRequest(certificate_id=cert_id))
    assert info.value.status_code == 403 and info.value.error_code == "SCM.0003"
    assert "no-delete" in info.value.error_msg and "scm:cert:delete" in info.value.error_msg
    with sec.db() as db:
        assert db.execute("SELECT count(*) FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0] == 1
    # Every other call of this user still works, deleting a CSR included (another action).
    assert client.show_certificate(ShowCertificateRequest(certificate_id=cert_id)).id == cert_id
    assert client.list_certificates(ListCertificatesRequest(limit=10, offset=0)).total_count > 0
    csr = client.create_csr(CreateCsrRequest(body=CreateCsrRequestBody(
        name="careful-csr", domain_name="www.careful.com", private_key_algo="EC_P256", usage="PERSONAL")))
    client.update_csr(UpdateCsrRequest(id=csr.id, body=UpdateCSRRequestBody(name="careful-csr-2")))
    client.delete_csr(DeleteCsrRequest(id=csr.id))


def assert_escaped(pages: dict[str, str], where: str) -> None:
    """No page shows a raw payload; at least one shows each escaped."""
    for path, text in pages.items():
        for raw in RAW:
            assert raw not in text, f"{where}: raw {raw!r} on {path}"
    joined = "\n".join(pages.values())
    for escaped in ESCAPED:
        assert escaped in joined, f"{where}: {escaped!r} shown on none of {list(pages)}"


def test_xss_payloads_come_back_escaped_everywhere(sec):
    admin = sec.admin
    payload = " ".join(XSS)
    shown: dict[str, dict[str, str]] = {}

    def submit(where: str, path: str, form: dict[str, str], page: str, then: list[str]) -> None:
        admin.get(page)
        r = admin.post(path, form)
        seen = {f"{path} (response)": r.text}
        if r.status_code == 303:
            loc = r.headers["Location"]
            seen[loc] = admin.get(loc).text
        for p in then:
            seen[p] = admin.get(p).text
        assert r.status_code in (200, 303, 400), f"{where}: {r.status_code}"
        shown[where] = seen
        assert_escaped(seen, where)

    listing = admin.get("/certificates").text
    cert_id = re.findall(r'href="/certificates/(scs[0-9]+)"', listing)[0]
    details = f"/certificates/{cert_id}"
    submit("certificate description", f"{details}/rename", {"name": "xss-cert", "description": payload},
           f"{details}/rename", [details, "/audit"])
    submit("certificate name", f"{details}/rename", {"name": payload, "description": "x"}, f"{details}/rename", [])
    submit("CSR name", "/csrs", {"name": payload, "domain_name": "xss.example.com", "private_key_algo": "RSA_2048",
                                 "usage": "PERSONAL", "company_country": "CN", "company_province": "x",
                                 "company_city": "x", "company_name": payload, "sans": ""}, "/csrs/new",
           ["/csrs"])
    submit("DNS zone", "/cloud/dns/zones", {"zone": payload}, "/cloud/dns", ["/cloud/dns"])
    admin.get("/cloud/dns")
    admin.post("/cloud/dns/zones", {"zone": "xss.example.com"})
    with sec.db() as db:
        zone = db.execute("SELECT id FROM dns_zones WHERE name LIKE 'xss.example.com%'").fetchone()
    assert zone, "zone not created"
    submit("DNS TXT value", f"/cloud/dns/zones/{zone[0]}/records",
           {"name": "_check", "type": "TXT", "ttl": "300", "values": payload}, f"/cloud/dns/zones/{zone[0]}",
           [f"/cloud/dns/zones/{zone[0]}"])
    submit("upload name", "/certificates/upload", {"name": payload, "certificate": payload, "private_key": payload,
                                                   "certificate_chain": ""}, "/certificates/upload", [])
    submit("tags", "/certificates/buy", {"cert_brand": "DIGICERT", "cert_type": "DV_SSL_CERT",
                                         "domain_type": "SINGLE_DOMAIN", "effective_time": "1", "order_number": "1",
                                         "tags": f"k={payload}\n{payload}=v", "agree": "on"},
           "/certificates/buy", ["/certificates"])
    submit("policy name", "/policies", {"name": payload, "description": payload, "document": payload},
           "/policies/new", ["/policies"])
    submit("group name", "/users/groups", {"name": payload, "description": payload}, "/users/groups",
           ["/users/groups", "/audit"])
    # The sign-in form reflects the user name.
    anon = Console(sec.base_url)
    r = anon.login(payload, "wrong-password")
    assert_escaped({"/login": r.text}, "login user name")


# Text each free-text field accepts that is still escape-significant in HTML: every one of the
# five characters Mustache escapes. What is stored must be the text; what is shown, its escape.
STORED = """x<b>"'&y"""
STORED_ESCAPED = "x&lt;b&gt;&quot;&#39;&amp;y"


def shows_escaped(page: str, where: str) -> None:
    assert STORED_ESCAPED in page, f"{where}: the value is not shown escaped"
    assert STORED not in page, f"{where}: the value is shown raw"


def test_text_fields_store_escape_significant_text_and_show_it_escaped(sec):
    """Values each field accepts, so they are stored, not refused: the application's organization
    fields, CSR company fields, revoke reason, cloud resource name, webhook URL. Tag values and certificate names
    accept none of the five characters: there the refusal is checked, and that nothing is stored."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkscm.v3 import (CreateCertificateTagRequest, CreateCertificateTagRequestBody, ImportCertificateRequest,
                                      ImportCertificateRequestBody, ScsResourceTag)
    from test_api_sdk import make_client
    from test_lifecycle import buy, post_json
    admin = sec.admin

    # The application's organization fields (one line of text, any characters; the contacts'
    # names take letters, spaces and _ - , . only).
    cert_id = buy(admin, cert_type="OV_SSL_CERT")
    # Form field → column of `applications`.
    contacts = {"company_name": "company_name", "company_unit": "company_unit", "company_province": "province",
                "company_city": "city"}
    resp, body = post_json(admin, f"/certificates/{cert_id}/apply", {
        **{field: STORED for field in contacts}, "applicant_name": "Li Wei", "contact_name": "Wang Fang",
        "country": "CN", "applicant_phone": "+86 138 0000 0000",
        "applicant_email": "li.wei@example.com", "contact_phone": "+86 138 0000 0001", "contact_email": "ops@example.com",
        "domain": "xss-apply.example.com", "csr_mode": "system", "key_algorithm": "RSA_2048", "domain_method": "DNS",
        "ca_hash_algorithm": "DEFAULT", "agree": "on", "action": "submit"})
    assert resp.status_code == 200, body
    with sec.db() as db:
        row = db.execute(f"SELECT {', '.join(contacts.values())} FROM applications WHERE certificate_id = ?",
                         (cert_id,)).fetchone()
    assert list(row) == [STORED] * len(contacts), row
    shows_escaped(admin.get(f"/certificates/{cert_id}").text, "application organization fields")

    # A CSR's company fields.
    admin.get("/csrs/new")
    r = admin.post("/csrs", {"name": "xss-company", "domain_name": "xss-csr.example.com", "private_key_algo": "EC_P256",
                             "usage": "ENTERPRISE", "company_country": "CN", "company_province": STORED,
                             "company_city": STORED, "company_name": STORED, "sans": ""})
    assert r.status_code == 303, r.text[:500]
    with sec.db() as db:
        csr_id, *company = db.execute("SELECT id, company_name, company_province, company_city FROM csrs "
                                      "WHERE name = 'xss-company'").fetchone()
    assert company == [STORED] * 3
    shows_escaped(admin.get(f"/csrs/{csr_id}").text, "CSR company fields")

    # A revocation reason.
    listing = admin.get("/certificates", params={"limit": "50", "status": "ISSUED"}).text
    revocable = re.findall(r'href="/certificates/([^"/]+)/revoke"', listing)
    assert revocable, "no revocable certificate in the seed"
    admin.get(f"/certificates/{revocable[0]}/revoke")
    r = admin.post(f"/certificates/{revocable[0]}/revoke", {"reason": STORED})
    assert r.status_code == 303, r.text[:500]
    with sec.db() as db:
        assert db.execute("SELECT revoke_reason FROM certificates WHERE id = ?", (revocable[0],)).fetchone()[0] == STORED
    shows_escaped(admin.get(f"/certificates/{revocable[0]}").text, "revoke reason")

    # A cloud resource's name (an ELB load balancer's name is free text).
    admin.get("/cloud/elb")
    r = admin.post("/cloud/elb/resources", {"kind": "elb-loadbalancer", "name": STORED, "region": "cn-north-4",
                                            "project": "default", "https_ready": "on"})
    assert r.status_code == 303, r.text[:500]
    with sec.db() as db:
        assert db.execute("SELECT count(*) FROM cloud_resources WHERE name = ?", (STORED,)).fetchone()[0] == 1
    shows_escaped(admin.get("/cloud/elb").text, "cloud resource name")

    # A webhook URL: a URL holds no < > or ", but & and ' are escape-significant too.
    url = "https://hooks.example.com/scm?a=1&b='c'"
    admin.get("/messages/webhooks")
    r = admin.post("/messages/webhooks", {"url_CERT_EXPIRING": url, "url_CERT_EXPIRED": "", "url_AUTO_RENEWAL": ""})
    assert r.status_code == 303, r.text[:500]
    with sec.db() as db:
        assert db.execute("SELECT url FROM webhooks WHERE event_type = 'CERT_EXPIRING'").fetchone()[0] == url
    page = admin.get("/messages/webhooks").text
    assert "https://hooks.example.com/scm?a=1&amp;b=&#39;c&#39;" in page and url not in page

    # Tag values and certificate names accept none of the five: refused, and nothing stored.
    client = make_client(sec, *access_key(sec, ADMIN_NAME))
    for value in ("a<b", 'a"b', "a'b", "a&b", "a>b"):
        with pytest.raises(ClientRequestException) as info:
            client.create_certificate_tag(CreateCertificateTagRequest(
                resource_id=cert_id, body=CreateCertificateTagRequestBody(tag=ScsResourceTag(key="xss", value=value))))
        assert info.value.status_code == 400, value
        with pytest.raises(ClientRequestException) as info:
            client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(
                name=value, certificate="x", private_key="x")))
        assert info.value.status_code == 400 and "name" in info.value.error_msg.lower(), (value, info.value.error_msg)
    with sec.db() as db:
        assert db.execute("SELECT count(*) FROM certificate_tags WHERE key = 'xss'").fetchone()[0] == 0


def test_missing_and_forged_csrf_tokens_are_refused(sec):
    admin = sec.admin
    listing = admin.get("/certificates").text
    cert_id = re.findall(r'href="/certificates/(scs[0-9]+)"', listing)[0]
    for token in (None, "forged-" + "a" * 36, ""):
        r = admin.post(f"/certificates/{cert_id}/rename", {"name": "csrf-victim", "description": ""}, token=token)
        assert r.status_code == 403, f"token {token!r}: {r.status_code}"
        r = admin.post("/users", {"name": "csrfuser", "group": "auditors"}, token=token)
        assert r.status_code == 403
    # Another session's valid token is not this session's.
    other = sec.login()
    other_token = other.csrf_token(other.get("/certificates").text)
    admin.get("/certificates")
    own_token = admin.csrf_token()
    assert other_token != own_token
    assert admin.post("/users", {"name": "csrfuser", "group": "auditors"}, token=other_token).status_code == 403
    with sec.db() as db:
        assert db.execute("SELECT count(*) FROM users WHERE name = 'csrfuser'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM certificates WHERE name = 'csrf-victim'").fetchone()[0] == 0
    # The login form's double-submit token too.
    anon = Console(sec.base_url)
    anon.get("/login")
    assert anon.post("/login", {"username": ADMIN_NAME, "password": ADMIN_PASSWORD}, token="forged").status_code == 403


def test_sql_metacharacters_in_search_and_filters_are_harmless(sec):
    admin = sec.admin
    before = snapshot(sec)
    with sec.db() as db:
        total = db.execute("SELECT count(*) FROM certificates").fetchone()[0]
    for text in ["' OR '1'='1", "\"; DROP TABLE certificates; --", "%", "_", "\\", "*", "') UNION SELECT * FROM users --"]:
        for path, params in [("/certificates", {"keyword": text}), ("/csrs", {"keyword": text}),
                             ("/audit", {"actor": text, "action": text, "target": text}),
                             ("/certificates", {"status": text, "sort": text, "dir": text})]:
            r = admin.get(path, params=params)
            assert r.status_code in (200, 400), f"{path} {params}: {r.status_code}"
            assert "request id" not in r.text.lower() or r.status_code != 500
    r = admin.get("/certificates", params={"keyword": "' OR '1'='1"})
    assert 'data-total="0"' in r.text
    assert 'data-total="0"' in admin.get("/audit", params={"actor": "' OR '1'='1"}).text
    assert snapshot(sec) == before
    with sec.db() as db:
        assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == total


def test_session_cookie_stops_working_after_logout(sec):
    client = sec.login("auditor1", sec.auditor_password)
    cookie = dict(client.http.cookies)
    page = client.get("/certificates")
    assert page.status_code == 200
    assert client.post("/logout", {}).status_code == 303
    replay = Console(sec.base_url)
    for name, value in cookie.items():
        replay.http.cookies.set(name, value)
    r = replay.get("/certificates")
    assert r.status_code in (302, 303, 401) and "/login" in r.headers.get("Location", "/login")


def test_session_cookie_stops_working_after_expiry(sec):
    client = sec.login("auditor1", sec.auditor_password)
    cookie = dict(client.http.cookies)
    assert client.get("/certificates").status_code == 200
    sec.scm.stop(signal.SIGTERM)
    sec.scm = ScmServe(sec.data_dir, sec.fcgi_port, sec.root / "scm-serve.log",
                       extra_args=SERVE_ARGS + ("--clock-offset-days", "1"))
    sec.scm.start()
    replay = Console(sec.base_url)
    for name, value in cookie.items():
        replay.http.cookies.set(name, value)
    r = replay.get("/certificates")
    assert r.status_code in (302, 303, 401), r.status_code
    # A fresh sign-in works on the shifted clock.
    assert sec.login("auditor1", sec.auditor_password).get("/certificates").status_code == 200


def test_keys_rotate_keeps_certificates_downloadable(sec, tmp_path):
    """`scm keys rotate` with the server stopped: new master key, same private keys, serve starts."""
    admin = sec.login()
    ca = ExternalCA(tmp_path / "ca", "Rotation E2E")
    cert, key = ca.leaf("rot", "rot.security-e2e.com")
    resp = upload(admin, "rotation-check", cert + ca.intermediate, key, headers={"Accept": "application/json"})
    assert resp.status_code == 200, resp.text[:500]
    cert_id = resp.json()["certificate_id"]
    with sec.db() as db:
        sealed_before = db.execute("SELECT sealed_private_key FROM certificate_materials WHERE certificate_id = ?",
                                   (cert_id,)).fetchone()[0]
    before = admin.get(f"/certificates/{cert_id}/download/nginx")
    assert before.status_code == 200 and before.headers["Content-Type"] == "application/zip"
    key_file = sec.data_dir / "keys" / "master.key"
    old_key = key_file.read_bytes()
    audit_key = (key_file.parent / "audit.key").read_bytes()
    sec.scm.stop(signal.SIGTERM)
    proc = run_scm("keys", "rotate", "--data-dir", str(sec.data_dir))
    assert proc.stdout.startswith("re-sealed ")
    assert key_file.read_bytes() != old_key and len(key_file.read_bytes()) == 32
    # No master.key.old or .new left behind; the audit log's key is not the master key and stays.
    assert sorted(p.name for p in key_file.parent.iterdir() if p.name.startswith("master.key")) == ["master.key"]
    assert (key_file.parent / "audit.key").read_bytes() == audit_key
    assert run_scm("audit", "verify", "--data-dir", str(sec.data_dir)).stdout.startswith("ok ")
    with sec.db() as db:
        assert db.execute("SELECT sealed_private_key FROM certificate_materials WHERE certificate_id = ?",
                          (cert_id,)).fetchone()[0] != sealed_before
    sec.scm = ScmServe(sec.data_dir, sec.fcgi_port, sec.root / "scm-serve.log",
                       extra_args=SERVE_ARGS + ("--clock-offset-days", "1"))
    sec.scm.start()
    after = sec.login().get(f"/certificates/{cert_id}/download/nginx")
    assert after.status_code == 200 and after.headers["Content-Type"] == "application/zip"
    key_pem = [name for name in zip_names(after.content) if name.endswith(".key")]
    assert key_pem and zip_member(after.content, key_pem[0]) == zip_member(before.content, key_pem[0])


def zip_names(data: bytes) -> list[str]:
    import io
    import zipfile
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def zip_member(data: bytes, name: str) -> bytes:
    import io
    import zipfile
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def test_ten_wrong_passwords_lock_the_login(sec):
    client = Console(sec.base_url)
    for attempt in range(10):
        r = client.login("auditor1", f"wrong-{attempt}")
        assert r.status_code != 303 and LOCK_MESSAGE not in r.text, f"attempt {attempt + 1}"
    r = client.login("auditor1", sec.auditor_password)
    assert r.status_code != 303 and LOCK_MESSAGE in r.text
    assert client.get("/certificates").status_code != 200


def copy_of_data(sec, tmp_path):
    """The database and its keys directory (the audit key and anchor), as a backup would hold them."""
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    with sec.db() as source, sqlite3.connect(copy_dir / "scm.sqlite") as target:
        source.backup(target)
    shutil.copytree(sec.data_dir / "keys", copy_dir / "keys")
    return copy_dir


def test_audit_verify_detects_an_edited_row(sec, tmp_path):
    assert run_scm("audit", "verify", "--data-dir", str(sec.data_dir)).stdout.startswith("ok ")
    copy_dir = copy_of_data(sec, tmp_path)
    with sqlite3.connect(copy_dir / "scm.sqlite") as db:
        db.execute("DROP TRIGGER events_no_update")
        victim = db.execute("SELECT id FROM events ORDER BY id LIMIT 1 OFFSET 2").fetchone()[0]
        db.execute("UPDATE events SET detail = 'nothing happened here' WHERE id = ?", (victim,))
    proc = run_scm("audit", "verify", "--data-dir", str(copy_dir), check=False)
    assert proc.returncode == 1
    assert f"broken at event {victim}" in proc.stdout
    assert run_scm("audit", "verify", "--data-dir", str(sec.data_dir)).stdout.startswith("ok ")


def test_audit_verify_detects_the_newest_rows_cut_off(sec, tmp_path):
    copy_dir = copy_of_data(sec, tmp_path)
    with sqlite3.connect(copy_dir / "scm.sqlite") as db:
        db.execute("DROP TRIGGER events_no_delete")
        last = db.execute("SELECT max(id) FROM events").fetchone()[0]
        db.execute("DELETE FROM events WHERE id > ?", (last - 3,))
    proc = run_scm("audit", "verify", "--data-dir", str(copy_dir), check=False)
    assert proc.returncode == 1 and proc.stdout.startswith("truncated: "), proc.stdout
    assert "the newest 3 entries were removed" in proc.stdout
    # Without the keys directory nothing can be vouched for, and no key is made up.
    (copy_dir / "keys" / "audit.key").unlink()
    proc = run_scm("audit", "verify", "--data-dir", str(copy_dir), check=False)
    assert proc.returncode == 2 and "no audit key" in proc.stdout
    assert not (copy_dir / "keys" / "audit.key").exists()


def test_a_missing_master_key_is_not_replaced_while_sealed_keys_need_it(tmp_path):
    data = tmp_path / "data"
    run_scm("migrate", "--data-dir", str(data))
    run_scm("seed", "--data-dir", str(data), "--count", "5")
    key = data / "keys" / "master.key"
    key.unlink()
    refused = run_scm("migrate", "--data-dir", str(data), check=False)
    assert refused.returncode == 1
    assert "is missing, but the database holds keys sealed under it" in refused.stderr
    assert not key.exists()
