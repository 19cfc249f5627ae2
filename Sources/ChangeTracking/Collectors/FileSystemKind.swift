/// File systems that are not scanned: network shares and kernel pseudo file systems.
enum FileSystemKind {
    static let skipped: [Int: String] = [
        0x6969: "NFS", 0xFF53_4D42: "CIFS", 0xFE53_4D42: "SMB2", 0x517B: "SMB", 0x9FA0: "proc",
        0x6265_6572: "sysfs", 0x1CD1: "devpts", 0x2762_3CE2: "cgroup2", 0x2762_3CE1: "cgroup",
        0x6462_6720: "debugfs", 0x7363_6673: "securityfs", 0x6E73_6673: "nsfs", 0x6573_7546: "FUSE",
    ]

    /// Why the folder is not scanned, or nil.
    static func skipReason(_ folder: MachineDirectory) -> String? {
        let type = folder.fileSystemType
        guard type != -1, let name = skipped[type] else { return nil }
        return "\(name) file system (network and pseudo file systems are not scanned)"
    }
}
