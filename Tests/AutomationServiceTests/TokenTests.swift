import Automation
import AutomationService
import AutomationStore
import Foundation
import Synchronization
import Testing

/// A time source the test moves by hand.
final class TestNow: Sendable {
    private let date: Mutex<Date>
    init(_ start: Date) { date = Mutex(start) }
    var value: Date { date.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Tokens through the application layer, over a real SQLite file in a temporary folder.
@Suite struct TokenTests {
    let folder = NSTemporaryDirectory() + "runbook-service-tokens-" + UUID().uuidString
    let clock = TestNow(Date(timeIntervalSince1970: 1_800_000_000))

    func service() throws -> AutomationService {
        let clock = clock
        return AutomationService(store: try AutomationStore.open(folder: folder), now: { clock.value })
    }

    func unauthorized(_ expected: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected unauthorized: \(expected)")
        } catch {
            guard case .unauthorized(let message) = error as? ServiceError else {
                Issue.record("expected unauthorized, got \(error)")
                return
            }
            #expect(message.hasPrefix(expected), "\(message)")
        }
    }

    @Test func createShowsTheSecretOnceAndAuthenticates() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (token, secret) = try await service.createToken(name: "ci", role: .contributor, expiresIn: .seconds(3600))
        #expect(secret.hasPrefix("rbk_\(token.id)_"))
        #expect(secret.count == 60)
        #expect(token.expiresAt == clock.value.addingTimeInterval(3600))
        #expect(try await service.tokens() == [token])
        let found = try await service.authenticate(authorization: "Bearer \(secret)")
        #expect(found.name == "ci")
        #expect(found.lastUsedAt == clock.value)
        // Two tokens never share a secret.
        let (_, other) = try await service.createToken(name: "ci2")
        #expect(other != secret)
    }

    @Test func theSecretIsNeverStoredInClear() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, text) = try await service.createToken(name: "ci")
        let secret = try #require(ApiToken.parse(text)).secret
        _ = try await service.authenticate(authorization: "Bearer \(text)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.contains("automation.sqlite"))
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
            #expect(bytes.range(of: Data(text.utf8)) == nil, "\(file) holds the token")
        }
    }

    @Test func aDuplicateNameIsAConflict() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try await service.createToken(name: "ci")
        await #expect(throws: ServiceError.conflict("a token named 'ci' already exists")) {
            _ = try await service.createToken(name: "ci", role: .reader)
        }
    }

    @Test(arguments: ["", "a/b", "tab\there", "bell\u{07}", " lead", "..", String(repeating: "n", count: 129)])
    func badNamesAreInvalid(name: String) async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try await service.createToken(name: name)
            Issue.record("'\(name)' was accepted")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.hasPrefix("token name"), "\(error)")
        }
        #expect(try await service.tokens().isEmpty)
    }

    @Test func lifetimesAreBounded() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for lifetime in [Duration.zero, .seconds(-5), DurationText.maximum + .seconds(1)] {
            await #expect(throws: ServiceError.self) {
                _ = try await service.createToken(name: "t", expiresIn: lifetime)
            }
        }
        #expect(throws: ServiceError.self) { try AutomationService.tokenLifetime("0d") }
        #expect(throws: ServiceError.self) { try AutomationService.tokenLifetime("3651d") }
        #expect(throws: ServiceError.self) { try AutomationService.tokenLifetime("soon") }
        #expect(try AutomationService.tokenLifetime("90d") == .seconds(90 * 86_400))
        #expect(try await service.tokens().isEmpty)
    }

    @Test func revokedTokensAreRefused() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, secret) = try await service.createToken(name: "ci")
        try await service.revokeToken(named: "ci")
        await unauthorized("token revoked") { _ = try await service.authenticate(authorization: "Bearer \(secret)") }
        #expect(try await service.tokens().first?.state(at: clock.value) == .revoked)
    }

    @Test func revokingAnUnknownTokenSuggestsAName() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try await service.createToken(name: "deploy")
        await #expect(throws: ServiceError.notFound(kind: "token", name: "deplyo", hint: " (did you mean 'deploy'?)")) {
            try await service.revokeToken(named: "deplyo")
        }
    }

    @Test func expiredTokensAreRefused() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, secret) = try await service.createToken(name: "ci", expiresIn: .seconds(60))
        clock.advance(59)
        _ = try await service.authenticate(authorization: "Bearer \(secret)")
        clock.advance(1)
        await unauthorized("token expired") { _ = try await service.authenticate(authorization: "Bearer \(secret)") }
    }

    @Test func aWrongSecretOrUnknownIdIsInvalid() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (token, secret) = try await service.createToken(name: "ci")
        let (_, otherSecret) = ApiToken.generate()
        let wrong = ApiToken.text(id: token.id, secret: otherSecret)
        await unauthorized("invalid token") { _ = try await service.authenticate(authorization: "Bearer \(wrong)") }
        let unknown = ApiToken.text(id: "zzzzzzzzzzzz", secret: try #require(ApiToken.parse(secret)).secret)
        await unauthorized("invalid token") { _ = try await service.authenticate(authorization: "Bearer \(unknown)") }
        do {
            _ = try await service.authenticate(authorization: "Bearer \(wrong)")
        } catch {
            #expect(!error.description.contains(otherSecret))
            #expect(error.httpStatus == 401)
        }
    }

    @Test(arguments: [
        "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer rbk_", "Bearer rbk_short_secret", "Token rbk_x",
        "bearer not-a-token", "Bearer rbk_AAAAAAAAAAAA_" + String(repeating: "a", count: 43),
        "Bearer rbk_aaaaaaaaaaaa_" + String(repeating: "+", count: 43),
        "Bearer rbk_aaaaaaaaaaaa_" + String(repeating: "a", count: 4000),
    ])
    func malformedHeadersAreInvalid(header: String) async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        await unauthorized("invalid token") { _ = try await service.authenticate(authorization: header) }
    }

    @Test func noHeaderIsNoBearerToken() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        await unauthorized("no bearer token") { _ = try await service.authenticate(authorization: nil) }
        await unauthorized("no bearer token") { _ = try await service.authenticate(authorization: "  ") }
    }

    @Test func lastUseIsWrittenAtMostOnceAMinute() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, secret) = try await service.createToken(name: "ci")
        let first = clock.value
        _ = try await service.authenticate(authorization: "Bearer \(secret)")
        clock.advance(30)
        #expect(try await service.authenticate(authorization: "Bearer \(secret)").lastUsedAt == first)
        #expect(try await service.tokens().first?.lastUsedAt == first)
        clock.advance(30)
        #expect(try await service.authenticate(authorization: "bearer  \(secret)").lastUsedAt == clock.value)
        #expect(try await service.tokens().first?.lastUsedAt == clock.value)
    }

    @Test func readersMayOnlyRead() async throws {
        let service = try service()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (reader, _) = try await service.createToken(name: "board", role: .reader)
        let (contributor, _) = try await service.createToken(name: "ci", role: .contributor)
        try service.authorize(reader, write: false)
        try service.authorize(contributor, write: false)
        try service.authorize(contributor, write: true)
        #expect(
            throws: ServiceError.forbidden(
                "the token 'board' is read-only (reader); this request changes state and needs a contributor token")
        ) { try service.authorize(reader, write: true) }
    }
}
