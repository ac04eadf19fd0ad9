import Foundation
public import TarifCore
import TarifImport
public import TarifRules

/// What a batch run did.
public struct BatchSummary: Sendable, Codable, Hashable {
    public var shipments = 0
    public var resolved = 0
    public var failed = 0
    /// Total duty by currency (exact).
    public var totalDuty: [String: ExactDecimal] = [:]
    /// Duty saved by preferences against MFN (or column 2), by currency.
    public var savedByPreferences: [String: ExactDecimal] = [:]
    /// Shipments whose duty could not be computed (an input the rate needs is missing).
    public var dutyUnknown = 0
    /// Shipments by applied treatment.
    public var byTreatment: [String: Int] = [:]

    public init() {}

    /// - Throws: ``TarifError`` `.overflow` when a total passes 38 digits.
    mutating func merge(_ o: BatchSummary) throws(TarifError) {
        shipments += o.shipments
        resolved += o.resolved
        failed += o.failed
        dutyUnknown += o.dutyUnknown
        for (k, v) in o.totalDuty { try totalDuty[k, default: .zero] += v }
        for (k, v) in o.savedByPreferences { try savedByPreferences[k, default: .zero] += v }
        for (k, v) in o.byTreatment { byTreatment[k, default: 0] += v }
    }
}

/// Resolves a CSV of shipments (`importer, origin, line, date, value[, quantity]`),
/// writing one CSV row per shipment in input order.
///
/// The file is read in blocks of whole records; each block is parsed, resolved and written
/// by one worker, as many blocks at a time as there are workers, and the blocks' output is
/// written in order. Memory is bounded by the block size times the workers.
public struct BatchRunner: Sendable {
    public let index: ResolutionIndex
    public let progress: any ProgressObserver
    /// Bytes of input per block (a block holds whole records; a longer record makes a longer block).
    public var blockSize = 1 << 20
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(index: ResolutionIndex, progress: any ProgressObserver = SilentProgress()) {
        self.index = index
        self.progress = progress
    }

    public static let outputHeader =
        "row,importer,origin,line,date,value,quantity,treatment,kind,rate,duty,currency,mfn_duty,saved,error"

    /// The columns of the input, by position.
    struct Columns: Sendable {
        var importer, origin, line, date, value: Int
        var quantity: Int?
        var count: Int
    }

    /// The days a batch asks about, for an index of only the schedule versions in force on
    /// them; nil when there are more than ``maxDays`` (index every version) or a date is not
    /// one (the row gets its error when it is resolved).
    public static func days(path: String) throws -> Set<Day>? {
        let source = try ByteSource(path: path, hashing: false)
        defer { source.close() }
        var reader = BlockReader(source: source, blockSize: 1 << 20)
        let columns = try reader.columns()
        var days: Set<Day> = []
        var parser = CSVRecordParser(file: source.displayName)
        while let block = try reader.next() {
            let whole: Bool = block.bytes.withUnsafeBufferPointer { input in
                var position = 0
                var line = block.line
                while position < input.count {
                    guard let end = try? parser.parse(input, from: position, line: line, atEnd: true) else { return false }
                    position = end
                    line = parser.nextLine
                    if parser.isBlank { continue }
                    guard parser.count == columns.count, let day = try? Day(iso: parser.string(columns.date).trimmingCharacters(in: .whitespaces))
                    else { return false }
                    days.insert(day)
                    if days.count > maxDays { return false }
                }
                return true
            }
            if !whole { return nil }
        }
        return days
    }

    public static let maxDays = 64

    /// A block of whole records and the line it starts on.
    struct Block: Sendable {
        var bytes: [UInt8]
        var line: Int
    }

