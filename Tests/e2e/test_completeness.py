"""Issue 10 end to end: the rules of RULES.md that are easy to miss, each over HTTP through
nginx and `scm serve` (the CA reviewing at once, the scheduler passing every second), each
refusal with its message. Helpers and the `ops` stack come from test_management."""

from __future__ import annotations

import re
import time
import uuid

from test_management import (  # noqa: F401  (ops is a fixture)
    JSON, apply, buy, csrf, days_left, issued, op_links, ops, prove, restart, status, wait_status)


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


# --- Apply: draft, pre-filled organization, public IPv4 -------------------------------------------

def apply_form(domain, **changes):
    form = {"csr_mode": "system", "domain": domain, "sans": "", "key_algorithm": "RSA_2048", "domain_method": "DNS",
            "company_name": "Example Ltd", "country": "CN", "company_province": "Guangdong", "company_city": "Shenzhen",
            "applicant_name": "Alice Zhang", "applicant_phone": "+8613800000000", "applicant_email": "alice@applicant.test",
            "agree": "on", "action": "submit"}
    form.update(changes)
    return form


def test_save_draft_then_reopen_and_prefilled_organization(ops):
    client = ops.login()
    cert_id = buy(client, "OV_SSL_CERT")[0]
    domain = new_domain()
    client.get(f"/certificates/{cert_id}/apply")
    r = client.post(f"/certificates/{cert_id}/apply",
                    apply_form(domain, action="save", company_name="Draft Works Ltd", agree=""))
    assert r.status_code == 303
    assert status(ops, cert_id) == "PAID"  # nothing submitted
    page = client.get(f"/certificates/{cert_id}/apply").text
    assert f'value="{domain}"' in page and 'value="Draft Works Ltd"' in page
    # Submitted later from the draft; a new certificate's Apply page offers the same organization.
    r = client.post(f"/certificates/{cert_id}/apply", apply_form(domain, company_name="Draft Works Ltd"),
                    token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    fresh = buy(client, "OV_SSL_CERT")[0]
    page = client.get(f"/certificates/{fresh}/apply").text
    assert 'value="Draft Works Ltd"' in page and 'value="Alice Zhang"' in page
    assert f'value="{domain}"' not in page  # the domain is not carried over
    # The form's hints.
    assert "www.example.com" in page and "uploaded CSR" in page


def test_public_ipv4_for_ov_single_domain_by_file_only(ops):
    client = ops.login()
    ov = buy(client, "OV_SSL_CERT")[0]
    r = client.post(f"/certificates/{ov}/apply", apply_form("8.8.4.4", domain_method="DNS"),
                    token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "can be verified only by File" in r.json()["error_msg"]
    r = client.post(f"/certificates/{ov}/apply", apply_form("10.1.2.3", domain_method="FILE"), token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "only a public IP address" in r.json()["error_msg"]
    r = client.post(f"/certificates/{ov}/apply", apply_form("8.8.4.4", domain_method="FILE"), token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    assert status(ops, ov) == "CHECKING"
    assert [v[1] for v in validations(ops, ov)] == ["FILE"]
    dv = buy(client)[0]
    r = client.post(f"/certificates/{dv}/apply", apply_form("8.8.4.4", domain_method="DNS", company_name=""),
                    token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "available only for OV and OV Pro" in r.json()["error_msg"]
    assert status(ops, dv) == "PAID"


# --- New application after "Approval failed" -----------------------------------------------------

def test_new_application_after_unpassed_keeps_the_data(ops):
    client = ops.login()
    cert_id = buy(client)[0]
    domain = new_domain()
    apply(client, cert_id, domain, email="carol@applicant.test")
    r = client.post(f"/certificates/{cert_id}/new-application", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "A new application is not possible while the certificate is" in r.json()["error_msg"]
    try:
        restart(ops, 31)  # no proof within 30 days: the CA fails the application
        wait_status(ops, cert_id, "UNPASSED")
        client = ops.login()
        assert "new-application" in op_links(client, cert_id)
        assert "within 30 days" in client.get(f"/certificates/{cert_id}").text
        page = client.get(f"/certificates/{cert_id}/new-application").text
        # Not irreversible, so no "cannot be undone" dialog; the page says where the certificate
        # goes and why the CA failed it.
        assert "data-confirm" not in page
        assert f'action="/certificates/{cert_id}/new-application"' in page
        assert "returns to &quot;Pending application&quot;" in page
        assert "reason for the failure: The domain name verification was not completed within 30 days" in page
        client.get(f"/certificates/{cert_id}/new-application")
        r = client.post(f"/certificates/{cert_id}/new-application", {})
        assert r.status_code == 303
        assert status(ops, cert_id) == "PAID"
        page = client.get(f"/certificates/{cert_id}/apply").text
        assert f'value="{domain}"' in page and 'value="carol@applicant.test"' in page
    finally:
        restart(ops, 0)


# --- Orders page and the operations column --------------------------------------------------------

def test_orders_page_lists_purchases_renewals_and_refunds(ops):
    client = ops.login()
    bought = buy(client)[0]
    # Unsubscribe's confirmation page has its checkbox; without it the refund is refused.
    page = client.get(f"/certificates/{bought}/unsubscribe").text
    assert 'type="checkbox"' in page
    r = client.post(f"/certificates/{bought}/unsubscribe", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 400
    r = client.post(f"/certificates/{bought}/unsubscribe", {"acknowledge": "on", "agree": "on", "confirm": "on"},
                    token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    page = client.get("/orders").text
    for kind in ("Purchase", "Refund"):
        assert kind in page
    assert "¥" in page and "−¥" in page


def ops_of_row(page: str, cert_id: str) -> tuple[list[str], list[str]]:
    row = re.search(rf'<tr data-id="{cert_id}">(.*?)</tr>', page, re.S).group(1)
    cell = re.search(r'class="ops">(.*?)</td>', row, re.S).group(1)
    more = re.search(r'<div class="more-menu">(.*?)</div>', cell, re.S)
    shown = re.findall(r'<a href="[^"]+" class="op[^"]*">([^<]+)</a>', cell)
    return shown, re.findall(r">([^<]+)</a>", more.group(1)) if more else []


def test_operations_column_per_status(ops):
    client = ops.login()
    paid = buy(client)[0]
    checking = buy(client)[0]
    apply(client, checking, new_domain())
    done = issued(ops, client)
    page = client.get("/certificates", params={"limit": "50"}).text
    assert ops_of_row(page, paid) == (["Apply", "Unsubscribe"], [])
    assert ops_of_row(page, checking) == (["Verify Domain Name", "Withdraw Application"], [])
    shown, more = ops_of_row(page, done)
    assert shown == ["Download", "Deploy", "Push", "Revoke", "Delete"], shown
    assert more == ["Reissue"], more  # Add Additional Domain Name is for multi-domain certificates
    multi = buy(client, domain_type="MULTI_DOMAIN", domains=3)[0]
    # Names without www.: the proof helper publishes at _dnsauth.<name> for them in every domain type.
    apply(client, multi, new_domain()[4:], sans=new_domain()[4:])
    prove(ops, multi)
    wait_status(ops, multi, "ISSUED")
    shown, more = ops_of_row(client.get("/certificates", params={"limit": "50"}).text, multi)
    assert shown == ["Download", "Deploy", "Push", "Revoke", "Delete"], shown
    assert more == ["Add Additional Domain Name"], more  # no reissue for multi-domain (RULES.md §3)


# --- DNS simulator ---------------------------------------------------------------------------------

def ensure_zone(client, zone: str) -> int:
    client.post("/cloud/dns/zones", {"zone": zone}, token=csrf(client), headers=JSON)
    page = client.get("/cloud/dns").text
    return int(re.search(r'href="/cloud/dns/zones/(\d+)"[^>]*>\s*' + re.escape(zone), page).group(1))


def add_record(client, zone_id, name, rtype, values, ttl="1"):
    return client.post(f"/cloud/dns/zones/{zone_id}/records", {"name": name, "type": rtype, "ttl": ttl, "values": values},
                       token=csrf(client), headers=JSON)


def test_dns_simulator_records_cname_proof_and_automatic_verification(ops):
    client = ops.login()
    zone_name = f"{uuid.uuid4().hex[:10]}.net"
    zone = ensure_zone(client, zone_name)
    for name, rtype, value in (("a", "A", "192.0.2.1"), ("a", "AAAA", "2001:db8::1"), ("c", "CNAME", f"a.{zone_name}"),
                               ("t", "TXT", "hello world"), ("@", "CAA", '0 issue "digicert.com"')):
        r = add_record(client, zone, name, rtype, value, ttl="300" if name == "t" else "1")
        assert r.status_code == 200, r.text
    # One set per name and type: a second A set for the same name is refused; Modify adds values.
    r = add_record(client, zone, "a", "A", "192.0.2.2")
    assert r.status_code == 409 and "one set per name and type" in r.json()["error_msg"]
    r = add_record(client, zone, "x", "MX", "mail")
    assert r.status_code == 400 and "choose A, AAAA, CNAME, TXT or CAA" in r.json()["error_msg"]
    page = client.get(f"/cloud/dns/zones/{zone}").text
    assert "&quot;hello world&quot;" in page  # TXT values are quoted
    assert "Normal" in page and "Propagating (TTL 300 s)" in page
    time.sleep(1.2)
    assert "Visible to the CA" in client.get(f"/cloud/dns/zones/{zone}").text

    # A CNAME proof is accepted as well as TXT.
    cert_id = buy(client)[0]
    apply(client, cert_id, f"www.{zone_name}")
    (domain, method, token, _), = validations(ops, cert_id)
    r = add_record(client, zone, "_dnsauth", "CNAME", f"{token}.dnsauth.ca-validation.scm.test")
    assert r.status_code == 200, r.text
    wait_status(ops, cert_id, "ISSUED")

    # Automatic DNS verification from the Verify Domain Name page when the zone is hosted here.
    auto = buy(client)[0]
    apply(client, auto, f"shop.{zone_name}")
    page = client.get(f"/certificates/{auto}/verify-domain").text
    assert "Add the records automatically" in page
    r = client.post(f"/certificates/{auto}/auto-dns", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    with ops.db() as db:
        assert db.execute("SELECT count(*) FROM dns_record_sets WHERE name = ? AND type = 'TXT'",
                          (f"_dnsauth.shop.{zone_name}",)).fetchone()[0] == 1
    # Not hosted here: no button, and the POST is refused with the reason.
    elsewhere = buy(client)[0]
    apply(client, elsewhere, new_domain())
    assert "Add the records automatically" not in client.get(f"/certificates/{elsewhere}/verify-domain").text
    r = client.post(f"/certificates/{elsewhere}/auto-dns", {}, token=csrf(client), headers=JSON)
    assert r.status_code >= 400 and r.json()["error_msg"]


def test_caa_holds_with_its_reason_and_changing_it_releases(ops):
    client = ops.login()
    zone_name = f"{uuid.uuid4().hex[:10]}.org"
    zone = ensure_zone(client, zone_name)
    assert add_record(client, zone, "@", "CAA", '0 issue "letsencrypt.org"').status_code == 200
    cert_id = buy(client)[0]
    apply(client, cert_id, f"www.{zone_name}")
    (_, _, token, _), = validations(ops, cert_id)
    assert add_record(client, zone, "_dnsauth", "TXT", token).status_code == 200
    deadline = time.time() + 10
    page = ""
    while "does not authorize" not in page and time.time() < deadline:
        time.sleep(0.3)
        page = client.get(f"/certificates/{cert_id}/verify-domain").text
    assert "does not authorize" in page and "letsencrypt.org" in page
    assert status(ops, cert_id) == "CHECKING"
    with ops.db() as db:
        caa = db.execute("SELECT id FROM dns_record_sets WHERE name = ? AND type = 'CAA'", (zone_name,)).fetchone()[0]
    client.get(f"/cloud/dns/records/{caa}/edit")
    r = client.post(f"/cloud/dns/records/{caa}", {"ttl": "1", "values": '0 issue "digicert.com"'}, headers=JSON)
    assert r.status_code == 200, r.text
    wait_status(ops, cert_id, "ISSUED")


# --- Expired certificates: download and delete ----------------------------------------------------

def test_expired_certificate_downloads_and_deletes(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    with ops.db(readonly=False) as db:
        db.execute("UPDATE certificates SET status = 'EXPIRED' WHERE id = ?", (cert_id,))
    page = client.get("/certificates", params={"limit": "50"}).text
    assert ops_of_row(page, cert_id) == (["Download", "Delete"], [])
    for server in ("nginx", "weblogic", "resin"):
        r = client.get(f"/certificates/{cert_id}/download/{server}")
        assert r.status_code == 200 and r.content[:2] == b"PK", server
    r = client.post(f"/certificates/{cert_id}/revoke", {}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "Revocation is not possible while the certificate is" in r.json()["error_msg"]
    client.get(f"/certificates/{cert_id}/delete")
    r = client.post(f"/certificates/{cert_id}/delete", {})
    assert r.status_code == 303
    assert status(ops, cert_id) is None


# --- Reissue and Add additional domain ------------------------------------------------------------

def test_reissue_confirmation_mail_confirm_operation_on_the_list_and_old_revoked(ops):
    client = ops.login()
    cert_id = issued(ops, client)
    with ops.db() as db:
        old_serial, old_expiry = db.execute("SELECT serial_number, not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()
    fresh = new_domain()
    client.get(f"/certificates/{cert_id}/reissue")
    r = client.post(f"/certificates/{cert_id}/reissue", {
        "csr_mode": "system", "domain": fresh, "domain_method": "DNS", "key_algorithm": "RSA_2048",
        "applicant_name": "Alice Zhang", "applicant_phone": "+8613800000000", "applicant_email": "alice@applicant.test",
        "agree": "on"})
    assert r.status_code == 303, r.text
    # The CA mails the applicant a confirmation of the old certificate's cancellation; until it is
    # answered the list shows "Confirm Operation", and the proofs alone do not issue.
    with ops.db() as db:
        mail_id, token, recipient = db.execute(
            "SELECT id, action_token, recipient FROM mails WHERE certificate_id = ? AND action = 'confirm-reissue'",
            (cert_id,)).fetchone()
    assert recipient == "alice@applicant.test"
    prove(ops, cert_id)
    time.sleep(1.5)
    assert status(ops, cert_id) == "REISSUING"
    shown, _ = ops_of_row(client.get("/certificates", params={"limit": "50"}).text, cert_id)
    assert "Confirm Operation" in shown
    # A second reissue meanwhile is refused with the rule.
    r = client.post(f"/certificates/{cert_id}/reissue", {"domain": fresh, "agree": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "Reissue is not possible while the certificate is" in r.json()["error_msg"]
    client.get("/cloud/mail")
    assert client.post(f"/cloud/mail/{mail_id}/follow", {"token": token}).status_code == 303
    wait_status(ops, cert_id, "ISSUED")
    with ops.db() as db:
        serial, expiry = db.execute("SELECT serial_number, not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()
        revoked = db.execute("SELECT count(*) FROM revoked_serials WHERE serial_number = ?", (old_serial,)).fetchone()[0]
    assert serial != old_serial and revoked == 1 and abs(expiry - old_expiry) < 1
    shown, _ = ops_of_row(client.get("/certificates", params={"limit": "50"}).text, cert_id)
    assert "Confirm Operation" not in shown


def test_add_domain_asks_for_an_email_and_keeps_the_expiry(ops):
    client = ops.login()
    cert_id = buy(client, domain_type="MULTI_DOMAIN", domains=4)[0]
    base = uuid.uuid4().hex[:10] + ".com"
    apply(client, cert_id, f"a.{base}", sans=f"b.{base}")
    prove(ops, cert_id)
    wait_status(ops, cert_id, "ISSUED")
    with ops.db() as db:
        expiry = db.execute("SELECT not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
    page = client.get(f"/certificates/{cert_id}/add-domains").text
    assert 'name="email"' in page and "E-mail address for the notices" in page
    r = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"c.{base}", "email": ""}, token=csrf(client), headers=JSON)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "email"
    r = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"c.{base}\nd.{base}\ne.{base}", "email": "ops@example.org"},
                    token=csrf(client), headers=JSON)
    assert r.status_code == 400 and "at most 2 can be added" in r.json()["error_msg"]  # 5 names, quota 4
    r = client.post(f"/certificates/{cert_id}/add-domains", {"sans": f"c.{base}", "email": "ops@example.org"},
                    token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["status"] == "SUPPLEMENTCHECKING"
    prove(ops, cert_id)
    wait_status(ops, cert_id, "ISSUED")
    time.sleep(0.3)
    with ops.db() as db:
        sans, new_expiry = db.execute("SELECT sans, not_after FROM certificates WHERE id = ?", (cert_id,)).fetchone()
        notices = db.execute("SELECT count(*) FROM mails WHERE certificate_id = ? AND recipient = 'ops@example.org'",
                             (cert_id,)).fetchone()[0]
    assert sans == f"b.{base};c.{base}" and abs(new_expiry - expiry) < 1
    assert notices >= 1


# --- Downloads: WebLogic and Resin; an uploaded CSR downloads without a key ---------------------

def zip_names(content: bytes) -> list[str]:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sorted(name.split("/")[-1] for name in archive.namelist())


def test_weblogic_resin_and_uploaded_csr_downloads(ops, tmp_path):
    import subprocess
    client = ops.login()
    domain = new_domain()
    cert_id = issued(ops, client, domain=domain)
    page = client.get(f"/certificates/{cert_id}/download").text
    assert "WebLogic" in page and "Resin" in page
    assert zip_names(client.get(f"/certificates/{cert_id}/download/weblogic").content) == sorted([f"{domain}.p12", "keystorePass.txt"])
    assert zip_names(client.get(f"/certificates/{cert_id}/download/resin").content) == [f"{domain}.crt", f"{domain}.key"]

    own = new_domain()
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "own.key", "-out", "own.csr",
                    "-subj", f"/CN={own}", "-addext", f"subjectAltName=DNS:{own}"], cwd=tmp_path, check=True, capture_output=True)
    csr_cert = buy(client)[0]
    r = client.post(f"/certificates/{csr_cert}/apply", {
        "csr_mode": "uploaded", "csr": (tmp_path / "own.csr").read_text(), "domain": "", "domain_method": "DNS",
        "applicant_name": "Alice Zhang", "applicant_phone": "+8613800000000", "applicant_email": "alice@applicant.test",
        "agree": "on", "action": "submit"}, token=csrf(client), headers=JSON)
    assert r.status_code == 200, r.text
    prove(ops, csr_cert)
    wait_status(ops, csr_cert, "ISSUED")
    assert "applied for with an uploaded CSR" in client.get(f"/certificates/{csr_cert}/download").text
    for server in ("nginx", "weblogic"):
        content = client.get(f"/certificates/{csr_cert}/download/{server}").content
        assert zip_names(content) == sorted(["README.txt", f"{own}.crt", f"{own}_ca.crt", f"{own}_fullchain.crt"])
        assert b"PRIVATE KEY" not in content


# --- Auto-renewal by the scheduler ------------------------------------------------------------------

def test_auto_renewal_buys_and_applies_30_days_before_expiry(ops):
    client = ops.login()
    domain = new_domain()
    cert_id = issued(ops, client, domain=domain)
    r = client.post(f"/certificates/{cert_id}/auto-renew", {"enabled": "on"}, token=csrf(client), headers=JSON)
    assert r.status_code == 200 and r.json()["auto_renew"] is True
    try:
        restart(ops, days_left(ops, cert_id) - 29)
        deadline = time.time() + 20
        renewal = None
        while renewal is None and time.time() < deadline:
            time.sleep(0.3)
            with ops.db() as db:
                row = db.execute("SELECT renewed_by FROM certificates WHERE id = ?", (cert_id,)).fetchone()
            renewal = row[0] if row else None
        assert renewal, ops.scm.log()[-2000:]
        # Bought, then applied for in a second step; the message comes last.
        while time.time() < deadline:
            with ops.db() as db:
                if db.execute("SELECT 1 FROM messages WHERE certificate_id = ? AND kind = 'AUTO_RENEWAL'", (renewal,)).fetchone():
                    break
            time.sleep(0.3)
        with ops.db() as db:
            r_status, r_domain = db.execute("SELECT status, domain FROM certificates WHERE id = ?", (renewal,)).fetchone()
        assert r_status in ("CHECKING", "CHECKING_ORG", "ISSUED") and r_domain == domain  # applied with the same data
        client = ops.login()
        assert "was renewed automatically" in client.get("/messages").text
        assert "Renewal" in client.get("/orders").text
    finally:
        restart(ops, 0)


# --- Reminders by e-mail and SMS (last: it moves the clock, and the auto-renewals it triggers apply in the future) -----------------------------------------------------------------

def test_reminders_by_mail_and_sms(ops):
    client = ops.login()
    cert_id = issued(ops, client, email="bob@applicant.test", phone="+8613700000001")
    try:
        restart(ops, days_left(ops, cert_id) - 20)
        client = ops.login()
        deadline = time.time() + 20
        sms = ""
        while cert_id not in sms and time.time() < deadline:
            time.sleep(0.3)
            sms = client.get("/cloud/sms").text
        assert "+8613700000001" in sms and cert_id in sms
        assert 'href="/cloud/sms"' in client.get("/cloud").text  # beside the mailbox among the cloud products
        mail = client.get("/cloud/mail", params={"to": "bob@applicant.test"}).text
        assert "expires in one month" in mail
    finally:
        restart(ops, 0)
