import Automation
import Foundation

/// Entry points for the fuzzer (Fuzz/runbook-fuzz): the real collectors over a machine folder
/// the fuzzer writes, without a store. `package`: not part of the library's public surface.
package enum CollectorFuzzing {
    /// The dpkg status, the unit files and the unit state file of a folder standing for a Linux
    /// machine; returns the number of items collected.
    package static func linux(root: String) -> Int {
        guard let machineRoot = try? MachineRoot(path: root) else { return 0 }
        return LinuxCollector.packagesAndDaemons(machineRoot, isLocal: false, OnceFlag()).items.count
    }

    /// The registry exports, services, software and state files of a folder standing for a
    /// Windows machine, with every registry key Azure ships turned on.
    package static func windows(folder: String) async -> Int {
        guard let root = try? MachineRoot(path: folder) else { return 0 }
        var settings = TrackingSettings.initial
        for index in settings.registry.indices { settings.registry[index].enabled = true }
        let context = ScanContext(settings: settings, profile: .extended, previousIndex: [:], racyCutoffNs: nil)
        return await WindowsCollector(root: root, machine: "fuzz").collect(context).items.count
    }
}
