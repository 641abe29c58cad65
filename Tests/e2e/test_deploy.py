"""Issue 6 end to end: deploy and push an issued certificate to the product simulators (RULES.md §8)."""
from __future__ import annotations

import re

import pytest

from test_lifecycle import APPLICANT, COMPANY, add_record, buy, ensure_zone, post_json, status_of, validations, wait_for


def issue_multi(life, console, names):
    cert_id = buy(console, domain_type="MULTI_DOMAIN", domain_numbers=str(len(names)))
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, **COMPANY, "domain": names[0], "sans": "\n".join(names[1:]), "csr_mode": "system",
        "key_algorithm": "RSA_2048", "domain_method": "DNS", "ca_hash_algorithm": "DEFAULT"})
    assert resp.status_code == 200, body
    zone = ensure_zone(console, "example.com")
    for domain, token in validations(life, cert_id):
        add_record(console, zone, f"_dnsauth.{domain.removesuffix('.example.com')}", "TXT", token)
    wait_for(life, cert_id, "CHECKING_ORG")
    mails = console.get("/cloud/mail", params={"to": "li.wei@example.com"}).text
    for mail_id in re.findall(r'href="/cloud/mail/(\d+)"', mails):
        page = console.get(f"/cloud/mail/{mail_id}").text
        if cert_id not in page:
            continue
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        console.post(f"/cloud/mail/{mail_id}/follow", {"token": token})
    wait_for(life, cert_id, "ISSUED")
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
    resp, body = post_json(console, f"/certificates/{issued}/push", {"product": "ELB", "region": "nowhere", "project": "default"})
    assert resp.status_code >= 400 and "per region" in body["error_msg"]
    page = console.get(f"/certificates/{issued}/push").text
    assert page.count("Failed: ") >= 2 and "Pushed" in page

    records = console.get("/cloud/records", params={"certificate_id": issued}).text
    assert "cert-www-cn-north-4" in records and "already pushed" in records
