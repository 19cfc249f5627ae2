import Automation
import Foundation

/// A schedule's stored definition (JSON) as a `Schedule`, with a short reason when it is not
/// one: the JSON decoder's own message quotes coding paths nobody can act on.
enum ScheduleDefinition {
    static func decode(_ text: String) throws -> Schedule {
        do {
            return try JSONColumn.decode(Schedule.self, text)
        } catch {
            throw RowProblem(column: "definition", message: "is not a schedule definition this version reads")
        }
    }
}
