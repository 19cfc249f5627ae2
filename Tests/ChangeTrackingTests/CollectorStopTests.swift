import Automation
import Foundation
import Testing

@testable import ChangeTracking

/// Registry exports parse in linear time, and every collector stops when the scan is stopped.
@Suite struct CollectorStopTests {
    static let header = "Windows Registry Editor Version 5.00\n\n"

    @Test(.timeLimit(.minutes(2))) func fiftyThousandDeletionsParse() {
        var text = Self.header
        for index in 0..<50_000 { text += "[HKEY_LOCAL_MACHINE\\SOFTWARE\\K\(index)]\n\"V\"=\"x\"\n" }
        text += "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Kept]\n\"V\"=\"kept\"\n"
        for index in 0..<50_000 { text += "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\K\(index)]\n" }
        var hive = RegistryHive()
        hive.apply(Array(text.utf8), file: "big.reg")
        #expect(hive.keys.count == 1)
        #expect(hive.subkeys(of: "HKEY_LOCAL_MACHINE\\SOFTWARE").map(\.path) == ["HKEY_LOCAL_MACHINE\\SOFTWARE\\Kept"])
        #expect(hive.warnings.isEmpty)
    }

    @Test func aDeletionRemovesTheSubtreeOnly() {
        var hive = RegistryHive()
        let text =
            Self.header + """
                [HKEY_LOCAL_MACHINE\\A\\B\\C]
                "V"="1"
                [HKEY_LOCAL_MACHINE\\A\\BB]
                "V"="2"
                [-HKEY_LOCAL_MACHINE\\A\\B]
                [HKEY_LOCAL_MACHINE\\A\\B\\D]
                "V"="3"

                """
        hive.apply(Array(text.utf8), file: "t.reg")
        #expect(Set(hive.keys.keys) == ["HKEY_LOCAL_MACHINE\\A\\B\\D", "HKEY_LOCAL_MACHINE\\A\\BB"])
        #expect(hive.subkeys(of: "HKEY_LOCAL_MACHINE\\A").map(\.path) == ["HKEY_LOCAL_MACHINE\\A\\BB"])
    }

    @Test(.timeLimit(.minutes(2))) func twentyThousandContinuationLinesParse() {
        var text = Self.header + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Big]\n\"Blob\"=hex:00,\\\n"
        for _ in 0..<20_000 { text += "  01,02,03,04,\\\n" }
        text += "  ff\n"
        var hive = RegistryHive()
        hive.apply(Array(text.utf8), file: "big.reg")
        let value = hive.key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Big")?.values["blob"]
        // 1 + 80,000 + 1 bytes, each "xx" and a space between.
        let expected = 80_002 * 3 - 1
        #expect(value?.data.count == expected)
        #expect(hive.warnings.isEmpty)
    }

    @Test func aStoppedScanStopsTheRegistryParse() {
        var text = Self.header
        for index in 0..<50_000 { text += "[HKEY_LOCAL_MACHINE\\SOFTWARE\\K\(index)]\n" }
        let stopped = OnceFlag()
        stopped.set()
        var hive = RegistryHive()
        hive.apply(Array(text.utf8), file: "big.reg", cancelled: stopped)
        #expect(hive.keys.count < 1024)
        #expect(hive.warnings == ["big.reg:1025: reading stopped, the scan was interrupted"])
    }

    @Test func aStoppedScanStopsTheDpkgParse() {
        var text = ""
        for index in 0..<10_000 { text += "Package: p\(index)\nStatus: install ok installed\nVersion: 1\n\n" }
        let stopped = OnceFlag()
        stopped.set()
        let parsed = DpkgStatus.parse(text, file: "/var/lib/dpkg/status", cancelled: stopped)
        #expect(parsed.packages.count < 1024)
        #expect(parsed.warnings == ["/var/lib/dpkg/status:1024: reading stopped, the scan was interrupted"])
    }

    @Test func aStoppedScanStopsTheUnitsAndTheWalk() throws {
        let tree = try TestTree()
        for index in 0..<50 { try tree.write("m/etc/systemd/system/u\(index).service", "[Unit]\n") }
        let root = try MachineRoot(path: tree.path("m"))
        let stopped = OnceFlag()
        stopped.set()
        #expect(SystemdUnits.collect(root: root, states: [:], cancelled: stopped).items.isEmpty)
        var walker = FileWalker(root: root, windows: false, cancelled: stopped)
        walker.collect(TrackedFile(name: "all", os: .linux, path: "/", recurse: true), path: "/")
        #expect(walker.observations.isEmpty)
    }
}
