"""Issue 4 end to end: buy → apply → prove → the CA issues, with real PKI checked by openssl.

A stack of its own: the CA simulator reviews instantly (--review-scale 0) and the scheduler
passes five times a second, so a certificate moves as soon as its proof is visible.
"""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import LIFECYCLE_ARGS, hidden_input, make_stack, status, stop_stack, wait_status

JSON = {"Accept": "application/json"}


def post_json(console, path, data):
    console.get("/certificates")
    resp = console.post(path, data, headers=JSON)
    return resp, resp.json()


def buy(console, **fields) -> str:
    form = {"cert_brand": "SYMANTEC", "cert_type": "OV_SSL_CERT", "domain_type": "SINGLE_DOMAIN",
            "primary_domain_type": "primary_single", "domain_numbers": "1", "effective_time": "1",
            "order_number": "1", "enterprise_project": "default", "agree": "on", "action": "pay"}
    form.update(fields)
    resp, body = post_json(console, "/certificates/buy", form)
    assert resp.status_code == 200, body
    return body["cert"][0]["cert_id"]


APPLICANT = {"applicant_name": "Li Wei", "applicant_phone": "+86 138 0000 0000",
             "applicant_email": "li.wei@example.com", "agree": "on", "action": "submit"}
COMPANY = {"company_name": "Example Shop Ltd", "country": "CN", "company_province": "Guangdong",
           "company_city": "Shenzhen"}


def validations(life, cert_id):
    with life.db() as db:
        return db.execute("SELECT domain, token FROM domain_validations WHERE certificate_id = ?",
                          (cert_id,)).fetchall()


def ensure_zone(console, zone: str) -> int:
    post_json(console, "/cloud/dns/zones", {"zone": zone})
    page = console.get("/cloud/dns").text
    match = re.search(r'href="/cloud/dns/zones/(\d+)"[^>]*>\s*' + re.escape(zone), page)
    assert match, f"zone {zone} not listed"
    return int(match.group(1))


def dv_applied_by_dns(console, domain: str, zone: str) -> tuple[str, int]:
    """A DV certificate bought and applied for `domain` with DNS proof, and the simulator's
    `zone` the proof goes into: (certificate ID, zone ID)."""
    cert_id = buy(console, cert_type="DV_SSL_CERT")
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {**APPLICANT, "domain": domain, "domain_method": "DNS"})
    assert resp.status_code == 200, body
    return cert_id, ensure_zone(console, zone)


def add_record(console, zone_id, name, rtype, values, ttl="1"):
    return post_json(console, f"/cloud/dns/zones/{zone_id}/records",
                     {"name": name, "type": rtype, "ttl": ttl, "values": values})


def authority(console, brand: str, tmp: Path) -> tuple[Path, Path]:
    root, inter = tmp / f"{brand}-root.pem", tmp / f"{brand}-inter.pem"
    for name, path in (("root", root), ("intermediate", inter)):
        resp = console.get(f"/cloud/ca/{brand}/{name}.pem")
        assert resp.status_code == 200, resp.text[:200]
        path.write_text(resp.text)
    return root, inter


def issued_pem(life, cert_id) -> str:
    with life.db() as db:
        return db.execute("SELECT certificate_pem FROM certificate_materials WHERE certificate_id = ?",
                          (cert_id,)).fetchone()[0]


