import TwofoldOTP

/// Accumulates an import: every entry ends as a token or as a failure, never neither.
///
/// Importers call ``entry(line:label:_:)`` once per entry that should hold a token. The
/// collector numbers entries, enforces ``ImportLimits/maxEntries``, validates the token
/// (`OTPToken.validate()` plus the size limits) and records any error as a failure, so a
/// caller sees every failing entry at once.
struct ImportCollector {
    private(set) var result: ImportResult
    private var count = 0

    init(format: ImportFormat) {
        result = ImportResult(format: format)
    }

    /// Reads one entry with `read`; its error, or the token's, becomes a failure.
    mutating func entry(
        line: Int? = nil, label: String? = nil, _ read: () throws(EntryError) -> OTPToken
    ) throws(ImportError) {
        let entry = try next(line: line, label: label)
        do {
            let token = try read()
            try Self.check(token)
            result.tokens.append(ImportedToken(token: token, entry: entry))
        } catch {
            result.failures.append(ImportFailure(entry: entry, reason: error.reason))
        }
    }

    /// Counts an entry that holds no token (a password entry), so the summary can say so.
    mutating func skipWithoutToken() {
        result.withoutToken += 1
    }

    /// Records an entry that failed before any token could be read from it.
    mutating func fail(line: Int? = nil, label: String? = nil, reason: String) throws(ImportError) {
        let entry = try next(line: line, label: label)
        result.failures.append(ImportFailure(entry: entry, reason: reason))
    }

    private mutating func next(line: Int?, label: String?) throws(ImportError) -> ImportEntry {
        guard count < ImportLimits.maxEntries else {
            throw .tooManyEntries(limit: ImportLimits.maxEntries)
        }
        defer { count += 1 }
        let shortLabel = label.map { String($0.prefix(200)) }
        return ImportEntry(index: count, line: line, label: shortLabel)
    }

    /// The model's own checks, then the import size limits.
    static func check(_ token: OTPToken) throws(EntryError) {
        do {
            try token.validate()
        } catch {
            throw .otp(error)
        }
        if token.secret.count > ImportLimits.maxSecretBytes {
            throw EntryError("the secret is \(token.secret.count) bytes, more than \(ImportLimits.maxSecretBytes)")
        }
        for (name, text) in [("issuer", token.issuer), ("account", token.account)]
        where text.count > ImportLimits.maxLabelLength {
            throw EntryError("the \(name) is longer than \(ImportLimits.maxLabelLength) characters")
        }
        if token.tags.contains(where: { $0.count > ImportLimits.maxLabelLength }) {
            throw EntryError("a tag is longer than \(ImportLimits.maxLabelLength) characters")
        }
        if token.note.count > ImportLimits.maxNoteLength {
            throw EntryError("the note is longer than \(ImportLimits.maxNoteLength) characters")
        }
    }
}
