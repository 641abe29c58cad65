"""Issue 6 end to end: deploy and push an issued certificate to the product simulators (RULES.md §8)."""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import status, total_count, wait_status
from test_lifecycle import (
    APPLICANT, COMPANY, JSON, add_record, authority, buy, ensure_zone, issued_pem, openssl, post_json, validations,
)
from test_management import prove


def issue_multi(life, console, names):
    cert_id = buy(console, domain_type="MULTI_DOMAIN", domain_numbers=str(len(names)))
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, **COMPANY, "domain": names[0], "sans": "\n".join(names[1:]), "csr_mode": "system",
        "key_algorithm": "RSA_2048", "domain_method": "DNS", "ca_hash_algorithm": "DEFAULT"})
    assert resp.status_code == 200, body
    zone = ensure_zone(console, "example.com")
    for domain, token in validations(life, cert_id):
        add_record(console, zone, f"_dnsauth.{domain.removesuffix('.example.com')}", "TXT", token)
    wait_status(life, cert_id, "CHECKING_ORG")
    mails = console.get("/cloud/mail", params={"to": "li.wei@example.com"}).text
    for mail_id in re.findall(r'href="/cloud/mail/(\d+)"', mails):
        page = console.get(f"/cloud/mail/{mail_id}").text
        if cert_id not in page:
            continue
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        console.post(f"/cloud/mail/{mail_id}/follow", {"token": token})
    wait_status(life, cert_id, "ISSUED")
    return cert_id


def resource(life, name):
    with life.db() as db:
        row = db.execute("SELECT id, domains, certificate_id, serial FROM cloud_resources WHERE name = ?", (name,)).fetchone()
    return {"id": row[0], "domains": row[1].split("\n"), "certificate_id": row[2], "serial": row[3]}


@pytest.fixture(scope="module")
def issued(life, console):
    return issue_multi(life, console, ["www.example.com", "shop.example.com"])


def deploy(console, cert_id, product, region, ids):
    console.get(f"/certificates/{cert_id}/deploy")
    form = {"product": product, "region": region, "resource": [str(i) for i in ids]}
    return post_json(console, f"/certificates/{cert_id}/deploy", form)


def deploy_to_vod(life, console, cert_id, host) -> None:
    """Deploys the certificate to the VOD domain `host`, which must take it."""
    resp, body = deploy(console, cert_id, "VOD", "", [resource(life, host)["id"]])
    assert [r["deployed"] for r in body["results"]] == [True], body


def test_deploy_to_two_elb_listeners_replaces_the_domain_sets(life, console, issued):
    page = console.get(f"/certificates/{issued}/deploy", params={"product": "ELB", "region": "cn-north-4"}).text
    assert "cert-www-cn-north-4" in page and "cert-shop-cn-north-4" in page
    www, shop = resource(life, "cert-www-cn-north-4"), resource(life, "cert-shop-cn-north-4")
    assert www["domains"] == ["www.example.com", "api.example.com"]
    assert shop["domains"] == ["shop.example.com", "api.example.com"]
    resp, body = deploy(console, issued, "ELB", "cn-north-4", [www["id"], shop["id"]])
    assert resp.status_code == 200, body
    assert [r["deployed"] for r in body["results"]] == [True, True]
    for name in ("cert-www-cn-north-4", "cert-shop-cn-north-4"):
        after = resource(life, name)
        assert after["domains"] == ["www.example.com", "shop.example.com"]
        assert after["certificate_id"] == issued and after["serial"]
    elb = console.get("/cloud/elb", params={"region": "cn-north-4"}).text
    assert after["serial"] in elb


