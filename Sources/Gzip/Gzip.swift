import CZlib
import Foundation

/// gzip as HTTP's `Content-Encoding: gzip` carries it (zlib's deflate with a gzip header). An
/// agent compresses its uploads; the service inflates them with a cap on the output, so a
/// small body that inflates to gigabytes (a "zip bomb") is refused before it is held.
public enum Gzip {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case corrupt(String)
        case tooLarge(Int)

        public var description: String {
            switch self {
            case .corrupt(let reason): "the gzip body cannot be read (\(reason))"
            case .tooLarge(let limit): "the gzip body inflates to more than \(limit) bytes"
            }
        }
    }

    /// The data compressed, with a gzip header.
    public static func compress(_ data: Data) -> Data {
        var stream = z_stream()
        // 15 + 16: a gzip header and trailer rather than zlib's.
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return data }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        let written: Int = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                // nil for no input: zlib takes that with avail_in 0.
                stream.next_in = input.bindMemory(to: Bytef.self).baseAddress.map { UnsafeMutablePointer(mutating: $0) }
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                _ = deflate(&stream, Z_FINISH)
                return out.count - Int(stream.avail_out)
            }
        }
        return output.prefix(written)
    }

    /// The data inflated, at most `maxBytes` of it.
    public static func decompress(_ data: Data, maxBytes: Int) throws(Failure) -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        // The buffer's closure cannot throw a typed error: the failure is kept and thrown after.
        let failure: Failure? = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Failure? in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress else { return .corrupt("empty body") }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            while status != Z_STREAM_END {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    return .corrupt(status == Z_BUF_ERROR ? "it ends too early" : "zlib error \(status)")
                }
                guard output.count + produced <= maxBytes else { return .tooLarge(maxBytes) }
                output.append(contentsOf: chunk[0..<produced])
                if produced == 0 && stream.avail_in == 0 && status != Z_STREAM_END {
                    return .corrupt("it ends too early")
                }
            }
            return nil
        }
        if let failure { throw failure }
        return output
    }
}
