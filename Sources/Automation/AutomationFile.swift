import Foundation
import YAML

/// A declarative automation file: account, workspace, gateways and machines (`runbook apply FILE`).
public struct AutomationFile: Sendable {
    public var account: Account?
    public var workspace: Workspace?
    public var gateways: [Gateway]
    public var machines: [Machine]
    public var schedules: [Schedule]
    /// Where each schedule's links are written, for errors found when they are checked against runbooks.
    public var linkMarks: [String: Mark]

    public static let maxFileBytes = 4 * 1024 * 1024

    /// A diagnostic pointing at a schedule's `runbooks:` list.
    public func linkDiagnostic(schedule: String, file: String, message: String) -> Diagnostic {
        Diagnostic(file: file, mark: linkMarks[schedule] ?? Mark(line: 1, column: 1), message: message)
    }

    public init(
        account: Account?, workspace: Workspace?, gateways: [Gateway] = [], machines: [Machine] = [],
        schedules: [Schedule] = [], linkMarks: [String: Mark] = [:]
    ) {
        self.account = account
        self.workspace = workspace
        self.gateways = gateways
        self.machines = machines
        self.schedules = schedules
        self.linkMarks = linkMarks
    }

    /// Loads and validates a file; relative machine folders resolve against the file's folder.
    public static func load(path: String) throws(DiagnosticError) -> AutomationFile {
        let bytes = try FileText.read(path: path, label: path, maxBytes: maxFileBytes)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(bytes, label: path, baseFolder: base)
    }

    public static func parse(_ bytes: [UInt8], label: String, baseFolder: String) throws(DiagnosticError)
        -> AutomationFile
    {
        let root = try SourceDocument.root(
            bytes, label: label, limits: ParseLimits(maxBytes: maxFileBytes),
            whatItIs: "an automation file is a mapping with account, workspace and machines")
        var decoder = AutomationFileDecoder(file: label, baseFolder: baseFolder)
        let file = decoder.decode(root)
        guard let file, !decoder.sink.hasErrors else { throw DiagnosticError(decoder.sink.diagnostics) }
        return file
    }
}
