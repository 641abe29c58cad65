/// The page numbers a pagination bar links to: up to seven around the current page, always
/// inside 1...pageCount. A page past the last one (an old bookmark, a hand-edited URL) still
/// gets the last seven pages, never an empty or inverted range.
enum PageWindow {
    static func numbers(current: Int, pageCount: Int, width: Int = 7) -> ClosedRange<Int> {
        let last = max(1, pageCount)
        let first = max(1, min(current - 3, last - width + 1))
        return first...min(last, first + width - 1)
    }
}
