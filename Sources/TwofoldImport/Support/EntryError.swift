import TwofoldOTP

/// Why one entry of a file could not be read. Internal: it becomes the `reason` of an
/// ``ImportFailure`` (entry level) or of ``ImportError/malformed(_:reason:)`` (file level).
struct EntryError: Error, Sendable, Equatable {
    /// One line for people, naming the field when there is one.
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    /// A required field is absent or null.
    static func missing(_ field: String) -> EntryError {
        EntryError("field '\(field)' is missing")
    }

    /// A field holds the wrong JSON type.
    static func wrongType(_ field: String, expected: String, found: JSONValue) -> EntryError {
        EntryError("field '\(field)' should be \(expected), found \(found.typeName)")
    }

    /// A field has the right type but an unusable value.
    static func invalid(_ field: String, _ why: String) -> EntryError {
        EntryError("field '\(field)' \(why)")
    }

    /// Something the format allows but Twofold does not support (Yandex, mOTP, MD5…).
    static func unsupported(_ what: String) -> EntryError {
        EntryError("\(what) is not supported by Twofold")
    }

    /// A token-model error (bad Base32, digits out of range…), with its own message.
    static func otp(_ error: OTPError) -> EntryError {
        EntryError(error.description)
    }
}