def openssl(*args, input_text=None) -> str:
    proc = subprocess.run(["openssl", *args], input=input_text, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def sans_of(pem: str) -> list[str]:
    text = openssl("x509", "-noout", "-ext", "subjectAltName", input_text=pem)
    return re.findall(r"DNS:([^,\s]+)", text)


# --- (a) multiple-domain OV, system CSR, DNS TXT, organization mail -----------------------

def test_multi_domain_ov_issued_and_verifies_with_openssl(life, console, tmp_path):
    cert_id = buy(console, domain_type="MULTI_DOMAIN", domain_numbers="3")
    names = ["www.alpha-shop.com", "api.alpha-shop.com", "pay.alpha-shop.com"]
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, **COMPANY, "domain": names[0], "sans": "\n".join(names[1:]), "csr_mode": "system",
        "key_algorithm": "RSA_2048", "domain_method": "DNS", "ca_hash_algorithm": "DEFAULT"})
    assert resp.status_code == 200, body
    assert status(life, cert_id) == "CHECKING"

    # The Verify Domain Name page shows host record, type and value for every domain.
    page = console.get(f"/certificates/{cert_id}/verify-domain").text
    zone = ensure_zone(console, "alpha-shop.com")
    for domain, token in validations(life, cert_id):
        assert f"_dnsauth.{domain}" in page and token in page
        resp, body = add_record(console, zone, f"_dnsauth.{domain.removesuffix('.alpha-shop.com')}", "TXT", token)
        assert resp.status_code == 200, body
    wait_status(life, cert_id, "CHECKING_ORG")

    # The CA's organization mail arrives in the mailbox; following its link verifies.
    mails = console.get("/cloud/mail", params={"to": "li.wei@example.com"}).text
    mail_ids = re.findall(r'href="/cloud/mail/(\d+)"', mails)
    assert mail_ids, "no organization verification mail for the applicant"
    mail_page = console.get(f"/cloud/mail/{mail_ids[0]}").text
    token = re.search(r'name="token" value="([^"]+)"', mail_page).group(1)
    resp = console.post(f"/cloud/mail/{mail_ids[0]}/follow", {"token": token})
    assert resp.status_code == 303
    wait_status(life, cert_id, "ISSUED")

    pem = issued_pem(life, cert_id)
    root, inter = authority(console, "SYMANTEC", tmp_path)
    leaf = tmp_path / "leaf.pem"
    leaf.write_text(pem)
    assert openssl("verify", "-CAfile", str(root), "-untrusted", str(inter), str(leaf)).strip().endswith("OK")
    assert sans_of(pem) == names
    subject = openssl("x509", "-noout", "-subject", input_text=pem)
    assert "O = Example Shop Ltd" in subject and "OU" not in subject and "li.wei" not in subject
    # The details page shows the serial, fingerprint and the PEM once issued.
    details = console.get(f"/certificates/{cert_id}").text
    serial = openssl("x509", "-noout", "-serial", input_text=pem).strip().split("=")[1]
    assert serial in details and "BEGIN CERTIFICATE" in details


# --- (b) wildcard DV with a CSR made by openssl req ---------------------------------------

def test_wildcard_dv_with_uploaded_openssl_csr(life, console, tmp_path):
    key, csr = tmp_path / "k.pem", tmp_path / "r.csr"
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(csr), "-subj", "/CN=*.beta-blog.net",
                    "-addext", "subjectAltName=DNS:*.beta-blog.net"], check=True, capture_output=True)
    cert_id = buy(console, cert_brand="GEOTRUST", cert_type="DV_SSL_CERT", domain_type="WILDCARD")
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, "csr_mode": "uploaded", "csr": csr.read_text(), "domain_method": "DNS"})
    assert resp.status_code == 200, body
    (domain, token), = validations(life, cert_id)
    assert domain == "*.beta-blog.net"
    # A wildcard is proven at its parent: _dnsauth.beta-blog.net.
    zone = ensure_zone(console, "beta-blog.net")
    add_record(console, zone, "_dnsauth", "TXT", token)
    wait_status(life, cert_id, "ISSUED")
    pem = issued_pem(life, cert_id)
    assert sans_of(pem) == ["*.beta-blog.net"]
    # Issued for the CSR's own key: the key made by openssl matches the certificate.
    cert_pub = openssl("x509", "-noout", "-pubkey", input_text=pem)
    key_pub = openssl("pkey", "-in", str(key), "-pubout")
    assert cert_pub == key_pub
    root, inter = authority(console, "GEOTRUST", tmp_path)
    leaf = tmp_path / "leaf.pem"
    leaf.write_text(pem)
    assert "OK" in openssl("verify", "-CAfile", str(root), "-untrusted", str(inter), str(leaf))
    # No key is held for an uploaded CSR.
    with life.db() as db:
        assert db.execute("SELECT sealed_private_key FROM certificate_materials WHERE certificate_id = ?",
                          (cert_id,)).fetchone()[0] is None


