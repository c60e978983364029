import Foundation
import TwofoldProtocol

/// One directory of Protocol/vectors/ that this generator rebuilds.
protocol VectorFamily {
    /// The directory under Protocol/vectors/, also the first component of every path.
    static var directory: String { get }
    /// Every file of the family, built only from fixed labels (never the clock or the
    /// system random source), so two runs write the same bytes.
    static func files() -> [VectorFile]
}

extension AuthVectors: VectorFamily {}

/// Writes families to disk, replacing each family's directory wholesale so that a
/// renamed scenario leaves no stale file behind. Directories of families not listed
/// (otp/, otpauth/: hand-checked, not generated) are left alone.
enum VectorWriter {
    static func write(_ families: [any VectorFamily.Type], under root: String) throws -> Int {
        let base = URL(fileURLWithPath: root)
        let manager = FileManager.default
        var total = 0
        for family in families {
            let files = family.files()
            var seen = Set<String>()
            for file in files {
                precondition(file.path.hasPrefix(family.directory + "/"), "\(file.path) is outside \(family.directory)/")
                precondition(seen.insert(file.path).inserted, "\(file.path) is generated twice")
                // Every file must read back as itself: the format is canonical.
                do {
                    let parsed = try VectorFile(path: file.path, parsing: file.formatted)
                    precondition(parsed == file, "\(file.path) does not read back as itself")
                } catch {
                    fatalError("\(file.path) does not parse: \(error)")
                }
            }
            let directory = base.appendingPathComponent(family.directory)
            if manager.fileExists(atPath: directory.path) { try manager.removeItem(at: directory) }
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            for file in files {
                try Data(file.formatted.utf8).write(to: base.appendingPathComponent(file.path))
            }
            total += files.count
        }
        return total
    }
}
