/// Left-aligned columns for human output.
enum TextTable {
    static func print(_ rows: [[String]]) {
        for line in lines(rows) { Swift.print(line) }
    }

    /// The table's lines, for output that is redrawn in place (`codes --watch`).
    static func lines(_ rows: [[String]]) -> [String] {
        var out: [String] = []
        guard let width = rows.map(\.count).max() else { return out }
        var widths = [Int](repeating: 0, count: width)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            out.append(line)
        }
        return out
    }
}