# --- (c) CAA naming another CA: held with the reason, UNPASSED after the deadline ---------

def test_caa_record_for_another_ca_fails_with_that_reason():
    st = make_stack()
    try:
        console = st.login()
        cert_id, zone = dv_applied_by_dns(console, "shop.gamma-caa.org", "gamma-caa.org")
        add_record(console, zone, "@", "CAA", '0 issue "letsencrypt.org"')
        (domain, token), = validations(st, cert_id)
        add_record(console, zone, "_dnsauth.shop", "TXT", token)
        # Held in review with the reason on its pages.
        deadline = time.time() + 10
        while time.time() < deadline:
            with st.db() as db:
                hold = db.execute("SELECT hold_reason FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
            if hold:
                break
            time.sleep(0.1)
        assert hold and "CAA" in hold and "letsencrypt.org" in hold and "DigiCert" in hold
        assert status(st, cert_id) == "CHECKING"
        assert "does not authorize" in console.get(f"/certificates/{cert_id}/verify-domain").text
        # 31 days later (a restart with the clock shifted), the CA gives up with the reason.
        assert st.scm.stop(signal.SIGTERM) == 0
        st.scm.extra_args = LIFECYCLE_ARGS + ("--clock-offset-days", "31")
        st.scm.start()
        wait_status(st, cert_id, "UNPASSED")
        with st.db() as db:
            reason = db.execute("SELECT fail_reason FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
        assert "CAA" in reason and "30 days" in reason
        # The session did not survive 31 days (absolute lifetime): sign in again.
        assert console.get(f"/certificates/{cert_id}").status_code == 303
        assert "CAA" in st.login().get(f"/certificates/{cert_id}").text
    finally:
        stop_stack(st)


def test_the_verify_button_asks_the_ca_at_once():
    """The scheduler passes once an hour here, so only the Verify button can move the certificate."""
    st = make_stack(("--review-scale", "0", "--scheduler-interval", "3600"))
    try:
        console = st.login()
        cert_id, zone = dv_applied_by_dns(console, "shop.delta-verify.org", "delta-verify.org")
        (domain, token), = validations(st, cert_id)
        add_record(console, zone, "_dnsauth.shop", "TXT", token, ttl="1")
        time.sleep(1.5)  # the record's TTL
        assert status(st, cert_id) == "CHECKING"
        page = console.get(f"/certificates/{cert_id}/verify-domain").text
        assert f'action="/certificates/{cert_id}/verify-domain"' in page
        resp = console.post(f"/certificates/{cert_id}/verify-domain", {})
        assert resp.status_code == 303, resp.text[:500]
        assert status(st, cert_id) == "ISSUED"
        with st.db() as db:
            clicks = db.execute("SELECT count(*) FROM events WHERE target = ? AND action = 'scm:cert:verify-domain'",
                                (cert_id,)).fetchone()[0]
        assert clicks == 1
    finally:
        stop_stack(st)


def test_changing_the_caa_record_releases_the_certificate(life, console):
    cert_id, zone = dv_applied_by_dns(console, "www.delta-caa.io", "delta-caa.io")
    add_record(console, zone, "@", "CAA", '0 issue "globalsign.com"')
    (domain, token), = validations(life, cert_id)
    # www. single domain: proven at the parent.
    add_record(console, zone, "_dnsauth", "TXT", token)
    time.sleep(1.5)
    assert status(life, cert_id) == "CHECKING"
    hold = console.get(f"/certificates/{cert_id}/verify-domain").text
    assert "does not authorize" in hold and "globalsign.com" in hold
    # The CAA set is modified through its own Modify link on the zone page.
    with life.db() as db:
        caa_id = db.execute("SELECT id FROM dns_record_sets WHERE name = 'delta-caa.io' AND type = 'CAA'").fetchone()[0]
    assert f'href="/cloud/dns/records/{caa_id}/edit"' in console.get(f"/cloud/dns/zones/{zone}").text
    edit = console.get(f"/cloud/dns/records/{caa_id}/edit").text
    assert "globalsign.com" in edit
    resp = console.post(f"/cloud/dns/records/{caa_id}", {"ttl": "1", "values": '0 issue "digicert.com"'}, headers=JSON)
    assert resp.status_code == 200, resp.text
    wait_status(life, cert_id, "ISSUED")
    with life.db() as db:
        assert db.execute("SELECT hold_reason FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0] in (None, "")


# --- Bad input: a clear message, nothing changed -------------------------------------------

def apply_refused(life, console, cert_id, fields, field, words):
    before = status(life, cert_id)
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", fields)
    assert resp.status_code == 400, body
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert field in messages, body
    for word in words:
        assert word.lower() in messages[field].lower(), messages[field]
    assert status(life, cert_id) == before
    return messages


def test_apply_refusals(life, console, tmp_path):
    single = buy(console, cert_type="DV_SSL_CERT")
    multi = buy(console, domain_type="MULTI_DOMAIN", domain_numbers="2")
    ev = buy(console, cert_type="EV_SSL_CERT")
    base = {**APPLICANT, "domain_method": "DNS"}
    apply_refused(life, console, single, {**base, "domain": "*.example.com"}, "domain", ["*"])
    apply_refused(life, console, multi, {**base, **COMPANY, "domain": "*.*.example.com", "sans": "a.example.com"}, "domain", ["*"])
    apply_refused(life, console, multi, {**base, **COMPANY, "domain": "a.example.com", "sans": "b.example.com\nc.example.com"}, "sans", ["2"])
    apply_refused(life, console, multi, {**base, **COMPANY, "domain": "a.example.com", "sans": "A.example.com"}, "sans", ["only once"])
    apply_refused(life, console, single, {**base, "domain": "a..example.com"}, "domain", ["label"])
    apply_refused(life, console, single, {**base, "domain": ("x" * 64) + ".example.com"}, "domain", ["63"])
    apply_refused(life, console, single, {**base, "domain": "☃.example.com"}, "domain", ["punycode"])
    apply_refused(life, console, ev, {**base, "domain": "www.example.com"}, "company_name", ["company"])
    apply_refused(life, console, single, {**APPLICANT, "domain": "www.example.com", "domain_method": "DNS", "agree": ""}, "agree", [])
    # A mis-signed CSR and a malformed one.
    key, csr = tmp_path / "k.pem", tmp_path / "r.csr"
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
                    "-subj", "/CN=www.example.com"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "req", "-in", str(csr), "-outform", "DER"], capture_output=True, check=True).stdout
    tampered = bytearray(der)
    tampered[-5] ^= 0xFF
    import base64
    pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(bytes(tampered)).decode() + "-----END CERTIFICATE REQUEST-----\n"
    apply_refused(life, console, single, {**base, "csr_mode": "uploaded", "csr": pem}, "csr", ["signature"])
    apply_refused(life, console, single, {**base, "csr_mode": "uploaded", "csr": "hello"}, "csr", ["pem"])
    # Unicode that can become Punycode is converted, never stored raw.
    resp, body = post_json(console, f"/certificates/{single}/apply", {**base, "domain": "www.bücher.example"})
    assert resp.status_code == 200, body
    with life.db() as db:
        assert db.execute("SELECT domain FROM certificates WHERE id = ?", (single,)).fetchone()[0] == "www.xn--bcher-kva.example"


def test_apply_in_the_wrong_state_and_double_submission(life, console):
    cert_id = buy(console, cert_type="DV_SSL_CERT")
    form = {**APPLICANT, "domain": "www.epsilon-race.com", "domain_method": "DNS"}
    console.get("/certificates")
    token = console.csrf_token()
    results = []

    def submit():
        results.append(console.post(f"/certificates/{cert_id}/apply", form, token=token, headers=JSON))

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes.count(200) == 1, [(r.status_code, r.text[:200]) for r in results]
    for r in results:
        if r.status_code != 200:
            assert r.status_code in (400, 409)
            assert "Pending domain name verification" in r.json()["error_msg"]
    with life.db() as db:
        applies = db.execute("SELECT count(*) FROM events WHERE target = ? AND action = 'scm:cert:apply' AND result = 'success'",
                             (cert_id,)).fetchone()[0]
    assert applies == 1


def test_buy_refusals_change_nothing(life, console):
    with life.db() as db:
        before = db.execute("SELECT count(*) FROM certificates").fetchone()[0]
    cases = [
        ({"cert_type": "EV_SSL_CERT", "domain_type": "WILDCARD"}, "domain_type"),
        ({"domain_type": "MULTI_DOMAIN", "domain_numbers": "251"}, "domain_numbers"),
        ({"order_number": "0"}, "order_number"),
        ({"agree": ""}, "agree"),
        # Unknown catalogue codes are refused on their field, never replaced by a default.
        ({"cert_brand": "NOPE"}, "cert_brand"),
        ({"cert_type": "DV_SSL_CERT_ULTRA"}, "cert_type"),
        ({"domain_type": ""}, "domain_type"),
        ({"domain_type": "MULTI_DOMAIN", "domain_numbers": "3", "primary_domain_type": "primary_both"}, "primary_domain_type"),
    ]
    for fields, field in cases:
        form = {"cert_brand": "SYMANTEC", "cert_type": "OV_SSL_CERT", "domain_type": "SINGLE_DOMAIN",
                "domain_numbers": "1", "effective_time": "1", "order_number": "1", "agree": "on", "action": "pay", **fields}
        resp, body = post_json(console, "/certificates/buy", form)
        assert resp.status_code == 400 and field in {e["field"] for e in body["errors"]}, body
    with life.db() as db:
        assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == before


def test_buy_form_names_the_field_of_an_unknown_code(life, console):
    console.get("/certificates/buy")
    form = {"cert_brand": "NOPE", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": "1",
            "order_number": "1", "agree": "on", "action": "pay"}
    page = console.post("/certificates/buy", form)
    assert page.status_code == 400
    assert "Certificate authority: &quot;NOPE&quot; is not an option; choose one of SYMANTEC, GEOTRUST" in page.text, page.text[:2000]
    quote = console.post("/certificates/buy", {**form, "action": "quote"})
    assert quote.status_code == 400 and "is not an option" in quote.text and "Price:" not in quote.text


def test_the_same_buy_form_submitted_twice_buys_once(life, console):
    page = console.get("/certificates/buy").text
    submission = hidden_input(page, "submission_token")
    assert submission
    csrf_token = console.csrf_token(page)
    form = {"cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": "1",
            "order_number": "2", "agree": "on", "action": "pay", "submission_token": submission}
    with life.db() as db:
        orders_before = db.execute("SELECT count(*) FROM orders").fetchone()[0]
    results = []

    def submit():
        results.append(console.post("/certificates/buy", form, token=csrf_token))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [303, 409], [(r.status_code, r.text[:300]) for r in results]
    refused = next(r for r in results if r.status_code == 409).text
    with life.db() as db:
        assert db.execute("SELECT count(*) FROM orders").fetchone()[0] == orders_before + 1
        order_id = db.execute("SELECT id FROM orders ORDER BY created_at DESC LIMIT 1").fetchone()[0]
    assert f"This Buy form was already submitted (it made order {order_id}); nothing was done again." in refused
    # A fresh page is a fresh purchase.
    again = console.get("/certificates/buy").text
    assert hidden_input(again, "submission_token") not in (None, submission)


def test_the_same_create_csr_form_submitted_twice_creates_one_csr(life, console):
    page = console.get("/csrs/new").text
    form = {"name": "once-only", "domain_name": "www.once-only.com", "private_key_algo": "EC_P256", "usage": "PERSONAL",
            "submission_token": hidden_input(page, "submission_token")}
    first = console.post("/csrs", form, token=console.csrf_token(page))
    second = console.post("/csrs", form, token=console.csrf_token(page))
    assert (first.status_code, second.status_code) == (303, 409), second.text[:500]
    assert "This Create CSR form was already submitted" in second.text
    with life.db() as db:
        assert db.execute("SELECT count(*) FROM csrs WHERE name = 'once-only'").fetchone()[0] == 1
