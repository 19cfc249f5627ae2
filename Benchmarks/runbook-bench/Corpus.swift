import Foundation

/// Realistic runbooks of about 60 lines: parameters, several steps, nested targets.
enum Corpus {
    static func generate(into folder: String, count: Int) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for index in 0..<count {
            let name = "bench-\(index)"
            try text(name: name, seed: index).write(
                toFile: (folder as NSString).appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
    }

    static func text(name: String, seed: Int) -> String {
        let os = seed % 2 == 0 ? "linux" : "windows"
        return """
            # yaml-language-server: $schema=../schemas/runbook.schema.json
            name: \(name)
            description: >-
              Generated runbook \(seed) for the loader benchmark: enables tracking on a slice of
              the fleet, logs what it does and disables it again on retired machines.
            logVerbose: \(seed % 3 == 0)
            logProgress: false
            timeout: 2h
            parameters:
              machines:
                type: list
                default: [web\(seed)-01, web\(seed)-02, app\(seed)-01]
                description: Machines to act on.
              retired:
                type: list
                default: []
                description: Machines to disable.
              solutions:
                type: list
                default: [ChangeTracking, Inventory]
                allowed: [ChangeTracking, Inventory]
              scope:
                type: string
                default: selected
                allowed: [selected, all-available, all-available-and-future]
              region:
                type: string
                default: EastUS2
              batch:
                type: int
                default: \(seed % 50 + 1)
            steps:
              - name: announce
                action: log
                with:
                  message: "Enabling ${{ params.solutions }} on ${{ params.machines }} in ${{ params.region }}"
                  stream: Verbose
              - name: enable
                action: enable-tracking
                with:
                  solutions: ${{ params.solutions }}
                  scope: ${{ params.scope }}
                  targets:
                    machines: ${{ params.machines }}
                    os: \(os)
                    location: ${{ params.region }}
                    tags: { env: prod, team: team-\(seed % 7) }
                continueOnError: false
                timeout: 15m
                retry: { attempts: 3, delay: 30s }
              - name: retire
                action: disable-tracking
                with:
                  solutions: [Inventory]
                  targets:
                    machines: ${{ params.retired }}
                    subscription: any
                continueOnError: true
              - name: done
                action: log
                with: { message: "Finished batch ${{ params.batch }}", stream: Output }

            """
    }
}