    /// - Parameter write: receives the output, header first, in order.
    /// - Throws: ``TarifError`` for a missing file, a header without the required columns, or
    ///   a file that is not CSV (a row with a different number of fields, a quote not closed,
    ///   text that is not UTF-8), naming the line. A bad shipment is not fatal: it is reported
    ///   in its own output row and counted.
    public func run(path: String, write: ([UInt8]) throws -> Void) throws -> BatchSummary {
        let source = try ByteSource(path: path, hashing: false)
        defer { source.close() }
        var reader = BlockReader(source: source, blockSize: max(1, blockSize))
        let columns = try reader.columns()
        try write(Array((Self.outputHeader + "\n").utf8))
        var summary = BatchSummary()
        let workers = max(1, workers)
        let resolvers = WorkerSlots(repeating: RowResolver(index: index, columns: columns, file: source.displayName), count: workers)
        let phase = "resolving \(source.displayName)"
        while true {
            var blocks: [Block] = []
            while blocks.count < workers, let b = try reader.next() { blocks.append(b) }
            if blocks.isEmpty { break }
            let results = WorkerSlots(repeating: BlockResult(), count: blocks.count)
            let shared = blocks
            DispatchQueue.concurrentPerform(iterations: shared.count) { k in
                // A resolver's memo of codes and quantities carries over from block to block.
                let result = resolvers.update(k) { $0.resolve(shared[k]) }
                results.update(k) { $0 = result }
            }
            for r in results.values {
                try write(r.output)
                try summary.merge(r.summary)
                if let e = r.error { throw e }
            }
            progress.report(phase: phase, fraction: Double(source.offsetOnDisk) / Double(max(1, source.sizeOnDisk)))
        }
        progress.finish(phase: phase)
        return summary
    }

    /// What a worker made of a block: its output rows, its counts, and the error that
    /// stopped it (the rows before it are in the output).
    struct BlockResult: Sendable {
        var output: [UInt8] = []
        var summary = BatchSummary()
        var error: TarifError?
    }

    /// Cuts the input into blocks of whole records.
    struct BlockReader {
        let source: ByteSource
        let blockSize: Int
        var pending: [UInt8] = []
        var atEnd = false
        var line = 1
        var parser: CSVRecordParser

        init(source: ByteSource, blockSize: Int) {
            self.source = source
            self.blockSize = blockSize
            parser = CSVRecordParser(file: source.displayName)
        }

        /// Reads the header and finds the columns.
        mutating func columns() throws -> Columns {
            var headerEnd: Int?
            while headerEnd == nil {
                headerEnd = try pending.withUnsafeBufferPointer { [atEnd, line] in try parser.parse($0, from: 0, line: line, atEnd: atEnd) }
                if headerEnd == nil { try read() }
            }
            guard let end = headerEnd, end > 0 else {
                throw TarifError(.badFile, "the file is empty (no header row)", at: SourceLocation(file: source.displayName))
            }
            let names = CSVRecordParser.headerNames(parser.strings())
            pending.removeFirst(end)
            line = parser.nextLine
            let header = names.map { $0.trimming(" ").lowercased() }
            func column(_ wanted: String...) throws -> Int {
                for n in wanted { if let i = header.firstIndex(of: n) { return i } }
                throw TarifError(
                    .badFile, "\(source.displayName): no '\(wanted[0])' column (the header is: \(names.joined(separator: ", ")); needed: importer, origin, line, date, value[, quantity])",
                    at: SourceLocation(file: source.displayName, line: 1))
            }
            return Columns(
                importer: try column("importer"), origin: try column("origin", "from", "exporter"), line: try column("line", "code", "hs", "hts"),
                date: try column("date", "day"), value: try column("value", "customs_value"), quantity: header.firstIndex(of: "quantity"),
                count: names.count)
        }

        /// A record is longer than this only when a quote is left open; the reader stops there
        /// rather than hold the rest of the file.
        var longestRecord: Int { max(64 << 20, 4 * blockSize) }

