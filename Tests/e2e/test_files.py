"""Upload external certificate and Download, end to end (issue 5, issue 10; RULES.md §3, §7).

A stack of its own (the CA simulator issues at its next pass, as in test_lifecycle). The
external certificates come from a test CA made here with the openssl command line: a root, an
intermediate and leaves, so every upload is what a user would bring from another CA.
"""
from __future__ import annotations

import io
import re
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from conftest import wait_status
from test_lifecycle import APPLICANT, add_record, buy, ensure_zone, post_json, validations

JSON = {"Accept": "application/json"}
SERVERS = ["nginx", "apache", "tomcat", "iis", "weblogic", "resin", "other"]


@pytest.fixture(scope="module")
def stack(life):
    """This module's tests call the life-cycle stack (conftest's `life`) `stack`."""
    return life


def openssl(*args, cwd=None) -> str:
    proc = subprocess.run(["openssl", *args], capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, f"openssl {' '.join(args)}: {proc.stderr}"
    return proc.stdout + proc.stderr


class ExternalCA:
    """root → intermediate → leaves, all made by openssl in `directory`."""

    def __init__(self, directory: Path, name: str):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        d = str(self.dir)
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "root.key", "-out", "root.pem", "-subj", f"/CN={name} Root/O={name}", "-days", "3650",
                cwd=d)
        (self.dir / "ca.ext").write_text(
            "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "inter.key", "-out", "inter.csr", "-subj", f"/CN={name} Issuing CA/O={name}", cwd=d)
        openssl("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
                "-days", "1825", "-extfile", "ca.ext", "-out", "inter.pem", cwd=d)
        self.root = (self.dir / "root.pem").read_text()
        self.intermediate = (self.dir / "inter.pem").read_text()

    def leaf(self, label: str, domain: str, sans: list[str] = (), days: int = 90,
             key_args=("-newkey", "rsa:2048")) -> tuple[str, str]:
        """(certificate PEM, key PEM) for `domain` and `sans`, valid `days` from now."""
        d = str(self.dir)
        names = ",".join(f"DNS:{n}" for n in [domain, *sans])
        (self.dir / f"{label}.ext").write_text(
            f"basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName={names}\n")
        openssl("req", "-new", *key_args, "-nodes", "-keyout", f"{label}.key", "-out", f"{label}.csr",
                "-subj", f"/CN={domain}", cwd=d)
        openssl("x509", "-req", "-in", f"{label}.csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-CAcreateserial",
                "-days", str(days), "-extfile", f"{label}.ext", "-out", f"{label}.pem", cwd=d)
        return (self.dir / f"{label}.pem").read_text(), (self.dir / f"{label}.key").read_text()


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> ExternalCA:
    return ExternalCA(tmp_path_factory.mktemp("files-ca"), "Files E2E")


def upload(console, name, certificate, key, chain="", files=None, headers=None, **extra):
    console.get("/certificates/upload")
    data = {"name": name, "certificate": certificate, "certificate_chain": chain, "private_key": key, **extra}
    data["csrf_token"] = console.csrf_token()
    if files is None:
        # multipart/form-data as the browser sends the form (enctype on the page), no files chosen.
        files = {"certificate_file": ("", b"", "application/octet-stream")}
    return console.http.post(console.base + "/certificates/upload", data=data, files=files,
                             headers=headers or {}, allow_redirects=False, timeout=30)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def public_key_of_key(path: Path) -> str:
    return openssl("pkey", "-in", str(path), "-pubout")


def public_key_of_certificate(path: Path) -> str:
    return subprocess.run(["openssl", "x509", "-in", str(path), "-noout", "-pubkey"], capture_output=True,
                          text=True, check=True).stdout


# --- Upload --------------------------------------------------------------------------------

def test_upload_page_is_offered_from_the_list(console):
    page = console.get("/certificates").text
    assert 'href="/certificates/upload"' in page and 'href="/certificates/buy"' in page
    form = console.get("/certificates/upload").text
    assert 'enctype="multipart/form-data"' in form
    for field in ("name", "certificate", "certificate_file", "certificate_chain", "private_key",
                  "private_key_file", "enterprise_project"):
        assert f'name="{field}"' in form, field


def test_upload_pasted_certificate_with_chain(stack, console, ca):
    cert, key = ca.leaf("pasted", "www.files-e2e.com", ["api.files-e2e.com"])
    resp = upload(console, "pasted-site", cert + ca.intermediate, key)
    assert resp.status_code == 303, resp.text[:2000]
    cert_id = resp.headers["Location"].rsplit("/", 1)[1]
    with stack.db() as db:
        row = db.execute("SELECT status, origin, domain, sans, serial_number, issuer, not_after, key_algorithm "
                         "FROM certificates WHERE id = ?", (cert_id,)).fetchone()
        stored = db.execute("SELECT certificate_pem, chain_pem, sealed_private_key FROM certificate_materials "
                            "WHERE certificate_id = ?", (cert_id,)).fetchone()
    status, origin, domain, sans, serial, issuer, not_after, key_algorithm = row
    assert (status, origin, domain) == ("UPLOAD", "uploaded", "www.files-e2e.com")
    assert "api.files-e2e.com" in sans
    expected_serial = subprocess.run(["openssl", "x509", "-noout", "-serial"], input=cert, capture_output=True,
                                     text=True, check=True).stdout.strip().split("=")[1]
    assert serial == expected_serial
    assert "Files E2E Issuing CA" in issuer
    assert key_algorithm == "RSA_2048"
    assert stored[0].strip() and "Files E2E Issuing CA" in subprocess.run(
        ["openssl", "x509", "-noout", "-subject"], input=stored[1], capture_output=True, text=True).stdout
    # The key is sealed at rest: not in the database in clear.
    assert stored[2] is not None and b"PRIVATE KEY" not in stored[2]
    details = console.get(f"/certificates/{cert_id}").text
    assert "Hosted" in details and expected_serial in details
    assert f'href="/certificates/{cert_id}/download"' in details


def test_upload_files_as_multipart(stack, console, ca, tmp_path):
    cert, key = ca.leaf("files", "files-only.files-e2e.com")
    resp = upload(console, "from-files", "", "", files={
        "certificate_file": ("site.crt", cert.encode(), "application/x-x509-ca-cert"),
        "certificate_chain_file": ("chain.pem", ca.intermediate.encode(), "application/x-pem-file"),
        "private_key_file": ("site.key", key.encode(), "application/octet-stream"),
    }, headers=JSON)
    assert resp.status_code == 200, resp.text
    cert_id = resp.json()["certificate_id"]
    with stack.db() as db:
        assert db.execute("SELECT status, domain FROM certificates WHERE id = ?", (cert_id,)).fetchone() == (
            "UPLOAD", "files-only.files-e2e.com")


def refusal_cases(ca: ExternalCA, tmp: Path):
    cert, key = ca.leaf("refusal", "refused.files-e2e.com")
    other_cert, other_key = ca.leaf("other", "other.files-e2e.com")
    d = str(ca.dir)
    openssl("pkey", "-in", "refusal.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key", cwd=d)
    encrypted = (ca.dir / "encrypted.key").read_text()
    expired, expired_key = ca.leaf("expired", "expired.files-e2e.com", days=0)
    openssl("x509", "-in", "refusal.pem", "-outform", "der", "-out", "refusal.der", cwd=d)
    openssl("pkcs12", "-export", "-in", "refusal.pem", "-inkey", "refusal.key", "-certfile", "inter.pem",
            "-passout", "pass:x", "-out", "refusal.pfx", cwd=d)
    der = (ca.dir / "refusal.der").read_bytes()
    pfx = (ca.dir / "refusal.pfx").read_bytes()
    full = cert + ca.intermediate
    # (name, form fields, files, field at fault, API code, text of the message)
    return [
        ("password-protected key", dict(certificate=full, key=encrypted), None, "private_key", "SCM.0012",
         "Remove the password first: `openssl pkey -in key.pem -out key-nopass.pem`"),
        ("key not matching", dict(certificate=full, key=other_key), None, "private_key", "SCM.0014",
         "it does not belong to the certificate"),
        ("expired", dict(certificate=expired + ca.intermediate, key=expired_key), None, "certificate", "SCM.0010",
         "an expired certificate cannot be uploaded"),
        ("chain length 1", dict(certificate=cert, key=key), None, "certificate_chain", "SCM.0013",
         "the chain must include the intermediate CA certificate"),
        ("DER file", dict(certificate="", key=key), {"certificate_file": ("cert.der", der, "application/pkix-cert")},
         "certificate", "SCM.0006", "`openssl x509 -inform der -in cert.der -out cert.pem`"),
        ("PKCS#12 file", dict(certificate="", key=key), {"certificate_file": ("cert.pfx", pfx, "application/x-pkcs12")},
         "certificate", "SCM.0006", "`openssl pkcs12 -in cert.pfx -nodes -out all.pem`"),
        ("garbage", dict(certificate="this is not a certificate at all", key=key), None, "certificate", "SCM.0006",
         "the text is not a certificate"),
        ("garbage key", dict(certificate=full, key="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
         None, "private_key", "SCM.0012", "Private key:"),
    ]


def test_upload_refusals_each_with_its_message(stack, console, ca, tmp_path):
    time.sleep(1.1)  # the `-days 0` certificate has expired for sure
    with stack.db() as db:
        before = db.execute("SELECT count(*) FROM certificates").fetchone()[0]
    for name, fields, files, field, code, message in refusal_cases(ca, tmp_path):
        # The page: 400, the form again, the message at its field.
        resp = upload(console, "refused-one", fields["certificate"], fields["key"], files=files)
        assert resp.status_code == 400, (name, resp.status_code)
        page = resp.text
        escaped = message.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;")
        assert escaped in page, (name, re.findall(r'<p class="field-error">.*?</p>', page))
        assert re.search(rf'name="{field}"[^>]*invalid', page), (name, field)
        # JSON: the SCM code and the field.
        resp = upload(console, "refused-one", fields["certificate"], fields["key"], files=files, headers=JSON)
        body = resp.json()
        assert resp.status_code == 400 and body["error_code"] == code, (name, body)
        assert [e["field"] for e in body["errors"]] == [field], (name, body)
        assert message in body["error_msg"], (name, body)
    with stack.db() as db:
        assert db.execute("SELECT count(*) FROM certificates").fetchone()[0] == before


def test_upload_duplicate_check(console, ca):
    cert, key = ca.leaf("dup", "dup.files-e2e.com")
    first = upload(console, "dup-one", cert, key, chain=ca.intermediate, headers=JSON)
    assert first.status_code == 200, first.text
    again = upload(console, "dup-two", cert, key, chain=ca.intermediate, headers=JSON, duplicate_check="on")
    assert again.status_code == 409, again.text
    assert first.json()["certificate_id"] in again.json()["error_msg"]


# --- Download ------------------------------------------------------------------------------

def check_zip(files: dict[str, bytes], server: str, base: str, tmp: Path, chain_subject: str) -> None:
    folder = f"{base}_{server}/"
    assert all(name.startswith(folder) for name in files), files.keys()
    for name, content in files.items():
        (tmp / name.split("/")[-1]).write_bytes(content)
    names = sorted(n.split("/")[-1] for n in files)
    if server in ("nginx", "resin"):
        assert names == [f"{base}.crt", f"{base}.key"]
        assert files[folder + f"{base}.crt"].count(b"BEGIN CERTIFICATE") >= 2  # leaf, then the chain
        assert public_key_of_key(tmp / f"{base}.key") == public_key_of_certificate(tmp / f"{base}.crt")
    elif server == "apache":
        assert names == [f"{base}.crt", f"{base}.key", f"{base}_ca.crt"]
        assert public_key_of_key(tmp / f"{base}.key") == public_key_of_certificate(tmp / f"{base}.crt")
        assert chain_subject in openssl("x509", "-in", str(tmp / f"{base}_ca.crt"), "-noout", "-subject")
    elif server in ("tomcat", "iis", "weblogic"):
        keystore = f"{base}.p12" if server == "weblogic" else f"{base}.pfx"
        assert names == sorted([keystore, "keystorePass.txt"])
        password = files[folder + "keystorePass.txt"].decode().strip()
        info = openssl("pkcs12", "-info", "-nokeys", "-in", str(tmp / keystore), "-passin", f"pass:{password}")
        assert chain_subject in info
        openssl("pkcs12", "-in", str(tmp / keystore), "-passin", f"pass:{password}", "-nodes", "-nocerts",
                "-out", str(tmp / "ks.key"))
        openssl("pkcs12", "-in", str(tmp / keystore), "-passin", f"pass:{password}", "-clcerts", "-nokeys",
                "-out", str(tmp / "ks.crt"))
        assert public_key_of_key(tmp / "ks.key") == public_key_of_certificate(tmp / "ks.crt")
        wrong = subprocess.run(["openssl", "pkcs12", "-info", "-nokeys", "-in", str(tmp / keystore),
                                "-passin", "pass:wrong"], capture_output=True)
        assert wrong.returncode != 0
    else:
        assert names == [f"{base}.key", f"{base}.pem", f"{base}_chain.pem", f"{base}_fullchain.pem"]
        assert public_key_of_key(tmp / f"{base}.key") == public_key_of_certificate(tmp / f"{base}.pem")


@pytest.mark.parametrize("server", SERVERS)
def test_download_uploaded_certificate(stack, console, ca, tmp_path, server):
    cert, key = ca.leaf(f"dl-{server}", f"*.dl-{server}.files-e2e.com")
    resp = upload(console, f"dl-{server}", cert + ca.intermediate, key, headers=JSON)
    cert_id = resp.json()["certificate_id"]
    page = console.get(f"/certificates/{cert_id}/download").text
    assert f'href="/certificates/{cert_id}/download/{server}"' in page
    resp = console.get(f"/certificates/{cert_id}/download/{server}")
    assert resp.status_code == 200, resp.text[:500]
    assert resp.headers["Content-Type"] == "application/zip"
    base = f"_.dl-{server}.files-e2e.com"
    assert f'filename="{base}_{server}.zip"' in resp.headers["Content-Disposition"]
    check_zip(unzip(resp.content), server, base, tmp_path, "Files E2E Issuing CA")
    with stack.db() as db:
        action, detail = db.execute("SELECT action, detail FROM events WHERE target = ? ORDER BY id DESC LIMIT 1",
                                    (cert_id,)).fetchone()
    assert action == "scm:cert:download" and detail.lower().startswith(server)


def test_download_refused_outside_the_allowed_statuses(console):
    cert_id = buy(console, cert_type="DV_SSL_CERT")
    resp = console.get(f"/certificates/{cert_id}/download/nginx")
    assert resp.status_code == 400
    assert "Download is not possible while the certificate is" in resp.text
    assert console.get(f"/certificates/{cert_id}/download/nope").status_code in (400, 404)


def issue_dv(stack, console, domain: str, zone_name: str, csr_mode="system", csr="") -> str:
    cert_id = buy(console, cert_type="DV_SSL_CERT")
    resp, body = post_json(console, f"/certificates/{cert_id}/apply", {
        **APPLICANT, "domain": domain, "csr_mode": csr_mode, "csr": csr, "key_algorithm": "RSA_2048",
        "domain_method": "DNS", "ca_hash_algorithm": "DEFAULT"})
    assert resp.status_code == 200, body
    zone = ensure_zone(console, zone_name)
    for name, token in validations(stack, cert_id):
        host = f"_dnsauth.{name}".removesuffix("." + zone_name)
        resp, body = add_record(console, zone, host, "TXT", token)
        assert resp.status_code == 200, body
    wait_status(stack, cert_id, "ISSUED", timeout=30)
    return cert_id


def test_download_certificate_issued_by_the_ca_simulator(stack, console, tmp_path):
    cert_id = issue_dv(stack, console, "shop.issued-files.com", "issued-files.com")
    for server in SERVERS:
        resp = console.get(f"/certificates/{cert_id}/download/{server}")
        assert resp.status_code == 200, (server, resp.text[:300])
        target = tmp_path / server
        target.mkdir()
        check_zip(unzip(resp.content), server, "shop.issued-files.com", target, "DigiCert")
    # The chain in the zip verifies the leaf up to the simulated CA's root.
    files = unzip(console.get(f"/certificates/{cert_id}/download/apache").content)
    (tmp_path / "leaf.pem").write_bytes(files["shop.issued-files.com_apache/shop.issued-files.com.crt"])
    (tmp_path / "chain.pem").write_bytes(files["shop.issued-files.com_apache/shop.issued-files.com_ca.crt"])
    (tmp_path / "root.pem").write_text(console.get("/cloud/ca/SYMANTEC/root.pem").text)
    assert openssl("verify", "-CAfile", str(tmp_path / "root.pem"), "-untrusted", str(tmp_path / "chain.pem"),
                   str(tmp_path / "leaf.pem")).strip().endswith("OK")


def test_certificate_with_uploaded_csr_downloads_without_key(stack, console, tmp_path):
    d = str(tmp_path)
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "own.key", "-out", "own.csr",
            "-subj", "/CN=own.csr-files.com", "-addext", "subjectAltName=DNS:own.csr-files.com", cwd=d)
    cert_id = issue_dv(stack, console, "", "csr-files.com", csr_mode="uploaded",
                       csr=(tmp_path / "own.csr").read_text())
    page = console.get(f"/certificates/{cert_id}/download").text
    assert "applied for with an uploaded CSR" in page
    for server in ("nginx", "tomcat"):
        files = unzip(console.get(f"/certificates/{cert_id}/download/{server}").content)
        base = "own.csr-files.com"
        assert sorted(files) == sorted(f"{base}_{server}/{n}" for n in (
            "README.txt", f"{base}.crt", f"{base}_ca.crt", f"{base}_fullchain.crt"))
        assert not any(b"PRIVATE KEY" in content for content in files.values())
        (tmp_path / "issued.crt").write_bytes(files[f"{base}_{server}/{base}.crt"])
        # The certificate is for the key that never left the user's machine.
        assert public_key_of_key(tmp_path / "own.key") == public_key_of_certificate(tmp_path / "issued.crt")


def test_expired_certificates_download_uploaded_included(stack, console, ca, tmp_path):
    cert, key = ca.leaf("to-expire", "to-expire.files-e2e.com", days=30)
    resp = upload(console, "to-expire", cert + ca.intermediate, key, headers=JSON)
    uploaded = resp.json()["certificate_id"]
    issued = issue_dv(stack, console, "gone.expired-files.com", "expired-files.com")
    # Expiry is the scheduler's (another issue); here the rows are moved to EXPIRED directly.
    with stack.db(readonly=False) as db:
        db.execute("UPDATE certificates SET status = 'EXPIRED' WHERE id IN (?, ?)", (uploaded, issued))
        db.commit()
    for cert_id, base in ((uploaded, "to-expire.files-e2e.com"), (issued, "gone.expired-files.com")):
        page = console.get(f"/certificates/{cert_id}/download")
        assert page.status_code == 200
        resp = console.get(f"/certificates/{cert_id}/download/other")
        assert resp.status_code == 200, resp.text[:300]
        target = tmp_path / cert_id
        target.mkdir()
        check_zip(unzip(resp.content), "other", base, target,
                  "Files E2E Issuing CA" if cert_id == uploaded else "DigiCert")
