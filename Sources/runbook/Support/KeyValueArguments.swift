import ArgumentParser

/// `NAME=VALUE` arguments (`run -p`, `schedule create -p`, `machine register --tag`): each
/// has a name before its first `=` (the value may be empty or hold more `=`), and no name is
/// given twice; anything else is a usage error that names the argument.
enum KeyValueArguments {
    static func parse(_ items: [String], what: String) throws(ValidationError) -> [String: String] {
        var values: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("\(what) '\(item)' is not NAME=VALUE")
            }
            let name = String(item[..<equals])
            guard values[name] == nil else { throw ValidationError("\(what) '\(name)' is given twice") }
            values[name] = String(item[item.index(after: equals)...])
        }
        return values
    }
}