def test_each_refusal_names_its_rule(life, console, issued):
    unbound = resource(life, "cert-unbound-cn-north-4")
    resp, body = deploy(console, issued, "ELB", "cn-north-4", [unbound["id"], 999999])
    assert resp.status_code == 200, body
    reasons = [r["reason"] for r in body["results"]]
    assert "is not bound to any HTTPS listener" in reasons[0]
    assert reasons[1] == "999999 is not added to ELB in region cn-north-4."

    # WAF: a domain outside the default project, and one without HTTPS set up.
    post_json(console, "/cloud/waf/resources", {"kind": "waf-domain", "name": "shop.example.com", "region": "cn-east-3",
                                                 "project": "production", "https_ready": "on"})
    post_json(console, "/cloud/waf/resources", {"kind": "waf-domain", "name": "www.example.com", "region": "cn-east-3",
                                                 "project": "default"})
    with life.db() as db:
        rows = dict(db.execute("SELECT project || '/' || name, id FROM cloud_resources WHERE product = 'WAF' AND region = 'cn-east-3' "
                               "ORDER BY id").fetchall())
    resp, body = deploy(console, issued, "WAF", "cn-east-3", [rows["production/shop.example.com"], rows["default/www.example.com"]])
    reasons = [r["reason"] for r in body["results"]]
    assert reasons[0] == "WAF deploys only to domains of the default enterprise project; shop.example.com is in project production."
    assert "is not set up for HTTPS in WAF" in reasons[1]

    # Only ISSUED or UPLOAD certificates.
    paid = buy(console)
    resp, body = deploy(console, paid, "CDN", "", [1])
    assert resp.status_code >= 400 and "Deployment" in body["error_msg"]


def test_push_twice_the_second_fails(life, console, issued):
    console.get(f"/certificates/{issued}/push")
    resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "CDN", "region": "", "project": "default"})
    assert resp.status_code == 200, body
    resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "CDN", "region": "", "project": "default"})
    assert resp.status_code >= 400
    assert "already pushed or uploaded to CDN" in body["error_msg"]
    # The push copied the certificate into CDN's certificate store, once; the CDN page lists it.
    with life.db() as db:
        name, serial_number = db.execute("SELECT name, serial_number FROM certificates WHERE id = ?", (issued,)).fetchone()
        stored = db.execute("SELECT certificate_pem, chain_pem, sealed_private_key FROM cloud_certificate_store "
                            "WHERE certificate_id = ? AND product = 'CDN'", (issued,)).fetchall()
    assert len(stored) == 1 and stored[0][0] == issued_pem(life, issued) and stored[0][1] and stored[0][2]
    page = console.get("/cloud/cdn").text
    store = page[page.index('id="certificate-store"'):]
    assert name in store and serial_number in store and f'href="/certificates/{issued}"' in store
    assert "Nothing pushed here yet." in console.get("/cloud/vod").text
    resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "ELB", "region": "nowhere", "project": "default"})
    assert resp.status_code >= 400 and "per region" in body["error_msg"]
    page = console.get(f"/certificates/{issued}/push").text
    assert page.count("Failed: ") >= 2 and "Pushed" in page

    # The records page pages (newest first); this certificate's records fit on a page of 50.
    records = console.get("/cloud/records", params={"certificate_id": issued, "limit": "50"}).text
    assert "cert-www-cn-north-4" in records and "already pushed" in records


# --- the TLS edge: what a client sees after a deployment ------------------------------------

def issue_dv(life, console, domain_type, domain):
    """A DV certificate issued for `domain` (under example.com), proven by DNS TXT."""
    cert_id = buy(console, cert_type="DV_SSL_CERT", domain_type=domain_type)
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, "domain": domain, "csr_mode": "system", "key_algorithm": "RSA_2048", "domain_method": "DNS",
        "ca_hash_algorithm": "DEFAULT"})
    assert resp.status_code == 200, body
    zone = ensure_zone(console, "example.com")
    for name, token in validations(life, cert_id):
        label = name.removeprefix("*.").removesuffix("example.com").rstrip(".")
        add_record(console, zone, "_dnsauth" + (f".{label}" if label else ""), "TXT", token)
    wait_status(life, cert_id, "ISSUED")
    return cert_id


