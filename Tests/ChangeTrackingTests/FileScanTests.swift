import Automation
import AutomationStore
import Foundation
import Testing

@testable import ChangeTracking

/// Scans of real file trees, hostile ones included. Nothing may hang or crash; every skip is reported.
@Suite struct FileScanTests {
    func scan(
        _ tree: TestTree, _ items: [TrackedFile], profile: LimitsProfile = .extended,
        index: FileIndex = [:], cutoff: Int64? = nil
    ) async throws -> FileCollection.Result {
        let collection = FileCollection(
            root: try MachineRoot(path: tree.root), windows: false, profile: profile, previousIndex: index,
            racyCutoffNs: cutoff)
        return await collection.collect(items.map { ($0, $0.path) })
    }

    func folder(_ path: String, links: LinkHandling = .ignore) -> TrackedFile {
        TrackedFile(name: "t", os: .linux, path: path, pathType: .folder, recurse: true, links: links)
    }

    @Test func checksumsMatchSha256sumForThisHostsEtc() async throws {
        let collection = FileCollection(
            root: try MachineRoot(path: "/"), windows: false, profile: .extended, previousIndex: [:], racyCutoffNs: nil)
        let result = await collection.collect([(TrackedFile(name: "etc", os: .linux, path: "/etc/*"), "/etc/*")])
        let files = result.items.filter { $0.fields["FileContentChecksum"] != nil }
        #expect(files.count > 10)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = files.map(\.key)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var expected: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            expected[String(parts[1].dropFirst())] = String(parts[0])
        }
        for file in files { #expect(file.fields["FileContentChecksum"] == expected[file.key], "\(file.key)") }
    }

    @Test func unchangedFilesAreNotHashedAgainButRacyOnesAre() async throws {
        let tree = try TestTree()
        let beforeWriting = Int64(Date().timeIntervalSince1970 * 1e9) - 1_000_000_000
        for index in 0..<20 { try tree.write("etc/app/\(index).conf", "value \(index)\n") }
        let first = try await scan(tree, [folder("/etc/app")])
        #expect(first.hashed == 20)
        #expect(first.reused == 0)
        // A previous scan that started before the files were written: their stat cannot be
        // trusted ("racily clean"), so all are hashed again although nothing changed.
        let racy = try await scan(tree, [folder("/etc/app")], index: first.index, cutoff: beforeWriting)
        #expect(racy.hashed == 20)
        let later = Int64(Date().timeIntervalSince1970 * 1e9) + 1_000_000_000
        let clean = try await scan(tree, [folder("/etc/app")], index: racy.index, cutoff: later)
        #expect(clean.hashed == 0)
        #expect(clean.reused == 20)
        try tree.write("etc/app/7.conf", "changed too\n")
        let oneChanged = try await scan(tree, [folder("/etc/app")], index: clean.index, cutoff: later)
        #expect(oneChanged.hashed == 1)
        #expect(oneChanged.reused == 19)
        #expect(oneChanged.items.first { $0.key == "/etc/app/7.conf" }?.fields["Size"] == "12")
    }

    @Test func symlinkLoopsAndEscapesAreReportedNotFollowed() async throws {
        let tree = try TestTree()
        try tree.write("etc/real.conf", "x\n")
        try tree.link("etc/loop-a", to: "loop-b")
        try tree.link("etc/loop-b", to: "loop-a")
        try tree.link("etc/escape", to: "../../../../../../tmp")
        try tree.link("etc/root", to: "/")
        try tree.link("etc/inside.conf", to: "/etc/real.conf")
        let result = try await scan(tree, [TrackedFile(name: "t", os: .linux, path: "/etc/*", links: .follow)])
        #expect(result.items.map(\.key).sorted() == ["/etc/inside.conf", "/etc/real.conf"])
        #expect(result.warnings.contains("/etc/loop-a: symbolic link loop (more than 40 links); not followed"))
        #expect(result.warnings.contains("/etc/escape: symbolic link points outside the machine's root; not followed"))
        // A link to / inside a machine folder means the machine's own root, never the host's.
        #expect(!result.items.contains { $0.key.hasPrefix("/etc/root/") })
        let ignored = try await scan(tree, [TrackedFile(name: "t", os: .linux, path: "/etc/*")])
        #expect(ignored.items.map(\.key) == ["/etc/real.conf"])
        #expect(ignored.warnings.first?.hasPrefix("item 't': 5 symbolic link(s) not followed (links: ignore)") == true)
        let managed = try await scan(
            tree, [TrackedFile(name: "t", os: .linux, path: "/etc/inside.conf", links: .manage)])
        #expect(managed.items.first?.fields["LinkTarget"] == "/etc/real.conf")
    }

