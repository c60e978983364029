import Foundation

/// Helpers for text-based formats: UTF-8 decoding and line splitting.
enum TextInput {
    /// `data` without a leading UTF-8 byte-order mark (Windows editors add one).
    static func droppingBOM(_ data: Data) -> Data {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { return data.dropFirst(3) }
        return data
    }

    /// The file as text, or a malformed-file error when it is not UTF-8.
    static func text(_ data: Data, as format: ImportFormat) throws(ImportError) -> String {
        guard let text = String(data: droppingBOM(data), encoding: .utf8) else {
            throw .malformed(format, reason: "not UTF-8 text")
        }
        return text
    }

    /// Lines with their one-based numbers, trimmed, skipping blank lines and lines that
    /// start with `#`. Accepts LF, CRLF and CR line ends.
    static func meaningfulLines(_ text: String) -> [(number: Int, text: String)] {
        var result: [(Int, String)] = []
        var number = 0
        // Splitting on Character: "\r\n" is one Character, so CRLF files count right.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            result.append((number, trimmed))
        }
        return result
    }
}
