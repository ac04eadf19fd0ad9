import Foundation
public import TarifCore
import ZIPFoundation

/// An Office Open XML workbook (`.xlsx`, a zip of XML parts) read as its sheets' rows of
/// text cells: shared strings, inline strings and numbers (dates stay Excel day numbers).
///
/// Only what a published table needs is read; styles, formulas and drawings are not. Every
/// part is bounded in size and the cell count in total, and a malformed part is an error that
/// names the part and the cell.
public struct XLSXWorkbook {
    /// One row: its number in the sheet and its cells by column letters (`A`, `AB`).
    public struct Row: Sendable, Hashable {
        public var number: Int
        public var cells: [String: String]
    }

    public let displayName: String
    /// The sheets in workbook order.
    public let sheetNames: [String]
    let sheetParts: [String: String]
    let archive: Archive
    let sharedStrings: [String]

    /// The largest part inflated (the RTA export's largest sheet is under 1 MiB).
    public static let maxPartBytes = 64 << 20
    /// The most cells read from one sheet.
    public static let maxCells = 5_000_000
    /// The longest text of one cell: Excel's own limit.
    public static let maxCellCharacters = 32_767

    public init(path: String, displayName: String) throws {
        self.displayName = displayName
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw TarifError(.badFile, "not an xlsx workbook (a zip archive): \(error)", at: SourceLocation(file: displayName))
        }
        let workbook = try Self.part("xl/workbook.xml", in: archive, displayName: displayName)
        let rels = try Self.part("xl/_rels/workbook.xml.rels", in: archive, displayName: displayName)
        var targets: [String: String] = [:]
        for tag in XMLScan.tags(named: "Relationship", in: rels) {
            guard let id = tag.attributes["Id"], let target = tag.attributes["Target"] else { continue }
            targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        var names: [String] = []
        var parts: [String: String] = [:]
        for tag in XMLScan.tags(named: "sheet", in: workbook) {
            guard let name = tag.attributes["name"], let id = tag.attributes["r:id"], let target = targets[id] else {
                throw TarifError(.badFile, "a sheet without a name or a part", at: SourceLocation(file: displayName, field: "xl/workbook.xml"))
            }
            names.append(name)
            parts[name] = target
        }
        sheetNames = names
        sheetParts = parts
        if archive["xl/sharedStrings.xml"] != nil {
            let shared = try Self.part("xl/sharedStrings.xml", in: archive, displayName: displayName)
            sharedStrings = XMLScan.elements(named: "si", in: shared).map { XMLScan.text(of: "t", in: $0) }
        } else {
            sharedStrings = []
        }
    }

    static func part(_ path: String, in archive: Archive, displayName: String) throws -> [UInt8] {
        guard let entry = archive[path] else {
            throw TarifError(.badFile, "the workbook has no part \(path)", at: SourceLocation(file: displayName))
        }
        return try entry.inflated(from: archive, limit: maxPartBytes, what: "\(path) in the workbook", displayName: displayName)
    }

    /// The rows of `sheet`, in order.
    /// - Throws: ``TarifError`` for an unknown sheet, a shared string index out of range, or too many cells.
    public func rows(of sheet: String) throws -> [Row] {
        guard let path = sheetParts[sheet] else {
            throw TarifError(.badFile, "the workbook has no sheet '\(InputLimits.echo(sheet))'; it has \(sheetNames.joined(separator: ", "))",
                at: SourceLocation(file: displayName))
        }
        let xml = try Self.part(path, in: archive, displayName: displayName)
        var rows: [Row] = []
        var cells = 0
        for (index, rowXML) in XMLScan.elements(named: "row", in: xml).enumerated() {
            var row = Row(number: index + 1, cells: [:])
            if let r = XMLScan.openingTag(of: rowXML)?.attributes["r"], let n = Int(r) { row.number = n }
            for cell in XMLScan.elements(named: "c", in: rowXML) {
                cells += 1
                guard cells <= Self.maxCells else {
                    throw TarifError(.tooLarge, "sheet '\(sheet)' has more than \(Self.maxCells) cells", at: SourceLocation(file: displayName, field: sheet))
                }
                let tag = XMLScan.openingTag(of: cell)
                let reference = tag?.attributes["r"] ?? ""
                let column = String(reference.prefix { $0.isLetter })
                let at = SourceLocation(file: displayName, field: "\(sheet)!\(reference)")
                guard !column.isEmpty, column.count <= 3 else { throw TarifError(.badFile, "a cell without a reference", at: at) }
                let value: String
                switch tag?.attributes["t"] {
                case "s":
                    let v = XMLScan.text(of: "v", in: cell)
                    guard let i = Int(v), i >= 0, i < sharedStrings.count else {
                        throw TarifError(.badFile, "shared string '\(InputLimits.echo(v))' is not one of the \(sharedStrings.count)", at: at)
                    }
                    value = sharedStrings[i]
                case "inlineStr":
                    value = XMLScan.text(of: "t", in: cell)
                default:
                    value = XMLScan.text(of: "v", in: cell)
                }
                if value.utf8.count > Self.maxCellCharacters, value.unicodeScalars.count > Self.maxCellCharacters {
                    throw TarifError(
                        .tooLarge, "the cell holds \(value.unicodeScalars.count) characters; a spreadsheet cell holds at most \(Self.maxCellCharacters)", at: at)
                }
                if !value.isEmpty { row.cells[column] = value }
            }
            rows.append(row)
        }
        return rows
    }

