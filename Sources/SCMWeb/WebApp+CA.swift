import Foundation
import SCMCore
import SCMPKI
import SCMStore

/// The CA simulator's console (issue 4 §1): the root and intermediate of each brand, read from
/// their PEM with `X509.parse`, and offered for download so a user can trust the root.
extension WebApp {
    func showCA(_ request: inout RequestContext) throws -> HTTPResponse {
        let records = try context.database.read { store in try CABrand.allCases.map { ($0, try store.authority($0)) } }
        let brands = records.map { brand, record -> CAPage.Brand in
            guard let record else {
                return CAPage.Brand(
                    name: brand.displayName, code: brand.rawValue, caaIssuer: brand.caaIssuer, certificates: [],
                    missing: true,
                    problem: nil)
            }
            do {
                let certificates = try [
                    ("Root", "root", record.rootPEM), ("Intermediate", "intermediate", record.intermediatePEM),
                ]
                .map { role, file, pem in
                    let info = try X509.parse(pem: pem)
                    return CAPage.Certificate(
                        role: role, subject: info.subject, issuer: info.issuer, serial: info.serialNumberHex,
                        notBefore: Self.formatDateTime(info.notBefore), notAfter: Self.formatDateTime(info.notAfter),
                        fingerprint: info.fingerprintSHA256, signatureAlgorithm: info.signatureAlgorithm,
                        key: info.keyDescription,
                        downloadHref: "/cloud/ca/\(brand.rawValue)/\(file).pem", filename: "\(file).pem")
                }
                return CAPage.Brand(
                    name: brand.displayName, code: brand.rawValue, caaIssuer: brand.caaIssuer,
                    certificates: certificates, missing: false,
                    problem: nil)
            } catch {
                context.logger.error(
                    "CA certificate unreadable", metadata: ["brand": "\(brand.rawValue)", "error": "\(error)"])
                return CAPage.Brand(
                    name: brand.displayName, code: brand.rawValue, caaIssuer: brand.caaIssuer, certificates: [],
                    missing: false,
                    problem:
                        "The stored certificates of this CA could not be read: \((error as? PKIError)?.message ?? "unknown error")."
                )
            }
        }
        let model = CAPage(
            layout: layout(
                title: "Certificate authorities", request: request, section: "cloud",
                crumbs: [
                    Crumb(title: "Cloud Products", href: "/cloud"), Crumb(title: "Certificate authorities", href: nil),
                ],
                flash: request.flash),
            brands: brands)
        return .html(templates.render(model, "ca"))
    }

    /// `GET /cloud/ca/{BRAND}/root.pem` and `…/intermediate.pem`.
    func downloadCACertificate(_ request: inout RequestContext) throws -> HTTPResponse {
        let code = request.parameter("brand")
        guard let brand = CABrand(rawValue: code.uppercased()) else {
            throw Refusal(
                .notFound,
                "There is no CA brand \(code.prefix(40)). Use one of: \(CABrand.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        let file = request.parameter("file")
        guard file == "root.pem" || file == "intermediate.pem" else {
            throw Refusal(.notFound, "Each CA offers root.pem and intermediate.pem.")
        }
        guard let record = try context.database.read({ try $0.authority(brand) }) else {
            throw Refusal(
                .notFound, "The \(brand.displayName) CA has not been created yet: it is made when scm serve starts.")
        }
        let pem = file == "root.pem" ? record.rootPEM : record.intermediatePEM
        return Self.attachment(
            pem, contentType: "application/x-pem-file", filename: "\(brand.rawValue.lowercased())-\(file)")
    }
}
