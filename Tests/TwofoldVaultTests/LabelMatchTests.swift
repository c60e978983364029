import Foundation
import Testing
@testable import TwofoldVault

/// ``LabelMatch`` must answer exactly as Foundation's `contains(_:)`, which it replaces on
/// the ASCII fast path.
@Suite("Label match")
struct LabelMatchTests {
    static let labels = [
        "github:alice@example.com", "acme co:bob", "", "a", "aaa", "café:zoë", "cafe\u{301}:zoe\u{308}", "東京:ユーザー",
        "x:y:z", "github:", ":alice", "ab\u{0}cd", "tab\there", "émigré:ü",
    ]
    static let needles = [
        "", "git", "github:alice@example.com", "github:alice@example.comx", "alice", "co:b", ":", "a", "aa", "aaaa",
        "e", "é", "e\u{301}", "zoë", "東京", "ー", "\u{0}", "b\u{0}c", "tab\t", "z", "ü", "u",
    ]

    @Test func answersAsFoundationDoes() {
        for label in Self.labels {
            for needle in Self.needles {
                #expect(LabelMatch.contains(label, needle) == label.contains(needle), "\(label.debugDescription) ∋ \(needle.debugDescription)")
            }
        }
    }

    @Test func findsEveryPositionOfAnASCIILabel() {
        let label = "github:alice@example.com"
        let bytes = Array(label)
        for start in bytes.indices {
            for end in (start + 1)...bytes.count {
                #expect(LabelMatch.contains(label, String(bytes[start..<end])))
            }
        }
        #expect(!LabelMatch.contains(label, "alice@example.org"))
        #expect(!LabelMatch.contains("git", "github"))
    }
}
