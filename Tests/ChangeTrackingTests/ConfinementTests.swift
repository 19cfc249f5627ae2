import Automation
import AutomationStore
import Foundation
import Testing

@testable import ChangeTracking

/// A scan never reads a byte outside the machine's folder: not through `..`, not through a
/// symbolic link in the middle of a path, not through a link swapped in while it runs. Each
/// tree holds a machine folder `m` (or `w`) beside a host folder `host` with a secret in it.
@Suite struct ConfinementTests {
    static let secret = "HOST SECRET\n"

    /// A tree with the secret beside the machine folder, and that folder's root.
    func tree(machine: String = "m") throws -> (TestTree, MachineRoot) {
        let tree = try TestTree()
        try tree.write("host/shadow", Self.secret)
        try tree.write("\(machine)/etc/hosts", "127.0.0.1 localhost\n")
        return (tree, try MachineRoot(path: tree.path(machine)))
    }

    func collect(_ root: MachineRoot, windows: Bool = false, _ items: [TrackedFile]) async -> FileCollection.Result {
        await FileCollection(root: root, windows: windows, profile: .extended, previousIndex: [:], racyCutoffNs: nil)
            .collect(items.map { ($0, $0.path) })
    }

    /// No item carries the secret's checksum or content.
    func expectNothingFromTheHost(_ result: FileCollection.Result) {
        let checksum = ContentDigest.sha256Hex(Array(Self.secret.utf8))
        let content = Data(Self.secret.utf8).base64EncodedString()
        for item in result.items {
            #expect(item.fields["FileContentChecksum"] != checksum, "\(item.key) was read from the host")
            #expect(item.fields["FileContent"] != content, "\(item.key) was read from the host")
        }
    }

    @Test(arguments: [
        "/../../../../../../etc/shadow", "/../host/shadow", "/etc/../../host/shadow", "/../host/*",
    ])
    func dotDotOnALinuxFolder(path: String) async throws {
        let (_, root) = try tree()
        let item = TrackedFile(name: "x", os: .linux, path: path, uploadContent: true)
        #expect(TrackingRules.problems(item, profile: .extended).contains { $0.contains("has a '..' segment") })
        let result = await collect(root, [item])
        #expect(result.items.isEmpty)
        expectNothingFromTheHost(result)
        #expect(result.warnings.contains { $0.contains("has a '..' segment") })
    }

    @Test(arguments: [#"C:\..\..\..\etc\shadow"#, #"C:\..\..\host\shadow"#, "C:/../../host/shadow"])
    func dotDotOnAWindowsFolder(path: String) async throws {
        let (tree, _) = try tree(machine: "w")
        try tree.write("w/C/Windows/win.ini", "[fonts]\n")
        let root = try MachineRoot(path: tree.path("w"))
        let item = TrackedFile(name: "x", os: .windows, path: path, uploadContent: true)
        #expect(TrackingRules.problems(item, profile: .extended).contains { $0.contains("has a '..' segment") })
        let result = await collect(root, windows: true, [item])
        #expect(result.items.isEmpty)
        expectNothingFromTheHost(result)
    }

    @Test(arguments: LinkHandling.allCases)
    func aSymlinkedFolderInTheMiddleLeadsNowhereOutside(links: LinkHandling) async throws {
        let (tree, root) = try tree()
        try tree.link("m/hostetc", to: "/etc")  // the issue's reproduction
        try tree.link("m/hostdir", to: tree.path("host"))  // absolute, to the secret
        try tree.link("m/up", to: "../host")  // relative, climbing out
        let items = ["/hostetc/shadow", "/hostdir/shadow", "/up/shadow", "/hostdir/*", "/up"].map {
            TrackedFile(name: "x", os: .linux, path: $0, recurse: true, uploadContent: true, links: links)
        }
        let result = await collect(root, items)
        // `links: manage` records the link `/up` itself (its target text), and nothing behind it.
        #expect(result.items.allSatisfy { $0.fields["LinkTarget"] != nil }, "\(result.items.map(\.key))")
        expectNothingFromTheHost(result)
        if links == .follow {
            #expect(
                result.warnings.contains { $0.hasPrefix("/up/shadow: symbolic link points outside the machine's root") }
            )
            // The machine's own /etc (it has no shadow), never the host's.
            #expect(!result.warnings.contains { $0.hasPrefix("/hostetc/shadow") })
            #expect(result.warnings.contains { $0.hasPrefix("/hostdir/shadow: symbolic link to '\(tree.root)/host'") })
        } else {
            #expect(
                result.warnings.contains(
                    "/hostetc/shadow: runs through the symbolic link /hostetc; not followed (links: \(links.rawValue))")
            )
        }
    }

    @Test func aSymlinkedFolderOnAWindowsFolder() async throws {
        let (tree, _) = try tree(machine: "w")
        try tree.write("w/C/Windows/win.ini", "[fonts]\n")
        try tree.link("w/C/hostetc", to: tree.path("host"))
        let root = try MachineRoot(path: tree.path("w"))
        for links in LinkHandling.allCases {
            let item = TrackedFile(
                name: "x", os: .windows, path: #"C:\hostetc\shadow"#, uploadContent: true, links: links)
            let result = await collect(root, windows: true, [item])
            #expect(result.items.isEmpty)
            expectNothingFromTheHost(result)
        }
    }

    @Test func aFolderSwappedForALinkBetweenTheWalkAndTheHashIsNotRead() async throws {
        let (tree, root) = try tree()
        try tree.write("m/data/app.conf", "machine's own\n")
        try tree.write("host/app.conf", Self.secret)
        let item = TrackedFile(name: "x", os: .linux, path: "/data/app.conf", uploadContent: true)
        let machine = tree.path("m")
        let host = tree.path("host")
        let result = await FileCollection(
            root: root, windows: false, profile: .extended, previousIndex: [:], racyCutoffNs: nil
        ).collect([(item, item.path)]) {
            // The race, made deterministic: the walk saw a regular file in a real folder.
            try? FileManager.default.moveItem(atPath: machine + "/data", toPath: machine + "/data-old")
            try? FileManager.default.createSymbolicLink(atPath: machine + "/data", withDestinationPath: host)
        }
        expectNothingFromTheHost(result)
        let file = try #require(result.items.first)
        #expect(file.fields["FileContentChecksum"] == nil)
        #expect(file.fields["FileContent"] == "")
        #expect(
            result.warnings == [
                "/data/app.conf: not hashed: the path runs through the symbolic link /data; not followed"
            ])
        #expect(result.index.isEmpty)
    }

    @Test func aFileSwappedForALinkBetweenTheWalkAndTheHashIsNotRead() async throws {
        let (tree, root) = try tree()
        let item = TrackedFile(name: "x", os: .linux, path: "/etc/hosts", uploadContent: true)
        let (hosts, shadow) = (tree.path("m/etc/hosts"), tree.path("host/shadow"))
        let result = await FileCollection(
            root: root, windows: false, profile: .extended, previousIndex: [:], racyCutoffNs: nil
        ).collect([(item, item.path)]) {
            try? FileManager.default.removeItem(atPath: hosts)
            try? FileManager.default.createSymbolicLink(atPath: hosts, withDestinationPath: shadow)
        }
        expectNothingFromTheHost(result)
        #expect(result.items.first?.fields["FileContentChecksum"] == nil)
        #expect(
            result.warnings.first?.hasPrefix("/etc/hosts: not hashed: the path runs through the symbolic link") == true)
    }
}
