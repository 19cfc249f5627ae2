import AutomationPortal
import Foundation
import HTTPTypes
import Hummingbird

/// The server's front door: `/` goes to the portal, `/portal...` to the portal's pages, and
/// everything else to the ARM API.
struct RunbookResponder: HTTPResponder {
    typealias Context = RunbookRequestContext

    let arm: ARMResponder
    let portal: Portal

    func respond(to request: Request, context: Context) async throws -> Response {
        let (path, query) = ARMResponder.split(request.head.path ?? "/")
        if path == "/" {
            var headers = HTTPFields()
            headers[.location] = Portal.root + "/"
            headers[.contentLength] = "0"
            return Response(status: .found, headers: headers)
        }
        guard path == Portal.root || path.hasPrefix(Portal.root + "/") else {
            return try await arm.respond(to: request, context: context)
        }
        let started = ContinuousClock.now
        let cookie = request.headers[.cookie]
        var body: Data? = Data()
        if request.method == .post {
            var request = request
            body = (try? await request.collectBody(upTo: Portal.maxFormBytes)).map { Data($0.readableBytesView) }
        }
        let answer = await portal.answer(
            method: request.method.rawValue, path: path, query: query, cookieHeader: cookie, body: body,
            origin: request.headers[.origin], referer: request.headers[.referer],
            host: request.head.authority)
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        headers[.contentLength] = String(answer.body.count)
        arm.logger.info(
            "portal",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(path)", "http.status": "\(answer.status)",
                "duration.ms": "\(Double(started.duration(to: .now).components.attoseconds) / 1e15)",
            ])
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