    @Test func fifoInATrackedFolderNeverBlocks() async throws {
        let tree = try TestTree()
        try tree.write("var/spool/file", "data\n")
        #expect(mkfifo(tree.path("var/spool/pipe"), 0o644) == 0)
        let result = try await scan(tree, [folder("/var/spool")])
        #expect(result.items.map(\.key) == ["/var/spool/file"])
        #expect(result.warnings == ["/var/spool/pipe: a FIFO; never opened"])
    }

    @Test func unreadableFileIsReportedAndTheScanGoesOn() async throws {
        let tree = try TestTree()
        try tree.write("data/ok", "fine\n")
        let secret = try tree.write("data/secret", "hidden\n")
        if geteuid() == 0 {
            // root reads anything: make the file vanish between the walk and the hash instead.
            let root = try MachineRoot(path: tree.root)
            var walker = FileWalker(root: root, windows: false)
            walker.collect(folder("/data"), path: "/data")
            try FileManager.default.removeItem(atPath: secret)
            let outcomes = await FileCollection.hashAll(walker.observations.sorted { $0.key < $1.key }, root: root)
            #expect(outcomes[0].sha256 != nil)
            #expect(outcomes[1].warning == "/data/secret: not hashed: No such file or directory")
        } else {
            chmod(secret, 0)
            let result = try await scan(tree, [folder("/data")])
            #expect(result.warnings == ["/data/secret: not hashed: Permission denied"])
            #expect(result.items.count == 2)
        }
    }

    @Test func fileThatGrowsWhileHashedIsDetected() throws {
        let tree = try TestTree()
        let path = try tree.write("big", String(repeating: "a", count: FileHasher.chunk * 3))
        var info = stat()
        lstat(path, &info)
        let observation = FileObservation(
            key: "/big", real: MachinePath(segments: ["big"]), stat: StatInfo(info), linkTarget: nil)
        let outcome = FileHasher.hash(observation, root: try MachineRoot(path: tree.root)) {
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            try? handle?.write(contentsOf: Data("more".utf8))
            try? handle?.close()
        }
        #expect(!outcome.stable)
        #expect(outcome.warning?.hasPrefix("/big: changed while being hashed") == true)
    }

