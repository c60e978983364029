/// A failed request or connection: the message, and the kind it is counted under.
struct LoadFailure: Error, CustomStringConvertible {
    /// One line: what went wrong.
    let description: String
    /// A short name to count failures by (e.g. "connection closed").
    let kind: String

    init(_ description: String, kind: String) {
        self.description = description
        self.kind = kind
    }
}
