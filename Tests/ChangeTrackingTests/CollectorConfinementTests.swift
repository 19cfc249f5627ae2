import Automation
import AutomationStore
import Foundation
import Testing

@testable import ChangeTracking

/// Every collector reads its machine-folder file through the machine's root: a file there that
/// is a link to a host file is not read (a warning says why), nor is a FIFO, a device, or a
/// file over the collector's limit; nothing blocks.
@Suite struct CollectorConfinementTests {
    static let hostStatus = """
        Package: hostonly
        Status: install ok installed
        Version: 1.0
        Architecture: amd64

        """
    static let hostUnit = "[Unit]\nDescription=host only\n[Service]\nExecStart=/bin/host\n"
    static let hostExport = """
        Windows Registry Editor Version 5.00

        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HostOnly]
        "Start"=dword:00000002

        """

    func tree() throws -> TestTree {
        let tree = try TestTree()
        try tree.write("host/status", Self.hostStatus)
        try tree.write("host/evil.service", Self.hostUnit)
        try tree.write("host/host.reg", Self.hostExport)
        try tree.write("host/states", "hostonly.service=active\nHostOnly=Running\n")
        try tree.write("m/etc/hostname", "m\n")
        try tree.write("w/C/Windows/win.ini", "[fonts]\n")
        return tree
    }

    func linux(_ tree: TestTree) throws -> Collected {
        LinuxCollector.packagesAndDaemons(try MachineRoot(path: tree.path("m")), isLocal: false, OnceFlag())
    }

    func windows(_ tree: TestTree) async throws -> Collected {
        let root = try MachineRoot(path: tree.path("w"))
        let context = ScanContext(settings: TrackingSettings(), profile: .extended, previousIndex: [:])
        return await WindowsCollector(root: root, machine: "w").collect(context)
    }

    @Test(arguments: ["../../../../host/status", "absolute"])
    func dpkgStatusLinkedToTheHost(target: String) throws {
        let tree = try tree()
        try tree.link(
            "m/var/lib/dpkg/status", to: target == "absolute" ? tree.path("host/status") : target)
        let collected = try linux(tree)
        #expect(!collected.items.contains { $0.key == "hostonly" })
        let warning = try #require(collected.warnings.first { $0.hasPrefix("/var/lib/dpkg/status:") })
        #expect(
            warning.contains(
                target == "absolute" ? "which is not inside the machine's folder" : "outside the machine's root"))
    }

    @Test func systemdUnitLinkedToTheHost() throws {
        let tree = try tree()
        try tree.link("m/etc/systemd/system/evil.service", to: "../../../../host/evil.service")
        let collected = try linux(tree)
        #expect(!collected.items.contains { $0.type == .daemons })
        #expect(
            collected.warnings.contains(
                "/etc/systemd/system/evil.service: unit file skipped: symbolic link points outside the machine's root; not followed"
            ))
    }

    @Test func unitStateFileLinkedToTheHost() throws {
        let tree = try tree()
        try tree.write("m/etc/systemd/system/hostonly.service", "[Unit]\nDescription=x\n")
        try tree.link("m/var/lib/systemd/unit-states.txt", to: "../../../../host/states")
        let collected = try linux(tree)
        #expect(collected.items.first { $0.key == "hostonly.service" }?.fields["SvcState"] == "Unknown")
        #expect(
            collected.warnings.contains(
                "/var/lib/systemd/unit-states.txt: symbolic link points outside the machine's root; not followed; ignored"
            ))
    }

    @Test func registryExportLinkedToTheHost() async throws {
        let tree = try tree()
        try tree.link("w/registry/host.reg", to: "../../host/host.reg")
        let collected = try await windows(tree)
        #expect(!collected.items.contains { $0.key == "HostOnly" })
        #expect(
            collected.warnings.contains(
                "registry/host.reg: symbolic link points outside the machine's root; not followed; skipped"))
    }

    @Test func serviceStateFileLinkedToTheHost() async throws {
        let tree = try tree()
        try tree.write(
            "w/registry/services.reg",
            Self.hostExport.replacingOccurrences(of: "HostOnly", with: "Spooler"))
        try tree.link("w/services-state.txt", to: "../host/states")
        let collected = try await windows(tree)
        #expect(collected.items.first { $0.key == "Spooler" }?.fields["SvcState"] == "Unknown")
        #expect(
            collected.warnings.contains(
                "services-state.txt: symbolic link points outside the machine's root; not followed; ignored"))
    }

    /// Issue 8, item 14: each of these used to be ignored without a word.
    @Test func serviceStateFileThatIsTooLargeAFifoOrALinkToDevZeroIsReported() async throws {
        let tree = try tree()
        try tree.write("w/services-state.txt", String(repeating: "A=Running\n", count: 110_000))
        var warnings = try await windows(tree).warnings
        #expect(
            warnings.contains("services-state.txt: 1100000 bytes, over the limit of 1048576 bytes; not read; ignored"))

        try FileManager.default.removeItem(atPath: tree.path("w/services-state.txt"))
        #expect(mkfifo(tree.path("w/services-state.txt"), 0o644) == 0)
        warnings = try await windows(tree).warnings  // returns: a FIFO is never opened for reading
        #expect(warnings.contains("services-state.txt: a FIFO, not a regular file; never opened; ignored"))

        try FileManager.default.removeItem(atPath: tree.path("w/services-state.txt"))
        try tree.link("w/services-state.txt", to: "/dev/zero")
        warnings = try await windows(tree).warnings
        #expect(
            warnings.contains(
                "services-state.txt: symbolic link to '/dev/zero', which is not inside the machine's folder; not followed; ignored"
            ))
    }

    @Test func dpkgStatusThatIsAFifoDoesNotBlock() throws {
        let tree = try tree()
        try FileManager.default.createDirectory(atPath: tree.path("m/var/lib/dpkg"), withIntermediateDirectories: true)
        #expect(mkfifo(tree.path("m/var/lib/dpkg/status"), 0o644) == 0)
        let collected = try linux(tree)
        #expect(
            collected.warnings.contains(
                "/var/lib/dpkg/status: a FIFO, not a regular file; never opened; no package inventory"))
    }
}
