"""Issue 9's message center end to end: read/unread with the header badge, "Mark all read",
reminders by e-mail and SMS sent once across restarts, and webhooks POSTed by the scheduler
with a delivery log and a retry after a failure."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from conftest import free_port
from test_management import JSON, csrf, days_left, issued, ops, restart  # noqa: F401  (ops is a fixture)


class Receiver:
    """A local HTTP endpoint: answers 500 to the first `failures` POSTs, then 200."""

    def __init__(self, failures: int = 0):
        self.bodies: list[dict] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                failing = receiver.failures > 0
                if failing:
                    receiver.failures -= 1
                else:
                    receiver.bodies.append(json.loads(body))
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


def badge(page: str) -> int:
    m = re.search(r'<span class="badge" aria-label="(\d+) unread">', page)
    return int(m.group(1)) if m else 0


def wait_until(check, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def test_webhook_refuses_a_non_http_address(ops):
    client = ops.login()
    client.get("/messages/webhooks")
    r = client.post("/messages/webhooks", {"url_CERT_EXPIRING": "ftp://example.com/x"})
    assert r.status_code == 400
    assert "must be an http:// or https:// URL" in r.text and 'id="url_CERT_EXPIRING-error"' in r.text


def test_reminders_badge_sms_webhook_and_never_twice(ops):
    client = ops.login()
    ok = Receiver()
    client.get("/messages/webhooks")
    r = client.post("/messages/webhooks", {"url_CERT_EXPIRING": ok.url, "url_CERT_EXPIRED": ""})
    assert r.status_code == 303
    assert ok.url in client.get("/messages/webhooks").text
    client.get("/messages")
    client.post("/messages/read-all", {})
    assert badge(client.get("/messages").text) == 0

    cert_id = issued(ops, client, phone="+8613912345678")
    left = days_left(ops, cert_id)
    try:
        restart(ops, left - 20)
        client = ops.login()

        def reminder_ids():
            with ops.db() as db:
                return [r[0] for r in db.execute(
                    "SELECT id FROM messages WHERE certificate_id = ? AND kind = 'CERT_EXPIRING'", (cert_id,))]
        ids = wait_until(reminder_ids)
        page = client.get("/messages").text
        assert badge(page) >= 1 and "Mark all read" in page and "Unread" in page
        before = badge(page)

        # The SMS outbox beside the mailbox holds the reminder for the applicant's phone.
        sms = client.get("/cloud/sms").text
        assert "+8613912345678" in sms and cert_id in sms

        # The scheduler POSTs the reminder as JSON; the log shows it delivered.
        body = wait_until(lambda: next((b for b in ok.bodies if b["certificate_id"] == cert_id), None))
        assert body["event_type"] == "CERT_EXPIRING" and body["message_id"] in ids
        log = client.get("/messages/webhooks", headers=JSON).json()["deliveries"]
        assert any(d["state"] == "delivered" and d["url"] == ok.url for d in log), log

        # Opening a message marks it read: the badge goes down by one, the time is shown.
        opened = client.get(f"/messages/{ids[0]}").text
        assert "Read</dt><dd>–" not in opened
        assert badge(client.get("/messages").text) == before - 1
        r = client.get("/messages/999999")
        assert r.status_code == 404

        # A restart at the same moment sends nothing twice: messages, SMS and POSTs stay.
        with ops.db() as db:
            counts = db.execute("SELECT (SELECT count(*) FROM messages WHERE certificate_id = ?),"
                                " (SELECT count(*) FROM sms_outbox WHERE certificate_id = ?)", (cert_id, cert_id)).fetchone()
        posts = len(ok.bodies)
        restart(ops, left - 20)
        time.sleep(2.5)
        with ops.db() as db:
            again = db.execute("SELECT (SELECT count(*) FROM messages WHERE certificate_id = ?),"
                               " (SELECT count(*) FROM sms_outbox WHERE certificate_id = ?)", (cert_id, cert_id)).fetchone()
        assert again == counts and len(ok.bodies) == posts

        client = ops.login()
        client.get("/messages")
        r = client.post("/messages/read-all", {})
        assert r.status_code == 303
        assert badge(client.get("/messages").text) == 0
    finally:
        restart(ops, 0)


def test_failed_webhook_is_retried_with_backoff(ops):
    failing = Receiver(failures=1)
    client = ops.login()
    client.get("/messages/webhooks")
    assert client.post("/messages/webhooks", {"url_CERT_EXPIRING": failing.url}).status_code == 303
    cert_id = issued(ops, client)
    left = days_left(ops, cert_id)
    try:
        restart(ops, left - 20)
        client = ops.login()

        def first_failure():
            log = client.get("/messages/webhooks", headers=JSON).json()["deliveries"]
            return next((d for d in log if d["url"] == failing.url and d["attempts"] == 1 and
                         f'"{cert_id}"' in d["payload"]), None)
        delivery = wait_until(first_failure)
        assert delivery["state"] == "pending" and delivery["last_result"] == "HTTP 500"
        assert "Pending" in client.get("/messages/webhooks").text
        # 30 seconds later (the clock moved on a day) the second attempt succeeds.
        restart(ops, left - 19)
        client = ops.login()
        wait_until(lambda: any(b["certificate_id"] == cert_id for b in failing.bodies))
        log = client.get("/messages/webhooks", headers=JSON).json()["deliveries"]
        mine = next(d for d in log if d["id"] == delivery["id"])
        assert mine["state"] == "delivered" and mine["attempts"] == 2
    finally:
        restart(ops, 0)


def test_ca_outcomes_reach_the_owners_message_center_and_webhook(ops):
    """Issue 9's CA messages: applying, verifying and issuing each leave a message for the
    owner beside the CA's mail, and a webhook set for CERT_ISSUED receives the issuance."""
    client = ops.login()
    hook = Receiver()
    client.get("/messages/webhooks")
    assert client.post("/messages/webhooks", {"url_CERT_ISSUED": hook.url}).status_code == 303
    cert_id = issued(ops, client)
    with ops.db() as db:
        name = db.execute("SELECT name FROM certificates WHERE id = ?", (cert_id,)).fetchone()[0]
        kinds = [r[0] for r in db.execute(
            "SELECT kind FROM messages WHERE certificate_id = ? ORDER BY id", (cert_id,))]
    assert kinds == ["DOMAIN_VERIFICATION", "DOMAIN_VERIFIED", "CERT_ISSUED"]
    page = client.get("/messages").text
    assert f"Verify the domain names of {name}" in page and f"{name} issued" in page
    body = wait_until(lambda: next((b for b in hook.bodies if b["certificate_id"] == cert_id), None))
    assert body["event_type"] == "CERT_ISSUED"
