import Foundation
public import TarifCore

/// A small writer of Apache Parquet files: flat schemas of UTF-8 strings, 64-bit floats and
/// 64-bit integers, required or optional, PLAIN-encoded and uncompressed, one data page per
/// column per row group. Enough for pandas, Polars, DuckDB, Spark and R (arrow) to read the
/// market-access matrix; written by hand from the format's specification
/// (parquet-format: the file layout, `PageHeader`, `FileMetaData` in the Thrift compact
/// protocol, the RLE/bit-packed hybrid for definition levels).
public final class ParquetWriter {
    public enum ColumnType: Sendable { case string, double, int64 }

    public struct Column: Sendable {
        public var name: String
        public var type: ColumnType
        public var optional: Bool
        public init(_ name: String, _ type: ColumnType, optional: Bool = false) {
            self.name = name
            self.type = type
            self.optional = optional
        }
    }

    struct Chunk {
        var offset: Int64
        var size: Int64
        var values: Int64
    }

    public let columns: [Column]
    let handle: FileHandle
    let rowGroupSize: Int
    var offset: Int64 = 0
    var rows = 0
    var totalRows: Int64 = 0
    var data: [[UInt8]]
    var defined: [[UInt8]]
    var rowGroups: [(rows: Int64, chunks: [Chunk])] = []
    var closed = false

    /// Creates the file at `path` (replacing one there) and writes the magic number.
    /// - Parameter rowGroupSize: rows per row group (memory is about this many rows of data).
    public init(path: String, columns: [Column], rowGroupSize: Int = 1 << 20) throws {
        precondition(!columns.isEmpty && rowGroupSize > 0)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TarifError(.io, "cannot write \(path)")
        }
        self.handle = handle
        self.columns = columns
        self.rowGroupSize = rowGroupSize
        data = Array(repeating: [], count: columns.count)
        defined = Array(repeating: [], count: columns.count)
        try write(Array("PAR1".utf8))
    }

    deinit { if !closed { try? handle.close() } }

    // MARK: Values, one row at a time, column by column

    /// Appends a string to column `i` (nil: null, for an optional column).
    public func string(_ i: Int, _ value: String?) {
        guard note(i, value != nil), let value else { return }
        var v = value
        v.withUTF8 { bytes in
            append32(&data[i], UInt32(bytes.count))
            data[i].append(contentsOf: bytes)
        }
    }

    public func double(_ i: Int, _ value: Double?) {
        guard note(i, value != nil), let value else { return }
        append64(&data[i], value.bitPattern)
    }

    public func int64(_ i: Int, _ value: Int64?) {
        guard note(i, value != nil), let value else { return }
        append64(&data[i], UInt64(bitPattern: value))
    }

    /// Records whether column `i` has a value in this row.
    private func note(_ i: Int, _ present: Bool) -> Bool {
        if columns[i].optional { defined[i].append(present ? 1 : 0) } else { precondition(present, "column \(columns[i].name) is required") }
        return present
    }

    /// Ends a row; a full row group is written out.
    public func endRow() throws {
        rows += 1
        if rows >= rowGroupSize { try flush() }
    }

    /// Writes the last row group and the footer, and closes the file.
    public func close() throws {
        guard !closed else { return }
        if rows > 0 || rowGroups.isEmpty { try flush() }
        var footer = Thrift()
        footer.i32(1, 1)  // version
        footer.list(2, .structure, columns.count + 1) { t in
            t.structure { s in
                s.binary(4, "schema")
                s.i32(5, Int32(columns.count))
            }
            for c in columns {
                t.structure { s in
                    s.i32(1, c.type == .string ? 6 : c.type == .double ? 5 : 2)  // BYTE_ARRAY, DOUBLE, INT64
                    s.i32(3, c.optional ? 1 : 0)  // OPTIONAL, REQUIRED
                    s.binary(4, c.name)
                    if c.type == .string { s.i32(6, 0) }  // converted type UTF8
                }
            }
        }
        footer.i64(3, totalRows)
        footer.list(4, .structure, rowGroups.count) { t in
            for g in rowGroups {
                t.structure { r in
                    r.list(1, .structure, g.chunks.count) { t in
                        for (k, chunk) in g.chunks.enumerated() {
                            t.structure { cc in
                                cc.i64(2, chunk.offset)
                                cc.structure(3) { m in
                                    m.i32(1, columns[k].type == .string ? 6 : columns[k].type == .double ? 5 : 2)
                                    m.list(2, .i32, 2) { t in
                                        t.element32(0)  // PLAIN
                                        t.element32(3)  // RLE (definition levels)
                                    }
                                    m.list(3, .binary, 1) { t in t.elementBinary(columns[k].name) }
                                    m.i32(4, 0)  // UNCOMPRESSED
                                    m.i64(5, chunk.values)
                                    m.i64(6, chunk.size)
                                    m.i64(7, chunk.size)
                                    m.i64(9, chunk.offset)
                                }
                            }
                        }
                    }
                    r.i64(2, g.chunks.reduce(0) { $0 + $1.size })
                    r.i64(3, g.rows)
                }
            }
        }
        footer.binary(6, "tarif (Swift)")
        footer.stop()
        try write(footer.bytes)
        var tail: [UInt8] = []
        append32(&tail, UInt32(footer.bytes.count))
        tail += Array("PAR1".utf8)
        try write(tail)
        try handle.close()
        closed = true
    }

    /// Writes the rows held as one row group: a data page per column.
    private func flush() throws {
        var chunks: [Chunk] = []
        for (i, c) in columns.enumerated() {
            var body: [UInt8] = []
            if c.optional {
                let levels = Self.bitPacked(defined[i])
                append32(&body, UInt32(levels.count))
                body += levels
            }
            body += data[i]
            guard body.count < Int(Int32.max) else { throw TarifError(.tooLarge, "a Parquet page of column \(c.name) would pass 2 GiB: use smaller row groups") }
            var header = Thrift()
            header.i32(1, 0)  // DATA_PAGE
            header.i32(2, Int32(body.count))
            header.i32(3, Int32(body.count))
            header.structure(5) { h in
                h.i32(1, Int32(rows))
                h.i32(2, 0)  // PLAIN
                h.i32(3, 3)  // RLE
                h.i32(4, 3)  // RLE
            }
            header.stop()
            let start = offset
            try write(header.bytes)
            try write(body)
            chunks.append(Chunk(offset: start, size: offset - start, values: Int64(rows)))
            data[i].removeAll(keepingCapacity: true)
            defined[i].removeAll(keepingCapacity: true)
        }
        rowGroups.append((Int64(rows), chunks))
        totalRows += Int64(rows)
        rows = 0
    }

    /// Definition levels (0 or 1 each) in the RLE/bit-packed hybrid at bit width 1, as one
    /// bit-packed run: its header, then 8 levels a byte, least significant bit first.
    static func bitPacked(_ levels: [UInt8]) -> [UInt8] {
        let groups = (levels.count + 7) / 8
        var out: [UInt8] = []
        Thrift.varint(&out, UInt64(groups) << 1 | 1)
        var byte: UInt8 = 0
        for (k, l) in levels.enumerated() {
            byte |= (l & 1) << UInt8(k % 8)
            if k % 8 == 7 {
                out.append(byte)
                byte = 0
            }
        }
        if levels.count % 8 != 0 { out.append(byte) }
        return out
    }

    private func write(_ bytes: [UInt8]) throws {
        try handle.write(contentsOf: bytes)
        offset += Int64(bytes.count)
    }

    @inline(__always) private func append32(_ out: inout [UInt8], _ v: UInt32) {
        for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) }
    }

    @inline(__always) private func append64(_ out: inout [UInt8], _ v: UInt64) {
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
    }
}