def edge_chain(life, host: str | None) -> list[str]:
    """The certificates (leaf first) the edge presents in a handshake with SNI `host`."""
    sni = ["-servername", host] if host else ["-noservername"]
    proc = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{life.edge_port}", "-showcerts", *sni],
                          input="", capture_output=True, text=True, timeout=20)
    assert proc.returncode == 0, proc.stderr[-500:]
    return re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", proc.stdout, re.S)


def serial(pem: str) -> str:
    return openssl("x509", "-noout", "-serial", input_text=pem).strip()


def held_serial(life, name) -> str:
    """The serial a resource holds, as openssl prints it."""
    with life.db() as db:
        pem = db.execute("SELECT held_certificate_pem FROM cloud_resources WHERE name = ? ORDER BY id LIMIT 1", (name,)).fetchone()[0]
    return serial(pem)


def test_seeded_resources_set_up_for_https_hold_a_real_certificate(life, console):
    page = console.get("/cloud/vod").text
    vod = resource(life, "video.example.com")
    assert vod["serial"] and vod["certificate_id"] is None
    assert "preinstalled-video.example.com" in page and vod["serial"] in page
    chain = edge_chain(life, "video.example.com")
    assert serial(chain[0]) == held_serial(life, "video.example.com") and len(chain) >= 2
    assert "video.example.com" in openssl("x509", "-noout", "-ext", "subjectAltName", input_text=chain[0])
    # Not set up for HTTPS: nothing held, so the edge has the fallback for it.
    waf = console.get("/cloud/waf").text
    with life.db() as db:
        assert db.execute("SELECT count(*) FROM cloud_resources WHERE name = 'new.example.com' AND serial = ''").fetchone()[0] == 3
    assert "preinstalled-new.example.com" not in waf and "preinstalled-shop.example.com" in waf


def test_the_edge_presents_what_was_deployed_last(life, console, tmp_path):
    post_json(console, "/cloud/vod/resources", {"kind": "vod-domain", "name": "fresh.example.com", "project": "default"})
    fallback = edge_chain(life, "fresh.example.com")[0]
    assert "no-certificate-deployed" in openssl("x509", "-noout", "-subject", input_text=fallback)
    assert serial(edge_chain(life, None)[0]) == serial(fallback)  # no SNI: the fallback too

    first = issue_dv(life, console, "SINGLE_DOMAIN", "video.example.com")
    deploy_to_vod(life, console, first, "video.example.com")
    chain = edge_chain(life, "video.example.com")
    assert serial(chain[0]) == serial(issued_pem(life, first))
    # The whole chain is presented, and it verifies up to the brand's root.
    root, inter = authority(console, "SYMANTEC", tmp_path)
    leaf, untrusted = tmp_path / "leaf.pem", tmp_path / "chain.pem"
    leaf.write_text(chain[0])
    untrusted.write_text("".join(chain[1:]))
    assert len(chain) >= 2
    assert "OK" in openssl("verify", "-CAfile", str(root), "-untrusted", str(untrusted), str(leaf))

    # Another certificate (a wildcard covering it) deployed to the same domain replaces it.
    second = issue_dv(life, console, "WILDCARD", "*.example.com")
    deploy_to_vod(life, console, second, "video.example.com")
    assert serial(edge_chain(life, "video.example.com")[0]) == serial(issued_pem(life, second))
    # Other names keep what they had: shop.example.com's file is the ELB deployment's (or the
    # fallback), not the wildcard's.
    assert serial(edge_chain(life, "shop.example.com")[0]) != serial(issued_pem(life, second))

    # Deleted from the manager, a deployed certificate stays where it was deployed, also when
    # the edge is rebuilt (here by adding a resource).
    held = serial(issued_pem(life, second))
    resp, body = post_json(console, f"/certificates/{second}/delete", {})
    assert resp.status_code == 200, body
    post_json(console, "/cloud/vod/resources", {"kind": "vod-domain", "name": "clips.example.com", "project": "default"})
    assert serial(edge_chain(life, "video.example.com")[0]) == held
    assert "no-certificate-deployed" in openssl("x509", "-noout", "-subject",
                                                input_text=edge_chain(life, "clips.example.com")[0])


