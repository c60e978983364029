import CZlib

/// gzip decompression (RFC 1952) with zlib, bounded: a small hostile file must not
/// inflate into gigabytes, so output past `limit` stops with an error.
enum Gzip {
    static func inflate(_ input: [UInt8], limit: Int, format: ImportFormat) throws(ImportError) -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip wrapper, not zlib's.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformed(format, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { buffer in
            stream.next_in = buffer.baseAddress
            stream.avail_in = UInt32(buffer.count)
            while status == Z_OK {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit {
                    status = Z_MEM_ERROR
                    output.removeAll()
                    return
                }
                output += chunk[0..<produced]
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            }
        }
        if status == Z_MEM_ERROR {
            throw .malformed(format, reason: "the compressed payload inflates to more than \(limit >> 20) MiB")
        }
        guard status == Z_STREAM_END else { throw .malformed(format, reason: "the compressed payload is damaged or truncated") }
        return output
    }
}
