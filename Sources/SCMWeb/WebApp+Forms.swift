import Foundation
import SCMCore

/// Field errors of a refused form, keyed by form field name, for the template: each input shows
/// `{{#errors.FIELD}}` next to it, and `{{#errors.list}}` on top.
struct FormErrors {
    let byField: [String: String]
    let list: [String]

    static let none = FormErrors(byField: [:], list: [])

    init(byField: [String: String], list: [String]) {
        self.byField = byField
        self.list = list
    }

    init(_ refusals: [Refusal]) {
        var byField: [String: String] = [:]
        for refusal in refusals {
            guard let field = refusal.field else { continue }
            byField[field] = byField[field].map { $0 + " " + refusal.message } ?? refusal.message
        }
        self.init(byField: byField, list: refusals.map(\.message))
    }

    var isEmpty: Bool { list.isEmpty }
}

/// The Mustache view of `FormErrors`: `{{#errors.domain}}…{{/errors.domain}}` and `{{#errors.list}}`.
extension FormErrors: CustomReflectable {
    var customMirror: Mirror {
        var children: [(String?, Any)] = byField.map { ($0.key, $0.value) }
        children.append(("list", list))
        children.append(("any", !list.isEmpty))
        return Mirror(self, children: children.map { (label: $0.0, value: $0.1) }, displayStyle: .struct)
    }
}

extension WebApp {
    /// Runs a form submission the same way everywhere (DESIGN.md web conventions): on success a
    /// 303 to `location` with a one-shot message (or JSON when asked); on a refusal the form again
    /// with each message at its field (or the JSON error), status 400/404/409.
    func submit(
        _ context: RequestContext,
        perform: () throws -> (location: String, message: String, json: [String: Any]),
        reshow: (FormErrors) throws -> String
    ) throws -> HTTPResponse {
        do {
            let result = try perform()
            if context.request.wantsJSON { return .json(result.json) }
            return redirect(to: result.location, flash: result.message)
        } catch let list as RefusalList {
            return try refused(context, list.refusals, reshow: reshow)
        } catch let refusal as Refusal {
            return try refused(context, [refusal], reshow: reshow)
        }
    }

    private func refused(_ context: RequestContext, _ refusals: [Refusal], reshow: (FormErrors) throws -> String) throws
        -> HTTPResponse
    {
        let reply = answer(to: refusals, in: context)
        if context.request.wantsJSON {
            return .json(
                [
                    "error_code": reply.code, "error_msg": refusals.map(\.message).joined(separator: " "),
                    "errors": refusals.map { ["field": $0.field ?? "", "message": $0.message] },
                ], status: reply.status)
        }
        return .html(try reshow(FormErrors(refusals)), status: reply.status)
    }
}
