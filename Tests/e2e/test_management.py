"""Issue 5 end to end: the operations after issuance over HTTP, through nginx and `scm serve`
with the CA reviewing at once (--review-scale 0) and the scheduler passing every second.

DNS proofs are written straight into the simulator's table with a save time past their TTL,
so a certificate is issued within a second of its application; everything else goes over HTTP.
"""

from __future__ import annotations

import html
import re
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import ScmServe, Stack, dismantle, started_stack, status, wait_status
from test_files import ExternalCA, upload

JSON = {"Accept": "application/json"}


def serve_args(offset_days: float = 0) -> tuple[str, ...]:
    return ("--review-scale", "0", "--scheduler-interval", "1", "--clock-offset-days", str(offset_days))


@pytest.fixture(scope="module")
def ops():
    st = started_stack("scm-e2e-ops-", serve_args())
    try:
        yield st
    finally:
        dismantle(st)


def restart(st: Stack, offset_days: float = 0, sig: int = signal.SIGTERM) -> None:
    if st.scm.running():
        st.scm.stop(sig)
    st.scm = ScmServe(st.data_dir, st.fcgi_port, st.root / "scm-serve.log", extra_args=serve_args(offset_days))
    st.scm.start()


def days_left(st: Stack, cert_id: str) -> float:
    """Days from now until the certificate expires: `restart(st, days_left(...) - N)` runs the
    server N days before its expiry."""
    with st.db() as db:
        not_after = db.execute("SELECT not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
    return (not_after - time.time()) / 86400


def csrf(client) -> str:
    client.get("/certificates")
    return client.csrf_token()


def buy(client, cert_type="DV_SSL_CERT", domain_type="SINGLE_DOMAIN", domains=1, count=1, brand="SYMANTEC") -> list[str]:
    token = csrf(client)
    r = client.post("/certificates/buy", {
        "cert_brand": brand, "cert_type": cert_type, "domain_type": domain_type,
        "domain_numbers": str(domains), "effective_time": "1", "order_number": str(count), "agree": "on",
    }, token=token, headers=JSON)
    assert r.status_code == 200, r.text
    return [c["cert_id"] for c in r.json()["cert"]]


def apply(client, cert_id, domain, email="alice@applicant.test", phone="+8613800000000", sans="",
          company="Example Ltd", unit="", name="Alice Zhang"):
    token = csrf(client)
    r = client.post(f"/certificates/{cert_id}/apply", {
        "csr_mode": "system", "domain": domain, "sans": sans, "key_algorithm": "RSA_2048",
        "domain_method": "DNS", "company_name": company, "company_unit": unit, "country": "CN",
        "company_province": "Guangdong", "company_city": "Shenzhen", "applicant_name": name, "applicant_phone": phone,
        "applicant_email": email, "agree": "on", "action": "submit",
    }, token=token, headers=JSON)
    assert r.status_code == 200, r.text


def prove(st: Stack, cert_id: str) -> None:
    """Publish the DNS proofs with a save time past their TTL."""
    with st.db(readonly=False) as db:
        rows = db.execute("SELECT domain, token FROM domain_validations WHERE certificate_id = ? AND verified_at IS NULL",
                          (cert_id,)).fetchall()
        for domain, token in rows:
            name = domain[2:] if domain.startswith("*.") else domain
            if name.startswith("www."):
                name = name[4:]
            host = "_dnsauth." + name
            zone = ".".join(name.split(".")[-2:])
            db.execute("INSERT OR IGNORE INTO dns_zones (name, created_at) VALUES (?, ?)", (zone, time.time() - 3600))
            zone_id = db.execute("SELECT id FROM dns_zones WHERE name = ?", (zone,)).fetchone()[0]
            db.execute(
                "INSERT INTO dns_record_sets (zone_id, name, type, ttl, record_values, saved_at) VALUES (?, ?, 'TXT', 300, ?, ?) "
                "ON CONFLICT(name, type) DO UPDATE SET record_values = record_values || char(10) || excluded.record_values, "
                "saved_at = excluded.saved_at",
                (zone_id, host, f'"{token}"', time.time() - 10 * 86400))


def file_bytes(*paths: Path) -> bytes:
    """The bytes of the live database files, read by a child process.

    Not `Path.read_bytes()`: closing any descriptor of a file drops every POSIX lock this
    process holds on it, so the SHARED lock of this process's open SQLite connections would be
    gone. `scm serve`, stopped cleanly later, would then find no reader, checkpoint, and delete
    the -wal and -shm files, while connections here keep the deleted -shm mapped: every later
    read in this module would see an old snapshot or "database disk image is malformed",
    though the file is sound (SQLite's "How To Corrupt", §2.2)."""
    existing = [str(p) for p in paths if p.exists()]
    return subprocess.run(["cat", *existing], check=True, capture_output=True).stdout


def issued(st, client, cert_type="DV_SSL_CERT", domain=None, brand="SYMANTEC", domain_type="SINGLE_DOMAIN", domains=1,
           **kw) -> str:
    cert_id = buy(client, cert_type, domain_type, domains, brand=brand)[0]
    apply(client, cert_id, domain or f"www.{uuid.uuid4().hex[:10]}.com", **kw)
    prove(st, cert_id)
    wait_status(st, cert_id, "ISSUED")
    return cert_id


def verify_organization(st, client, cert_id) -> None:
    """OV/EV: answer the organization mail unless the organization was reused (RULES.md §5),
    then wait for the issue."""
    deadline = time.time() + 20
    while status(st, cert_id) not in ("CHECKING_ORG", "ISSUED") and time.time() < deadline:
        time.sleep(0.2)
    if status(st, cert_id) == "CHECKING_ORG":
        with st.db() as db:
            mail_id, token = db.execute(
                "SELECT id, action_token FROM mails WHERE certificate_id = ? AND action = 'verify-organization'", (cert_id,)).fetchone()
        client.get("/cloud/mail")
        client.post(f"/cloud/mail/{mail_id}/follow", {"token": token})
    wait_status(st, cert_id, "ISSUED")


def refused(client, cert_id, operation, words, data=None) -> None:
    """The operation over HTTP is refused with a message containing `words`."""
    r = client.post(f"/certificates/{cert_id}/{operation}", data or {}, token=csrf(client), headers=JSON)
    assert r.status_code in (400, 409), f"{operation}: {r.status_code} {r.text[:300]}"
    assert words in r.json()["error_msg"], f"{operation}: {r.json()['error_msg']}"


def uploaded(client, tmp_path, days: int) -> str:
    """An external certificate valid `days` from now, uploaded: its ID."""
    name = f"external-{uuid.uuid4().hex[:8]}"
    certificate, key = ExternalCA(tmp_path / name, name).leaf(name, f"{name}.example.org", days=days)
    ca = (tmp_path / name / "inter.pem").read_text() + (tmp_path / name / "root.pem").read_text()
    r = upload(client, name, certificate, key, chain=ca, headers=JSON)
    assert r.status_code == 200, r.text
    return r.json()["certificate_id"]


def row_of(client, cert_id, keyword) -> str:
    """The certificate's row in the list page searched for `keyword` (its name or a domain)."""
    page = client.get("/certificates", params={"keyword": keyword}).text
    match = re.search(rf'<tr data-id="{cert_id}">(.*?)</tr>', page, re.S)
    assert match, f"{cert_id} not in the list"
    return match.group(1)


def op_links(client, cert_id) -> list[str]:
    page = client.get(f"/certificates/{cert_id}").text
    return sorted(set(re.findall(rf'href="/certificates/{cert_id}/([a-z-]+)"', page)))


# --- Revoke ------------------------------------------------------------------------------------

def test_revoke_dv_is_immediate_and_refused_again(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    assert "revoke" in op_links(client, cert_id)
    page = client.get(f"/certificates/{cert_id}/revoke")
    assert page.status_code == 200 and "cannot be cancelled" in page.text and "data-confirm" in page.text
    r = client.post(f"/certificates/{cert_id}/revoke", {"reason": "key compromise"})
    assert r.status_code == 303
    assert status(ops, cert_id) == "REVOKED"
    with ops.db() as db:
        serial = db.execute("SELECT serial_number FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
        assert db.execute("SELECT count(*) FROM revoked_serials WHERE serial_number = ?", (serial,)).fetchone()[0] == 1
    again = client.post(f"/certificates/{cert_id}/revoke", {}, token=csrf(client), headers=JSON)
    assert again.status_code == 400
    assert again.json()["error_code"] == "SCM.0010"
    assert "Revocation is not possible while the certificate is \"Revoked\"" in again.json()["error_msg"]
    assert "revoke" not in op_links(client, cert_id)


def test_revoke_ov_waits_for_the_mail(ops):
    client = ops.login()
    cert_id = buy(client, "OV_SSL_CERT")[0]
    apply(client, cert_id, f"www.{uuid.uuid4().hex[:10]}.com")
    prove(ops, cert_id)
    wait_status(ops, cert_id, "CHECKING_ORG")
    with ops.db() as db:
        mail_id, token = db.execute(
            "SELECT id, action_token FROM mails WHERE certificate_id = ? AND action = 'verify-organization'", (cert_id,)).fetchone()
    client.get(f"/cloud/mail/{mail_id}")
    assert client.post(f"/cloud/mail/{mail_id}/follow", {"token": token}).status_code == 303
    wait_status(ops, cert_id, "ISSUED")
    r = client.post(f"/certificates/{cert_id}/revoke", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["status"] == "REVOKING"
    page = client.get(f"/certificates/{cert_id}").text
    assert "CA verifying revocation (pending domain name verification)" in page
    time.sleep(1.5)
    assert status(ops, cert_id) == "REVOKING"
    with ops.db() as db:
        mail_id, token, recipient = db.execute(
            "SELECT id, action_token, recipient FROM mails WHERE certificate_id = ? AND action = 'confirm-revocation'",
            (cert_id,)).fetchone()
    assert recipient == "alice@applicant.test"
    client.get(f"/cloud/mail/{mail_id}")
    assert client.post(f"/cloud/mail/{mail_id}/follow", {"token": token}).status_code == 303
    assert status(ops, cert_id) == "REVOKED"


def test_two_simultaneous_revocations_revoke_once(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    token = csrf(client)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def post():
        barrier.wait()
        codes.append(client.post(f"/certificates/{cert_id}/revoke", {}, token=token, headers=JSON).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes)[0] == 200 and sorted(codes)[1] in (400, 409), codes
    with ops.db() as db:
        ok = db.execute("SELECT count(*) FROM events WHERE target = ? AND action = 'scm:cert:revoke' AND result = 'success'",
                        (cert_id,)).fetchone()[0]
        revocations = db.execute("SELECT count(*) FROM events WHERE target = ? AND action = 'ca:revoke'", (cert_id,)).fetchone()[0]
    assert ok == 1 and revocations == 1


# --- Delete, unsubscribe, withdraw ---------------------------------------------------------------

def test_unsubscribe_needs_the_checkbox_and_records_the_refund(ops):
    client = ops.login()
    cert_id = buy(client, "OV_SSL_CERT")[0]
    with ops.db() as db:
        order_id, price = db.execute("SELECT order_id, price_cents FROM certificates WHERE id = ?", (cert_id,)).fetchone()
    assert "unsubscribe" in op_links(client, cert_id)
    page = client.get(f"/certificates/{cert_id}/unsubscribe")
    assert "I acknowledge that the certificate will be deleted and cannot be restored" in page.text
    refused = client.post(f"/certificates/{cert_id}/unsubscribe", {})
    assert refused.status_code == 400 and "Tick" in refused.text and 'class="field-error"' in refused.text
    assert status(ops, cert_id) == "PAID"
    r = client.post(f"/certificates/{cert_id}/unsubscribe", {"acknowledge": "on"}, token=csrf(client))
    assert r.status_code == 303 and r.headers["Location"] == "/orders"
    assert status(ops, cert_id) is None
    with ops.db() as db:
        assert db.execute("SELECT refunded_cents FROM orders WHERE id = ?", (order_id,)).fetchone()[0] == price
        assert db.execute("SELECT count(*) FROM orders WHERE kind = 'refund' AND summary LIKE ?", (f"%{cert_id}%",)).fetchone()[0] == 1
    orders = client.get("/orders").text
    assert "Refund" in orders and order_id in orders


def test_unsubscribe_refused_after_application_and_delete_paths(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    r = client.post(f"/certificates/{cert_id}/unsubscribe", {"acknowledge": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "Unsubscribing is not possible while the certificate is \"Issued\"" in r.json()["error_msg"]
    assert "delete" in op_links(client, cert_id)
    assert "data-confirm" in client.get(f"/certificates/{cert_id}/delete").text
    r = client.post(f"/certificates/{cert_id}/delete", {})
    assert r.status_code == 303 and status(ops, cert_id) is None
    with ops.db() as db:
        assert db.execute("SELECT count(*) FROM certificate_materials WHERE certificate_id = ?", (cert_id,)).fetchone()[0] == 0
    gone = client.post(f"/certificates/{cert_id}/delete", {}, token=csrf(client), headers=JSON)
    assert gone.status_code == 404


def test_withdraw_keeps_the_application_and_refuses_when_issued(ops):
    client = ops.login()
    cert_id = buy(client)[0]
    domain = f"www.{uuid.uuid4().hex[:10]}.com"
    apply(client, cert_id, domain)
    assert "withdraw" in op_links(client, cert_id)
    r = client.post(f"/certificates/{cert_id}/withdraw", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["status"] == "PAID"
    form = client.get(f"/certificates/{cert_id}/apply").text
    assert domain in form and "alice@applicant.test" in form
    cert2 = issued(ops, client)
    r = client.post(f"/certificates/{cert2}/withdraw", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "Withdrawing the application is not possible" in r.json()["error_msg"]


# --- Reissue, add domains, renew, rename, project -------------------------------------------------

def test_reissue_confirm_operation_and_old_certificate_revoked(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    with ops.db() as db:
        old_serial, old_expiry = db.execute("SELECT serial_number, not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()
    assert "reissue" in op_links(client, cert_id)
    new_domain = f"www.{uuid.uuid4().hex[:10]}.com"
    token = csrf(client)
    bad = client.post(f"/certificates/{cert_id}/reissue", {"domain": "*.*.bad", "agree": "on"}, token=token)
    assert bad.status_code == 400 and 'class="field-error"' in bad.text
    r = client.post(f"/certificates/{cert_id}/reissue", {
        "csr_mode": "system", "domain": new_domain, "domain_method": "DNS", "key_algorithm": "RSA_2048",
        "applicant_name": "Alice Zhang", "applicant_phone": "+8613800000000", "applicant_email": "alice@applicant.test",
        "agree": "on"}, token=token)
    assert r.status_code == 303, r.text
    assert status(ops, cert_id) == "REISSUING"
    assert "confirm-operation" in op_links(client, cert_id)
    prove(ops, cert_id)
    time.sleep(1.5)
    assert status(ops, cert_id) == "REISSUING"
    with ops.db() as db:
        mail_id, token = db.execute(
            "SELECT id, action_token FROM mails WHERE certificate_id = ? AND action = 'confirm-reissue'", (cert_id,)).fetchone()
    assert f"/cloud/mail/{mail_id}" in client.get(f"/certificates/{cert_id}/confirm-operation").text
    assert client.post(f"/cloud/mail/{mail_id}/follow", {"token": token}).status_code == 303
    wait_status(ops, cert_id, "ISSUED")
    with ops.db() as db:
        serial, expiry, domain = db.execute("SELECT serial_number, not_after, domain FROM certificates WHERE id = ?",
                                            (cert_id,)).fetchone()
        assert db.execute("SELECT count(*) FROM revoked_serials WHERE serial_number = ?", (old_serial,)).fetchone()[0] == 1
    assert serial != old_serial and domain == new_domain and abs(expiry - old_expiry) < 1


def test_add_domains_same_expiry_and_withdrawal(ops):
    client = ops.login()
    cert_id = buy(client, "OV_SSL_CERT", "MULTI_DOMAIN", 4)[0]
    base = uuid.uuid4().hex[:10] + ".com"
    apply(client, cert_id, f"a.{base}", sans=f"b.{base}")
    prove(ops, cert_id)
    verify_organization(ops, client, cert_id)
    with ops.db() as db:
        expiry = db.execute("SELECT not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
    assert "add-domains" in op_links(client, cert_id)
    page = client.get(f"/certificates/{cert_id}/add-domains").text
    assert 'name="email"' in page
    bad = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"c.{base}", "email": "not-an-address"})
    assert bad.status_code == 400 and 'class="field-error"' in bad.text
    r = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"c.{base}", "email": "ops@example.org"},
                    token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["status"] == "SUPPLEMENTCHECKING"
    r = client.post(f"/certificates/{cert_id}/withdraw-domain-addition", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["status"] == "ISSUED"
    r = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"c.{base}\nd.{base}", "email": "ops@example.org"},
                    token=csrf(client), headers=JSON)
    assert r.status_code == 200
    prove(ops, cert_id)
    wait_status(ops, cert_id, "ISSUED")
    time.sleep(0.3)
    with ops.db() as db:
        sans, new_expiry = db.execute("SELECT sans, not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()
    assert sans.split(";") == [f"b.{base}", f"c.{base}", f"d.{base}"] and abs(new_expiry - expiry) < 1
    full = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"e.{base}", "email": "ops@example.org"},
                       token=csrf(client), headers=JSON)
    assert full.status_code == 400 and "already in use" in full.json()["error_msg"]


def test_rename_project_auto_renew_and_refusals(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    bad = client.post(f"/certificates/{cert_id}/rename", {"name": "x", "description": ""}, token=csrf(client))
    assert bad.status_code == 400 and "3 to 63" in bad.text
    ok = client.post(f"/certificates/{cert_id}/rename", {"name": "shop-cert", "description": "the shop"}, token=csrf(client))
    assert ok.status_code == 303
    page = client.get(f"/certificates/{cert_id}").text
    assert "shop-cert" in page and 'action="/certificates/%s/rename"' % cert_id in page
    r = client.post(f"/certificates/{cert_id}/move-project", {"enterprise_project": "shop"}, token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["enterprise_project"] == "shop"
    r = client.post(f"/certificates/{cert_id}/auto-renew", {"enabled": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["auto_renew"] is True
    paid = buy(client)[0]
    r = client.post(f"/certificates/{paid}/auto-renew", {"enabled": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "Auto-renewal is not possible" in r.json()["error_msg"]
    r = client.post(f"/certificates/{cert_id}/renew", {"agree": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "renewed only within 30 days" in r.json()["error_msg"]


# --- Privacy -----------------------------------------------------------------------------------

def test_cancel_privacy_erases_the_bytes(ops):
    """Every copy of the contact and organization data goes: the application, the CA's mails and
    the expiry reminders sent by e-mail and SMS before the cancellation."""
    client = ops.login()
    marker = uuid.uuid4().hex[:12]
    letters = "".join(chr(ord("a") + int(c, 16)) for c in marker)
    email = f"privacy-{marker}@applicant.test"
    phone = "+86139" + str(int(marker[:8], 16))[:8].rjust(8, "0")
    company, unit, name = f"Privacy {letters} Ltd", f"Unit {letters}", f"Mei {letters}"
    cert_id = buy(client, "OV_SSL_CERT")[0]
    r = client.post(f"/certificates/{cert_id}/cancel-privacy", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "only after an application" in r.json()["error_msg"]
    apply(client, cert_id, f"www.{marker}.com", email=email, phone=phone, company=company, unit=unit, name=name)
    r = client.post(f"/certificates/{cert_id}/cancel-privacy", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "while the CA is reviewing" in r.json()["error_msg"]
    prove(ops, cert_id)
    verify_organization(ops, client, cert_id)
    try:
        restart(ops, days_left(ops, cert_id) - 50)  # inside the two-month reminder
        deadline, texts = time.time() + 20, 0
        while texts == 0 and time.time() < deadline:
            time.sleep(0.3)
            with ops.db() as db:
                texts = db.execute("SELECT count(*) FROM sms_outbox WHERE phone = ?", (phone,)).fetchone()[0]
                mails = db.execute("SELECT count(*) FROM mails WHERE recipient = ? AND subject LIKE '%expire%'", (email,)).fetchone()[0]
        assert texts == 1 and mails == 1, "the reminder was not sent by SMS and e-mail"
        client = ops.login()
        assert 'action="/certificates/%s/cancel-privacy"' % cert_id in client.get(f"/certificates/{cert_id}").text
        r = client.post(f"/certificates/{cert_id}/cancel-privacy", {}, token=csrf(client))
        assert r.status_code == 303
        data = file_bytes(ops.db_path, Path(str(ops.db_path) + "-wal"))
        for secret in (email, phone, f"privacy-{marker}", company, unit, name, letters):
            assert secret.encode() not in data, f"{secret} still in the database file"
        assert "contact and organization details were deleted" in client.get(f"/certificates/{cert_id}").text
    finally:
        restart(ops, 0)


# --- Time: reminders, renew, expiry --------------------------------------------------------------

def test_reminders_renew_and_expiry_with_a_shifted_clock(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    left = days_left(ops, cert_id)
    try:
        restart(ops, left - 20)  # inside the one-month reminder and the renew window
        client = ops.login()
        deadline = time.time() + 20  # the first pass may also buy and apply other tests' auto-renewals
        sent: list[str] = []
        while len(sent) < 2 and time.time() < deadline:
            time.sleep(0.3)
            with ops.db() as db:
                sent = [r[0] for r in db.execute(
                    "SELECT reminder FROM reminders_sent WHERE certificate_id = ? ORDER BY reminder", (cert_id,))]
        assert sent == ["1-month", "2-months"], ops.scm.log()[-3000:]
        # Each reminder once for this certificate (others issued in this module expire together).
        with ops.db() as db:
            titles = [r[0] for r in db.execute("SELECT title FROM messages WHERE certificate_id = ?", (cert_id,))]
        assert sum("expires in one month" in t for t in titles) == 1, titles
        assert "expires in one month" in client.get("/messages").text
        assert "Expire soon" in client.get(f"/certificates/{cert_id}").text
        assert "renew" in op_links(client, cert_id)
        r = client.post(f"/certificates/{cert_id}/revoke", {}, token=csrf(client), headers=JSON)
        assert r.status_code == 400 and "within 30 days before it expires" in r.json()["error_msg"]
        r = client.post(f"/certificates/{cert_id}/renew", {"cert_brand": "SYMANTEC", "cert_type": "DV_SSL_CERT",
                        "domain_type": "SINGLE_DOMAIN", "domain_numbers": "1", "domain": "", "agree": "on"},
                        token=csrf(client), headers=JSON)
        assert r.status_code == 200, r.text
        renewal = r.json()["cert_id"]
        assert status(ops, renewal) == "PAID"
        restart(ops, left + 0.5)
        wait_status(ops, cert_id, "EXPIRED", timeout=10)
        time.sleep(1.5)
        client = ops.login()
        # Counted for this certificate: the others issued in this module expired in the same pass.
        # Its CA messages (verification, issuance) are there too; the reminders are counted.
        with ops.db() as db:
            titles = [r[0] for r in db.execute(
                "SELECT title FROM messages WHERE certificate_id = ? AND kind IN ('CERT_EXPIRING', 'CERT_EXPIRED')",
                (cert_id,))]
        assert len(titles) == 2 and sum("expires today" in t for t in titles) == 1, titles
        assert "expires today" in client.get("/messages").text
    finally:
        restart(ops, 0)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_scheduler_works_at_once_after_a_process_whose_clock_ran_ahead(ops, sig):
    """The lease row of a process 30 days ahead runs out 30 days from now: a stopped process
    gives it back, a killed one is recognised as gone, and the CA issues again within seconds."""
    client = ops.login()
    try:
        restart(ops, 30)
        time.sleep(1.5)  # a pass takes the lease with the shifted clock
        restart(ops, 0, sig=sig)
        issued(ops, client)
    finally:
        if not ops.scm.running():
            restart(ops, 0)


# --- Refusals over HTTP (RULES.md §3) -------------------------------------------------------------

def test_free_multiple_domain_and_paid_certificates_refused_where_section_3_says(ops):
    client = ops.login()
    free = issued(ops, client, "DV_SSL_CERT_BASIC")
    # Only /v3 is the API: the console deletes no issued free certificate, whatever it answers in.
    refused(client, free, "delete", "An issued free certificate cannot be deleted from the console")
    refused(client, free, "reissue", "A free certificate cannot be reissued")
    refused(client, free, "renew", "A free certificate cannot be renewed", {"agree": "on"})
    refused(client, free, "unsubscribe", "A free certificate cannot be unsubscribed", {"acknowledge": "on"})
    assert status(ops, free) == "ISSUED"

    base = uuid.uuid4().hex[:10] + ".com"
    multiple = issued(ops, client, "DV_SSL_CERT", f"a.{base}", domain_type="MULTI_DOMAIN", domains=3, sans=f"b.{base}")
    refused(client, multiple, "reissue", "not for multiple domains")
    refused(client, multiple, "withdraw-domain-addition",
            'Withdrawing the domain addition is not possible while the certificate is "Issued"')

    paid = buy(client)[0]
    refused(client, paid, "delete", 'Deleting a paid certificate is not possible while the certificate is "Pending application"')
    apply(client, paid, f"www.{uuid.uuid4().hex[:10]}.com")
    refused(client, paid, "delete",
            'Deleting a paid certificate is not possible while the certificate is "Pending domain name verification"')
    assert status(ops, paid) == "CHECKING"

    # The details page's History lists the operations by title (the code as the tooltip), the
    # purchase logged against the order included, and refusals with their rule.
    page = client.get(f"/certificates/{free}", params={"limit": "50"}).text  # the whole history on one page
    history = page[page.index("<h2>History</h2>"):page.index("Privacy authorization</h2>")]
    for title, action in (("Bought", "scm:cert:buy"), ("Application submitted", "scm:cert:apply"),
                          ("Issued by the CA", "ca:issue"), ("Deleted", "scm:cert:delete"),
                          ("Reissue submitted", "scm:cert:reissue"), ("Unsubscribed", "scm:cert:unsubscribe")):
        assert f'<td title="{action}">{title}</td>' in history, title
    assert "Refused" in history and "cannot be deleted from the console" in history
    assert "A free certificate cannot be reissued" in html.unescape(history)
    # It pages like the lists: 10 a page by default, newest first, and past the last page, empty.
    for _ in range(3):  # each refusal is an event: enough for a second page
        refused(client, free, "delete", "An issued free certificate cannot be deleted from the console")
    page = client.get(f"/certificates/{free}", params={"limit": "50"}).text
    events = len(re.findall(r"<tr><td>", page[page.index("<h2>History</h2>"):]))
    assert events > 10, "too few events to page"
    first = client.get(f"/certificates/{free}").text
    assert len(re.findall(r"<tr><td>", first[first.index("<h2>History</h2>"):])) == 10
    assert f'data-total="{events}"' in first and f'href="/certificates/{free}?page=2#history"' in first
    past = client.get(f"/certificates/{free}", params={"page": "9"})
    assert past.status_code == 200 and "This page is past the last one." in past.text


def test_an_uploaded_certificate_is_neither_revoked_renewed_nor_unsubscribed(ops, tmp_path):
    client = ops.login()
    cert_id = uploaded(client, tmp_path, days=200)
    assert status(ops, cert_id) == "UPLOAD"
    refused(client, cert_id, "revoke", "Revocation is not possible for an uploaded certificate")
    refused(client, cert_id, "renew", "Renewal is not possible for an uploaded certificate", {"agree": "on"})
    refused(client, cert_id, "unsubscribe", "Unsubscribing is not possible for an uploaded certificate", {"acknowledge": "on"})


def test_reissue_and_refund_windows_close_with_the_clock(ops):
    client = ops.login()
    digicert = issued(ops, client)
    globalsign = issued(ops, client, brand="GLOBALSIGN")
    paid = buy(client)[0]
    try:
        restart(ops, 6)
        client = ops.login()
        refused(client, globalsign, "reissue", "GlobalSign certificates can be reissued only within 5 days of issuance")
        assert client.get(f"/certificates/{digicert}/reissue").status_code == 200
        assert "reissue" in op_links(client, digicert) and "reissue" not in op_links(client, globalsign)
        restart(ops, 26)
        client = ops.login()
        refused(client, digicert, "reissue", "DigiCert certificates can be reissued only within 25 days of issuance")
        refused(client, paid, "unsubscribe", "only within 7 days (7 × 24 h) of payment", {"acknowledge": "on"})
        assert status(ops, paid) == "PAID"
    finally:
        restart(ops, 0)


def test_a_renewal_inherits_the_days_left_of_the_original(ops):
    """RULES.md §6: the original expires on day D; the renewal, issued 5 days before D, expires on D one year later."""
    client = ops.login()
    domain = f"www.{uuid.uuid4().hex[:10]}.com"
    original = issued(ops, client, domain=domain)
    with ops.db() as db:
        not_after = db.execute("SELECT not_after FROM certificates WHERE id = ?", (original,)).fetchone()[0]
    try:
        restart(ops, (not_after - time.time()) / 86400 - 5)
        client = ops.login()
        r = client.post(f"/certificates/{original}/renew", {
            "cert_brand": "SYMANTEC", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "domain_numbers": "1",
            "domain": domain, "agree": "on"}, token=csrf(client), headers=JSON)
        assert r.status_code == 200, r.text
        renewal = r.json()["cert_id"]
        apply(client, renewal, domain)
        prove(ops, renewal)
        wait_status(ops, renewal, "ISSUED")
        with ops.db() as db:
            renewed_until = db.execute("SELECT not_after FROM certificates WHERE id = ?", (renewal,)).fetchone()[0]
        expiry = datetime.fromtimestamp(not_after, timezone.utc)
        assert datetime.fromtimestamp(renewed_until, timezone.utc).date() == expiry.replace(year=expiry.year + 1).date()
    finally:
        restart(ops, 0)


def test_an_uploaded_certificate_expires_through_the_scheduler(ops, tmp_path):
    client = ops.login()
    cert_id = uploaded(client, tmp_path, days=10)
    with ops.db() as db:
        name = db.execute("SELECT name FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
    left = days_left(ops, cert_id)

    def reminders() -> list[str]:
        with ops.db() as db:
            return [r[0] for r in db.execute("SELECT title FROM messages WHERE certificate_id = ? ORDER BY id", (cert_id,))]

    try:
        restart(ops, left - 5)  # inside the one-week reminder
        deadline = time.time() + 20
        while not any("expires in one week" in t for t in reminders()) and time.time() < deadline:
            time.sleep(0.3)
        assert sum("expires in one week" in t for t in reminders()) == 1, reminders()
        client = ops.login()
        row = row_of(client, cert_id, name)
        assert "Hosted" in row and "Expire soon" in row
        restart(ops, left + 0.5)
        wait_status(ops, cert_id, "EXPIRED")
        deadline = time.time() + 20
        while not any("expires today" in t for t in reminders()) and time.time() < deadline:
            time.sleep(0.3)
        assert sum("expires today" in t for t in reminders()) == 1, reminders()
        client = ops.login()
        assert "Expire soon" not in row_of(client, cert_id, name)
        refused(client, cert_id, "renew", "Renewal is not possible for an uploaded certificate", {"agree": "on"})
    finally:
        restart(ops, 0)


def test_renew_is_refused_after_expiry(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    try:
        restart(ops, days_left(ops, cert_id) + 0.5)
        wait_status(ops, cert_id, "EXPIRED")
        client = ops.login()
        refused(client, cert_id, "renew", 'Renewal is not possible while the certificate is "Expired"', {"agree": "on"})
        assert "renew" not in op_links(client, cert_id)
    finally:
        restart(ops, 0)


# --- Crash safety --------------------------------------------------------------------------------

def issue_many(st, client, domains: list[str]) -> list[str]:
    """DV certificates issued for `domains`, bought, applied for and proven together."""
    ids = buy(client, count=len(domains))
    for cert_id, domain in zip(ids, domains):
        apply(client, cert_id, domain)
    for cert_id in ids:
        prove(st, cert_id)
    for cert_id in ids:
        wait_status(st, cert_id, "ISSUED")
    return ids


def test_kill_9_during_a_burst_leaves_old_or_new_states(ops):
    client = ops.login()
    ids = buy(client, count=20)
    for cert_id in ids[:10]:
        apply(client, cert_id, f"www.{uuid.uuid4().hex[:10]}.com")
    to_revoke = issue_many(ops, client, [f"www.{uuid.uuid4().hex[:10]}.com" for _ in range(4)])
    to_reissue = issue_many(ops, client, [f"www.{uuid.uuid4().hex[:10]}.com" for _ in range(4)])
    hosts = [f"burst-{uuid.uuid4().hex[:8]}.example.com" for _ in range(3)]
    for host in hosts:
        r = client.post("/cloud/vod/resources", {"kind": "vod-domain", "name": host, "project": "default"},
                        token=csrf(client), headers=JSON)
        assert r.status_code == 200, r.text
    to_deploy = issue_many(ops, client, hosts + hosts)  # two certificates for each host
    with ops.db() as db:
        resource_ids = {host: db.execute("SELECT id FROM cloud_resources WHERE name = ?", (host,)).fetchone()[0] for host in hosts}
        domains = dict(db.execute(
            f"SELECT id, domain FROM certificates WHERE id IN ({','.join('?' * len(to_reissue))})", to_reissue).fetchall())
    token = csrf(client)
    with sqlite3.connect(ops.db_path) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    stop = threading.Event()

    def post(path, data):
        client.post(path, data, token=token, headers=JSON, timeout=5)

    def burst(operation):
        while not stop.is_set():
            try:
                operation()
            except Exception:
                return

    def first_ops(cert_id, index):
        if index < 10:
            post(f"/certificates/{cert_id}/withdraw", {})
        else:
            post(f"/certificates/{cert_id}/rename", {"name": f"renamed-{index}", "description": "x" * 50})
            post(f"/certificates/{cert_id}/unsubscribe", {"acknowledge": "on"})

    def deploy_both(host):
        for cert_id in to_deploy[hosts.index(host)::len(hosts)]:
            post(f"/certificates/{cert_id}/deploy", {"product": "VOD", "region": "", "resource": str(resource_ids[host])})

    operations = [lambda c=c, i=i: first_ops(c, i) for i, c in enumerate(ids)]
    operations += [lambda c=c: post(f"/certificates/{c}/revoke", {"reason": "burst"}) for c in to_revoke]
    operations += [lambda c=c: post(f"/certificates/{c}/reissue", {
        "csr_mode": "system", "domain": domains[c], "domain_method": "DNS", "key_algorithm": "EC_P256",
        "applicant_name": "Alice Zhang", "applicant_phone": "+8613800000000", "applicant_email": "alice@applicant.test",
        "agree": "on"}) for c in to_reissue]
    operations += [lambda h=h: deploy_both(h) for h in hosts]
    threads = [threading.Thread(target=burst, args=(operation,)) for operation in operations]
    for t in threads:
        t.start()
    time.sleep(0.6)
    ops.scm.stop(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join()
    with sqlite3.connect(ops.db_path) as db:
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        for i, cert_id in enumerate(ids):
            row = db.execute("SELECT status, name, description FROM certificates WHERE id = ?", (cert_id,)).fetchone()
            if i < 10:
                assert row[0] in ("CHECKING", "CANCELCHECKING", "PAID"), row
                if row[0] == "PAID":
                    assert db.execute("SELECT count(*) FROM applications WHERE certificate_id = ?", (cert_id,)).fetchone()[0] == 1
            elif row is None:
                refund = db.execute("SELECT count(*) FROM orders WHERE kind = 'refund' AND summary LIKE ?", (f"%{cert_id}%",)).fetchone()[0]
                assert refund == 1, f"{cert_id} removed without its refund"
            else:
                assert row[0] == "PAID"
                assert (row[1] == f"renamed-{i}") == (row[2] == "x" * 50), row
    restart(ops, 0)
    time.sleep(2.5)  # one scheduler pass finishes what the CA had left (withdrawals, revocations)
    with ops.db() as db:
        def status_of(cert_id):
            return db.execute("SELECT status FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]

        for cert_id in ids[:10]:
            assert status_of(cert_id) in ("CHECKING", "PAID"), cert_id
        for cert_id in to_revoke:
            assert status_of(cert_id) in ("ISSUED", "REVOKED"), cert_id
            serial = db.execute("SELECT serial_number FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
            revoked = db.execute("SELECT count(*) FROM revoked_serials WHERE serial_number = ?", (serial,)).fetchone()[0]
            assert revoked == (status_of(cert_id) == "REVOKED"), cert_id
        for cert_id in to_reissue:
            # REISSUING waits for the applicant's confirmation: its mail went out with the change.
            assert status_of(cert_id) in ("ISSUED", "REISSUING"), cert_id
            mails = db.execute("SELECT count(*) FROM mails WHERE certificate_id = ? AND action = 'confirm-reissue'",
                               (cert_id,)).fetchone()[0]
            assert (mails > 0) == (status_of(cert_id) == "REISSUING"), cert_id
        # The edge presents exactly what each resource holds in the database.
        for host in hosts:
            held, pem, chain = db.execute(
                "SELECT certificate_id, held_certificate_pem, held_chain_pem FROM cloud_resources WHERE name = ?", (host,)).fetchone()
            served = (ops.data_dir / "edge" / f"{host}.pem").read_text()
            if held is None:
                assert served == (ops.data_dir / "edge" / "_fallback.pem").read_text(), host
            else:
                assert held in to_deploy and served.endswith(pem + chain), host
