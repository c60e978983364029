import Hummingbird
import TwofoldProtocol

// `RecordPage` (the body of `GET /v1/records`) written straight into one buffer: the same
// bytes as `page.json.bytes`, without building a `JSONValue` tree or a `String` per field.
// A pull page is the relay's hottest response; `RecordPageEncodingTests` keeps the two equal.

extension RecordPage {
    /// The `RecordPage` JSON (`head` only on the last page), byte for byte ``json``'s text.
    func encodedBody(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var capacity = 64 + (head.map { 112 + $0.head.count / 3 * 4 + 4 } ?? 8)
        for record in records {
            capacity += 150 + record.version.utf8.count + record.sealed.count / 3 * 4 + 4
        }
        var out = allocator.buffer(capacity: capacity)
        out.writeStaticString("{\"records\":[")
        for (i, record) in records.enumerated() {
            if i > 0 { out.writeInteger(UInt8(ascii: ",")) }
            out.writeStaticString("{\"record_id\":\"")
            out.writeHex(record.recordID.bytes)
            out.writeStaticString("\",\"kind\":")
            out.writeDecimal(record.kind)
            out.writeStaticString(",\"version\":")
            out.writeJSONString(record.version)
            out.writeStaticString(",\"epoch\":")
            out.writeDecimal(record.epoch)
            out.writeStaticString(record.deleted ? ",\"deleted\":true,\"sealed\":\"" : ",\"deleted\":false,\"sealed\":\"")
            out.writeBase64URL(record.sealed)
            out.writeStaticString("\",\"seq\":")
            out.writeDecimal(record.seq)
            out.writeInteger(UInt8(ascii: "}"))
        }
        out.writeStaticString("],\"latest_seq\":")
        out.writeDecimal(latestSeq)
        out.writeStaticString(more ? ",\"more\":true,\"epoch\":" : ",\"more\":false,\"epoch\":")
        out.writeDecimal(epoch)
        if !more {
            if let head {
                out.writeStaticString(",\"head\":{\"counter\":")
                out.writeDecimal(head.counter)
                out.writeStaticString(",\"device_id\":\"")
                out.writeHex(head.deviceID.bytes)
                out.writeStaticString("\",\"head\":\"")
                out.writeBase64URL(head.head)
                out.writeStaticString("\",\"seq\":")
                out.writeDecimal(head.seq)
                out.writeStaticString("}}")
            } else {
                out.writeStaticString(",\"head\":null}")
            }
        } else {
            out.writeInteger(UInt8(ascii: "}"))
        }
        return out
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
private let base64URLAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

extension ByteBuffer {
    /// `value` in decimal, as `String(value)` writes it.
    mutating func writeDecimal(_ value: Int64) {
        if value < 0 { writeInteger(UInt8(ascii: "-")) }
        var n = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: n % 10)
                n /= 10
            } while n > 0
            writeBytes(UnsafeBufferPointer(rebasing: digits[i...]))
        }
    }

    /// Lowercase hex, as `Hex.encode` writes it.
    mutating func writeHex(_ bytes: [UInt8]) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: bytes.count * 2) { out in
            hexDigits.withUnsafeBufferPointer { digits in
                for (i, b) in bytes.enumerated() {
                    out[2 * i] = digits[Int(b >> 4)]
                    out[2 * i + 1] = digits[Int(b & 0x0f)]
                }
            }
            return bytes.count * 2
        }
    }

    /// Unpadded base64url, as `Base64URL.encode` writes it.
    mutating func writeBase64URL(_ bytes: [UInt8]) {
        let length = bytes.count / 3 * 4 + [0, 2, 3][bytes.count % 3]
        writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
            base64URLAlphabet.withUnsafeBufferPointer { a in
                bytes.withUnsafeBufferPointer { src in
                    var i = 0, o = 0
                    while i + 3 <= src.count {
                        let n = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                        out[o] = a[Int(n >> 18 & 63)]
                        out[o + 1] = a[Int(n >> 12 & 63)]
                        out[o + 2] = a[Int(n >> 6 & 63)]
                        out[o + 3] = a[Int(n & 63)]
                        i += 3
                        o += 4
                    }
                    switch src.count - i {
                    case 1:
                        let n = UInt32(src[i]) << 16
                        out[o] = a[Int(n >> 18 & 63)]
                        out[o + 1] = a[Int(n >> 12 & 63)]
                    case 2:
                        let n = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8
                        out[o] = a[Int(n >> 18 & 63)]
                        out[o + 1] = a[Int(n >> 12 & 63)]
                        out[o + 2] = a[Int(n >> 6 & 63)]
                    default:
                        break
                    }
                }
            }
            return length
        }
    }

    /// `s` as a JSON string, escaped as ``JSONValue/writeString(_:into:)`` does.
    mutating func writeJSONString(_ s: String) {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            writeInteger(UInt8(ascii: "\""))
            writeString(s)
            writeInteger(UInt8(ascii: "\""))
        } else {
            var bytes: [UInt8] = []
            JSONValue.writeString(s, into: &bytes)
            writeBytes(bytes)
        }
    }
}
