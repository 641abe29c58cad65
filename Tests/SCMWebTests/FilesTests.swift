import Foundation
import SCMCore
import SCMPKI
import SCMService
import SCMStore
import Testing
import ZIPFoundation

@testable import SCMWeb

/// A test CA built in code with explicit dates around `ConsoleBrowser.start`: root →
/// intermediate → leaf, the shape of every real upload.
struct UploadPKI {
    let rootPEM: String
    let intermediatePEM: String
    let intermediateKey: PrivateKey
    let leafPEM: String
    let leafKey: PrivateKey

    static let start = ConsoleBrowser.start

    init(
        domain: String = "www.upload-test.com", sans: [String] = ["api.upload-test.com"], days: Double = 90,
        caName: String = "Upload Test"
    ) throws {
        let rootKey = try PrivateKey(generating: .ecP256)
        rootPEM = try CertificateSigner.selfSignedRoot(
            key: rootKey, commonName: "\(caName) Root", organization: caName, country: "US",
            notBefore: Self.start - .days(400), notAfter: Self.start + .days(3650))
        intermediateKey = try PrivateKey(generating: .ecP256)
        intermediatePEM = try CertificateSigner.intermediate(
            key: intermediateKey, commonName: "\(caName) Issuing CA", organization: caName,
            issuerCertificatePEM: rootPEM, issuerKey: rootKey, notBefore: Self.start - .days(400),
            notAfter: Self.start + .days(1825))
        leafKey = try PrivateKey(generating: .rsa2048)
        leafPEM = try Self.leaf(domain: domain, sans: sans, key: leafKey, days: days, issuer: intermediatePEM, issuerKey: intermediateKey)
    }

    static func leaf(
        domain: String, sans: [String], key: PrivateKey, days: Double, issuer: String, issuerKey: PrivateKey
    ) throws -> String {
        let csr = try CSR.create(key: key, commonName: domain, subjectAlternativeNames: [domain] + sans)
        return try CertificateSigner.leaf(
            csrPEM: csr, commonName: domain, subjectAlternativeNames: [domain] + sans, issuerCertificatePEM: issuer,
            issuerKey: issuerKey, notBefore: start - .days(10), notAfter: start + .days(days))
    }
}

/// Upload external certificate and Download, in process (RULES.md §3 Upload/Download, §7).
@Suite struct FilesTests {
    // MARK: Upload

    @Test func uploadStoresEverythingReadFromThePEM() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI()
        let response = browser.post(
            "/certificates/upload",
            ["name": "external.site", "certificate": pki.leafPEM + pki.intermediatePEM, "private_key": pki.leafKey.pem])
        #expect(response.status == 303, "\(ConsoleBrowser.alerts(response.html))")
        let id = try #require(response.location?.split(separator: "/").last.map(String.init))
        let page = browser.get("/certificates/\(id)")
        #expect(page.html.contains("uploaded for www.upload-test.com"))

