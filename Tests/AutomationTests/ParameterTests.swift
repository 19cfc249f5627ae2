import Testing

@testable import Automation

@Suite struct ParameterTests {
    let runbook = Runbook(
        name: "p",
        parameters: [
            ParameterSpec(name: "region", type: .string, required: true),
            ParameterSpec(name: "count", type: .int, defaultValue: .int(1)),
            ParameterSpec(name: "dryRun", type: .bool, defaultValue: .bool(false)),
            ParameterSpec(
                name: "solutions", type: .list, defaultValue: .list([]),
                allowed: [.string("ChangeTracking"), .string("Inventory")]),
        ],
        steps: [Step(name: "s", action: "log")])

    @Test func defaultsAndConversions() throws {
        let bound = try ParameterValues.bind(
            ["region": "eastus", "count": "7", "dryRun": "true", "solutions": "[Inventory]"], to: runbook
        ).get()
        #expect(bound["count"] == .int(7))
        #expect(bound["dryRun"] == .bool(true))
        #expect(bound["solutions"] == .list([.string("Inventory")]))
        let defaults = try ParameterValues.bind(["region": "x"], to: runbook).get()
        #expect(defaults["count"] == .int(1))
        #expect(defaults["solutions"] == .list([]))
    }

    @Test func missingRequiredParameter() {
        let problems = errors(ParameterValues.bind([:], to: runbook))
        #expect(problems == ["missing required parameter 'region' (pass -p region=VALUE)"])
    }

    @Test func wrongTypeUnknownNameAndDisallowedValueAreAllReported() {
        let problems = errors(
            ParameterValues.bind(
                ["region": "x", "count": "many", "solutons": "a", "solutions": "Patches"], to: runbook))
        #expect(
            problems == [
                "runbook 'p' has no parameter 'solutons' (did you mean 'solutions'?)",
                "parameter 'count' must be of type int, found 'many'",
                "parameter 'solutions': 'Patches' is not one of ChangeTracking, Inventory",
            ])
    }

    private func errors(_ result: Result<[String: Value], ParameterError>) -> [String] {
        if case .failure(let error) = result { return error.problems }
        return []
    }
}
