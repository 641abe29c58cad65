extension WebApp {
    /// The CSR list and the simulators' consoles: CA, DNS, mailbox, web roots (issue 4).
    func addSimulatorRoutes(_ router: inout Router) {
    }
}
