extension WebApp {
    /// Buy, Apply, Verify Domain Name (issue 4).
    func addLifecycleRoutes(_ router: inout Router) {
    }
}