    /// An Excel day number (1900 date system) as a day: 45931 → 2025-10-01.
    public static func day(serial text: String) -> Day? {
        guard let value = Double(text), value >= 1, value < 2_958_466 else { return nil }
        return Day(ordinal: Day(year: 1899, month: 12, day: 30)!.ordinal + Int(value))
    }
}

/// A small scanner of the XML the xlsx parts are written in: elements found by name, their
/// attributes and their text with the five entities and character references decoded. It
/// does not build a tree and never recurses.
enum XMLScan {
    struct Tag {
        var name: String
        var attributes: [String: String]
    }

    /// Each `<name …>…</name>` (or `<name …/>`) in `xml`, as its bytes, outermost only.
    static func elements(named name: String, in xml: some Collection<UInt8>) -> [ArraySlice<UInt8>] {
        let bytes = Array(xml)
        let open = Array("<\(name)".utf8)
        let close = Array("</\(name)>".utf8)
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while let start = find(open, in: bytes, from: i) {
            let after = start + open.count
            guard after < bytes.count, bytes[after] == UInt8(ascii: " ") || bytes[after] == UInt8(ascii: ">") || bytes[after] == UInt8(ascii: "/") else {
                i = after
                continue
            }
            guard let tagEnd = bytes[after...].firstIndex(of: UInt8(ascii: ">")) else { break }
            if bytes[tagEnd - 1] == UInt8(ascii: "/") {
                out.append(bytes[start...tagEnd])
                i = tagEnd + 1
                continue
            }
            guard let end = find(close, in: bytes, from: tagEnd) else { break }
            out.append(bytes[start..<(end + close.count)])
            i = end + close.count
        }
        return out
    }

    /// Every opening or empty tag `<name …>` in `xml`, with its attributes.
    static func tags(named name: String, in xml: [UInt8]) -> [Tag] {
        elements(named: name, in: xml).compactMap { openingTag(of: $0) }
    }

    static func openingTag(of element: ArraySlice<UInt8>) -> Tag? {
        guard element.first == UInt8(ascii: "<"), let end = element.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let inside = String(decoding: element[(element.startIndex + 1)..<end], as: UTF8.self)
        let trimmed = inside.hasSuffix("/") ? String(inside.dropLast()) : inside
        let name = String(trimmed.prefix { $0 != " " })
        var attributes: [String: String] = [:]
        var rest = Substring(trimmed.dropFirst(name.count))
        while let eq = rest.firstIndex(of: "=") {
            let key = rest[..<eq].trimming(" \n\r\t")
            var value = rest[rest.index(after: eq)...].drop { $0 == " " }
            guard let quote = value.first, quote == "\"" || quote == "'" else { break }
            value = value.dropFirst()
            guard let close = value.firstIndex(of: quote) else { break }
            attributes[key] = decode(String(value[..<close]))
            rest = value[value.index(after: close)...]
        }
        return Tag(name: name, attributes: attributes)
    }

    /// The decoded text of every `<name>` inside `element`, joined (rich-text runs of a string).
    static func text(of name: String, in element: ArraySlice<UInt8>) -> String {
        var out = ""
        for inner in elements(named: name, in: element) {
            guard let open = inner.firstIndex(of: UInt8(ascii: ">")), inner[inner.index(before: open)] != UInt8(ascii: "/") else { continue }
            let closeStart = inner.endIndex - ("</\(name)>".utf8.count)
            guard closeStart > open else { continue }
            out += decode(String(decoding: inner[(open + 1)..<closeStart], as: UTF8.self))
        }
        return out
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var i = from
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == needle[0] {
                var j = 1
                while j < needle.count && bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#…;` decoded; anything else kept as written.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let tail = rest[amp...]
            guard let semi = tail.prefix(12).firstIndex(of: ";") else {
                out.append("&")
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = tail[tail.index(after: tail.startIndex)..<semi]
            var decoded: String?
            switch entity {
            case "amp": decoded = "&"
            case "lt": decoded = "<"
            case "gt": decoded = ">"
            case "quot": decoded = "\""
            case "apos": decoded = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let v = UInt32(entity.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                    decoded = String(Character(s))
                } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let s = Unicode.Scalar(v) {
                    decoded = String(Character(s))
                }
            }
            if let decoded {
                out += decoded
                rest = rest[rest.index(after: semi)...]
            } else {
                out.append("&")
                rest = rest[rest.index(after: amp)...]
            }
        }
        out += rest
        return out
    }
}

extension Entry {
    /// The entry's bytes, inflated, at most `limit` of them (the size the zip states is checked
    /// first, the bytes as they come); a corrupt or cut stream is `.truncated`.
    func inflated(from archive: Archive, limit: Int, what: String, displayName: String) throws -> [UInt8] {
        let at = SourceLocation(file: displayName)
        guard uncompressedSize <= UInt64(limit) else {
            throw TarifError(.tooLarge, "\(what) is \(uncompressedSize >> 20) MiB once inflated; at most \(limit >> 20) MiB is read", at: at)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(uncompressedSize))
        do {
            _ = try archive.extract(self, skipCRC32: false) { data in
                guard bytes.count + data.count <= limit else {
                    throw TarifError(.tooLarge, "\(what) inflates past \(limit >> 20) MiB", at: at)
                }
                bytes.append(contentsOf: data)
            }
        } catch let e as TarifError {
            throw e
        } catch {
            throw TarifError(.truncated, "\(what) is corrupt or cut short (\(error))", at: at)
        }
        return bytes
    }
}
