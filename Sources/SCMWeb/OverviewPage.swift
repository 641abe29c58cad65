import Foundation
import SCMCore
import SCMService

/// The console's home page (issue 9): counts per status, expiring certificates, and two charts
/// drawn here as SVG (no script), each with a title, a description and a table of the same numbers.
struct OverviewPage {
    struct StatusRow {
        let label: String
        let code: String
        let count: Int
        let href: String
    }

    struct ExpiringLink {
        let days: Int
        let count: Int
        let href: String
    }

    /// One bar of a chart, in the SVG's user units.
    struct Bar {
        let label: String
        let count: Int
        let x: Int
        let y: Int
        let width: Int
        let height: Int
        let fill: String
        /// Where the count and the label are written.
        let valueX: Int
        let valueY: Int
        let labelX: Int
        let labelY: Int
        let href: String?
    }

    struct Chart {
        let id: String
        let title: String
        let description: String
        let width: Int
        let height: Int
        let bars: [Bar]
        let axisY: Int
    }

    struct MonthRow {
        let month: String
        let count: Int
    }

    let layout: Layout
    let total: Int
    let statusRows: [StatusRow]
    let expiring: [ExpiringLink]
    let statusChart: Chart?
    let monthChart: Chart
    let monthRows: [MonthRow]
    let monthTotal: Int
    let asOf: String

    static let fills = ["good": "#2e9b58", "pending": "#0060d0", "bad": "#d23c3c", "neutral": "#8a8f99", "warn": "#e37800"]

    init(_ overview: Overview, layout: Layout) {
        self.layout = layout
        let rows = Certificate.Status.allCases.compactMap { status -> (Certificate.Status, Int)? in
            guard let count = overview.statusCounts[status], count > 0 else { return nil }
            return (status, count)
        }
        total = rows.reduce(0) { $0 + $1.1 }
        statusRows = rows.map {
            StatusRow(label: Self.label($0.0), code: $0.0.rawValue, count: $0.1, href: "/certificates?status=\($0.0.rawValue)")
        }
        expiring = Overview.spans.map {
            ExpiringLink(
                days: $0, count: overview.expiring[$0] ?? 0,
                href: "/certificates?expires_within=\($0)&sort=expires&dir=asc")
        }
        statusChart = rows.isEmpty ? nil : Self.statusChart(rows)
        let months = overview.months.map { (Self.monthLabel($0.start), $0.count) }
        monthChart = Self.monthChart(months)
        monthRows = months.map { MonthRow(month: $0.0, count: $0.1) }
        monthTotal = months.reduce(0) { $0 + $1.1 }
        asOf = Self.timestamp(overview.now)
    }

    static func label(_ status: Certificate.Status) -> String {
        status == .cancelSupplementing ? status.label + " (withdrawal requested)" : status.label
    }

    /// Horizontal bars, one per status that has certificates, scaled to the largest count.
    static func statusChart(_ rows: [(Certificate.Status, Int)]) -> Chart {
        let labelWidth = 300, barSpace = 260, rowHeight = 28
        let largest = max(1, rows.map(\.1).max() ?? 1)
        let bars = rows.enumerated().map { index, row in
            let width = max(2, row.1 * barSpace / largest)
            let y = 8 + index * rowHeight
            return Bar(
                label: label(row.0), count: row.1, x: labelWidth, y: y, width: width, height: rowHeight - 10,
                fill: fills[row.0.tone] ?? "#8a8f99", valueX: labelWidth + width + 6, valueY: y + 13,
                labelX: labelWidth - 8, labelY: y + 13, href: "/certificates?status=\(row.0.rawValue)")
        }
        let description = rows.map { "\(label($0.0)): \($0.1)" }.joined(separator: "; ") + "."
        return Chart(
            id: "status-chart", title: "Certificates by status", description: description, width: labelWidth + barSpace + 50,
            height: 16 + rows.count * rowHeight, bars: bars, axisY: 0)
    }

    /// Twelve vertical bars, the current month first, scaled to the busiest month.
    static func monthChart(_ months: [(String, Int)]) -> Chart {
        let left = 10, columnWidth = 50, barWidth = 32, top = 24, plotHeight = 150
        let largest = max(1, months.map(\.1).max() ?? 1)
        let bars = months.enumerated().map { index, month in
            let height = month.1 == 0 ? 0 : max(2, month.1 * plotHeight / largest)
            let x = left + index * columnWidth + (columnWidth - barWidth) / 2
            return Bar(
                label: month.0, count: month.1, x: x, y: top + plotHeight - height, width: barWidth, height: height,
                fill: "#0060d0", valueX: x + barWidth / 2, valueY: top + plotHeight - height - 6, labelX: x + barWidth / 2,
                labelY: top + plotHeight + 18, href: nil)
        }
        let description =
            "Issued and hosted certificates expiring per month: "
            + months.map { "\($0.0): \($0.1)" }.joined(separator: "; ") + "."
        return Chart(
            id: "month-chart", title: "Expiries per month, next 12 months", description: description,
            width: left * 2 + months.count * columnWidth, height: top + plotHeight + 30, bars: bars, axisY: top + plotHeight)
    }

    static func monthLabel(_ start: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM yyyy"
        return formatter.string(from: start)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

extension WebApp {
    func showOverview(_ context: inout RequestContext) throws -> HTTPResponse {
        let overview = try OverviewQueries(context: self.context).overview(by: context.principal)
        let page = OverviewPage(
            overview,
            layout: layout(
                title: "Overview", request: context, section: "overview",
                crumbs: [Crumb(title: "SSL Certificate Manager", href: nil), Crumb(title: "Overview", href: nil)],
                flash: context.flash))
        return .html(templates.render(page, "overview"))
    }
}