        private mutating func read() throws {
            if pending.count > longestRecord {
                throw TarifError(
                    .badFile, "no record ends within \(longestRecord >> 20) MB of this line: a quoted field is probably not closed",
                    at: SourceLocation(file: source.displayName, line: line))
            }
            let chunk = try source.read(capacity: blockSize)
            if chunk.isEmpty { atEnd = true } else { pending += chunk }
        }

        /// The next block of whole records; nil at the end of the file.
        mutating func next() throws -> Block? {
            while true {
                if !atEnd && pending.count < blockSize { try read() }
                if pending.isEmpty && atEnd { return nil }
                let cut: Int? = atEnd ? pending.count : try pending.withUnsafeBufferPointer { try parser.endOfLastWholeRecord(in: $0) }
                if let cut, pending.count >= blockSize || atEnd {
                    let bytes = Array(pending[..<cut])
                    pending.removeFirst(cut)
                    let block = Block(bytes: bytes, line: line)
                    line += bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                    return block
                }
                // No whole record yet in a block's worth of bytes: read on.
                try read()
            }
        }
    }
}

/// Resolves the rows of one block into output rows: one per worker and block, with the
/// worker's memo of the codes and quantities it has read.
struct RowResolver {
    let index: ResolutionIndex
    let columns: BatchRunner.Columns
    var parser: CSVRecordParser
    var codes: [String: TariffCode] = [:]
    var quantities: [String: Quantity] = [:]
    var out: [UInt8] = []
    var summary = BatchSummary()

    /// The columns echoed before the quantity.
    let echoed: [Int]

    init(index: ResolutionIndex, columns: BatchRunner.Columns, file: String) {
        self.index = index
        self.columns = columns
        echoed = [columns.importer, columns.origin, columns.line, columns.date, columns.value]
        parser = CSVRecordParser(file: file)
    }

    mutating func resolve(_ block: BatchRunner.Block) -> BatchRunner.BlockResult {
        out = []
        out.reserveCapacity(block.bytes.count * 2)
        summary = BatchSummary()
        var error: TarifError?
        block.bytes.withUnsafeBufferPointer { input in
            var position = 0
            var line = block.line
            while position < input.count {
                do {
                    guard let end = try parser.parse(input, from: position, line: line, atEnd: true) else { break }
                    position = end
                } catch let e as TarifError {
                    error = e
                    return
                } catch {
                    return
                }
                defer { line = parser.nextLine }
                if parser.isBlank { continue }
                guard parser.count == columns.count else {
                    // Reported in its own row, like any other bad row; the batch goes on.
                    summary.shipments += 1
                    write(String(line), ",,,,,,")
                    fail(line, "the row has \(parser.count) fields; the header has \(columns.count)")
                    continue
                }
                row(line)
            }
        }
        return .init(output: out, summary: summary, error: error)
    }

    /// Writes the output row of the record in `parser`, which starts on `line`.
    private mutating func row(_ line: Int) {
        summary.shipments += 1
        let c = columns
        write(String(line))
        for i in echoed {
            out.append(UInt8(ascii: ","))
            writeField(parser.field(i))
        }
        out.append(UInt8(ascii: ","))
        if let q = c.quantity { writeField(parser.field(q)) }
        do {
            if let failure = try resolveRow() { fail(line, failure) }
        } catch let e as TarifError {
            fail(line, e.message)
        } catch {
            fail(line, "\(error)")
        }
    }

