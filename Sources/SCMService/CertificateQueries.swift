import Foundation
import SCMCore
import SCMStore

/// What a details page shows about one certificate.
public struct CertificateDetails: Sendable {
    public var certificate: Certificate
    public var application: Application?
    public var materials: CertificateMaterials?
    /// The page of its History asked for, with the total.
    public var history: Page<Event>
}

/// Reads for the pages and the API. Each takes the principal: lists and counts hold only the
/// enterprise projects its policies let it list (RULES.md §9), pushed into the SQL.
public struct CertificateQueries: Sendable {
    public let context: ServiceContext
    public init(context: ServiceContext) { self.context = context }

    public func list(_ query: CertificateListQuery, by principal: Principal) throws -> Page<Certificate> {
        var query = query
        query.projects = principal.permissions.projects(allowing: .certList)
        if query.expiresWithinDays != nil || query.expiredDaysSince != nil { query.expiringFrom = context.clock.now }
        return try context.database.read { [query] in try $0.certificates(matching: query) }
    }

    /// A certificate in a project the principal cannot see is missing, as the route check
    /// answers too; this also covers the ids an API call carries in its body. `historyOffset`
    /// and `historyLimit`: the page of its History.
    public func details(
        id: String, historyOffset: Int = 0, historyLimit: Int = 10, by principal: Principal
    ) throws -> CertificateDetails {
        let details: CertificateDetails? = try context.database.read { store in
            guard let certificate = try store.certificate(id: id),
                principal.permissions.canSee(project: certificate.enterpriseProject)
            else { return nil }
            return CertificateDetails(
                certificate: certificate, application: try store.application(certificateID: id),
                materials: try store.materials(certificateID: id), history: try store.history(of: certificate, offset: historyOffset, limit: historyLimit))
        }
        guard let details else { throw Refusal(.notFound, "There is no certificate with ID \(id).") }
        return details
    }

    /// The enterprise projects holding certificates the principal may list: the options of the
    /// list's project filter.
    public func enterpriseProjects(by principal: Principal) throws -> [String] {
        let scope = principal.permissions.projects(allowing: .certList)
        return try context.database.read { try $0.enterpriseProjects() }.filter(scope.contains)
    }
}