        let (certificate, materials) = try #require(
            try browser.context.database.read { store in
                try store.certificate(id: id).map { ($0, try store.materials(certificateID: id)) }
            })
        let info = try X509.parse(pem: pki.leafPEM)
        #expect(certificate.status == .upload)
        #expect(certificate.origin == .uploaded)
        #expect(certificate.name == "external.site")
        #expect(certificate.domain == "www.upload-test.com")
        #expect(certificate.sans == ["api.upload-test.com"])
        #expect(certificate.domainType == .multiple)
        #expect(certificate.serialNumber == info.serialNumberHex)
        #expect(certificate.fingerprintSHA256 == info.fingerprintSHA256)
        #expect(certificate.issuer == info.issuer)
        #expect(certificate.notAfter == info.notAfter)
        #expect(certificate.notBefore == info.notBefore)
        #expect(certificate.signatureAlgorithm == "ecdsa-with-SHA256")
        #expect(certificate.keyAlgorithm == .rsa2048)
        #expect(certificate.enterpriseProject == "default")
        let stored = try #require(materials)
        #expect(try X509.parse(pem: stored.certificatePEM).fingerprintSHA256 == info.fingerprintSHA256)
        #expect(try X509.parseBundle(stored.chainPEM).map(\.subject) == [try X509.parse(pem: pki.intermediatePEM).subject])
        // The key is stored sealed, never in clear.
        let sealed = try #require(stored.sealedPrivateKey)
        #expect(!String(decoding: sealed, as: UTF8.self).contains("PRIVATE KEY"))
        let opened = try PrivateKey(pem: String(decoding: try browser.context.sealer.open(sealed), as: UTF8.self))
        #expect(X509.keyMatches(certificatePEM: pki.leafPEM, key: opened))
        let events = try browser.context.database.read { try $0.events(target: id) }
        #expect(events.map(\.action) == ["scm:cert:upload"])
    }

    @Test func uploadTakesFilesAsMultipartFormData() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI()
        let response = browser.multipart(
            "/certificates/upload",
            fields: ["name": "from-files", "enterprise_project": "web_team"],
            files: [
                "certificate_file": ("site.crt", Array(pki.leafPEM.utf8)),
                "certificate_chain_file": ("chain.pem", Array(pki.intermediatePEM.utf8)),
                "private_key_file": ("site.key", Array(pki.leafKey.pem.utf8)),
            ])
        #expect(response.status == 303, "\(ConsoleBrowser.alerts(response.html))")
        let id = try #require(response.location?.split(separator: "/").last.map(String.init))
        let certificate = try #require(try browser.context.database.read { try $0.certificate(id: id) })
        #expect(certificate.name == "from-files")
        #expect(certificate.enterpriseProject == "web_team")
        #expect(certificate.status == .upload)
    }

    @Test func uploadRefusesAMultipartPostWithoutTheCSRFToken() throws {
        let browser = try ConsoleBrowser()
        let response = browser.multipart("/certificates/upload", fields: ["name": "x"], files: [:], csrf: false)
        #expect(response.status == 403)
    }

    /// One refusal per input problem, each at its field with its own message and API code.
    @Test func uploadRefusals() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI()
        let other = try UploadPKI(caName: "Other Test")
        let directory = try TemporaryFiles()
        try directory.write("key.pem", pki.leafKey.pem)
        let encrypted = try directory.openssl(["pkey", "-in", "key.pem", "-aes256", "-passout", "pass:secret"])
        let expired = try UploadPKI.leaf(
            domain: "old.upload-test.com", sans: [], key: pki.leafKey, days: -1, issuer: pki.intermediatePEM,
            issuerKey: pki.intermediateKey)
        let der = try directory.derCertificate(pki.leafPEM)
        let pfx = try PKCS12.make(
            certificatePEM: pki.leafPEM, key: pki.leafKey, chainPEMs: [pki.intermediatePEM], friendlyName: "x", password: "p")

        struct Case {
            let name: String
            let certificate: String
            let chain: String
            let key: String
            let field: String
            let code: String
            let message: String
        }
        let full = pki.leafPEM + pki.intermediatePEM
        let cases: [Case] = [
            Case(name: "encrypted key", certificate: full, chain: "", key: encrypted, field: "private_key", code: "SCM.0012",
                 message: "Remove the password first: `openssl pkey -in key.pem -out key-nopass.pem`"),
            Case(name: "key of another certificate", certificate: full, chain: "", key: other.leafKey.pem, field: "private_key",
                 code: "SCM.0014", message: "it does not belong to the certificate"),
            Case(name: "expired", certificate: expired + pki.intermediatePEM, chain: "", key: pki.leafKey.pem, field: "certificate",
                 code: "SCM.0010", message: "an expired certificate cannot be uploaded"),
            Case(name: "leaf alone", certificate: pki.leafPEM, chain: "", key: pki.leafKey.pem, field: "certificate_chain",
                 code: "SCM.0013", message: "the chain must include the intermediate CA certificate"),
            Case(name: "chain of another CA", certificate: pki.leafPEM, chain: other.intermediatePEM, key: pki.leafKey.pem,
                 field: "certificate_chain", code: "SCM.0013", message: "none of its certificates issued this certificate"),
            Case(name: "DER certificate", certificate: UploadService.text(ofFile: der), chain: "", key: pki.leafKey.pem,
                 field: "certificate", code: "SCM.0006", message: "`openssl x509 -inform der -in cert.der -out cert.pem`"),
            Case(name: "PKCS#12", certificate: UploadService.text(ofFile: pfx), chain: "", key: pki.leafKey.pem,
                 field: "certificate", code: "SCM.0006", message: "`openssl pkcs12 -in cert.pfx -nodes -out all.pem`"),
            Case(name: "garbage", certificate: "hello, I am a certificate", chain: "", key: pki.leafKey.pem,
                 field: "certificate", code: "SCM.0006", message: "the text is not a certificate"),
            Case(name: "damaged PEM", certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", chain: "",
                 key: pki.leafKey.pem, field: "certificate", code: "SCM.0006", message: "Certificate:"),
            Case(name: "garbage key", certificate: full, chain: "", key: "not a key", field: "private_key", code: "SCM.0012",
                 message: "the text is not a private key in PEM"),
        ]
        for test in cases {
            let form = ["name": "refused", "certificate": test.certificate, "certificate_chain": test.chain, "private_key": test.key]
            let page = browser.post("/certificates/upload", form)
            #expect(page.status == 400, "\(test.name)")
            #expect(page.html.contains(ConsoleBrowser.escaped(test.message)), "\(test.name): \(ConsoleBrowser.alerts(page.html))")
            #expect(page.html.range(of: "name=\"\(test.field)\"[^>]*invalid", options: .regularExpression) != nil, "\(test.name)")
            // The pasted key never comes back, whatever was refused.
            let keyLine = test.key.split(separator: "\n").dropFirst().first.map(String.init) ?? test.key
            #expect(!page.html.contains(keyLine), "\(test.name): the private key was sent back")
            let json = browser.post("/certificates/upload", form, json: true)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(json.html.utf8)) as? [String: Any])
            #expect(body["error_code"] as? String == test.code, "\(test.name): \(json.html)")
            let errors = try #require(body["errors"] as? [[String: String]])
            #expect(errors.map { $0["field"] } == [test.field], "\(test.name)")
        }
        // Nothing was stored; every refusal was recorded.
        #expect(try browser.context.database.read { try $0.certificates(matching: CertificateListQuery()).total } == 0)
        let refused = try browser.context.database.read { try $0.recentEvents(limit: 100) }
            .filter { $0.action == "scm:cert:upload" && $0.result == .refused }
        #expect(refused.count == cases.count * 2)
    }

    @Test func uploadRefusesTheNameAndTheKeyTogether() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI()
        let page = browser.post(
            "/certificates/upload", ["name": "x", "certificate": pki.leafPEM + pki.intermediatePEM, "private_key": ""])
        #expect(page.status == 400)
        #expect(page.html.contains("a name must be 3 to 63 characters long"))
        #expect(page.html.contains("paste the private key in PEM"))
    }

    @Test func duplicateCheckRefusesACertificateAlreadyHere() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI()
        let service = UploadService(context: browser.context)
        let first = try service.upload(
            name: "first", certificatePEM: pki.leafPEM, chainPEM: pki.intermediatePEM, privateKeyPEM: pki.leafKey.pem,
            by: browser.principal)
        // Without the check, the same certificate may be hosted twice.
        _ = try service.upload(
            name: "second", certificatePEM: pki.leafPEM, chainPEM: pki.intermediatePEM, privateKeyPEM: pki.leafKey.pem,
            by: browser.principal)
        do {
            try service.upload(
                name: "third", certificatePEM: pki.leafPEM, chainPEM: pki.intermediatePEM, privateKeyPEM: pki.leafKey.pem,
                duplicateCheck: true, by: browser.principal)
            Issue.record("an identical certificate was uploaded again despite duplicate_check")
        } catch let refusal as Refusal {
            #expect(refusal.code == .conflict)
            #expect(refusal.field == "certificate")
            #expect(refusal.message.contains(first.id))
        }
    }

    // MARK: Download

    @Test(arguments: DownloadServer.allCases)
    func downloadZipPerServerType(_ server: DownloadServer) throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI(domain: "shop.upload-test.com", sans: [])
        let id = try UploadService(context: browser.context).upload(
            name: "dl-zip", certificatePEM: pki.leafPEM, chainPEM: pki.intermediatePEM, privateKeyPEM: pki.leafKey.pem,
            by: browser.principal
        ).id
        let response = browser.send("GET", "/certificates/\(id)/download/\(server.rawValue)", form: nil)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/zip")
        #expect(response.header("Content-Disposition") == "attachment; filename=\"shop.upload-test.com_\(server.rawValue).zip\"")
        let files = try browser.downloadedZip("/certificates/\(id)/download/\(server.rawValue)")
        let folder = "shop.upload-test.com_\(server.rawValue)/"
        let base = folder + "shop.upload-test.com"
        let directory = try TemporaryFiles()
        for (path, bytes) in files { try directory.write(String(path.split(separator: "/").last!), bytes) }
        let leafSubject = "subject=CN = shop.upload-test.com"

        func checkKey(_ keyFile: String, certificateFile: String) throws {
            let keyModulus = try directory.openssl(["pkey", "-in", keyFile, "-pubout"])
            let certificateKey = try directory.openssl(["x509", "-in", certificateFile, "-noout", "-pubkey"])
            #expect(keyModulus == certificateKey, "the key in the zip belongs to the certificate")
        }
        switch server {
        case .nginx, .resin:
            #expect(files.keys.sorted() == [base + ".crt", base + ".key"])
            #expect(String(decoding: files[base + ".crt"]!, as: UTF8.self).components(separatedBy: "BEGIN CERTIFICATE").count == 3)
            try checkKey("shop.upload-test.com.key", certificateFile: "shop.upload-test.com.crt")
        case .apache:
            #expect(files.keys.sorted() == [base + ".crt", base + ".key", base + "_ca.crt"])
            try checkKey("shop.upload-test.com.key", certificateFile: "shop.upload-test.com.crt")
            #expect(try directory.openssl(["x509", "-in", "shop.upload-test.com_ca.crt", "-noout", "-subject"]).contains("Upload Test Issuing CA"))
        case .tomcat, .iis, .weblogic:
            let keystore = base + (server == .weblogic ? ".p12" : ".pfx")
            #expect(files.keys.sorted() == [folder + "keystorePass.txt", keystore].sorted())
            let password = String(decoding: files[folder + "keystorePass.txt"]!, as: UTF8.self).trimmingCharacters(in: .newlines)
            #expect(password.count == 16)
            let info = try directory.openssl([
                "pkcs12", "-info", "-nokeys", "-in", String(keystore.split(separator: "/").last!), "-passin", "pass:\(password)",
            ])
            #expect(info.contains(leafSubject))
            #expect(info.contains("Upload Test Issuing CA"))
            // The key in the keystore matches the certificate.
            _ = try directory.openssl([
                "pkcs12", "-in", String(keystore.split(separator: "/").last!), "-passin", "pass:\(password)", "-nodes",
                "-nocerts", "-out", "from-keystore.key",
            ])
            _ = try directory.openssl([
                "pkcs12", "-in", String(keystore.split(separator: "/").last!), "-passin", "pass:\(password)", "-clcerts",
                "-nokeys", "-out", "from-keystore.crt",
            ])
            try checkKey("from-keystore.key", certificateFile: "from-keystore.crt")
            let wrong = try directory.run(["pkcs12", "-info", "-nokeys", "-in", String(keystore.split(separator: "/").last!), "-passin", "pass:wrong"])
            #expect(wrong.status != 0, "the keystore is protected by the generated password")
        case .other:
            #expect(files.keys.sorted() == [base + ".key", base + ".pem", base + "_chain.pem", base + "_fullchain.pem"])
            try checkKey("shop.upload-test.com.key", certificateFile: "shop.upload-test.com.pem")
        }
        let events = try browser.context.database.read { try $0.events(target: id) }
        #expect(events.first?.action == "scm:cert:download")
        #expect(events.first?.detail == "\(server.displayName) zip with private key")
    }

    @Test func downloadPageListsEveryServerTypeAndTheListOffersDownload() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI()
        let id = try UploadService(context: browser.context).upload(
            name: "listed", certificatePEM: pki.leafPEM + pki.intermediatePEM, privateKeyPEM: pki.leafKey.pem,
            by: browser.principal
        ).id
        let list = browser.get("/certificates")
        #expect(list.html.contains("href=\"/certificates/\(id)/download\""))
        #expect(list.html.contains("href=\"/certificates/upload\""))
        let page = browser.get("/certificates/\(id)/download")
        #expect(page.status == 200)
        for server in DownloadServer.allCases {
            #expect(page.html.contains("href=\"/certificates/\(id)/download/\(server.rawValue)\""))
            #expect(page.html.contains("<td>\(server.displayName)</td>"))
        }
        #expect(!page.html.contains("No private key here"))
        #expect(browser.get("/certificates/\(id)/download/jks").status == 404)
    }

    /// RULES.md §3 Download: a certificate whose CSR was uploaded has no key here.
    @Test func certificateWithUploadedCSRDownloadsWithoutKey() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI(domain: "*.wild-upload.com", sans: [])
        var certificate = try browser.insertCertificate(id: "scs1000000000001", domain: "*.wild-upload.com", status: .issued)
        certificate.csrSource = .uploaded
        let updated = certificate
        try browser.context.database.write { store in
            try store.update(updated, expectedStatus: .issued)
            try store.save(
                CertificateMaterials(certificatePEM: pki.leafPEM, chainPEM: pki.intermediatePEM, csrPEM: ""),
                certificateID: updated.id)
        }
        let page = browser.get("/certificates/\(certificate.id)/download")
        #expect(page.html.contains("applied for with an uploaded CSR"))
        for server in [DownloadServer.nginx, .tomcat] {
            let files = try browser.downloadedZip("/certificates/\(certificate.id)/download/\(server.rawValue)")
            let folder = "_.wild-upload.com_\(server.rawValue)/"
            #expect(
                files.keys.sorted()
                    == ["README.txt", "_.wild-upload.com.crt", "_.wild-upload.com_ca.crt", "_.wild-upload.com_fullchain.crt"].map { folder + $0 })
            #expect(String(decoding: files[folder + "README.txt"]!, as: UTF8.self).contains("uploaded CSR"))
            #expect(files.values.allSatisfy { !String(decoding: $0, as: UTF8.self).contains("PRIVATE KEY") })
        }
        let export = try DownloadService(context: browser.context).export(id: certificate.id, by: browser.principal)
        #expect(export.privateKey == nil)
        #expect(export.entireCertificate.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
    }

    /// RULES.md §3: EXPIRED certificates download, uploaded ones included; other statuses are refused.
    @Test func expiredUploadedCertificateStillDownloadsAndPaidIsRefused() throws {
        let browser = try ConsoleBrowser()
        let pki = try UploadPKI(days: 5)
        var uploaded = try UploadService(context: browser.context).upload(
            name: "soon-gone", certificatePEM: pki.leafPEM + pki.intermediatePEM, privateKeyPEM: pki.leafKey.pem,
            by: browser.principal)
        // Expiry itself is the scheduler's; the status is set here as it leaves it.
        uploaded.status = .expired
        let expired = uploaded
        try browser.context.database.write { try $0.update(expired, expectedStatus: .upload) }
        let files = try browser.downloadedZip("/certificates/\(uploaded.id)/download/apache")
        #expect(files.count == 3)
        let export = try DownloadService(context: browser.context).export(id: uploaded.id, by: browser.principal)
        let exportedKey = try PrivateKey(pem: try #require(export.privateKey))
        #expect(X509.keyMatches(certificatePEM: export.certificate, key: exportedKey))

        let paid = try browser.insertCertificate(id: "scs1000000000002", domain: "", status: .paid)
        let refused = browser.get("/certificates/\(paid.id)/download/nginx")
        #expect(refused.status == 400)
        #expect(refused.html.contains("Download is not possible while the certificate is"))
        let events = try browser.context.database.read { try $0.events(target: paid.id) }
        #expect(events.first?.result == .refused)
    }

    // MARK: Multipart parsing

    @Test func multipartParsesFieldsFilesAndQuotedNames() throws {
        let body = Array(
            ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"we\\\"ird;name.pem\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .utf8) + [0x30, 0x82, 0x0D, 0x0A, 0x00] + Array("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n--XyZ--\r\n".utf8)
        let form = try #require(MultipartForm(contentType: "multipart/form-data; boundary=XyZ", body: body))
        #expect(form.fields["a"] == "one")
        let file = try #require(form.file("f"))
        #expect(file.filename == "we\"ird;name.pem")
        #expect(file.bytes == [0x30, 0x82, 0x0D, 0x0A, 0x00])
        #expect(form.file("empty") == nil)
        // Truncated: no closing delimiter.
        #expect(MultipartForm(contentType: "multipart/form-data; boundary=XyZ", body: Array(body.dropLast(9))) == nil)
        #expect(MultipartForm(contentType: "multipart/form-data", body: body) == nil)
    }
}

// MARK: Helpers

extension ConsoleBrowser {
    /// A multipart/form-data POST as a browser sends the Upload form with files.
    func multipart(
        _ uri: String, fields: [String: String], files: [String: (String, [UInt8])], csrf includeToken: Bool = true
    ) -> Response {
        let boundary = "----scmtest\(UInt32.random(in: 0...UInt32.max))"
        var body: [UInt8] = []
        var all = fields
        if includeToken { all["csrf_token"] = csrf }
        for (name, value) in all {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, (filename, bytes)) in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        let headers = [
            "cookie": cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
            "content-type": "multipart/form-data; boundary=\(boundary)",
        ]
        let response = app.handle(HTTPRequest(method: "POST", uri: uri, headers: headers, body: body, remoteAddress: "127.0.0.1"))
        return Response(status: response.status, headers: response.headers, html: String(decoding: response.body, as: UTF8.self))
    }

    /// GETs a zip and returns its files by path, read back with ZIPFoundation.
    func downloadedZip(_ uri: String) throws -> [String: [UInt8]] {
        let response = app.handle(
            HTTPRequest(
                method: "GET", uri: uri, headers: ["cookie": cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")],
                remoteAddress: "127.0.0.1"))
        #expect(response.status == 200, "\(uri): \(String(decoding: response.body, as: UTF8.self).prefix(400))")
        let archive = try Archive(data: Data(response.body), accessMode: .read)
        var files: [String: [UInt8]] = [:]
        for entry in archive {
            var bytes: [UInt8] = []
            _ = try archive.extract(entry) { bytes += $0 }
            files[entry.path] = bytes
        }
        return files
    }
}

/// A temporary directory for the `openssl` command line, removed when the test ends.
final class TemporaryFiles {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("scm-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }
    func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: url.appendingPathComponent(name)) }

    func derCertificate(_ pem: String) throws -> [UInt8] {
        try write("cert.pem", pem)
        _ = try openssl(["x509", "-in", "cert.pem", "-outform", "der", "-out", "cert.der"])
        return [UInt8](try Data(contentsOf: url.appendingPathComponent("cert.der")))
    }

    /// Runs `openssl`, requires success, returns its output.
    func openssl(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.output)", sourceLocation: sourceLocation)
        return result.output
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = url
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
