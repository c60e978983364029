import TwofoldOTP

/// Where in an imported file an entry came from, so that people can find it in the
/// other app.
public struct ImportEntry: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Zero-based position of the entry among the file's entries, in reading order.
    public var index: Int
    /// One-based line number, for line-oriented formats (otpauth lists, CSV, Google URIs).
    public var line: Int?
    /// The entry's name as the file gives it ("Issuer:account"), when it could be read.
    public var label: String?

    /// Creates an entry reference.
    public init(index: Int, line: Int? = nil, label: String? = nil) {
        self.index = index
        self.line = line
        self.label = label
    }

    /// "entry 3 (GitHub:alice)" or "line 7 (GitHub:alice)", counted from one.
    public var description: String {
        let place = line.map { "line \($0)" } ?? "entry \(index + 1)"
        guard let label, !label.isEmpty else { return place }
        return "\(place) (\(label))"
    }
}

/// One token read from a file, with where it came from.
public struct ImportedToken: Sendable, Hashable {
    /// The token, already checked with `OTPToken.validate()`.
    public var token: OTPToken
    /// Where in the file it was.
    public var entry: ImportEntry

    /// Creates an imported token.
    public init(token: OTPToken, entry: ImportEntry) {
        self.token = token
        self.entry = entry
    }
}

/// One entry of a file that could not be imported, and why.
public struct ImportFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Where in the file it was.
    public var entry: ImportEntry
    /// One line saying what is wrong with the entry.
    public var reason: String

    /// Creates a failure record.
    public init(entry: ImportEntry, reason: String) {
        self.entry = entry
        self.reason = reason
    }

    /// "entry 3 (GitHub:alice): the secret is not valid Base32…".
    public var description: String { "\(entry): \(reason)" }
}

/// Everything read from one file: the tokens and every entry that failed.
///
/// Nothing is dropped without a trace: every entry of the file that holds a token is
/// either in `tokens` or in `failures`. Whether any failure refuses the whole import
/// is the caller's policy (the CLI refuses unless `--skip-invalid`).
public struct ImportResult: Sendable, Hashable {
    /// The format that was read (given, or detected from the file).
    public var format: ImportFormat
    /// Tokens read, in file order.
    public var tokens: [ImportedToken]
    /// Entries that could not be read, in file order.
    public var failures: [ImportFailure]
    /// Entries that hold no token at all and were passed over: password entries of a
    /// password manager's export (KeePass). Counted so the summary can say so; they
    /// are neither tokens nor failures.
    public var withoutToken: Int = 0

    /// Creates a result.
    public init(format: ImportFormat, tokens: [ImportedToken] = [], failures: [ImportFailure] = []) {
        self.format = format
        self.tokens = tokens
        self.failures = failures
    }

    /// True when every entry was read.
    public var isComplete: Bool { failures.isEmpty }
}
