import GRDB

extension StoreReader {
    /// The enterprise projects that hold certificates, for the list's project filter. Read on
    /// every list page, so it skips through the `certificates_project` index one project at a
    /// time (a DISTINCT would scan every certificate's entry).
    public func enterpriseProjects() throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                WITH RECURSIVE projects(project) AS (
                    SELECT min(enterprise_project) FROM certificates
                    UNION ALL
                    SELECT (SELECT min(enterprise_project) FROM certificates WHERE enterprise_project > projects.project)
                    FROM projects WHERE project IS NOT NULL
                )
                SELECT project FROM projects WHERE project IS NOT NULL
                """)
    }
}
