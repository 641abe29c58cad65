"""Issue 7 end to end: the official Python SDK (huaweicloudsdkscm 3.1.219) drives scm through
nginx, signed with an access key made by `scm user access-key create`.

A stack of its own with instant CA reviews (--review-scale 0), so the life cycle can be walked by
API alone: buy → apply → DNS proof in the simulator → issued → export → openssl verify.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_PASSWORD, REPO, run_scm
from conftest import make_stack, stop_stack
from test_security import create_user
from test_lifecycle import add_record, authority, ensure_zone, post_json

from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkscm.v3 import *  # noqa: F403 — the 27 request and body models

DOMAIN_ID = "0123456789abcdef0123456789abcdef"


def load_scm_curl():
    loader = importlib.machinery.SourceFileLoader("scm_curl", str(REPO / "scripts" / "scm-curl"))
    spec = importlib.util.spec_from_loader("scm_curl", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


scm_curl = load_scm_curl()


@pytest.fixture(scope="module")
def api():
    st = make_stack()
    try:
        out = run_scm("user", "access-key", "create", "--data-dir", str(st.data_dir), "--name", "admin").stdout
        st.ak = re.search(r"access key: (\S+)", out).group(1)
        st.sk = re.search(r"secret key: (\S+)", out).group(1)
        yield st
    finally:
        stop_stack(st)


def make_client(st, ak=None, sk=None) -> ScmClient:  # noqa: F405
    config = HttpConfig.get_default_config()
    return (ScmClient.new_builder()  # noqa: F405
            .with_http_config(config)
            .with_credentials(GlobalCredentials(ak or st.ak, sk or st.sk, DOMAIN_ID))
            .with_endpoints([st.base_url])
            .build())


@pytest.fixture(scope="module")
def client(api):
    return make_client(api)


@pytest.fixture(scope="module")
def console(api):
    c = api.login()
    c.get("/certificates")
    return c


def refused(call, status, code=None, words=()):
    with pytest.raises(ClientRequestException) as info:
        call()
    e = info.value
    assert e.status_code == status, (e.status_code, e.error_code, e.error_msg)
    if code:
        assert e.error_code == code, (e.error_code, e.error_msg)
    for word in words:
        assert word in e.error_msg, e.error_msg
    assert e.request_id, "X-Request-Id missing"
    return e


def buy(client, **overrides) -> list[str]:
    body = dict(cert_brand="GEOTRUST", cert_type="DV_SSL_CERT", domain_type="SINGLE_DOMAIN", effective_time=1,
                domain_numbers=1, order_number=1, agree_privacy_protection=True)
    body.update(overrides)
    resp = client.subscribe_certificate(SubscribeCertificateRequest(body=PurchaseCertificateRequestBody(**body)))  # noqa: F405
    assert resp.order_id
    return [c.cert_id for c in resp.cert]


APPLY = dict(applicant_name="Li Wei", applicant_phone="+86 138 0000 0000", applicant_email="li.wei@example.com",
             agree_privacy_protection=True, domain_method="DNS")


def apply(client, cert_id, domain, **extra):
    body = ApplyCertificateRequestBody(domain=domain, **{**APPLY, **extra})  # noqa: F405
    return client.apply_certificate(ApplyCertificateRequest(certificate_id=cert_id, body=body))  # noqa: F405


def status(client, cert_id) -> str:
    return client.show_certificate(ShowCertificateRequest(certificate_id=cert_id)).status  # noqa: F405


def wait_status(client, cert_id, wanted, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        current = status(client, cert_id)
        if current == wanted:
            return
        time.sleep(0.2)
    raise AssertionError(f"{cert_id} is {current}, expected {wanted}")


def openssl(*args, input_text=None):
    proc = subprocess.run(["openssl", *args], input=input_text, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# --- the life cycle by API alone --------------------------------------------------------------

def test_life_cycle_buy_apply_prove_issue_export_verify(api, client, console, tmp_path):
    (cert_id,) = buy(client)
    listed = client.list_certificates(ListCertificatesRequest(status="PAID", limit=10, offset=0))  # noqa: F405
    assert cert_id in [c.id for c in listed.certificates]
    assert listed.total_count >= 1
    item = next(c for c in listed.certificates if c.id == cert_id)
    assert item.deploy_support is False and item.validity_period == 12 and item.enterprise_project_id == "0"

    applied = apply(client, cert_id, "www.api-life.com")
    assert cert_id in applied.request_info
    shown = client.show_certificate(ShowCertificateRequest(certificate_id=cert_id))  # noqa: F405
    assert shown.status == "CHECKING" and shown.domain == "www.api-life.com"
    assert shown.application_info.applicant_name == "Li Wei"
    (proof,) = shown.authentification
    assert proof.record_type == "TXT" and proof.record_name == "_dnsauth.api-life.com" and proof.domain == "www.api-life.com"

    # The DNS proof through the simulator (a console session with Accept: application/json).
    zone = ensure_zone(console, "api-life.com")
    resp, body = add_record(console, zone, "_dnsauth", "TXT", proof.record_value)
    assert resp.status_code == 200, body
    wait_status(client, cert_id, "ISSUED")

    exported = client.export_certificate(ExportCertificateRequest(certificate_id=cert_id))  # noqa: F405
    assert "BEGIN CERTIFICATE" in exported.certificate and "PRIVATE KEY" in exported.private_key
    assert exported.entire_certificate.startswith(exported.certificate.strip()[:40])
    root, _ = authority(console, "GEOTRUST", tmp_path)
    leaf, chain = tmp_path / "leaf.pem", tmp_path / "chain.pem"
    leaf.write_text(exported.certificate)
    chain.write_text(exported.certificate_chain)
    assert openssl("verify", "-CAfile", str(root), "-untrusted", str(chain), str(leaf)).strip().endswith("OK")
    # The exported key is the certificate's key.
    key = tmp_path / "key.pem"
    key.write_text(exported.private_key)
    assert openssl("x509", "-noout", "-pubkey", "-in", str(leaf)) == openssl("pkey", "-pubout", "-in", str(key))

    issued = client.show_certificate(ShowCertificateRequest(certificate_id=cert_id))  # noqa: F405
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.0", issued.not_after)
    assert re.fullmatch(r"([0-9A-F]{2}:){19}[0-9A-F]{2}", issued.fingerprint)
    after = client.list_certificates(ListCertificatesRequest(status="ISSUED", content="api-life"))  # noqa: F405
    # expired_days_since keeps valid certificates (and those expired at most N days ago).
    recent = client.list_certificates(ListCertificatesRequest(content="api-life", expired_days_since=0))  # noqa: F405
    assert any(c.id == cert_id for c in recent.certificates)
    assert [c.id for c in after.certificates] == [cert_id]
    assert after.certificates[0].deploy_support is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.0", after.certificates[0].expire_time)

    # Push and deploy onto the simulators (RULES.md §8): a product takes a push once; a domain the
    # product does not have fails in the deploy's failure list.
    client.push_certificate(PushCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=PushCertificateRequestBody(target_project="cn-north-4", target_service="CDN")))  # noqa: F405
    refused(lambda: client.push_certificate(PushCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=PushCertificateRequestBody(target_project="cn-north-4", target_service="CDN"))),  # noqa: F405
        400, "SCM.0028", ["already pushed"])
    refused(lambda: client.push_certificate(PushCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=PushCertificateRequestBody(target_project="cn-north-4", target_service="VOD"))),  # noqa: F405
        400, "SCM.0030")
    batch = client.batch_push_certificate(BatchPushCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=BatchPushCertificateRequestBody(target_projects=["cn-north-4"], target_service="WAF")))  # noqa: F405
    assert batch.results[0].project_name == "cn-north-4" and batch.results[0].message == "Pushed to WAF."
    # cert_id is the copy the push made in WAF (scm-v3.md §4.3), not the certificate pushed; a
    # region refused (WAF takes a certificate once) made no copy.
    assert re.fullmatch(r"waf-cert-\d+", batch.results[0].cert_id), batch.results[0].cert_id
    again = client.batch_push_certificate(BatchPushCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=BatchPushCertificateRequestBody(target_projects=["cn-east-3"], target_service="WAF")))  # noqa: F405
    assert again.results[0].cert_id == "" and "already pushed" in again.results[0].message
    deployment = client.deploy_certificate(DeployCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=DeployCertificateRequestBody(  # noqa: F405
            service_name="CDN", resources=[DeployedResource(domain_name="www.api-life.com")])))  # noqa: F405
    assert [(f.resource, f.failure_info) for f in deployment.failure_list] == [
        ("www.api-life.com", "www.api-life.com is not added to CDN.")]
    def deployed_resources():
        answer = client.list_deployed_resources(ListDeployedResourcesRequest(  # noqa: F405
            body=ListDeployedResourcesRequestBody(certificate_ids=[cert_id], service_names=["ALL"])))  # noqa: F405
        assert answer.results[0].certificate_id == cert_id
        return answer.results[0]

    def details_section():
        page = console.get(f"/certificates/{cert_id}").text
        return page[page.index('id="deployed-resources"'):page.index("<h2>History</h2>")]

    assert deployed_resources().total_num == 0
    assert "No product resource holds this certificate." in details_section()
    # Once CDN has the domain, a deployment puts the certificate there, and both the API and the
    # details page say where it is.
    resp, body = post_json(console, "/cloud/cdn/resources", {"kind": "cdn-domain", "name": "www.api-life.com", "project": "default",
                                                             "https_ready": "on"})
    assert resp.status_code == 200, body
    deployment = client.deploy_certificate(DeployCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=DeployCertificateRequestBody(  # noqa: F405
            service_name="CDN", resources=[DeployedResource(domain_name="www.api-life.com")])))  # noqa: F405
    assert deployment.failure_list == []
    held = deployed_resources()
    assert held.total_num == 1
    (service,) = held.deployed_resources
    assert (service.service, service.resource_num, service.resource_location) == ("CDN", 1, "global")
    (region,) = service.region_resources
    assert region.region_id == "global" and [r.resource_name for r in region.resources] == ["www.api-life.com"]
    section = details_section()
    assert all(text in section for text in ('href="/cloud/cdn"', "Accelerated domain", "www.api-life.com", "UTC")), section

    # Wrong state: applying again for an issued certificate.
    refused(lambda: apply(client, cert_id, "www.api-life.com"), 400, "SCM.0010", ["Issued"])


def test_cancel_unsubscribe_and_buy_refusals(api, client):
    first, second = buy(client, order_number=2)
    apply(client, first, "shop.api-cancel.com")
    cancelled = client.cancel_certificate_request(CancelCertificateRequestRequest(certificate_id=first))  # noqa: F405
    assert cancelled.cert_id == first and cancelled.message == "success"
    wait_status(client, first, "PAID")
    result = client.unsubscribe_certificate(UnsubscribeCertificateRequest(cert_id=second))  # noqa: F405
    assert result.unsubscribe_results.startswith("success")
    refused(lambda: status(client, second), 404, "SCM.0020")

    refused(lambda: buy(client, cert_brand="NOPE"), 400, "SCM.0005", ["cert_brand"])
    refused(lambda: buy(client, domain_type="WILDCARD", domain_numbers=2), 400, None, ["exactly 1 domain"])
    refused(lambda: buy(client, agree_privacy_protection=False), 400, None, ["agree"])
    refused(lambda: buy(client, effective_time=None), 400, "SCM.0005", ["The mandatory field effective_time is missing."])
    refused(lambda: buy(client, agree_privacy_protection="true"), 400, "SCM.0005", ["must be a JSON boolean"])
    refused(lambda: buy(client, order_number="2"), 400, "SCM.0005", ["must be an integer"])
    refused(lambda: client.list_certificates(ListCertificatesRequest(limit=30)), 400, "SCM.0005", ["limit"])  # noqa: F405
    refused(lambda: client.list_certificates(ListCertificatesRequest(sort_key="name")), 400, "SCM.0005", ["sort_key"])  # noqa: F405
    refused(lambda: client.list_certificates(ListCertificatesRequest(enterprise_project_id="x y")), 400)  # noqa: F405
    refused(lambda: apply(client, first, "bad..name"), 400, "SCM.0005")
    refused(lambda: client.show_certificate(ShowCertificateRequest(certificate_id="scs0000000000000")), 404, "SCM.0020")  # noqa: F405


def test_list_sort_offset_and_project_filter(api, client):
    ids = buy(client, order_number=3, enterprise_project_id="0")
    page = client.list_certificates(ListCertificatesRequest(limit=50, offset=0, sort_key="certUpdateTime", sort_dir="ASC"))  # noqa: F405
    total = page.total_count
    shifted = client.list_certificates(ListCertificatesRequest(limit=10, offset=1, sort_key="certUpdateTime", sort_dir="ASC"))  # noqa: F405
    assert shifted.total_count == total
    assert [c.id for c in shifted.certificates] == [c.id for c in page.certificates][1:11]
    default = client.list_certificates(ListCertificatesRequest(enterprise_project_id="0", limit=50))  # noqa: F405
    assert set(ids) <= {c.id for c in default.certificates}
    other = client.list_certificates(ListCertificatesRequest(  # noqa: F405
        enterprise_project_id="0a1b2c3d-0000-1111-2222-333344445555", limit=50))
    assert other.total_count == 0


def make_ca_and_leaf(tmp: Path, domain: str):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp / "ca.key"), "-out", str(tmp / "ca.pem"),
            "-days", "365", "-subj", "/CN=API Test Root", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp / "leaf.key"), "-out", str(tmp / "leaf.csr"),
            "-subj", f"/CN={domain}")
    (tmp / "ext.cnf").write_text(f"subjectAltName=DNS:{domain}\n")
    openssl("x509", "-req", "-in", str(tmp / "leaf.csr"), "-CA", str(tmp / "ca.pem"), "-CAkey", str(tmp / "ca.key"),
            "-CAcreateserial", "-out", str(tmp / "leaf.pem"), "-days", "90", "-extfile", str(tmp / "ext.cnf"))
    return (tmp / "leaf.pem").read_text(), (tmp / "ca.pem").read_text(), (tmp / "leaf.key").read_text()


def test_import_export_delete(api, client, tmp_path):
    leaf, ca, key = make_ca_and_leaf(tmp_path, "imported.api-test.com")
    body = ImportCertificateRequestBody(name="api-imported", certificate=leaf, certificate_chain=ca,  # noqa: F405
                                        private_key=key, duplicate_check=True)
    cert_id = client.import_certificate(ImportCertificateRequest(body=body)).certificate_id  # noqa: F405
    assert status(client, cert_id) == "UPLOAD"
    refused(lambda: client.import_certificate(ImportCertificateRequest(body=body)), 409)  # noqa: F405
    exported = client.export_certificate(ExportCertificateRequest(certificate_id=cert_id))  # noqa: F405
    assert exported.certificate.strip() == leaf.strip()
    assert openssl("verify", "-CAfile", str(tmp_path / "ca.pem"), str(tmp_path / "leaf.pem")).strip().endswith("OK")
    _, _, other_key = make_ca_and_leaf(tmp_path / "other" if (tmp_path / "other").mkdir() is None else tmp_path, "x.api-test.com")
    refused(lambda: client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-mismatch", certificate=leaf, certificate_chain=ca, private_key=other_key))), 400, "SCM.0014")
    def import_refused(code, **fields):
        body = ImportCertificateRequestBody(**{"name": "api-broken", "certificate": leaf, "private_key": key, **fields})  # noqa: F405
        return refused(lambda: client.import_certificate(ImportCertificateRequest(body=body)), 400, code)  # noqa: F405
    import_refused("SCM.0006", certificate="not a pem")
    import_refused("SCM.0006", certificate="-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    import_refused("SCM.0012", private_key="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    import_refused("SCM.0013", certificate_chain="-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    refused(lambda: client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-nokey", certificate=leaf))), 400, "SCM.0005", ["private_key"])
    client.delete_certificate(DeleteCertificateRequest(certificate_id=cert_id))  # noqa: F405
    refused(lambda: status(client, cert_id), 404)


# --- CSR, tags, notification ------------------------------------------------------------------

def test_csr_calls(api, client, tmp_path):
    created = client.create_csr(CreateCsrRequest(body=CreateCsrRequestBody(  # noqa: F405
        name="api-csr", domain_name="www.api-csr.com", sans="api-csr.com;m.api-csr.com", private_key_algo="EC_P256",
        usage="ENTERPRISE", company_country="CN", company_province="Guangdong", company_city="Shenzhen",
        company_name="Example Ltd")))
    assert created.id and isinstance(created.create_time, int) and created.create_time > 1_600_000_000_000
    shown = client.show_csr(ShowCsrRequest(id=created.id))  # noqa: F405
    assert "BEGIN CERTIFICATE REQUEST" in shown.csr and shown.sans == "api-csr.com;m.api-csr.com"
    text = openssl("req", "-noout", "-text", "-verify", input_text=shown.csr)
    assert "DNS:m.api-csr.com" in text
    renamed = client.update_csr(UpdateCsrRequest(id=created.id, body=UpdateCSRRequestBody(name="api-csr-2")))  # noqa: F405
    assert renamed.name == "api-csr-2"
    key = client.show_csr_private_key(ShowCsrPrivateKeyRequest(id=created.id)).private_key  # noqa: F405
    assert openssl("pkey", "-pubout", input_text=key) == openssl("req", "-noout", "-pubkey", input_text=shown.csr)
    listed = client.list_csr(ListCsrRequest(limit=10, offset=0, name="api-csr-2"))  # noqa: F405
    assert listed.total == 1 and listed.csr_list[0].id == created.id

    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "u.key"), "-out", str(tmp_path / "u.csr"),
            "-subj", "/CN=upload.api-csr.com")
    uploaded = client.upload_csr(UploadCsrRequest(body=UploadCsrRequestBody(  # noqa: F405
        name="api-uploaded", csr=(tmp_path / "u.csr").read_text(), private_key=(tmp_path / "u.key").read_text())))
    assert uploaded.id and uploaded.name == "api-uploaded"
    refused(lambda: client.upload_csr(UploadCsrRequest(body=UploadCsrRequestBody(name="x", csr="garbage"))), 400)  # noqa: F405
    refused(lambda: client.create_csr(CreateCsrRequest(body=CreateCsrRequestBody(  # noqa: F405
        name="bad", domain_name="www.api-csr.com", private_key_algo="RSA_1024", usage="PERSONAL"))), 400, None, ["Key algorithm"])
    refused(lambda: client.list_csr(ListCsrRequest(limit=11)), 400)  # noqa: F405
    for csr_id in (created.id, uploaded.id):
        client.delete_csr(DeleteCsrRequest(id=csr_id))  # noqa: F405
    refused(lambda: client.show_csr(ShowCsrRequest(id=created.id)), 404)  # noqa: F405


def test_tag_calls(api, client):
    first, second = buy(client, order_number=2)
    client.create_certificate_tag(CreateCertificateTagRequest(  # noqa: F405
        resource_id=first, body=CreateCertificateTagRequestBody(tag=ScsResourceTag(key="env", value="prod"))))  # noqa: F405
    client.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(  # noqa: F405
        resource_id=second, body=BatchCreateOrDeleteTagsRequestBody(  # noqa: F405
            action="create", tags=[ScsResourceTag(key="env", value="test"), ScsResourceTag(key="team", value="web")])))  # noqa: F405
    tags = client.list_tags_by_certificate(ListTagsByCertificateRequest(resource_id=second)).tags  # noqa: F405
    assert {(t.key, t.value) for t in tags} == {("env", "test"), ("team", "web")}
    all_tags = {t.key: sorted(t.values) for t in client.list_all_tags(ListAllTagsRequest()).tags}  # noqa: F405
    assert all_tags["env"] == ["prod", "test"]

    def query(**body):
        return client.list_certificates_by_tag(ListCertificatesByTagRequest(  # noqa: F405
            resource_instances="resource_instances", body=ListCertificatesByTagRequestBody(**body)))  # noqa: F405
    found = query(action="filter", tags=[ScsTag(key="env", values=["prod"])])  # noqa: F405
    assert found.total_count == 1 and found.resources[0].resource_id == first
    assert found.resources[0].resource_detail.push_support is False
    assert query(action="count", tags_any=[ScsTag(key="team", values=[]), ScsTag(key="env", values=["prod"])]).total_count == 2  # noqa: F405
    assert first not in [r.resource_id for r in query(action="filter", not_tags=[ScsTag(key="env", values=[])], limit=50).resources]  # noqa: F405
    refused(lambda: query(action="filter", tags=[ScsTag(key="env")]), 400, None, ["values"])  # noqa: F405
    refused(lambda: query(action="filter", limit=15), 400, None, ["limit"])

    client.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(  # noqa: F405
        resource_id=second, body=BatchCreateOrDeleteTagsRequestBody(action="delete", tags=[ScsResourceTag(key="team")])))  # noqa: F405
    assert [t.key for t in client.list_tags_by_certificate(ListTagsByCertificateRequest(resource_id=second)).tags] == ["env"]  # noqa: F405
    refused(lambda: client.create_certificate_tag(CreateCertificateTagRequest(  # noqa: F405
        resource_id=first, body=CreateCertificateTagRequestBody(tag=ScsResourceTag(key="", value="x")))), 400, "SCM.0023")  # noqa: F405
    refused(lambda: client.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(  # noqa: F405
        resource_id=first, body=BatchCreateOrDeleteTagsRequestBody(action="create", tags=[ScsResourceTag(key="", value="x")]))),  # noqa: F405
        400, "SCM.0023", ["key"])
    refused(lambda: buy(client, tags=[ScsResourceTag(key="", value="x")]), 400, "SCM.0023")  # noqa: F405
    refused(lambda: query(action="filter", tags=[ScsTag(key="", values=[])]), 400, "SCM.0023")  # noqa: F405
    refused(lambda: client.list_tags_by_certificate(ListTagsByCertificateRequest(resource_id="scs0000000000000")), 404)  # noqa: F405


def test_notification_switches(api, client):
    (cert_id,) = buy(client)
    client.disable_notification(DisableNotificationRequest(  # noqa: F405
        body=[NoticeRequestBody(resource_id=cert_id, notice_type=["CERT_EXPIRING", "CERT_EXPIRED"])]))  # noqa: F405
    with api.db() as db:
        assert db.execute("SELECT notify_expiring, notify_expired FROM certificates WHERE id = ?", (cert_id,)).fetchone() == (0, 0)
    client.enable_notification(EnableNotificationRequest(  # noqa: F405
        body=[NoticeRequestBody(resource_id=cert_id, notice_type=["CERT_EXPIRED"])]))  # noqa: F405
    with api.db() as db:
        assert db.execute("SELECT notify_expiring, notify_expired FROM certificates WHERE id = ?", (cert_id,)).fetchone() == (0, 1)
    refused(lambda: client.enable_notification(EnableNotificationRequest(  # noqa: F405
        body=[NoticeRequestBody(resource_id=cert_id, notice_type=["SOON"])])), 400)  # noqa: F405


# --- the refusals of scm-v3.md §2 that scm produces -------------------------------------------

def test_a_state_that_does_not_allow_the_operation_is_scm_0010(api, client, tmp_path):
    """SCM.0010 through every operation that acts on a certificate's state: a PAID certificate
    cannot be withdrawn, exported, pushed or deployed; an uploaded one cannot be applied for,
    withdrawn or unsubscribed."""
    (paid,) = buy(client)
    cert = dict(certificate_id=paid)
    calls = {
        "cancel": lambda c: client.cancel_certificate_request(CancelCertificateRequestRequest(**c)),  # noqa: F405
        "export": lambda c: client.export_certificate(ExportCertificateRequest(**c)),  # noqa: F405
        "push": lambda c: client.push_certificate(PushCertificateRequest(  # noqa: F405
            **c, body=PushCertificateRequestBody(target_project="cn-north-4", target_service="CDN"))),  # noqa: F405
        "batch-push": lambda c: client.batch_push_certificate(BatchPushCertificateRequest(  # noqa: F405
            **c, body=BatchPushCertificateRequestBody(target_projects=["cn-north-4"], target_service="ELB"))),  # noqa: F405
        "deploy": lambda c: client.deploy_certificate(DeployCertificateRequest(  # noqa: F405
            **c, body=DeployCertificateRequestBody(service_name="CDN", resources=[DeployedResource(domain_name="a.example.com")]))),  # noqa: F405
    }
    for name, call in calls.items():
        e = refused(lambda: call(cert), 400, "SCM.0010")
        assert "Pending application" in e.error_msg, (name, e.error_msg)

    leaf, ca, key = make_ca_and_leaf(tmp_path, "state.api-test.com")
    uploaded = client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-state", certificate=leaf, certificate_chain=ca, private_key=key))).certificate_id
    refused(lambda: apply(client, uploaded, "state.api-test.com"), 400, "SCM.0010")
    refused(lambda: client.cancel_certificate_request(CancelCertificateRequestRequest(certificate_id=uploaded)), 400, "SCM.0010")  # noqa: F405
    refused(lambda: client.unsubscribe_certificate(UnsubscribeCertificateRequest(cert_id=uploaded)), 400, "SCM.0010")  # noqa: F405


def test_a_user_without_the_permission_is_scm_0003(api, client):
    """A read-only user (group "auditors") may list and show, and is refused every change with
    403 SCM.0003 naming the action."""
    admin = api.login()
    password = create_user(admin, "api-auditor", "auditors")
    assert password
    out = run_scm("user", "access-key", "create", "--data-dir", str(api.data_dir), "--name", "api-auditor").stdout
    auditor = make_client(api, re.search(r"access key: (\S+)", out).group(1), re.search(r"secret key: (\S+)", out).group(1))
    (cert_id,) = buy(client)
    assert auditor.show_certificate(ShowCertificateRequest(certificate_id=cert_id)).id == cert_id  # noqa: F405
    refused(lambda: buy(auditor), 403, "SCM.0003", ["scm:cert:buy"])
    refused(lambda: auditor.delete_certificate(DeleteCertificateRequest(certificate_id=cert_id)), 403, "SCM.0003")  # noqa: F405
    refused(lambda: auditor.create_certificate_tag(CreateCertificateTagRequest(  # noqa: F405
        resource_id=cert_id, body=CreateCertificateTagRequestBody(tag=ScsResourceTag(key="k", value="v")))), 403, "SCM.0003")  # noqa: F405


# --- input validation -----------------------------------------------------------------------

def access_key_client(api, user):
    out = run_scm("user", "access-key", "create", "--data-dir", str(api.data_dir), "--name", user).stdout
    return make_client(api, re.search(r"access key: (\S+)", out).group(1), re.search(r"secret key: (\S+)", out).group(1))


def test_country_codes_are_iso_3166_alpha_2(api, client):
    (cert_id,) = buy(client)
    for country in ("CHINA", "XX", "C1"):
        refused(lambda: apply(client, cert_id, "www.api-country.com", country=country), 400, "SCM.0005",
                ["Country/Region", "ISO 3166-1 alpha-2"])
    refused(lambda: client.create_csr(CreateCsrRequest(body=CreateCsrRequestBody(  # noqa: F405
        name="api-country", domain_name="www.api-country.com", private_key_algo="EC_P256", usage="ENTERPRISE",
        company_country="XX", company_province="Guangdong", company_city="Shenzhen", company_name="Example Ltd"))),
        400, "SCM.0005", ["ISO 3166-1 alpha-2"])
    assert cert_id in apply(client, cert_id, "www.api-country.com", country="cn").request_info


@pytest.fixture(scope="module")
def waf_domain(api, client, console, tmp_path_factory):
    """An uploaded certificate for deploy.api-test.com in project "dev", a WAF domain of that name
    (default project, HTTPS on) and a client whose user has SCM FullAccess in "dev" only."""
    tmp = tmp_path_factory.mktemp("deploy")
    leaf, ca, key = make_ca_and_leaf(tmp, "deploy.api-test.com")
    cert_id = client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-deploy", certificate=leaf, certificate_chain=ca, private_key=key, enterprise_project_id="dev"))).certificate_id
    resp, body = post_json(console, "/cloud/waf/resources", {
        "kind": "waf-domain", "name": "deploy.api-test.com", "region": "cn-east-3", "project": "default", "https_ready": "on"})
    assert resp.status_code in (200, 201), body
    console.get("/users/groups")
    assert console.post("/users/groups", {"name": "api-dev", "description": ""}).status_code == 303
    with api.db() as db:
        group = db.execute("SELECT id FROM user_groups WHERE name = 'api-dev'").fetchone()[0]
        full_access = db.execute("SELECT id FROM policies WHERE name = 'SCM FullAccess'").fetchone()[0]
    console.get("/users/groups")
    assert console.post(f"/users/groups/{group}/policies", {"policy": str(full_access), "project": "dev"}).status_code == 303
    create_user(console, "api-dev1", "api-dev")
    return cert_id, access_key_client(api, "api-dev1")


def deploy_waf(client, cert_id, **resource):
    return client.deploy_certificate(DeployCertificateRequest(certificate_id=cert_id, body=DeployCertificateRequestBody(  # noqa: F405
        project_name="cn-east-3", service_name="WAF",
        resources=[DeployedResource(**{"id": "deploy.api-test.com", **resource})])))  # noqa: F405


def test_deploy_checks_the_resource_type_and_project(api, client, waf_domain):
    cert_id, dev_client = waf_domain
    refused(lambda: deploy_waf(client, cert_id, type="dedicated"), 400, "SCM.0005", ["resources[0].type", "premium or cloud"])
    refused(lambda: client.deploy_certificate(DeployCertificateRequest(certificate_id=cert_id, body=DeployCertificateRequestBody(  # noqa: F405
        service_name="CDN", resources=[DeployedResource(domain_name="deploy.api-test.com", type="cloud")]))),  # noqa: F405
        400, "SCM.0005", ["WAF resources only"])
    # The resource is in the default project ("0"), not in the one the caller names.
    wrong = deploy_waf(client, cert_id, type="cloud", enterprise_project_id="0a1b2c3d-0000-1111-2222-333344445555")
    assert [(f.resource, f.failure_info) for f in wrong.failure_list] == [
        ("deploy.api-test.com", "deploy.api-test.com is in enterprise project default, not 0a1b2c3d-0000-1111-2222-333344445555.")]
    # A user who may deploy in "dev" only may deploy its dev certificate, but not onto a
    # resource of the default project.
    scoped = deploy_waf(dev_client, cert_id, type="premium")
    assert len(scoped.failure_list) == 1 and "scm:cert:deploy" in scoped.failure_list[0].failure_info
    assert 'enterprise project "default"' in scoped.failure_list[0].failure_info
    with api.db() as db:
        assert db.execute("SELECT certificate_id FROM cloud_resources WHERE name = 'deploy.api-test.com'").fetchone() == (None,)
    assert deploy_waf(client, cert_id, type="premium", enterprise_project_id="0").failure_list == []
    with api.db() as db:
        assert db.execute("SELECT certificate_id FROM cloud_resources WHERE name = 'deploy.api-test.com'").fetchone() == (cert_id,)


def test_batch_calls_are_bounded(api, client):
    """Each batch has a limit (scm-v3.md §4.3, §4.5, or 100 notifications) and says which."""
    (cert_id,) = buy(client)
    many_tags = [ScsResourceTag(key=f"k{i}", value="v") for i in range(21)]  # noqa: F405
    for action in ("create", "delete"):
        refused(lambda: client.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(  # noqa: F405
            resource_id=cert_id, body=BatchCreateOrDeleteTagsRequestBody(action=action, tags=many_tags))),  # noqa: F405
            400, "SCM.0005", ["The field tags holds at most 20 items, not 21."])
    refused(lambda: buy(client, tags=many_tags), 400, "SCM.0005", ["tags holds at most 20"])
    refused(lambda: client.batch_push_certificate(BatchPushCertificateRequest(  # noqa: F405
        certificate_id=cert_id, body=BatchPushCertificateRequestBody(  # noqa: F405
            target_projects=[f"region-{i}" for i in range(11)], target_service="WAF"))), 400, "SCM.0005", ["at most 10"])
    refused(lambda: client.deploy_certificate(DeployCertificateRequest(certificate_id=cert_id, body=DeployCertificateRequestBody(  # noqa: F405
        service_name="CDN", resources=[DeployedResource(domain_name=f"d{i}.example.com") for i in range(21)]))),  # noqa: F405
        400, "SCM.0005", ["at most 20"])
    refused(lambda: client.enable_notification(EnableNotificationRequest(  # noqa: F405
        body=[NoticeRequestBody(resource_id=cert_id) for _ in range(101)])), 400, "SCM.0005", ["at most 100"])  # noqa: F405
    refused(lambda: client.list_certificates_by_tag(ListCertificatesByTagRequest(  # noqa: F405
        resource_instances="resource_instances", body=ListCertificatesByTagRequestBody(  # noqa: F405
            action="filter", tags=[ScsTag(key="env", values=[f"v{i}" for i in range(21)])]))),  # noqa: F405
        400, "SCM.0005", ["values holds at most 20"])
    # Within the limits the same calls work.
    client.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(  # noqa: F405
        resource_id=cert_id, body=BatchCreateOrDeleteTagsRequestBody(action="create", tags=many_tags[:20])))  # noqa: F405
    assert len(client.list_tags_by_certificate(ListTagsByCertificateRequest(resource_id=cert_id)).tags) == 20  # noqa: F405


# --- the README's curl examples ----------------------------------------------------------------

def readme_block(after: str) -> str:
    """The first ```sh block of README.md after the paragraph starting with `after`."""
    text = (REPO / "README.md").read_text()
    return re.search(r"```sh\n(.*?)```", text[text.index(after):], re.S).group(1)


def run_readme_block(script: str, cwd: Path, env: dict[str, str]) -> str:
    """Runs a README block with bash -e and pipefail; curl fails on any HTTP status >= 400."""
    (cwd / ".curlrc").write_text("fail-with-body\n")
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.environ["PATH"], "HOME": str(cwd), "CURL_HOME": str(cwd), **env})
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}"
    return proc.stdout


def curl_operations(script: str, document: dict) -> set[str]:
    """The API operations the scm-curl lines of a block call, matched against the OpenAPI paths."""
    routes = [(method.upper(), re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), op["operationId"])
              for path, item in document["paths"].items() for method, op in item.items()]
    called = set()
    for line in script.splitlines():
        if "scripts/scm-curl" not in line:
            continue
        url = re.search(r'"\$S(/[^"?]*)', line).group(1)
        explicit = re.search(r"-X (\w+)", line)
        method = explicit.group(1) if explicit else ("POST" if " -d " in line else "GET")
        path = re.sub(r"\$\w+", "x", "/v3/scm" + url)
        matched = [op for m, pattern, op in routes if m == method and pattern.match(path)]
        assert len(matched) == 1, (line, matched)
        called |= set(matched)
    return called


def test_readme_curl_examples(api, client, tmp_path):
    """The README's curl lines run as they stand against this stack, and cover all 27 calls;
    the "Beyond the SDK" session sequence signs in and renames through the console's JSON."""
    document = requests.get(api.base_url + "/v3/scm/openapi.json", timeout=30).json()
    sdk_block = readme_block("**curl.**")
    assert curl_operations(sdk_block, document) == set(sdk_operations())
    (tmp_path / "scripts").symlink_to(REPO / "scripts", target_is_directory=True)
    leaf, ca, key = make_ca_and_leaf(tmp_path, "www.example.com")
    (tmp_path / "cert.pem").write_text(leaf)
    (tmp_path / "chain.pem").write_text(ca)
    (tmp_path / "key.pem").write_text(key)
    script = re.sub(r"SCM_AK=\.\.\. SCM_SK=\.\.\.", f"SCM_AK={api.ak} SCM_SK={api.sk}", sdk_block)
    out = run_readme_block(script.replace("http://127.0.0.1:8080", api.base_url), tmp_path, {})
    assert "BEGIN CERTIFICATE" in out and "HTTP/1.1 204" in out and '"desc":"success"' in out

    cert_id = client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-readme", certificate=leaf, certificate_chain=ca, private_key=key))).certificate_id
    beyond = readme_block("**Beyond the SDK.**").replace("PASSWORD=...", f"PASSWORD='{ADMIN_PASSWORD}'")
    out = run_readme_block(beyond.replace("http://127.0.0.1:8080", api.base_url), tmp_path, {"CERT": cert_id})
    assert client.show_certificate(ShowCertificateRequest(certificate_id=cert_id)).name == "site-2"  # noqa: F405
    assert "nginx" in out


# --- the console's JSON, described in the same document -------------------------------------

def conforms(value, schema: dict, document: dict, where: str = "body") -> None:
    """Asserts that a JSON value has the served schema's shape: types, required keys, and no key
    the schema does not describe."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if value is None and schema.get("nullable"):
        return
    kind = schema["type"]
    python = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}[kind]
    assert isinstance(value, python) and not (kind == "integer" and isinstance(value, bool)), (where, value, kind)
    if kind == "array":
        for i, item in enumerate(value):
            conforms(item, schema["items"], document, f"{where}[{i}]")
    if kind == "object":
        properties = schema.get("properties", {})
        assert set(value) <= set(properties), (where, sorted(set(value) - set(properties)))
        assert set(schema.get("required", [])) <= set(value), (where, sorted(set(schema["required"]) - set(value)))
        for name, item in value.items():
            conforms(item, properties[name], document, f"{where}.{name}")


def test_answers_have_the_described_shape(api, client, tmp_path):
    """Raw answers of the read calls have exactly the fields and types the document describes,
    so the response schemas are checked against the handlers, not only against the SDK."""
    document = requests.get(api.base_url + "/v3/scm/openapi.json", timeout=30).json()
    leaf, ca, key = make_ca_and_leaf(tmp_path, "shape.api-test.com")
    cert_id = client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-shape", certificate=leaf, certificate_chain=ca, private_key=key))).certificate_id
    (paid,) = buy(client, tags=[ScsResourceTag(key="shape", value="1")])  # noqa: F405
    csr = client.create_csr(CreateCsrRequest(body=CreateCsrRequestBody(  # noqa: F405
        name="api-shape", domain_name="shape.api-test.com", private_key_algo="EC_P256", usage="PERSONAL"))).id
    calls = [
        ("GET", "/v3/scm/certificates?limit=50", "/v3/scm/certificates", b""),
        ("GET", f"/v3/scm/certificates/{cert_id}", "/v3/scm/certificates/{certificate_id}", b""),
        ("GET", f"/v3/scm/certificates/{paid}", "/v3/scm/certificates/{certificate_id}", b""),
        ("POST", f"/v3/scm/certificates/{cert_id}/export", "/v3/scm/certificates/{certificate_id}/export", b""),
        ("GET", "/v3/scm/csr?limit=10", "/v3/scm/csr", b""),
        ("GET", f"/v3/scm/csr/{csr}", "/v3/scm/csr/{id}", b""),
        ("GET", f"/v3/scm/{paid}/tags", "/v3/scm/{resource_id}/tags", b""),
        ("GET", "/v3/scm/tags", "/v3/scm/tags", b""),
        ("POST", "/v3/scm/resource_instances/action", "/v3/scm/resource_instances/action", b'{"action": "filter", "limit": 50}'),
    ]
    for method, url, path, body in calls:
        resp = signed_request(api, method, url, body=body)
        assert resp.status_code == 200, (url, resp.text)
        schema = document["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]["schema"]
        conforms(resp.json(), schema, document, url)


def test_console_json_operations(api, client, tmp_path):
    """The console's JSON calls (reissue, revoke, renew, add-domains, rename, download) are in
    the OpenAPI document under their own tag; each described route exists (401 without a
    session, not 404), and a session made with plain HTTP requests renames and reads the
    download list with answers of exactly the described shape."""
    document = requests.get(api.base_url + "/v3/scm/openapi.json", timeout=30).json()
    console_ops = {(path, method): op for path, item in document["paths"].items() for method, op in item.items()
                   if op["tags"] == ["Console (session, JSON)"]}
    assert {op["operationId"] for op in console_ops.values()} == {
        "console_reissue", "console_revoke", "console_renew", "console_add_domains", "console_rename", "console_download"}
    leaf, ca, key = make_ca_and_leaf(tmp_path, "console.api-test.com")
    cert_id = client.import_certificate(ImportCertificateRequest(body=ImportCertificateRequestBody(  # noqa: F405
        name="api-console", certificate=leaf, certificate_chain=ca, private_key=key))).certificate_id
    for (path, method) in console_ops:
        resp = requests.request(method.upper(), api.base_url + path.replace("{id}", cert_id),
                                headers={"Accept": "application/json"}, timeout=30)
        assert resp.status_code == 401 and resp.json()["error_msg"] == "Sign in first.", (path, resp.status_code)

    http = requests.Session()
    login = http.get(api.base_url + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    signed_in = http.post(api.base_url + "/login", data={"csrf_token": token, "username": "admin", "password": ADMIN_PASSWORD},
                          allow_redirects=False, timeout=30)
    assert signed_in.status_code == 303
    page = http.get(api.base_url + "/certificates", timeout=30).text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    rename = console_ops[("/certificates/{id}/rename", "post")]
    url = api.base_url + f"/certificates/{cert_id}/rename"
    refused_csrf = http.post(url, data={"name": "x"}, headers={"Accept": "application/json"}, timeout=30)
    assert refused_csrf.status_code == 403 and "CSRF" in refused_csrf.json()["error_msg"]
    resp = http.post(url, data={"name": "api-console-2", "description": "via JSON"},
                     headers={"Accept": "application/json", "X-CSRF-Token": token}, timeout=30)
    assert resp.status_code == 200, resp.text
    conforms(resp.json(), rename["responses"]["200"]["content"]["application/json"]["schema"], document)
    assert resp.json() == {"name": "api-console-2", "description": "via JSON"}
    bad = http.post(url, data={"name": ""}, headers={"Accept": "application/json", "X-CSRF-Token": token}, timeout=30)
    assert bad.status_code == 400
    conforms(bad.json(), rename["responses"]["400"]["content"]["application/json"]["schema"], document)
    assert bad.json()["errors"][0]["field"] == "name"
    download = http.get(api.base_url + f"/certificates/{cert_id}/download", headers={"Accept": "application/json"}, timeout=30)
    described = console_ops[("/certificates/{id}/download", "get")]["responses"]["200"]["content"]["application/json"]["schema"]
    conforms(download.json(), described, document)
    assert download.json()["has_private_key"] is True
    package = http.get(api.base_url + download.json()["servers"][0]["href"], timeout=30)
    assert package.status_code == 200 and package.content[:2] == b"PK"


# --- signature checks -------------------------------------------------------------------------

def signed_request(api, method, path, body=b"", date=None, sk=None, ak=None, send_body=None):
    url = api.base_url + path
    headers = scm_curl.sign(method, url, body, ak or api.ak, sk or api.sk, date=date)
    return requests.request(method, url, headers=headers, data=send_body if send_body is not None else body, timeout=30)


def assert_gateway_refusal(resp, words):
    assert resp.status_code == 401, resp.text
    body = resp.json()
    assert body["error_code"] == "APIGW.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert words in body["error_msg"]
    assert body["request_id"] == resp.headers["X-Request-Id"]


def test_signature_checks(api, client):
    assert signed_request(api, "GET", "/v3/scm/certificates?limit=10&offset=0").status_code == 200
    e = refused(lambda: make_client(api, sk="x" * 40).list_certificates(ListCertificatesRequest()), 401, "APIGW.0301")  # noqa: F405
    assert "signature" in e.error_msg
    # An unknown key gets the same answer as a wrong secret: the 401 does not say which keys exist.
    unknown = refused(lambda: make_client(api, ak="UNKNOWNAK00000000000").list_certificates(ListCertificatesRequest()),  # noqa: F405
                      401, "APIGW.0301")
    assert unknown.error_msg == e.error_msg and "exist" not in unknown.error_msg
    assert_gateway_refusal(signed_request(api, "GET", "/v3/scm/certificates", date="20200101T000000Z"), "expired")
    body = json.dumps({"tag": {"key": "a", "value": "b"}}).encode()
    assert_gateway_refusal(
        signed_request(api, "POST", "/v3/scm/scs0000000000000/tags", body=body, send_body=body.replace(b'"b"', b'"c"')),
        "signature fail")
    assert_gateway_refusal(requests.get(api.base_url + "/v3/scm/certificates", timeout=30), "not signed")
    # A query parameter changed after signing.
    url = api.base_url + "/v3/scm/certificates?limit=10"
    headers = scm_curl.sign("GET", url, b"", api.ak, api.sk)
    assert_gateway_refusal(requests.get(url.replace("limit=10", "limit=20"), headers=headers, timeout=30), "signature fail")
    # Percent-encoded paths are signed over their decoded segments.
    assert signed_request(api, "GET", "/v3/scm/certificates/scs%30000000000000").status_code == 404


def test_malformed_json_and_openapi(api):
    resp = signed_request(api, "POST", "/v3/scm/certificates/buy", body=b"{broken")
    assert resp.status_code == 400 and resp.json()["error_code"] == "SCM.0005"
    assert "not valid JSON" in resp.json()["error_msg"] and resp.headers["X-Request-Id"]
    resp = signed_request(api, "POST", "/v3/scm/notification/enable", body=b'{"resource_id": "x"}')
    assert resp.status_code == 400 and "JSON array" in resp.json()["error_msg"]
    # Nested fields are checked against the same schema the OpenAPI document shows.
    resp = signed_request(api, "POST", "/v3/scm/certificates/buy", body=json.dumps({
        "cert_brand": "GEOTRUST", "cert_type": "DV_SSL_CERT", "domain_type": "SINGLE_DOMAIN", "effective_time": 1,
        "domain_numbers": 1, "order_number": 1, "agree_privacy_protection": True, "tags": [{"key": "a", "value": 7}]}).encode())
    assert resp.status_code == 400 and resp.json()["error_msg"] == "The field value must be a string, not a number."


# --- the OpenAPI document against the SDK's models -----------------------------------------

SDK_PRIMITIVES = {"str": {"type": "string"}, "int": {"type": "integer"}, "bool": {"type": "boolean"}}


def sdk_schema(type_name: str) -> dict:
    """The shape of an SDK `openapi_types` entry: a primitive, list[T] or a model class."""
    if type_name in SDK_PRIMITIVES:
        return SDK_PRIMITIVES[type_name]
    inner = re.fullmatch(r"list\[(.+)\]", type_name)
    if inner:
        return {"type": "array", "items": sdk_schema(inner.group(1))}
    model = globals()[type_name]
    return {"type": "object", "properties": {model.attribute_map[name]: sdk_schema(kind)
                                             for name, kind in model.openapi_types.items()}}


def served_schema(schema: dict, document: dict) -> dict:
    """The same shape of a served schema: $refs resolved, descriptions and `required` dropped."""
    if "$ref" in schema:
        return served_schema(document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], document)
    if schema["type"] == "array":
        return {"type": "array", "items": served_schema(schema["items"], document)}
    if schema["type"] == "object":
        return {"type": "object", "properties": {name: served_schema(value, document)
                                                 for name, value in schema.get("properties", {}).items()}}
    return {"type": schema["type"]}


def sdk_operations() -> list[str]:
    return sorted(name[1:-len("_http_info")] for name in dir(ScmClient)  # noqa: F405
                  if name.startswith("_") and name.endswith("_http_info"))


def test_openapi_matches_the_sdk_models(api):
    """Every operation of the SDK, with the path, method, parameters, request body and success
    body its models define (names and JSON types, nested models included), and the error
    statuses scm can answer: the document is built from the table the routes run on, so this
    keeps both in step with the SDK."""
    document = requests.get(api.base_url + "/v3/scm/openapi.json", timeout=30).json()
    served = {op["operationId"]: (path, method, op) for path, item in document["paths"].items() for method, op in item.items()
              if path.startswith("/v3/scm/")}
    assert sorted(served) == sdk_operations()
    assert len(served) == 27
    for operation in sdk_operations():
        request_class = globals()["".join(part.capitalize() for part in operation.split("_")) + "Request"]
        info = getattr(ScmClient, f"_{operation}_http_info")(request_class())  # noqa: F405
        path, method, op = served[operation]
        assert method == info["method"].lower(), operation
        sdk_path = info["resource_path"]
        # list_certificates_by_tag's {resource_instances} has one documented value, its own name,
        # which scm routes as a literal segment.
        fixed = [name for name in info["path_params"] if name == "resource_instances"]
        for name in fixed:
            sdk_path = sdk_path.replace("{%s}" % name, name)
        assert path == sdk_path, operation

        parameters = {p["name"]: (p["in"], served_schema(p["schema"], document)) for p in op["parameters"]}
        fields = request_class.openapi_types
        expected = {name: ("path" if name in info["path_params"] else "query", sdk_schema(kind))
                    for name, kind in fields.items() if name != "body" and name not in fixed}
        assert parameters == expected, operation

        if "body" in fields:
            body = op["requestBody"]["content"]["application/json"]["schema"]
            assert served_schema(body, document) == sdk_schema(fields["body"]), operation
        else:
            assert "requestBody" not in op, operation

        response = sdk_schema(info["response_type"])
        success = op["responses"].get("200") or op["responses"]["204"]
        if "content" in success:
            assert served_schema(success["content"]["application/json"]["schema"], document) == response, operation
        else:
            assert response["properties"] == {}, f"{operation}: a 204 for a response with fields"

        errors = {status for status in op["responses"] if status.startswith("4")}
        assert {"400", "401", "403"} <= errors, operation
        if info["path_params"].keys() - set(fixed):
            assert "404" in errors, operation
        for status in errors:
            assert op["responses"][status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error_code", "error_msg"}
    for operation in ("import_certificate", "apply_certificate", "delete_certificate"):
        assert "409" in served[operation][2]["responses"], operation


def test_console_access_key_page(api):
    c = api.login()
    page = c.get("/users/access-keys")
    assert page.status_code == 200 and api.ak in page.text and api.sk not in page.text
    created = c.post("/users/access-keys", {})
    assert created.status_code == 201
    new_ak = re.search(r'<dd class="mono">([A-Z0-9]{20})</dd>', created.text).group(1)
    new_sk = re.search(r'<dd class="mono">([A-Za-z0-9]{40})</dd>', created.text).group(1)
    assert make_client(api, ak=new_ak, sk=new_sk).list_certificates(ListCertificatesRequest()).total_count >= 0  # noqa: F405
    refused_page = c.post("/users/access-keys", {})
    assert refused_page.status_code == 409 and "at most 2" in refused_page.text
    c.get("/users/access-keys")
    assert c.post(f"/users/access-keys/{new_ak}/disable", {}).status_code == 303
    refused(lambda: make_client(api, ak=new_ak, sk=new_sk).list_certificates(ListCertificatesRequest()), 401)  # noqa: F405
    c.get("/users/access-keys")
    assert c.post(f"/users/access-keys/{new_ak}/delete", {}).status_code == 303
    with api.db() as db:
        sealed = db.execute("SELECT sealed_sk FROM access_keys WHERE ak = ?", (api.ak,)).fetchone()[0]
    assert api.sk.encode() not in bytes(sealed)


def test_errors_nginx_makes_itself_have_the_api_shape(api, client):
    """A body over nginx's 2 MB limit never reaches scm serve: nginx answers, in the API's shape."""
    key = "-----BEGIN PRIVATE KEY-----\n" + "A" * (2 * 1024 * 1024) + "\n-----END PRIVATE KEY-----\n"
    body = ImportCertificateRequestBody(  # noqa: F405
        name="too-big", certificate="x", certificate_chain="x", private_key=key)
    e = refused(lambda: client.import_certificate(ImportCertificateRequest(body=body)), 413, "SCM.0005",  # noqa: F405
                ["larger than 2 MB"])
    raw = requests.post(api.base_url + "/v3/scm/certificates/import", data=b"{" + b" " * (2 * 1024 * 1024 + 1) + b"}",
                        headers={"Content-Type": "application/json"}, timeout=30)
    assert raw.status_code == 413 and raw.headers["Content-Type"].startswith("application/json")
    assert raw.json()["request_id"] == raw.headers["X-Request-Id"] and len(raw.headers["X-Request-Id"]) == 32
    assert e.request_id
    # A response of scm serve keeps its own id, once.
    ok = signed_request(api, "GET", "/v3/scm/certificates?limit=10&offset=0")
    assert ok.status_code == 200 and len(ok.raw.headers.getlist("X-Request-Id")) == 1
