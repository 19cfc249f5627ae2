import Foundation
import Testing

extension CLI {
    /// The README's walkthrough up to the baseline: a copy of examples/contoso next to the store
    /// (gone with `cleanUp`), applied, enabled, configured and scanned once. Returns the copy's
    /// folder, whose machine folders a test edits to make drift.
    func contosoBaseline() throws -> String {
        let copy = store + "-contoso"
        try FileManager.default.copyItem(atPath: CLI.packageRoot + "/examples/contoso", toPath: copy)
        for arguments in [
            ["apply", copy + "/automation.yaml"], ["run", "enable-tracking"], ["run", "configure-tracking"],
            ["run", "scan"],
        ] {
            let result = try run(arguments)
            guard result.status == 0 else {
                throw CLIError(message: "runbook \(arguments.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
        return copy
    }
}
