import ArgumentParser
import Automation
import AutomationServer
import AutomationService
import Foundation
import KQL

extension RunbookCommand {
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a KQL query over the workspace's tables, as in Log Analytics.",
            discussion: Help.reflow(
                """
                Tables: ConfigurationChange, ConfigurationData, Heartbeat, and AzureDiagnostics (job logs \
                and streams, ResourceProvider == "MICROSOFT.AUTOMATION"), with Azure's column names and \
                types. The query runs in the store's database, read-only. Datetimes are UTC.

                Examples:
                  runbook query 'ConfigurationChange | summarize count() by Computer'
                  runbook query --timespan 1d 'ConfigurationChange
                      | where FileSystemPath startswith "/etc/"'
                  runbook query 'Heartbeat | summarize arg_max(TimeGenerated, *) by Computer'
                  runbook query --file drift.kql --csv
                  echo 'AzureDiagnostics | where ResultType == "Failed"' | runbook query -
                """))

        @Argument(help: "The KQL query; '-' (or nothing, on a pipe) reads it from standard input.") var text: String?
        @Option(help: ArgumentHelp("Read the query from this file.", valueName: "path")) var file: String?
        @Option(
            help: "Only rows whose TimeGenerated is in this span: a duration back from now (7d, PT1H) or START/END.")
        var timespan: String?
        @Option(help: "At most this many rows; more make the answer partial (a warning).") var limit = 10_000
        @Option(help: "Stop a query still running after this many seconds (a partial answer).") var timeout = 60
        @Flag(help: "Print the rows as JSON objects with the query's column names.") var json = false
        @Flag(help: "Print the rows as CSV with a header line.") var csv = false
        @Flag(help: "Print the SQL the query compiles to (with its bound values) instead of running it.")
        var sql = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if json && csv { throw ValidationError("--json and --csv cannot be used together") }
            if file != nil && text != nil && text != "-" {
                throw ValidationError("give the query as an argument or with --file, not both")
            }
            guard (1...10_000_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000000") }
            guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
        }

        func run() async throws {
            let queryText = try readQuery()
            try await store.withService(create: false) { service in try await run(queryText, on: service) }
        }

        private func run(_ queryText: String, on service: AutomationService) async throws {
            var request = LogQuery(text: queryText, rowLimit: limit, timeLimit: .seconds(timeout))
            do {
                if let timespan { request.timespan = try QueryTimespan.parse(timespan, now: Date()) }
                if sql {
                    let compiled = try service.compile(request)
                    Terminal.exact(compiled.sql)
                    for (index, value) in compiled.arguments.enumerated() {
                        Terminal.out("-- ?\(index + 1) = \(LogValueText.text(value))")
                    }
                    return
                }
                let result = try await service.query(request)
                show(result)
                if let partial = result.partial { Terminal.warning("partial result: \(partial)") }
            } catch let diagnostic as KQLDiagnostic {
                Terminal.raw(diagnostic.description + "\n" + Self.caret(diagnostic, in: queryText))
                throw ExitCode(65)
            } catch let error as ServiceError {
                Terminal.error(error.description)
                throw ExitCode(error.exitCode)
            }
        }

        private func show(_ result: LogQueryResult) {
            let table = result.table
            if json {
                Terminal.exact(LogQueryDocuments.objects(table).serialized())
            } else if csv {
                CSV.write(header: table.columns.map(\.name), rows: table.rows)
            } else if table.rows.isEmpty {
                Terminal.out("No rows. (Columns: \(table.columns.map(\.name).joined(separator: ", ")))")
            } else {
                var out = Table(headers: table.columns.map(\.name))
                out.rows = table.rows.map { $0.map(LogValueText.text) }
                Terminal.out(out.render(width: layout.width))
            }
        }

        private func readQuery() throws -> String {
            let limit = AutomationService.maxQueryBytes
            if let file {
                do {
                    return String(
                        decoding: try FileText.read(path: file, label: "query file", maxBytes: limit), as: UTF8.self)
                } catch {
                    Terminal.error("\(error)")
                    throw ExitCode(66)
                }
            }
            if let text, text != "-" { return text }
            guard text == "-" || isatty(STDIN_FILENO) == 0 else {
                throw ValidationError("give a query: runbook query 'ConfigurationChange | take 10' (or --file, or '-')")
            }
            let data = FileHandle.standardInput.readData(ofLength: limit + 1)
            guard data.count <= limit else {
                Terminal.error("the query on standard input is longer than \(limit) bytes")
                throw ExitCode(65)
            }
            return String(decoding: data, as: UTF8.self)
        }

        /// The query's line with a caret under the error, as a compiler shows it.
        static func caret(_ diagnostic: KQLDiagnostic, in text: String) -> String {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard diagnostic.line >= 1, diagnostic.line <= lines.count else { return "" }
            let line = String(lines[diagnostic.line - 1].prefix(200))
            let pad = String(repeating: " ", count: max(0, min(diagnostic.column - 1, line.count)))
            return "  " + line + "\n  " + pad + String(repeating: "^", count: max(1, min(diagnostic.length, 80)))
        }
    }
}

/// RFC 4180 fields: quoted when they hold a comma, a quote or a line break.
enum CSV {
    /// Writes the rows to standard output in blocks of bytes: a result can hold millions of cells.
    static func write(header: [String], rows: [[KQLValue]]) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func append(_ cells: [String]) {
            for (index, cell) in cells.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(contentsOf: field(cell).utf8)
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 {
                FileHandle.standardOutput.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        append(header)
        for row in rows { append(row.map(LogValueText.text)) }
        FileHandle.standardOutput.write(Data(buffer))
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
