import Hummingbird

extension Relay {
    /// Reads a JSON body of at most `limit` bytes: 413 before reading on to the end when it
    /// is larger [API-27], 415 for another media type, 400 when it is not JSON.
    func readJSON(_ request: Request, limit: Int) async throws -> JSONValue {
        if let type = request.headers[.contentType] {
            let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard media == "application/json" else {
                throw RelayError(.unsupportedMediaType, "the body must be application/json, not '\(type.prefix(60))'")
            }
        }
        if let length = request.headers[.contentLength], let n = Int(length), n > limit {
            throw RelayError.bodyTooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw RelayError.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else { throw RelayError.malformed("the request body is empty; send a JSON object") }
        if request.headers[.contentType] == nil {
            throw RelayError(.unsupportedMediaType, "the body must be sent with Content-Type: application/json")
        }
        do {
            return try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw RelayError.malformed("the body is not valid JSON (\(error.reason) at byte \(error.offset))")
        }
    }

    /// A 200 (or `status`) JSON response.
    func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: value.bytes)))
    }

    /// A 200 with an already encoded JSON body.
    func json(body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// A 204.
    func noContent() -> Response { Response(status: .noContent) }
}