def rebuild_edge(console, name):
    """Any change of the simulators rewrites the edge: here, adding a VOD domain."""
    resp, body = post_json(console, "/cloud/vod/resources", {"kind": "vod-domain", "name": name, "project": "default"})
    assert resp.status_code == 200, body


def test_a_product_keeps_what_was_deployed_through_a_reissue(life, console):
    """A reissue stores its new key first and its new certificate later: neither reaches a
    product (its page, the edge) until the certificate is deployed again, and no rebuild of the
    edge in between pairs the new key with the old certificate."""
    host = "reissued.example.com"
    post_json(console, "/cloud/vod/resources", {"kind": "vod-domain", "name": host, "project": "default"})
    cert_id = issue_dv(life, console, "SINGLE_DOMAIN", host)
    deploy_to_vod(life, console, cert_id, host)
    deployed_serial = serial(issued_pem(life, cert_id))
    held = resource(life, host)["serial"]
    assert serial(edge_chain(life, host)[0]) == deployed_serial

    console.get(f"/certificates/{cert_id}/reissue")
    resp = console.post(f"/certificates/{cert_id}/reissue", {
        **APPLICANT, "csr_mode": "system", "domain": host, "domain_method": "DNS", "key_algorithm": "EC_P256"}, headers=JSON)
    assert resp.status_code == 200, resp.text
    assert status(life, cert_id) == "REISSUING"
    rebuild_edge(console, "rebuild-1.example.com")
    assert serial(edge_chain(life, host)[0]) == deployed_serial  # a handshake, not "alert internal error"

    with life.db() as db:
        mail_id, token = db.execute("SELECT id, action_token FROM mails WHERE certificate_id = ? AND action = 'confirm-reissue'",
                                    (cert_id,)).fetchone()
    console.get("/cloud/mail")
    assert console.post(f"/cloud/mail/{mail_id}/follow", {"token": token}).status_code == 303
    prove(life, cert_id)
    wait_status(life, cert_id, "ISSUED")
    reissued_serial = serial(issued_pem(life, cert_id))
    assert reissued_serial != deployed_serial
    rebuild_edge(console, "rebuild-2.example.com")
    assert serial(edge_chain(life, host)[0]) == deployed_serial
    assert resource(life, host)["serial"] == held and held in console.get("/cloud/vod").text

    deploy_to_vod(life, console, cert_id, host)
    assert serial(edge_chain(life, host)[0]) == reissued_serial
    assert resource(life, host)["serial"] != held


def test_a_product_keeps_what_was_deployed_through_a_domain_addition(life, console):
    host = "addition.example.com"
    post_json(console, "/cloud/vod/resources", {"kind": "vod-domain", "name": host, "project": "default"})
    cert_id = buy(console, cert_type="DV_SSL_CERT", domain_type="MULTI_DOMAIN", domain_numbers="3")
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, "domain": host, "sans": "addition-2.example.com", "csr_mode": "system", "key_algorithm": "RSA_2048",
        "domain_method": "DNS", "ca_hash_algorithm": "DEFAULT"})
    assert resp.status_code == 200, body
    prove(life, cert_id)
    wait_status(life, cert_id, "ISSUED")
    deploy_to_vod(life, console, cert_id, host)
    deployed_serial = serial(issued_pem(life, cert_id))

    resp, body = post_json(console, f"/certificates/{cert_id}/add-domains",
                           {"sans": "addition-3.example.com", "email": "ops@example.org"})
    assert resp.status_code == 200, body
    prove(life, cert_id)
    wait_status(life, cert_id, "ISSUED")
    added_serial = serial(issued_pem(life, cert_id))
    assert added_serial != deployed_serial
    rebuild_edge(console, "rebuild-3.example.com")
    assert serial(edge_chain(life, host)[0]) == deployed_serial
    deploy_to_vod(life, console, cert_id, host)
    assert serial(edge_chain(life, host)[0]) == added_serial


