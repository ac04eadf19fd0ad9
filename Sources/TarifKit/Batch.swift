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

    mutating func merge(_ o: BatchSummary) {
        shipments += o.shipments
        resolved += o.resolved
        failed += o.failed
        dutyUnknown += o.dutyUnknown
        for (k, v) in o.totalDuty { totalDuty[k, default: .zero] += v }
        for (k, v) in o.savedByPreferences { savedByPreferences[k, default: .zero] += v }
        for (k, v) in o.byTreatment { byTreatment[k, default: 0] += v }
    }
}

/// Resolves a CSV of shipments (`importer, origin, line, date, value[, quantity]`),
/// writing one CSV row per shipment in input order, streaming in chunks resolved on
/// every core, with memory bounded by the chunk size.
public struct BatchRunner: Sendable {
    public let index: ResolutionIndex
    public let progress: any ProgressObserver
    public var chunkSize = 16_384
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(index: ResolutionIndex, progress: any ProgressObserver = SilentProgress()) {
        self.index = index
        self.progress = progress
    }

    public static let outputHeader =
        "row,importer,origin,line,date,value,quantity,treatment,kind,rate,duty,currency,mfn_duty,saved,error"

    /// - Parameter write: receives the output text, header first, in order.
    /// - Throws: ``TarifError`` for a missing file or a header without the required columns
    ///   (a bad row is reported in its own output row and counted, never skipped silently).
    public func run(path: String, write: (String) throws -> Void) throws -> BatchSummary {
        let source = try ByteSource(path: path)
        defer { source.close() }
        let csv = try CSVReader(source: source)
        let header = csv.header.map { $0.trimming(" ").lowercased() }
        func column(_ names: String...) throws -> Int {
            for n in names { if let i = header.firstIndex(of: n) { return i } }
            throw TarifError(
                .badFile, "\(source.displayName): no '\(names[0])' column (the header is: \(csv.header.joined(separator: ", ")); needed: importer, origin, line, date, value[, quantity])",
                at: SourceLocation(file: source.displayName, line: 1))
        }
        let columns = [
            try column("importer"), try column("origin", "from", "exporter"), try column("line", "code", "hs", "hts"), try column("date", "day"),
            try column("value", "customs_value"),
        ]
        let quantityColumn = header.firstIndex(of: "quantity")
        try write(Self.outputHeader + "\n")
        var summary = BatchSummary()
        var chunk: [(Int, [String])] = []
        chunk.reserveCapacity(chunkSize)
        func flush() throws {
            guard !chunk.isEmpty else { return }
            let rows = chunk
            let parts = min(workers, max(1, rows.count / 1024))
            let size = (rows.count + parts - 1) / parts
            let outputs = UnsafeSendableBox(Array(repeating: ("", BatchSummary()), count: parts))
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let lo = p * size
                let hi = min(rows.count, lo + size)
                var text = ""
                text.reserveCapacity((hi - lo) * 96)
                var s = BatchSummary()
                var local: [String: TariffCode] = [:]
                if lo < hi {
                    for k in lo..<hi { text += resolveRow(rows[k].0, rows[k].1, columns, quantityColumn, &s, &local) }
                }
                outputs.set(p, (text, s))
            }
            for (text, s) in outputs.value {
                try write(text)
                summary.merge(s)
            }
            chunk.removeAll(keepingCapacity: true)
            progress.report(phase: "resolving \(source.displayName)", fraction: Double(source.offsetOnDisk) / Double(max(1, source.sizeOnDisk)))
        }
        while let r = try csv.next() {
            chunk.append((r.line, r.fields))
            if chunk.count == chunkSize { try flush() }
        }
        try flush()
        progress.finish(phase: "resolving \(source.displayName)")
        return summary
    }

    func resolveRow(
        _ line: Int, _ f: [String], _ c: [Int], _ qc: Int?, _ s: inout BatchSummary, _ codes: inout [String: TariffCode]
    ) -> String {
        s.shipments += 1
        let echo = [f[c[0]], f[c[1]], f[c[2]], f[c[3]], f[c[4]], qc.map { f[$0] } ?? ""].map(Self.field)
        func fail(_ message: String) -> String {
            s.failed += 1
            return "\(line),\(echo.joined(separator: ",")),,,,,,,,\(Self.field("line \(line): " + message))\n"
        }
        do {
            let importer = try CountryCode(f[c[0]].trimming(" "))
            let originText = f[c[1]].trimming(" ")
            let origin = originText.isEmpty ? nil : try CountryCode(originText)
            let code: TariffCode
            if let known = codes[f[c[2]]] { code = known } else {
                code = try TariffCode(f[c[2]])
                if codes.count < 50_000 { codes[f[c[2]]] = code }
            }
            let day = try Day(iso: f[c[3]].trimming(" "))
            guard let currency = index.currency(of: importer) else { return fail("no schedule for importer \(importer)") }
            let valueText = f[c[4]].trimming(" ")
            var value: Money?
            if !valueText.isEmpty {
                guard let v = NumberFormat.pointDecimal.parse(Substring(valueText)), !v.isNegative else {
                    return fail("value '\(valueText)' is not a non-negative number")
                }
                value = Money(v, currency)
            }
            var quantities: [Quantity] = []
            if let qc, !f[qc].trimming(" ").isEmpty { quantities = [try Quantity(parsing: f[qc])] }
            let context = DutyContext(currency: currency, customsValue: value, quantities: quantities, day: day)
            guard let q = index.resolve(importer: importer, origin: origin, code: code, day: day, context: context) else {
                return fail("\(importer) has no rate for line \(code) on \(day)")
            }
            s.resolved += 1
            s.byTreatment[q.label, default: 0] += 1
            if let d = q.duty { s.totalDuty[currency.code, default: .zero] += d.amount } else { s.dutyUnknown += 1 }
            if q.kind == .preferential, let saved = q.saved { s.savedByPreferences[currency.code, default: .zero] += saved.amount }
            let cells = [
                Self.field(q.label), q.kind.rawValue, Self.field(q.rate.summary), q.duty.map { $0.amount.normalized.description } ?? "",
                currency.code, q.floorDuty.map { $0.amount.normalized.description } ?? "",
                q.kind == .preferential ? (q.saved.map { $0.amount.normalized.description } ?? "") : "0", "",
            ]
            return "\(line),\(echo.joined(separator: ",")),\(cells.joined(separator: ","))\n"
        } catch let e as TarifError {
            return fail(e.message)
        } catch {
            return fail("\(error)")
        }
    }

    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// A box the workers of one chunk write their own slots of (each index by one worker only).
final class UnsafeSendableBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var value: [T]
    init(_ value: [T]) { self.value = value }
    func set(_ i: Int, _ v: T) {
        lock.lock()
        value[i] = v
        lock.unlock()
    }
}
