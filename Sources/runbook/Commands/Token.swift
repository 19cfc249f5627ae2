import ArgumentParser
import Automation
import AutomationService
import Foundation

extension TokenRole: ExpressibleByArgument {}

extension RunbookCommand {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, list and revoke the bearer tokens of the HTTP API.",
            discussion: Help.reflow(
                """
                Every API request carries 'Authorization: Bearer TOKEN'. A token is shown once, when \
                it is created; the store keeps only a hash of its secret. A reader token can read; \
                a contributor token can also start, stop and change things.

                Examples:
                  runbook token create ci --expires 90d
                  runbook token create dashboard --role reader
                  runbook token list
                  runbook token revoke ci
                """),
            subcommands: [Create.self, List.self, Revoke.self])
    }
}

/// A token for `token list --json` (schemas/json/token.schema.json): never its secret.
struct TokenDocument: Encodable {
    var id: String
    var name: String
    var role: String
    var state: String
    var createdAt: Date
    @ExplicitNull var expiresAt: Date?
    @ExplicitNull var revokedAt: Date?
    @ExplicitNull var lastUsedAt: Date?

    init(_ token: TokenInfo, at now: Date) {
        id = token.id
        name = token.name
        role = token.role.rawValue
        state = token.state(at: now).rawValue
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        revokedAt = token.revokedAt
        lastUsedAt = token.lastUsedAt
    }

}

/// `token create --json`: the one time the token text is printed.
struct CreatedTokenDocument: Encodable {
    var id: String
    var name: String
    var role: String
    @ExplicitNull var expiresAt: Date?
    var token: String
}

extension RunbookCommand.Token {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once (it cannot be shown again).",
            discussion: Help.reflow(
                """
                Examples:
                  runbook token create ci --expires 90d
                  runbook token create dashboard --role reader
                  TOKEN=$(runbook token create deploy --json | jq -r .token)
                """))

        @Argument(help: "Token name (printable text, no '/').") var name: String
        @Option(help: "reader (read only) or contributor (may start, stop and change things).")
        var role: TokenRole = .contributor
        @Option(
            help: ArgumentHelp(
                "Lifetime such as 90d or 12h (at most \(DurationText.maximumText)); without it, no expiry.",
                valueName: "duration"))
        var expires: String?
        @Flag(help: "Print JSON (with the token).") var json = false
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let problem = ResourceName.problem(name, kind: "token") { throw ValidationError(problem) }
            if let expires {
                do {
                    _ = try AutomationService.tokenLifetime(expires)
                } catch {
                    throw ValidationError("--expires: \(error.description)")
                }
            }
        }

        func run() async throws {
            let (name, role, expires) = (self.name, self.role, self.expires)
            let created = try await store.withService(create: true) { service in
                do throws(ServiceError) {
                    let lifetime = try expires.map { text throws(ServiceError) in
                        try AutomationService.tokenLifetime(text)
                    }
                    return try await service.createToken(name: name, role: role, expiresIn: lifetime)
                } catch {
                    Terminal.error(error.description)
                    throw ExitCode(error.exitCode)
                }
            }
            let token = created.token
            if json {
                try JSONOutput.print(
                    CreatedTokenDocument(
                        id: token.id, name: token.name, role: token.role.rawValue, expiresAt: token.expiresAt,
                        token: created.secret))
            } else {
                let expiry = token.expiresAt.map { "expires \(Terminal.time($0))" } ?? "no expiry"
                Terminal.out("Created token '\(token.name)' (\(token.role.rawValue), \(expiry)):")
                Terminal.out(created.secret)
            }
            Terminal.warning(
                "this is the only time the token is shown; it cannot be shown again. Keep it in a secret store; "
                    + "if it is lost, revoke it and create another.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens and their state (never a secret).")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tokens = try await store.withService(create: false) { service in
                do throws(ServiceError) {
                    return try await service.tokens()
                } catch {
                    Terminal.error(error.description)
                    throw ExitCode(error.exitCode)
                }
            }
            let now = Date()
            try ListOutput<TokenInfo>(
                headers: ["NAME", "ROLE", "CREATED", "EXPIRES", "LAST USED", "STATE"],
                empty: "No tokens. Create one with: runbook token create NAME"
            ) { token in
                [
                    token.name, token.role.rawValue, Terminal.time(token.createdAt),
                    token.expiresAt.map { Terminal.time($0) } ?? "never", Terminal.time(token.lastUsedAt),
                    token.state(at: now).rawValue,
                ]
            }.print(tokens, json: json, width: layout.width) { TokenDocument($0, at: now) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: requests that carry it are refused from now on.")

        @Argument(help: "Token name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let name = self.name
            try await store.withService(create: false) { service in
                do throws(ServiceError) {
                    try await service.revokeToken(named: name)
                } catch {
                    Terminal.error(error.description)
                    throw ExitCode(error.exitCode)
                }
            }
            Terminal.out("Revoked token '\(name)'.")
        }
    }
}
