/// `GET /cloud`: the simulated products and how many things each holds.
struct CloudPage {
    struct Product {
        let title: String
        let href: String
        let summary: String
        let detail: String
    }

    let layout: Layout
    let products: [Product]
}
