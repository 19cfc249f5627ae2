import ChangeTracking
import Foundation

/// The machine-folder parsers, through the real collectors: each case writes the input where a
/// machine folder keeps that artefact, then collects the folder (confinement included).
enum MachineFolderTargets {
    /// One scratch machine folder per run, removed at exit by the fuzzer's caller (it lives in
    /// the system's temporary folder).
    static let scratch: String = {
        let path = NSTemporaryDirectory() + "runbook-fuzz-" + UUID().uuidString
        for folder in ["linux/var/lib/dpkg", "linux/lib/systemd/system", "linux/var/lib/systemd", "windows/registry"] {
            try? FileManager.default.createDirectory(
                atPath: path + "/" + folder, withIntermediateDirectories: true)
        }
        return path
    }()

    static func write(_ bytes: [UInt8], _ relative: String) {
        _ = FileManager.default.createFile(atPath: scratch + "/" + relative, contents: Data(bytes))
    }

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "dpkg", corpus: "dpkg") { bytes, _ in
            write(bytes, "linux/var/lib/dpkg/status")
            _ = CollectorFuzzing.linux(root: scratch + "/linux")
        },
        FuzzTarget(name: "systemd", corpus: "systemd") { bytes, _ in
            write(bytes, "linux/lib/systemd/system/fuzz.service")
            write(Array("fuzz.service=active\n".utf8), "linux/var/lib/systemd/unit-states.txt")
            _ = CollectorFuzzing.linux(root: scratch + "/linux")
        },
        FuzzTarget(name: "reg", corpus: "reg") { bytes, _ in
            write(bytes, "windows/registry/HKLM-FUZZ.reg")
            _ = blocking { await CollectorFuzzing.windows(folder: scratch + "/windows") }
        },
        FuzzTarget(name: "state", corpus: "state") { bytes, _ in
            write(bytes, "windows/services-state.txt")
            write(bytes, "linux/var/lib/systemd/unit-states.txt")
            _ = blocking { await CollectorFuzzing.windows(folder: scratch + "/windows") }
            _ = CollectorFuzzing.linux(root: scratch + "/linux")
        },
    ]
}
