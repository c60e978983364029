import ArgumentParser
import TwofoldImport

/// `import --format`: `auto` (recognise the file) or one of ``ImportFormat``'s names.
struct ImportFormatArgument: ExpressibleByArgument {
    /// The named format, or nil for `auto`.
    var format: ImportFormat?

    init(format: ImportFormat?) { self.format = format }

    init?(argument: String) {
        let name = argument.lowercased()
        if name == "auto" {
            format = nil
        } else if let format = ImportFormat(rawValue: name) {
            self.format = format
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["auto"] + ImportFormat.allCases.map(\.rawValue) }

    var defaultValueDescription: String { format?.rawValue ?? "auto" }
}

extension ExportFormat: ExpressibleByArgument {}

extension SteamURIForm: ExpressibleByArgument {}
