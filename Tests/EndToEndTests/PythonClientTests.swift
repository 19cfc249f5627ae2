import Foundation
import TestSupport
import Testing

/// Azure's own Python clients (azure-mgmt-automation 2.0.0, azure-core) and schemathesis against
/// a real `runbook serve` over https: Tests/python (pytest), run with the tools that
/// scripts/install-test-tools.sh puts in .build-venv.
@Suite(.serialized) struct PythonClientTests {
    @Test(.timeLimit(.minutes(10))) func azureSDKDrivesTheServer() async throws {
        // The PostgreSQL server (given, or started now) is in the environment the clients inherit.
        _ = TestPostgres.url
        guard let python = TestTools.path("python"), TestTools.path("pytest") != nil else {
            Issue.record(Comment(rawValue: TestTools.missing("pytest and azure-mgmt-automation")))
            return
        }
        let result = try await TestTools.runAsync(
            python,
            [
                "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ignore",
                CLI.packageRoot + "/Tests/python/test_portal.py",
                CLI.packageRoot + "/Tests/python",
            ],
            environment: ["RUNBOOK_BINARY": CLI.binary, "PYTHONDONTWRITEBYTECODE": "1"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains(" passed"))
        #expect(!result.stdout.contains(" failed"))
    }

    /// The portal in headless Chromium (Debian's chromium and chromium-driver) driven by
    /// selenium: Tests/python/test_portal.py. It also takes the README's timeline screenshot.
    @Test(.timeLimit(.minutes(10))) func portalInABrowser() async throws {
        guard let python = TestTools.path("python"), TestTools.path("pytest") != nil else {
            Issue.record(Comment(rawValue: TestTools.missing("pytest and selenium")))
            return
        }
        let result = try await TestTools.runAsync(
            python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", CLI.packageRoot + "/Tests/python/test_portal.py"],
            environment: ["RUNBOOK_BINARY": CLI.binary, "PYTHONDONTWRITEBYTECODE": "1"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains(" passed"))
        #expect(!result.stdout.contains(" failed"))
        #expect(!result.stdout.contains(" skipped"), "selenium is missing: \(result.stdout)")
    }
}
