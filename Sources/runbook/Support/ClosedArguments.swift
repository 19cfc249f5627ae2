import ArgumentParser
import Automation

// Options that take one of a closed set of values are these enums, parsed once by
// ArgumentParser: any letter case, the values listed in --help, and a wrong one refused with
// them ("Please provide one of ...") before anything runs.

extension ScheduleFrequency: ExpressibleByArgument {
    public init?(argument: String) { self.init(caseInsensitive: argument) }
}

extension ConfigType: ExpressibleByArgument {
    public init?(argument: String) { self.init(caseInsensitive: argument) }
}

extension ChangeCategory: ExpressibleByArgument {
    public init?(argument: String) { self.init(caseInsensitive: argument) }
}

extension MachineNetwork.Route: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