    /// The hashers open a file by name in the folder the walk held, with no stat of their own:
    /// a FIFO or a larger file swapped in since the walk neither blocks nor enters the index.
    @Test func aFIFOOrABiggerFileSwappedInAfterTheWalkIsNotHashed() async throws {
        let tree = try TestTree()
        try tree.write("data/a", "first\n")
        try tree.write("data/b", "second\n")
        let root = try MachineRoot(path: tree.root)
        var walker = FileWalker(root: root, windows: false)
        walker.collect(folder("/data"), path: "/data")
        let observations = walker.observations.sorted { $0.key < $1.key }
        #expect(observations.map(\.folder) == [0, 0])
        try FileManager.default.removeItem(atPath: tree.path("data/a"))
        #expect(mkfifo(tree.path("data/a"), 0o644) == 0)
        try tree.write("data/b", String(repeating: "x", count: 3 * FileHasher.chunk))
        let outcomes = await FileCollection.hashAll(observations, root: root, folders: walker.folders)
        #expect(outcomes.map(\.stable) == [false, false])
        #expect(
            outcomes[0].warning
                == "/data/a: changed while being hashed (size 6 -> 0); the checksum may not match any one version and it will be hashed again next scan"
        )
        #expect(outcomes[1].warning?.hasPrefix("/data/b: changed while being hashed (size 7 -> more than 7)") == true)
    }

    @Test func namesWithNewlinesAndInvalidUTF8() async throws {
        let tree = try TestTree()
        try tree.write("odd/line\nbreak", "x\n")
        let bad = tree.path("odd/").utf8CString.dropLast() + [CChar(bitPattern: 0xFF), CChar(bitPattern: 0xFE), 0]
        let descriptor = bad.withUnsafeBufferPointer { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        #expect(descriptor >= 0)
        close(descriptor)
        let result = try await scan(tree, [folder("/odd")])
        #expect(result.items.map(\.key) == ["/odd/line\nbreak"])
        #expect(result.warnings == ["/odd/\u{FFFD}\u{FFFD}: file name is not valid UTF-8; skipped"])
    }

    @Test func hundredThousandFilesInOneFolder() async throws {
        let tree = try TestTree()
        try FileManager.default.createDirectory(atPath: tree.path("many"), withIntermediateDirectories: true)
        for index in 0..<100_000 {
            let descriptor = open(tree.path("many/f\(index)"), O_CREAT | O_WRONLY, 0o644)
            close(descriptor)
        }
        let extended = try await scan(tree, [folder("/many")])
        #expect(extended.items.count == 100_000)
        #expect(extended.warnings.contains { $0.contains("Azure documents degraded performance above 2500") })
        let azure = try await scan(tree, [folder("/many")], profile: .azure)
        #expect(azure.items.count == 500)
        #expect(azure.warnings.first?.hasPrefix("100000 files selected; the azure profile tracks at most 500") == true)
        // The warning names the command that lifts the cap (issue 9).
        #expect(azure.warnings.first?.hasSuffix("(runbook account set --profile extended lifts the cap)") == true)
    }

    @Test func wildcardOnlyInTheLastSegment() {
        let middle = TrackedFile(name: "m", os: .linux, path: "/etc/*/app.conf")
        #expect(
            TrackingRules.problems(middle, profile: .extended) == [
                "path '/etc/*/app.conf' has a wildcard in '*'; wildcards are allowed only in the last segment"
            ])
        let exe = TrackedFile(name: "e", os: .windows, path: "C:\\Tools\\agent.exe")
        #expect(TrackingRules.problems(exe, profile: .azure).first?.contains("does not track .exe files") == true)
        #expect(TrackingRules.problems(exe, profile: .extended).isEmpty)
        let share = TrackedFile(name: "s", os: .windows, path: "\\\\server\\share\\x.txt")
        #expect(TrackingRules.problems(share, profile: .azure).first?.contains("network file systems") == true)
        let recursive = TrackedRegistryKey(name: "r", key: "HKEY_LOCAL_MACHINE\\SOFTWARE", recurse: true)
        #expect(TrackingRules.problems(recursive, profile: .azure).first?.contains("registry recursion") == true)
    }
}

@Suite struct UploadContentTests {
    @Test func contentIsKeptForItemsThatAskAndCappedWithAWarning() async throws {
        let tree = try TestTree()
        try tree.write("etc/app.conf", "key=value\n")
        try tree.write("etc/big.conf", String(repeating: "x", count: FileCollection.maxUploadBytes + 1))
        let item = TrackedFile(name: "c", os: .linux, path: "/etc/*.conf", uploadContent: true)
        let result = await FileCollection(
            root: try MachineRoot(path: tree.root), windows: false, profile: .extended, previousIndex: [:],
            racyCutoffNs: nil
        ).collect([(item, item.path)])
        let small = try #require(result.items.first { $0.key == "/etc/app.conf" })
        #expect(small.fields["FileContent"] == Data("key=value\n".utf8).base64EncodedString())
        #expect(result.items.first { $0.key == "/etc/big.conf" }?.fields["FileContent"] == "")
        #expect(result.warnings.contains { $0.hasPrefix("/etc/big.conf: content not kept (uploadContent)") })
    }
}