/// The Thrift compact protocol, as far as Parquet's metadata needs it.
struct Thrift {
    enum Kind: UInt8 { case i32 = 5, i64 = 6, binary = 8, list = 9, structure = 12 }
    var bytes: [UInt8] = []
    private var last: [Int16] = [0]

    static func varint(_ out: inout [UInt8], _ value: UInt64) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    private mutating func field(_ id: Int16, _ kind: Kind) {
        let delta = id - last[last.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | kind.rawValue)
        } else {
            bytes.append(kind.rawValue)
            Self.varint(&bytes, Self.zigzag(Int64(id)))
        }
        last[last.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ v: Int32) {
        field(id, .i32)
        Self.varint(&bytes, Self.zigzag(Int64(v)))
    }

    mutating func i64(_ id: Int16, _ v: Int64) {
        field(id, .i64)
        Self.varint(&bytes, Self.zigzag(v))
    }

    mutating func binary(_ id: Int16, _ s: String) {
        field(id, .binary)
        elementBinary(s)
    }

    mutating func structure(_ id: Int16, _ body: (inout Thrift) -> Void) {
        field(id, .structure)
        structure(body)
    }

    /// A struct's fields and its stop byte (as a list element, or after its field header).
    mutating func structure(_ body: (inout Thrift) -> Void) {
        last.append(0)
        body(&self)
        bytes.append(0)
        last.removeLast()
    }

    mutating func list(_ id: Int16, _ element: Kind, _ count: Int, _ body: (inout Thrift) -> Void) {
        field(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            Self.varint(&bytes, UInt64(count))
        }
        body(&self)
    }

    mutating func element32(_ v: Int32) { Self.varint(&bytes, Self.zigzag(Int64(v))) }

    mutating func elementBinary(_ s: String) {
        let utf8 = Array(s.utf8)
        Self.varint(&bytes, UInt64(utf8.count))
        bytes += utf8
    }

    /// The stop byte of the outermost struct.
    mutating func stop() { bytes.append(0) }
}
