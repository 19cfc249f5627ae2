import Automation
import AutomationStore
import Foundation
import Testing

@testable import ChangeTracking

/// Trees and item paths that used to crash a scan or select nothing without a word (issue 8).
@Suite struct HostileTreeTests {
    func collect(_ tree: TestTree, _ items: [TrackedFile], folder: String = "m") async throws -> FileCollection.Result {
        try await FileCollection(
            root: MachineRoot(path: tree.path(folder)), windows: false, profile: .extended, previousIndex: [:],
            racyCutoffNs: nil
        ).collect(items.map { ($0, $0.path) })
    }

    @Test func aFileModifiedIn2300IsClampedAndTheScanGoesOn() async throws {
        let tree = try TestTree()
        let future = try tree.write("m/etc/future.conf", "from the future\n")
        try tree.write("m/etc/now.conf", "today\n")
        let touch = try Process.run(URL(fileURLWithPath: "/usr/bin/touch"), arguments: ["-d", "2300-01-01", future])
        touch.waitUntilExit()
        #expect(touch.terminationStatus == 0)
        let result = try await collect(tree, [TrackedFile(name: "etc", os: .linux, path: "/etc/*")])
        #expect(result.items.map(\.key) == ["/etc/future.conf", "/etc/now.conf"])
        let item = try #require(result.items.first)
        #expect(item.fields["DateModified"] == "2262-04-11T23:47:16Z")
        #expect(item.fields["FileContentChecksum"] != nil)
        #expect(
            result.warnings == [
                "/etc/future.conf: a time stamp before 1677 or after 2262 was clamped to 2262-04-11T23:47:16Z"
            ])
    }

    @Test func slashWithRecursionWalksTheWholeRoot() async throws {
        let tree = try TestTree()
        try tree.write("m/etc/hosts", "127.0.0.1 localhost\n")
        try tree.write("m/var/log/syslog", "boot\n")
        let result = try await collect(
            tree, [TrackedFile(name: "all", os: .linux, path: "/", pathType: .folder, recurse: true)])
        #expect(result.items.map(\.key) == ["/etc/hosts", "/var/log/syslog"])
    }

    @Test(arguments: ["/./etc/hosts", "/etc/./hosts", "//etc//hosts", "/etc/hosts/."])
    func pathsAreCanonical(path: String) async throws {
        let tree = try TestTree()
        try tree.write("m/etc/hosts", "127.0.0.1 localhost\n")
        let result = try await collect(tree, [TrackedFile(name: "h", os: .linux, path: path)])
        #expect(result.items.map(\.key) == ["/etc/hosts"])
    }

    @Test func dotSlashFolderGivesCanonicalKeys() async throws {
        let tree = try TestTree()
        try tree.write("m/etc/hosts", "127.0.0.1 localhost\n")
        let result = try await collect(
            tree, [TrackedFile(name: "dot", os: .linux, path: "/.", pathType: .folder, recurse: true)])
        #expect(result.items.map(\.key) == ["/etc/hosts"])
    }

    @Test func dotDotIsRefusedWhereTrackingIsConfigured() {
        let item = TrackedFile(name: "shadow", os: .linux, path: "/../../../../../../etc/shadow")
        #expect(
            TrackingRules.problems(item, profile: .extended) == [
                "path '/../../../../../../etc/shadow' has a '..' segment; a tracked path must stay inside the machine "
                    + "(write the path without '..')"
            ])
        let windows = TrackedFile(name: "shadow", os: .windows, path: #"C:\..\..\..\etc\shadow"#)
        #expect(TrackingRules.problems(windows, profile: .azure).count == 1)
        // A name that merely starts with two dots is a name.
        #expect(
            TrackingRules.problems(TrackedFile(name: "ok", os: .linux, path: "/etc/..conf"), profile: .azure).isEmpty)
    }
}
