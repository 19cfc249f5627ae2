import Foundation

/// Foundation's errors in plain words: `Permission denied`, not `Error Domain=NSCocoaErrorDomain
/// Code=513 ... UserInfo={...}`.
public enum PlainError {
    public static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if let reason = nsError.localizedFailureReason { return reason }
        return nsError.localizedDescription
    }
}
