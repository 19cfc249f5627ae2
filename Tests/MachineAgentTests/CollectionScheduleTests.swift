import Automation
import Foundation
import Testing

@testable import MachineAgent

/// When an agent collects each kind: Azure's frequencies (Linux software and daemons 5 min,
/// Linux files 15 min), a full inventory every 10 hours and after a settings change or a
/// dropped upload, and `--interval` for every kind.
@Suite struct CollectionScheduleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let configuration = AgentConfiguration(
        version: 3, settings: TrackingSettings(), profile: .azure, enabled: true, fullInventorySeconds: 36_000)

    /// The state just after a full inventory at `start`.
    var collected: AgentState {
        var state = AgentState()
        state.needsFull = false
        state.configurationVersion = 3
        state.lastFull = start
        for (type, _) in MachineAgent.kinds { state.collectedAt[type.rawValue] = start }
        return state
    }

    func due(_ state: AgentState, after seconds: Double, interval: Double? = nil) -> ([ConfigType], Bool) {
        let result = MachineAgent.due(
            state: state, configuration: configuration, interval: interval, at: start.addingTimeInterval(seconds))
        return (result.kinds, result.full)
    }

    @Test func eachKindOnAzuresFrequency() {
        var state = collected
        #expect(due(state, after: 299) == ([], false))
        #expect(due(state, after: 300) == ([.software, .daemons], false))
        state.collectedAt[ConfigType.software.rawValue] = start.addingTimeInterval(700)
        state.collectedAt[ConfigType.daemons.rawValue] = start.addingTimeInterval(700)
        #expect(due(state, after: 899) == ([], false))
        #expect(due(state, after: 900) == ([.files], false))
    }

    @Test func aFullInventoryEveryTenHoursAndAfterASettingsChangeOrADrop() {
        let all: [ConfigType] = [.files, .software, .daemons]
        #expect(due(collected, after: 35_999).1 == false)
        #expect(due(collected, after: 36_000) == (all, true))
        var state = collected
        state.configurationVersion = 2
        #expect(due(state, after: 1) == (all, true))
        state = collected
        state.needsFull = true
        #expect(due(state, after: 1) == (all, true))
        #expect(due(AgentState(), after: 0) == (all, true))
    }

    @Test func theIntervalOverridesEveryKindsFrequency() {
        #expect(due(collected, after: 0.5, interval: 1) == ([], false))
        #expect(due(collected, after: 1, interval: 1) == ([.files, .software, .daemons], false))
    }

    @Test func settingsCanChangeAFrequency() {
        var settings = TrackingSettings()
        settings.frequencies["LinuxFiles"] = 60
        let changed = AgentConfiguration(
            version: 3, settings: settings, profile: .azure, enabled: true, fullInventorySeconds: 36_000)
        let result = MachineAgent.due(state: collected, configuration: changed, interval: nil, at: start + 60)
        #expect(result.kinds == [.files] && !result.full)
    }
}
