import Foundation

enum Fixtures {
    /// The copied Fixtures folder inside the test bundle.
    static var folder: String {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
        }
        return url.path
    }

    static func path(_ relative: String) -> String {
        (folder as NSString).appendingPathComponent(relative)
    }

    /// The package root, for files the repository ships (runbooks/, examples/).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "runbook-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