    /// Resolves the record's shipment and writes the result cells; or says why it cannot be resolved.
    private mutating func resolveRow() throws -> String? {
        let c = columns
        // Codes or names, and only countries the registry knows (as a single question).
        let importer = try index.registry.countryCode(named: trimmed(c.importer))
        let originText = trimmed(c.origin)
        let origin = originText.isEmpty ? nil : try index.registry.countryCode(named: originText)
        let codeText = parser.string(c.line)
        let code: TariffCode
        if let known = codes[codeText] { code = known } else {
            code = try TariffCode(codeText)
            if codes.count < 50_000 { codes[codeText] = code }
        }
        let day = try Day(iso: trimmed(c.date))
        guard let currency = index.currency(of: importer, on: day) else { return "no schedule of importer \(importer) is in force on \(day)" }
        let valueText = trimmed(c.value)
        var value: Money?
        if !valueText.isEmpty {
            let v = try InputLimits.number(valueText, field: "value", kind: .amount)
            value = Money(v, currency)
        }
        var quantity: [Quantity] = []
        if let qc = c.quantity {
            let text = parser.string(qc)
            if !trimmed(qc).isEmpty {
                if let known = quantities[text] { quantity = [known] } else {
                    let q = try Quantity(parsing: text, field: "quantity")
                    if quantities.count < 50_000 { quantities[text] = q }
                    quantity = [q]
                }
            }
        }
        let context = DutyContext(currency: currency, customsValue: value, quantities: quantity, day: day)
        guard let q = try index.resolve(importer: importer, origin: origin, code: code, day: day, context: context) else {
            return "\(importer) has no rate for line \(code) on \(day)"
        }
        summary.resolved += 1
        let label = q.label
        summary.byTreatment[label, default: 0] += 1
        // Totals add each duty at the currency's minor unit: a row's duty within the input
        // limits is below 10^22, so even 10^15 rows cannot pass 38 digits.
        if let d = q.duty { try summary.totalDuty[currency.code, default: .zero] += d.roundedToMinorUnit.amount } else { summary.dutyUnknown += 1 }
        if q.kind == .preferential, let saved = q.saved { try summary.savedByPreferences[currency.code, default: .zero] += saved.roundedToMinorUnit.amount }
        // treatment,kind,rate,duty,currency,mfn_duty,saved,error
        out.append(UInt8(ascii: ","))
        writeField(label.utf8)
        write(",", q.kind.rawValue, ",")
        writeField(q.rate.summary.utf8)
        write(",", q.duty.map { $0.amount.normalized.description } ?? "", ",", currency.code, ",")
        write(q.floorDuty.map { $0.amount.normalized.description } ?? "", ",")
        write(q.kind == .preferential ? (q.saved.map { $0.amount.normalized.description } ?? "") : "0", ",\n")
        return nil
    }

    /// Field `i` without spaces at either end (`String.trimming(" ")`, on the bytes when they are ASCII).
    private func trimmed(_ i: Int) -> String {
        var f = parser.field(i)
        guard f.allSatisfy({ $0 < 0x80 }) else { return String(decoding: f, as: UTF8.self).trimming(" ") }
        while f.first == UInt8(ascii: " ") { f = f.dropFirst() }
        while f.last == UInt8(ascii: " ") { f = f.dropLast() }
        return String(decoding: f, as: UTF8.self)
    }

    /// Ends the row with empty result cells and the message in the error cell.
    private mutating func fail(_ line: Int, _ message: String) {
        summary.failed += 1
        write(",,,,,,,,")
        writeField("line \(line): \(message)".utf8)
        out.append(UInt8(ascii: "\n"))
    }

    private mutating func write(_ parts: String...) {
        for p in parts { out.append(contentsOf: p.utf8) }
    }

    /// Writes a CSV field, quoted when it holds a comma, a quote or a line break.
    private mutating func writeField(_ bytes: some Collection<UInt8>) {
        let special = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard special else { return out.append(contentsOf: bytes) }
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// One value per concurrent worker, each slot read and written by one worker at a time
/// (slot k by iteration k of a `concurrentPerform`), so no lock is needed.
final class WorkerSlots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T>
    let count: Int

    init(repeating value: T, count: Int) {
        base = .allocate(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Slot `k`, changed in place.
    func update<R>(_ k: Int, _ body: (inout T) -> R) -> R { body(&base[k]) }

    /// The values, once the workers are done.
    var values: [T] { (0..<count).map { base[$0] } }
}
