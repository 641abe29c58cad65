import Foundation
import SCMCore
import SCMPKI
import SCMStore
import Testing

@testable import SCMService

/// `scm seed` (issue 3): every status × type pair among the first 84 certificates, and real
/// X.509 material for every certificate past issuance, so Download works on demo data.
@Suite struct DemoSeederTests {
    @Test func everyStatusAndTypeEarlyWithRealCertificates() throws {
        let world = try World()
        let count = Certificate.Status.allCases.count * CertificateType.allCases.count
        try DemoSeeder(context: world.context).seed(count: count)
        let seeded = try world.context.database.read {
            try $0.certificates(matching: CertificateListQuery(limit: 100)).items
        }
        #expect(seeded.count == count)
        let pairs = Set(seeded.map { "\($0.status.rawValue) \($0.type.rawValue)" })
        for status in Certificate.Status.allCases {
            for type in CertificateType.allCases {
                #expect(
                    pairs.contains("\(status.rawValue) \(type.rawValue)"),
                    "no \(status) \(type) among the first \(count)")
            }
        }
        let withExpiry = seeded.filter { $0.notAfter != nil }
        #expect(withExpiry.count > count / 2)
        for certificate in withExpiry {
            let materials = try #require(
                try world.context.database.read { try $0.materials(certificateID: certificate.id) })
            let info = try X509.parse(pem: materials.certificatePEM)
            #expect(info.serialNumberHex == certificate.serialNumber && info.notAfter == certificate.notAfter)
            #expect(
                info.subjectAlternativeNames.contains(certificate.domain), "\(certificate.id) is signed for its domain")
        }
        let issued = try #require(withExpiry.first { $0.status == .issued && $0.csrSource == .system })
        let package = try DownloadService(context: world.context).download(
            id: issued.id, server: .nginx, by: world.user)
        #expect(package.files.contains { $0.hasSuffix(".key") } && package.files.contains { $0.hasSuffix(".crt") })
    }
}
