/// Every refusal a form earned at once, so the page can show each message next to its field
/// (RULES.md §4: the user fixes everything in one round trip). Never empty when thrown.
public struct RefusalList: Error, Equatable, Sendable, CustomStringConvertible {
    public var refusals: [Refusal]

    public init(_ refusals: [Refusal]) { self.refusals = refusals }

    /// The refusals about one form field, in the order they were found.
    public func refusals(for field: String) -> [Refusal] { refusals.filter { $0.field == field } }

    /// The fields at fault, each once, in form order.
    public var fields: [String] {
        var seen = Set<String>()
        return refusals.compactMap(\.field).filter { seen.insert($0).inserted }
    }

    /// One message per line.
    public var description: String { refusals.map(\.message).joined(separator: "\n") }

    /// Compares the refusals' fields and codes, in order.
    public static func == (lhs: RefusalList, rhs: RefusalList) -> Bool {
        lhs.refusals.map(\.field) == rhs.refusals.map(\.field) && lhs.refusals == rhs.refusals
    }
}
