"""Issue 8 end to end: enterprise projects scope what a user sees and may change.

A user whose only grant is SCM FullAccess for project "dev" sees only dev certificates in the
console list and through the official SDK, finds every other certificate missing (404, so ids do
not leak), cannot delete one, and can operate on its own dev certificates. A stack of its own, so
the groups made here change no other module's users.
"""
from __future__ import annotations

import re

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkscm.v3 import (CreateCsrRequest, CreateCsrRequestBody, DeleteCertificateRequest, DeleteCsrRequest,
                                  ListCertificatesRequest, ListCsrRequest, ShowCertificateRequest, ShowCsrPrivateKeyRequest,
                                  ShowCsrRequest, UnsubscribeCertificateRequest, UpdateCsrRequest, UpdateCSRRequestBody)

from conftest import access_key, make_stack, row_ids, stop_stack, total_count
from test_api_sdk import buy, make_client
from test_lifecycle import APPLICANT
from test_security import create_user


@pytest.fixture(scope="module")
def proj():
    st = make_stack()
    try:
        st.seed(10)  # default, production and staging certificates
        admin_client = st.admin_client = make_client(st, *access_key(st, "admin"))
        st.dev_ids = buy(admin_client, order_number=3, enterprise_project_id="dev")
        admin = st.login()
        admin.get("/users/groups")
        assert admin.post("/users/groups", {"name": "dev-team", "description": ""}).status_code == 303
        with st.db() as db:
            group = db.execute("SELECT id FROM user_groups WHERE name = 'dev-team'").fetchone()[0]
            full_access = db.execute("SELECT id FROM policies WHERE name = 'SCM FullAccess'").fetchone()[0]
            st.other_id = db.execute(
                "SELECT id FROM certificates WHERE enterprise_project = 'default' ORDER BY id LIMIT 1").fetchone()[0]
        admin.get("/users/groups")
        r = admin.post(f"/users/groups/{group}/policies", {"policy": str(full_access), "project": "dev"})
        assert r.status_code == 303, r.text[:500]
        password = create_user(admin, "dev1", "dev-team")
        st.dev = st.login("dev1", password)
        st.dev_client = make_client(st, *access_key(st, "dev1"))
        yield st
    finally:
        stop_stack(st)


def dev_ids_in_db(st) -> set[str]:
    with st.db() as db:
        return {i for (i,) in db.execute("SELECT id FROM certificates WHERE enterprise_project = 'dev'")}


def test_list_page_and_api_show_only_the_granted_project(proj):
    page = proj.dev.get("/certificates", params={"limit": "50"}).text
    assert set(row_ids(page)) == dev_ids_in_db(proj) == set(proj.dev_ids)
    assert total_count(page) == 3
    # The keyword search and the filters go through the same scoped query.
    assert proj.dev.get("/certificates", params={"keyword": "scm"}).status_code == 200
    assert set(row_ids(proj.dev.get("/certificates", params={"limit": "50", "keyword": "scm"}).text)) <= set(proj.dev_ids)

    listed = proj.dev_client.list_certificates(ListCertificatesRequest(limit=50, offset=0))
    assert listed.total_count == 3
    assert {c.id for c in listed.certificates} == set(proj.dev_ids)
    # The administrator still sees everything.
    assert total_count(proj.login().get("/certificates").text) == 13


def test_a_certificate_of_another_project_is_missing(proj):
    r = proj.dev.get(f"/certificates/{proj.other_id}")
    assert r.status_code == 404 and f"There is no certificate with ID {proj.other_id}." in r.text
    with pytest.raises(ClientRequestException) as info:
        proj.dev_client.show_certificate(ShowCertificateRequest(certificate_id=proj.other_id))
    assert info.value.status_code == 404


def test_it_cannot_be_deleted(proj):
    page = proj.dev.get("/certificates").text
    r = proj.dev.post(f"/certificates/{proj.other_id}/delete", {}, token=proj.dev.csrf_token(page))
    assert r.status_code == 404
    with pytest.raises(ClientRequestException) as info:
        proj.dev_client.delete_certificate(DeleteCertificateRequest(certificate_id=proj.other_id))
    assert info.value.status_code == 404
    with proj.db() as db:
        assert db.execute("SELECT count(*) FROM certificates WHERE id = ?", (proj.other_id,)).fetchone()[0] == 1


def test_its_own_dev_certificates_are_fully_usable(proj):
    first, second = proj.dev_ids[0], proj.dev_ids[1]
    assert proj.dev.get(f"/certificates/{first}").status_code == 200
    page = proj.dev.get(f"/certificates/{first}/rename").text
    r = proj.dev.post(f"/certificates/{first}/rename", {"name": "dev-renamed", "description": "by dev1"},
                      token=proj.dev.csrf_token(page))
    assert r.status_code == 303, r.text[:500]
    # Moving it out of "dev" needs the target project too.
    r = proj.dev.post(f"/certificates/{first}/move-project", {"enterprise_project": "default"},
                      token=proj.dev.csrf_token(page))
    assert r.status_code == 403 and "enterprise project &quot;default&quot;" in r.text
    # Refused by the service, not the route, and audited all the same.
    with proj.db() as db:
        assert db.execute("SELECT count(*) FROM events WHERE actor = 'dev1' AND result = 'refused' AND target = ? "
                          "AND action = 'scm:cert:update'", (first,)).fetchone()[0] == 1
    proj.dev_client.unsubscribe_certificate(UnsubscribeCertificateRequest(cert_id=second))
    with proj.db() as db:
        assert db.execute("SELECT name FROM certificates WHERE id = ?", (first,)).fetchone()[0] == "dev-renamed"
        assert db.execute("SELECT count(*) FROM certificates WHERE id = ?", (second,)).fetchone()[0] == 0


