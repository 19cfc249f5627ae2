import Foundation

/// A real `runbook serve` for portal tests, and curl as the browser (no redirects followed,
/// headers kept): the server's answers exactly as they go over the wire.
struct PortalServer {
    struct Answer {
        var status: Int
        /// Header names lowercased; a header sent twice keeps both values.
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? { headers.first(where: { $0.0 == name.lowercased() })?.1 }
        func headers(_ name: String) -> [String] { headers.filter { $0.0 == name.lowercased() }.map(\.1) }
    }

    let cli: CLI
    let process: Process
    let url: String

    /// Starts `runbook serve` on a free port (plain http on loopback, or TLS with `tls`), with
    /// more `options`.
    static func start(_ cli: CLI, tls: Bool = false, options: [String] = []) throws -> PortalServer {
        let process = cli.process(
            ["serve", "--port", "0", "--poll", "0.2", "--grace", "1"] + (tls ? ["--tls-self-signed"] : []) + options)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"https?://127\.0\.0\.1:\d+"#, options: .regularExpression) {
                return PortalServer(cli: cli, process: process, url: String(seen[range]))
            }
        }
        process.terminate()
        throw CLIError(message: "runbook serve did not start: \(seen)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// A token's text from `runbook token create NAME --role ROLE --json`.
    func token(_ name: String, role: String = "contributor") throws -> String {
        let result = try cli.run("token", "create", name, "--role", role, "--json")
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let token = object["token"] as? String
        else { throw CLIError(message: "token create failed: \(result.stderr)") }
        return token
    }

    /// One request with curl; `form` is sent url-encoded as a POST.
    func request(
        _ path: String, form: [(String, String)]? = nil, cookie: String? = nil, headers: [String] = []
    ) throws -> Answer {
        var arguments = ["-sS", "-k", "-i", "--max-time", "60"]
        if let cookie { arguments += ["-H", "Cookie: " + cookie] }
        for header in headers { arguments += ["-H", header] }
        if let form {
            arguments += ["-X", "POST"]
            if form.isEmpty { arguments += ["--data", ""] }
            for (name, value) in form { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        }
        arguments.append(url + path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw CLIError(message: "no HTTP answer: \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Posts the sign-in form as a browser does: the sign-in page first (its pre-session cookie
    /// and form field), then the form with both; `headers` adds to the post (an `Origin`).
    func postSignIn(_ token: String, headers: [String] = []) throws -> Answer {
        let page = try request("/portal/signin")
        guard let setCookie = page.headers("set-cookie").first(where: { $0.hasPrefix("runbook_signin=") }),
            let pair = setCookie.split(separator: ";").first,
            let range = page.body.range(of: #"name="signin_token" value="[^"]+""#, options: .regularExpression)
        else { throw CLIError(message: "the sign-in page has no pre-session token: \(page.headers)") }
        let field = String(page.body[range].dropFirst(#"name="signin_token" value=""#.count).dropLast())
        return try request(
            "/portal/signin", form: [("token", token), ("signin_token", field)], cookie: String(pair), headers: headers)
    }

    /// Signs in; returns the `Cookie` header value and the page's CSRF token.
    func signIn(_ token: String) throws -> (cookie: String, csrf: String) {
        let answer = try postSignIn(token)
        guard answer.status == 303, let setCookie = answer.header("set-cookie"),
            let pair = setCookie.split(separator: ";").first
        else { throw CLIError(message: "sign-in failed: \(answer.status) \(answer.body)") }
        let cookie = String(pair)
        let page = try request("/portal/machines", cookie: cookie)
        return (cookie, try Self.csrf(in: page.body))
    }

    static func csrf(in html: String) throws -> String {
        guard let range = html.range(of: #"name="csrf" value="[^"]+""#, options: .regularExpression) else {
            throw CLIError(message: "no CSRF field in the page")
        }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }
}
