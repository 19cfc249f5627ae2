/// The action reference (docs/RUNBOOKS.md), written from the catalog itself so that the
/// document, `runbook actions` and the validator cannot disagree (a test compares the file).
extension ActionCatalog {
    public static func markdownReference() -> String {
        var lines = [
            "# Runbook actions",
            "",
            "Every action a step may name, and the inputs its `with:` takes. Generated from the action",
            "catalog (`Sources/Automation/ActionCatalog.swift`) by `runbook actions --markdown`; a test keeps",
            "this file, the catalog and `schemas/runbook.schema.json` equal.",
            "",
            "Values may be literals or `${{ params.NAME }}` references; a whole-value reference keeps the",
            "parameter's type (a list stays a list).",
            "",
        ]
        for action in all {
            lines += ["## `\(action.name)`", "", action.summary, ""]
            if action.inputs.isEmpty {
                lines += ["No inputs.", ""]
                continue
            }
            lines += ["| input | type | required | description |", "| --- | --- | --- | --- |"]
            lines += rows(action.inputs, prefix: "")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    private static func rows(_ inputs: [InputSpec], prefix: String) -> [String] {
        var result: [String] = []
        for input in inputs {
            let name = prefix + input.name
            result.append(
                "| `\(name)` | \(input.type.noun) | \(input.required ? "yes" : "no") | "
                    + input.help.replacingOccurrences(of: "|", with: "\\|") + " |")
            switch input.type {
            case .object(let fields): result += rows(fields, prefix: name + ".")
            case .objectList(let fields): result += rows(fields, prefix: name + "[].")
            default: break
            }
        }
        return result
    }
}