def create_csr(client, name: str) -> str:
    return client.create_csr(CreateCsrRequest(body=CreateCsrRequestBody(
        name=name, domain_name=f"www.{name}.com", private_key_algo="EC_P256", usage="PERSONAL"))).id


def test_csrs_of_other_users_are_missing_to_a_project_scoped_user(proj):
    """CSRs belong to no project: a user granted one project acts only on the CSRs they made."""
    theirs = create_csr(proj.admin_client, "admins-csr")
    mine = create_csr(proj.dev_client, "dev1-csr")

    listed = proj.dev_client.list_csr(ListCsrRequest(limit=50, offset=0))
    assert [c.id for c in listed.csr_list] == [mine] and listed.total == 1
    for call in (lambda: proj.dev_client.show_csr(ShowCsrRequest(id=theirs)),
                 lambda: proj.dev_client.show_csr_private_key(ShowCsrPrivateKeyRequest(id=theirs)),
                 lambda: proj.dev_client.update_csr(UpdateCsrRequest(id=theirs, body=UpdateCSRRequestBody(name="taken"))),
                 lambda: proj.dev_client.delete_csr(DeleteCsrRequest(id=theirs))):
        with pytest.raises(ClientRequestException) as info:
            call()
        assert info.value.status_code == 404, info.value
    assert "BEGIN PRIVATE KEY" in proj.dev_client.show_csr_private_key(ShowCsrPrivateKeyRequest(id=mine)).private_key

    page = proj.dev.get("/csrs", params={"limit": "50"}).text
    assert mine in page and theirs not in page
    for path in (f"/csrs/{theirs}", f"/csrs/{theirs}/download"):
        assert proj.dev.get(path).status_code == 404, path
    token = proj.dev.csrf_token(page)
    assert proj.dev.post(f"/csrs/{theirs}/rename", {"name": "taken"}, token=token).status_code == 404
    assert proj.dev.post(f"/csrs/{theirs}/delete", {}, token=token).status_code == 404

    # Nor can the admin's CSR (and so its key) be put into one of dev1's certificates.
    cert_id = proj.dev_ids[2]
    apply_page = proj.dev.get(f"/certificates/{cert_id}/apply").text
    assert mine in apply_page and theirs not in apply_page
    r = proj.dev.post(f"/certificates/{cert_id}/apply", {
        **APPLICANT, "csr_mode": "existing", "csr_id": theirs, "domain_method": "DNS"},
        token=proj.dev.csrf_token(apply_page), headers={"Accept": "application/json"})
    assert r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {"csr_id"}, r.text[:500]

    # The administrator's unscoped grant still reaches every CSR; nothing of theirs changed.
    assert proj.admin_client.show_csr(ShowCsrRequest(id=theirs)).name == "admins-csr"
    assert proj.admin_client.show_csr(ShowCsrRequest(id=mine)).name == "dev1-csr"
    with proj.db() as db:
        assert db.execute("SELECT count(*) FROM events WHERE target = ? AND action = 'scm:cert:download'",
                          (theirs,)).fetchone()[0] == 0


def test_audit_log_and_orders_show_a_project_scoped_user_only_their_own(proj):
    """Events and orders belong to no project: with a grant for "dev" only, dev1 reads its own."""
    with proj.db() as db:
        all_events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        own_events = db.execute("SELECT count(*) FROM events WHERE actor = 'dev1'").fetchone()[0]
        admins_orders = {i for (i,) in db.execute("SELECT id FROM orders WHERE user_id IS NOT (SELECT id FROM users WHERE name = 'dev1')")}
    assert own_events and admins_orders and all_events > own_events
    page = proj.dev.get("/audit").text
    assert total_count(page) == own_events and "own-only" in page
    actors = set(re.findall(r'<tr data-id="\d+"><td class="mono">\d+</td><td>[^<]*</td><td>([^<]*)</td>', page))
    assert actors == {"dev1"}, actors
    assert proj.other_id not in page
    # Filtering by another user finds nothing rather than their events.
    assert total_count(proj.dev.get("/audit", params={"actor": "admin"}).text) == 0

    orders = proj.dev.get("/orders").text
    assert "own-only" in orders and not any(order in orders for order in admins_orders)

    admin = proj.login()
    assert total_count(admin.get("/audit").text) >= all_events
    admin_orders = admin.get("/orders", params={"limit": "50"}).text  # every order on one page
    assert total_count(admin_orders) <= 50
    assert "own-only" not in admin_orders and all(order in admin_orders for order in admins_orders)
