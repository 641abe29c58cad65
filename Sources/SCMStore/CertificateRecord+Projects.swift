import GRDB

extension StoreReader {
    /// The enterprise project of one certificate (nil: no such certificate), read by the route
    /// check before the handler runs: one indexed lookup, no other column.
    public func enterpriseProject(ofCertificate id: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT enterprise_project FROM certificates WHERE id = ?", arguments: [id])
    }

    /// The enterprise projects that hold certificates, for the list's project filter. Read on
    /// every list page, so it skips through the `certificates_project` index one project at a
    /// time (a DISTINCT would scan every certificate's entry).
    public func enterpriseProjects() throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE projects(project) AS (
                        SELECT min(enterprise_project) FROM certificates
                        UNION ALL
                        SELECT (SELECT min(enterprise_project) FROM certificates WHERE enterprise_project > projects.project)
                        FROM projects WHERE project IS NOT NULL
                    )
                    SELECT project FROM projects WHERE project IS NOT NULL
                    """))
    }
}
