/// RFC 4180 CSV: comma-separated fields, double-quoted fields may hold commas, line
/// breaks and doubled quotes. Line ends may be CRLF, LF or CR.
///
/// Parsing is one linear pass over the Unicode scalars; a quote left open at the end of
/// the file is an error (a truncated file), never a silently shortened record.
enum CSVReader {
    /// One record with the one-based line on which it starts.
    struct Record {
        var line: Int
        var fields: [String]
    }

    struct Unterminated: Error {
        var line: Int
    }

    static func records(_ text: String) throws(Unterminated) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            // A blank line is no record (RFC 4180 does not allow them; exporters add them).
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }

        while let scalar = pending ?? scalars.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        pending = next
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
            case "\r", "\n":
                if scalar == "\r" {
                    let next = scalars.next()
                    if next != "\n" { pending = next }
                }
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(scalar)
            }
        }
        if inQuotes { throw Unterminated(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