def test_a_certificate_applied_for_with_an_uploaded_csr_is_not_deployed(life, console, tmp_path):
    key, csr = tmp_path / "img.key", tmp_path / "img.csr"
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
                    "-subj", "/CN=img.example.com"], check=True, capture_output=True)
    cert_id = buy(console, cert_type="DV_SSL_CERT")
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, "csr_mode": "uploaded", "csr": csr.read_text(), "domain_method": "DNS"})
    assert resp.status_code == 200, body
    zone = ensure_zone(console, "example.com")
    for _, token in validations(life, cert_id):
        add_record(console, zone, "_dnsauth.img", "TXT", token)
    wait_status(life, cert_id, "ISSUED")
    before = edge_chain(life, "img.example.com")[0]
    resp, body = deploy(console, cert_id, "CDN", "", [resource(life, "img.example.com")["id"]])
    assert resp.status_code == 400, body
    assert "applied for with an uploaded CSR: its private key is not here, so it cannot be deployed" in body["error_msg"]
    assert resource(life, "img.example.com")["certificate_id"] is None
    assert serial(edge_chain(life, "img.example.com")[0]) == serial(before)


def test_cdn_refuses_a_chain_without_an_intermediate(life, console, tmp_path):
    """A certificate signed by its root directly, uploaded with that root as its chain."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
        "-subj", "/CN=Direct Root/O=Direct", "-days", "365")
    (tmp_path / "leaf.ext").write_text("basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:static.example.com,DNS:vod.example.com\n")
    run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
        "-subj", "/CN=static.example.com")
    run("x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "90",
        "-extfile", "leaf.ext", "-out", "leaf.pem")
    console.get("/certificates/upload")
    resp, body = post_json(console, "/certificates/upload", {
        "name": "direct-from-root", "certificate": (tmp_path / "leaf.pem").read_text(),
        "certificate_chain": (tmp_path / "root.pem").read_text(), "private_key": (tmp_path / "leaf.key").read_text()})
    assert resp.status_code == 200, body
    with life.db() as db:
        cert_id = db.execute("SELECT id FROM certificates WHERE name = 'direct-from-root'").fetchone()[0]

    cdn = resource(life, "static.example.com")
    resp, body = deploy(console, cert_id, "CDN", "", [cdn["id"]])
    assert resp.status_code == 200, body
    assert body["results"][0]["deployed"] is False
    assert "CDN refuses a certificate whose chain is incomplete" in body["results"][0]["reason"]
    assert serial(edge_chain(life, "static.example.com")[0]) == held_serial(life, "static.example.com")
    assert resource(life, "static.example.com")["certificate_id"] is None
    # VOD takes it: the rule is CDN's alone.
    resp, body = deploy(console, cert_id, "VOD", "", [resource(life, "vod.example.com")["id"]])
    assert body["results"][0]["deployed"] is True, body
    assert "static.example.com" in openssl("x509", "-noout", "-subject",
                                           input_text=edge_chain(life, "vod.example.com")[0])


def test_resources_are_added_with_checked_normalized_domains(life, console):
    resp, body = post_json(console, "/cloud/elb/resources", {
        "kind": "elb-certificate", "name": "cert-bad", "region": "cn-north-4", "domains": "x" * 300 + ".example.com"})
    assert resp.status_code == 400, body
    assert "domains" in str(body) or "Domain" in body.get("error_msg", "")
    resp, body = post_json(console, "/cloud/cdn/resources", {"kind": "cdn-domain", "name": "Media.Example.COM"})
    assert resp.status_code == 200, body
    assert resource(life, "media.example.com")["domains"] == ["media.example.com"]
    # Served at the edge under the name a client sends.
    assert "no-certificate-deployed" in openssl("x509", "-noout", "-subject",
                                                input_text=edge_chain(life, "media.example.com")[0])


def test_push_page_projects_and_resource_removal_follow_the_rules(life, console, issued):
    # The push page itself refuses a certificate that cannot be pushed.
    paid = buy(console)
    page = console.get(f"/certificates/{paid}/push")
    assert page.status_code in (400, 409) and "Pushing is not possible while the certificate is" in page.text, page.text[:500]

    # Enterprise projects are the product's own: a new one appears once a resource is in it.
    resp, body = post_json(console, "/cloud/waf/resources", {"kind": "waf-domain", "name": "staging.example.com",
                                                               "region": "cn-north-4", "project": "staging"})
    assert resp.status_code == 200, body
    assert 'value="staging"' in console.get("/cloud/waf").text
    assert 'value="staging"' not in console.get("/cloud/cdn").text
    assert 'value="staging"' in console.get(f"/certificates/{issued}/push", params={"product": "WAF"}).text
    resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "WAF", "region": "cn-north-4", "project": "nowhere"})
    assert resp.status_code == 400, body
    assert body["error_msg"] == 'Enterprise project: WAF has no project "nowhere"; choose one of default, production, staging.'
    resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "WAF", "region": "cn-north-4", "project": "staging"})
    assert resp.status_code == 200, body
    records = console.get("/cloud/records", params={"certificate_id": issued, "kind": "push", "product": "WAF"}).text
    assert "staging" in records
    staging_store = console.get("/cloud/waf", params={"region": "cn-north-4", "project": "staging"}).text
    assert f'href="/certificates/{issued}"' in staging_store[staging_store.index('id="certificate-store"'):]
    other_region = console.get("/cloud/waf", params={"region": "cn-east-3"}).text
    assert f'href="/certificates/{issued}"' not in other_region[other_region.index('id="certificate-store"'):]

    # Removing a resource answers JSON when asked, and only on its own product's page.
    staging = resource(life, "staging.example.com")["id"]
    resp, body = post_json(console, f"/cloud/vod/resources/{staging}/delete", {})
    assert resp.status_code == 404 and body["error_msg"] == f"There is no VOD resource {staging}.", body
    resp, body = post_json(console, f"/cloud/waf/resources/{staging}/delete", {})
    assert resp.status_code == 200 and body == {"id": staging, "removed": True}, body
    resp, body = post_json(console, f"/cloud/waf/resources/{staging}/delete", {})
    assert resp.status_code == 404 and body["error_msg"] == f"There is no WAF resource {staging}.", body


def test_records_filters_and_the_push_page_keeps_the_latest_ten(life, console, issued):
    for _ in range(11):  # refused (already pushed to CDN), and recorded as failures
        resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "CDN", "region": "", "project": "default"})
        assert resp.status_code == 400, body
    page = console.get(f"/certificates/{issued}/push").text
    table = page[page.index('class="data-table push-records"'):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r'<tr><td class="nowrap">', table)) == 10
    with life.db() as db:
        pushes = db.execute("SELECT count(*) FROM deployment_records WHERE certificate_id = ? AND kind = 'push'", (issued,)).fetchone()[0]
    assert pushes > 10

    def rows(**params) -> list[str]:
        """Every record the filters match: one page of 50 holds them all, as its total says."""
        page = console.get("/cloud/records", params={"certificate_id": issued, "limit": "50", **params}).text
        found = re.findall(r'<tr><td class="nowrap">.*?</tr>', page, re.S)
        assert len(found) == total_count(page) <= 50
        return found

    everything = rows()
    by_kind = {kind: rows(kind=kind) for kind in ("deploy", "push")}
    assert by_kind["deploy"] and all("<td>Deploy</td>" in r for r in by_kind["deploy"])
    assert by_kind["push"] and all("<td>Push</td>" in r for r in by_kind["push"])
    assert len(by_kind["deploy"]) + len(by_kind["push"]) == len(everything)
    elb = rows(product="ELB")
    assert elb and all("<td>ELB</td>" in r for r in elb) and len(elb) < len(everything)
    failed, succeeded = rows(result="failure"), rows(result="success")
    assert failed and all("Failed: " in r for r in failed)
    assert succeeded and all("Succeeded" in r and "Failed: " not in r for r in succeeded)
    assert len(failed) + len(succeeded) == len(everything)
    both = rows(kind="push", result="success", product="CDN")
    assert len(both) == 1 and "<td>CDN</td>" in both[0]
