"""The deploy and push records (/cloud/records), the message center (/messages), the webhook
delivery log (/messages/webhooks), the SMS outbox (/cloud/sms), the mailbox (/cloud/mail) and the
orders (/orders) page like the certificate list: 10, 20 or 50 rows a page with the total, the page and size kept in
the URL with the filters, and a page past the last one an empty page, not an error.

The rows are written straight into the database of a still stack (no CA, rare scheduler), so
the totals are known exactly."""

from __future__ import annotations

import html
import re
import time

import pytest

from conftest import ADMIN_NAME, dismantle, links, query_of, started_stack, total_count


@pytest.fixture(scope="module")
def paged():
    st = started_stack("scm-e2e-paging-")
    now = time.time()
    with st.db(readonly=False) as db:
        admin_id = db.execute("SELECT id FROM users WHERE name = ?", (ADMIN_NAME,)).fetchone()[0]
        for i in range(25):
            db.execute(
                "INSERT INTO deployment_records (kind, at, actor, certificate_id, certificate_name, product, region,"
                " project, target, succeeded, reason) VALUES (?, ?, 'admin', ?, ?, 'WAF', 'cn-north-4', 'default',"
                " ?, 1, '')",
                ("deploy" if i < 15 else "push", now + i, f"scs{i:013d}", f"record-{i:02d}", f"target-{i:02d}"))
            db.execute(
                "INSERT INTO messages (user_id, certificate_id, kind, title, body, created_at) VALUES (?, NULL,"
                " 'CERT_ISSUED', ?, 'body', ?)", (admin_id, f"message-{i:02d}", now + i))
            db.execute(
                "INSERT INTO webhook_deliveries (user_id, message_id, event_type, url, payload, state, attempts,"
                " next_attempt_at, last_result, created_at) VALUES (?, 1, 'CERT_ISSUED', ?, '{}', 'delivered', 1, ?,"
                " 'HTTP 200', ?)", (admin_id, f"https://hooks.example/delivery-{i:02d}", now + i, now + i))
            db.execute("INSERT INTO sms_outbox (phone, text, created_at) VALUES ('+8613800000000', ?, ?)",
                       (f"sms-{i:02d}", now + i))
            db.execute(
                "INSERT INTO orders (id, kind, user_id, summary, amount_cents, certificate_count, created_at, paid_at,"
                " refunded_cents) VALUES (?, 'purchase', ?, ?, 10000, 1, ?, ?, 0)",
                (f"CS{i:08d}", admin_id, f"order-{i:02d}", now + i, now + i))
            db.execute("INSERT INTO mails (recipient, subject, body, created_at) VALUES (?, ?, 'body', ?)",
                       ("a@example.test" if i % 5 else "b@example.test", f"mail-{i:02d}", now + i))
    try:
        yield st
    finally:
        dismantle(st)


def shown(page: str, prefix: str) -> list[str]:
    return re.findall(rf"[>/]({prefix}-\d\d)<", page)


def test_records_page_with_the_filters_kept_and_past_the_last_page_empty(paged):
    client = paged.login()
    page = client.get("/cloud/records", params={"kind": "deploy"}).text
    assert total_count(page) == 15
    # Newest first, 10 a page.
    assert shown(page, "record") == [f"record-{i:02d}" for i in range(14, 4, -1)]
    following = [h for h in links(page) if h.startswith("/cloud/records?") and "page=2" in h]
    assert following and query_of(following[0]) == {"kind": "deploy", "page": "2"}
    second = client.get(following[0]).text
    assert shown(second, "record") == [f"record-{i:02d}" for i in range(4, -1, -1)]
    assert 'rel="next"' not in second and "11–15 of 15" in second

    # The page size is kept in the links with the filters; the sizes are 10, 20 and 50.
    page = client.get("/cloud/records", params={"kind": "push", "limit": "20"}).text
    assert total_count(page) == 10 and len(shown(page, "record")) == 10
    assert '<option value="20" selected>' in page
    page = client.get("/cloud/records", params={"limit": "10", "page": "2", "result": "success"}).text
    assert total_count(page) == 25 and len(shown(page, "record")) == 10
    assert {"result": "success", "page": "3"} in [query_of(h) for h in links(page) if h.startswith("/cloud/records?")]

    past = client.get("/cloud/records", params={"kind": "deploy", "page": "9"})
    assert past.status_code == 200 and "This page is past the last one." in past.text
    assert total_count(past.text) == 15 and shown(past.text, "record") == []
    assert any(query_of(h) == {"kind": "deploy", "page": "2"} for h in links(past.text))
    bad = client.get("/cloud/records", params={"page": "0"})
    assert bad.status_code == 400 and "page number" in html.unescape(bad.text)


def test_messages_page_and_answer_json_with_the_total(paged):
    client = paged.login()
    page = client.get("/messages").text
    assert total_count(page) == 25
    assert shown(page, "message") == [f"message-{i:02d}" for i in range(24, 14, -1)]
    third = client.get("/messages", params={"page": "3"}).text
    assert shown(third, "message") == [f"message-{i:02d}" for i in range(4, -1, -1)]
    assert "21–25 of 25" in third and 'rel="next"' not in third
    page = client.get("/messages", params={"limit": "50"}).text
    assert len(shown(page, "message")) == 25 and 'rel="next"' not in page

    past = client.get("/messages", params={"page": "4"})
    assert past.status_code == 200 and "This page is past the last one." in past.text and total_count(past.text) == 25
    answer = client.get("/messages", params={"page": "2", "limit": "20"}, headers={"Accept": "application/json"}).json()
    assert answer["total"] == 25 and answer["page"] == 2 and len(answer["messages"]) == 5
    bad = client.get("/messages", params={"page": "x"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "page" in bad.text


@pytest.mark.parametrize("path, prefix", [("/messages/webhooks", "delivery"), ("/cloud/sms", "sms"), ("/orders", "order")])
def test_delivery_log_sms_outbox_and_orders_page(paged, path, prefix):
    client = paged.login()
    page = client.get(path, params={"limit": "20"}).text
    assert total_count(page) == 25
    assert shown(page, prefix) == [f"{prefix}-{i:02d}" for i in range(24, 4, -1)]
    assert {"limit": "20", "page": "2"} in [query_of(h) for h in links(page) if h.startswith(path + "?")]
    second = client.get(path, params={"limit": "20", "page": "2"}).text
    assert shown(second, prefix) == [f"{prefix}-{i:02d}" for i in range(4, -1, -1)]
    past = client.get(path, params={"page": "4"})
    assert past.status_code == 200 and "This page is past the last one." in past.text and total_count(past.text) == 25
    if prefix != "order":  # the orders page has no JSON answer
        answer = client.get(path, params={"page": "3"}, headers={"Accept": "application/json"}).json()
        assert answer["total"] == 25 and len(answer["deliveries" if prefix == "delivery" else "sms"]) == 5


def test_mailbox_pages_each_recipient_and_counts_every_unread_mail(paged):
    client = paged.login()
    page = client.get("/cloud/mail", params={"to": "a@example.test"}).text
    assert total_count(page) == 20 and len(shown(page, "mail")) == 10
    assert {"to": "a@example.test", "page": "2"} in [query_of(h) for h in links(page) if h.startswith("/cloud/mail?")]
    # Both recipients are offered, whatever the page shows.
    assert '<option value="b@example.test">' in page
    page = client.get("/cloud/mail", params={"to": "b@example.test", "page": "2"})
    assert page.status_code == 200 and "This page is past the last one." in page.text and total_count(page.text) == 5
    assert "25 unread" in client.get("/cloud/mail").text
