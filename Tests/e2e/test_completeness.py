"""Issue 10 end to end: the rules of RULES.md that are easy to miss, each over HTTP through
nginx and `scm serve` (the CA reviewing at once, the scheduler passing every second), each
refusal with its message. Helpers and the `ops` stack come from test_management."""

from __future__ import annotations

import re
import time
import uuid

from test_management import JSON, apply, buy, csrf, issued, op_links, ops, prove, status, wait_status  # noqa: F401


def new_domain() -> str:
    return f"www.{uuid.uuid4().hex[:10]}.com"


def validations(st, cert_id):
    with st.db() as db:
        return db.execute("SELECT domain, method, token, email FROM domain_validations WHERE certificate_id = ? ORDER BY domain",
                          (cert_id,)).fetchall()


# --- Apply: change of verification method while CHECKING ----------------------------------------

def test_change_verification_method_while_checking_and_refused_outside(ops):
    client = ops.login()
    cert_id = buy(client)[0]
    domain = new_domain()
    apply(client, cert_id, domain)
    assert status(ops, cert_id) == "CHECKING"
    before = validations(ops, cert_id)
    assert [v[1] for v in before] == ["DNS"]

    # The Verify Domain Name page offers the CNAME alternative and the change of method.
    page = client.get(f"/certificates/{cert_id}/verify-domain").text
    assert "or CNAME to" in page and f"/certificates/{cert_id}/change-method" in page
    page = client.get(f"/certificates/{cert_id}/change-method").text
    assert "Change Verification Method" in page and "Current method: DNS." in page

    # E-mail is for OV and EV: refused at its field, nothing changed.
    r = client.post(f"/certificates/{cert_id}/change-method", {"domain_method": "EMAIL"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400
    assert "E-mail verification is available only for OV and EV certificates" in r.json()["error_msg"]
    assert r.json()["errors"][0]["field"] == "domain_method"
    # The same method again is refused.
    r = client.post(f"/certificates/{cert_id}/change-method", {"domain_method": "DNS"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "already verified by DNS" in r.json()["error_msg"]
    assert validations(ops, cert_id) == before

    # File is for OV and EV too.
    r = client.post(f"/certificates/{cert_id}/change-method", {"domain_method": "FILE"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "File verification is available only for OV and EV certificates" in r.json()["error_msg"]
    # The form re-shows with the message at its field.
    client.get(f"/certificates/{cert_id}/change-method")
    r = client.post(f"/certificates/{cert_id}/change-method", {"domain_method": "EMAIL"})
    assert r.status_code == 400 and "available only for OV and EV" in r.text and 'class="field-error"' in r.text

    # OV: FILE gives new proofs with new tokens in place of the DNS ones; the page shows the file.
    ov = buy(client, "OV_SSL_CERT")[0]
    ov_domain = new_domain()
    apply(client, ov, ov_domain)
    before = validations(ops, ov)
    client.get(f"/certificates/{ov}/change-method")
    r = client.post(f"/certificates/{ov}/change-method", {"domain_method": "FILE", "validation_mailbox": "admin"})
    assert r.status_code == 303 and r.headers["Location"] == f"/certificates/{ov}/verify-domain"
    after = validations(ops, ov)
    assert [v[1] for v in after] == ["FILE"] and after[0][2] != before[0][2]
    assert "/.well-known/pki-validation/" in client.get(f"/certificates/{ov}/verify-domain").text
    assert status(ops, ov) == "CHECKING"

    # E-mail sends a confirmation to the chosen mailbox of each domain.
    r = client.post(f"/certificates/{ov}/change-method", {"domain_method": "EMAIL", "validation_mailbox": "hostmaster"},
                    token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    apex = ov_domain[4:]
    with ops.db() as db:
        recipients = [row[0] for row in db.execute("SELECT recipient FROM mails WHERE certificate_id = ?", (ov,))]
    assert f"hostmaster@{apex}" in recipients
    assert f"hostmaster@{apex}" in client.get("/cloud/mail", params={"to": f"hostmaster@{apex}"}).text

    # Outside CHECKING (issued) the page and the POST are refused with the rule.
    done = issued(ops, client)
    r = client.get(f"/certificates/{done}/change-method")
    assert r.status_code == 400 and "Changing the verification method is not possible while the certificate is" in r.text
    r = client.post(f"/certificates/{done}/change-method", {"domain_method": "FILE"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "allowed only when the certificate is" in r.json()["error_msg"]


# --- Auto-renewal column and the project filter --------------------------------------------------

def auto_renewal_cell(page: str, cert_id: str) -> str:
    row = re.search(rf'<tr data-id="{cert_id}">(.*?)</tr>', page, re.S)
    assert row, f"{cert_id} not on the page"
    cell = re.search(r'data-label="Auto-renewal"[^>]*>(.*?)</td>', row.group(1), re.S)
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip()


def test_auto_renewal_column_and_switch(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    pending = buy(client)[0]
    page = client.get("/certificates", params={"limit": "50"}).text
    assert "Auto-renewal</th>" in page
    assert auto_renewal_cell(page, cert_id) == "Off"
    assert f'href="/certificates/{cert_id}/auto-renew"' in page
    assert auto_renewal_cell(client.get("/certificates", params={"limit": "50"}).text, pending) == "–"
    r = client.post(f"/certificates/{cert_id}/auto-renew", {"enabled": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    assert auto_renewal_cell(client.get("/certificates", params={"limit": "50"}).text, cert_id) == "On"
    # Refused for a certificate that is not issued, with the rule.
    r = client.post(f"/certificates/{pending}/auto-renew", {"enabled": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "Auto-renewal is not possible while the certificate is" in r.json()["error_msg"]


def test_move_to_project_and_filter_the_list_by_project(ops):
    client = ops.login()
    cert_id = buy(client)[0]
    other = buy(client)[0]
    project = f"proj-{uuid.uuid4().hex[:6]}"
    r = client.post(f"/certificates/{cert_id}/move-project", {"enterprise_project": project}, token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    page = client.get("/certificates").text
    assert f'<option value="{project}">{project}</option>' in page and '<select id="project" name="project"' in page
    filtered = client.get("/certificates", params={"project": project}).text
    assert f'<tr data-id="{cert_id}">' in filtered and f'<tr data-id="{other}">' not in filtered
    assert f'<option value="{project}" selected>' in filtered
    # An empty project is refused at its field.
    r = client.post(f"/certificates/{cert_id}/move-project", {"enterprise_project": ""}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "enterprise_project"


# --- Reminders by e-mail and SMS -----------------------------------------------------------------

def test_reminders_by_mail_and_sms(ops):
    from test_management import restart
    client = ops.login()
    cert_id = issued(ops, client, email="bob@applicant.test", phone="+8613700000001")
    with ops.db() as db:
        not_after = db.execute("SELECT not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
    try:
        restart(ops, (not_after - time.time()) / 86400 - 20)
        client = ops.login()
        deadline = time.time() + 20
        sms = ""
        while cert_id not in sms and time.time() < deadline:
            time.sleep(0.3)
            sms = client.get("/cloud/sms").text
        assert "+8613700000001" in sms and cert_id in sms
        mail = client.get("/cloud/mail", params={"to": "bob@applicant.test"}).text
        assert "expires in one month" in mail
    finally:
        restart(ops, 0)
