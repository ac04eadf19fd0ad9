import Foundation
import TarifCore
import TarifImport
import TarifOrigin
import TarifSimulation
import ZIPFoundation

/// The fuzz target chosen by `TARIF_FUZZ_TARGET` (see ``FuzzTarget``); libFuzzer calls
/// ``fuzz(_:_:)`` with each input. A thrown error is a correct answer to bad input; only a
/// trap, a sanitizer report, a hang or unbounded memory is a finding.
enum FuzzTarget: String, CaseIterable {
    case dutyExpression = "duty-expression"
    case originRule = "origin-rule"
    case gravityFormula = "gravity-formula"
    case csv
    case json
    case numbers
    case query
    case japaneseRate = "japanese-rate"
    case australianRate = "australian-rate"
    case psrText = "psr-text"
    case wits
    case insw

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["TARIF_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("TARIF_FUZZ_TARGET must be one of \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return t
    }()
}

/// libFuzzer's driver (compiled in by `-sanitize=fuzzer`), called from our own entry point
/// because SwiftPM names an executable's entry point itself.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum FuzzMain {
    static func main() {
        _ = FuzzTarget.current  // refuse an unknown target before fuzzing starts
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in fuzz(data, count) })
    }
}

func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : count)
    switch FuzzTarget.current {
    case .dutyExpression: Targets.dutyExpression(bytes)
    case .originRule: Targets.originRule(bytes)
    case .gravityFormula: Targets.gravityFormula(bytes)
    case .csv: Targets.csv(bytes)
    case .json: Targets.json(bytes)
    case .numbers: Targets.numbers(bytes)
    case .query: Targets.query(bytes)
    case .japaneseRate: Targets.japaneseRate(bytes)
    case .australianRate: Targets.australianRate(bytes)
    case .psrText: Targets.psrText(bytes)
    case .wits: Targets.wits(bytes)
    case .insw: Targets.insw(bytes)
    }
    return 0
}

enum Targets {
    static func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The largest consignment the input limits allow, in every unit and fact.
    static let context: DutyContext = {
        let units = ["kg", "l", "item", "m2", "doz", "pr", "t", "hl", "kg drained weight"].compactMap { try? Quantity(parsing: "1000000000000000 \($0)") }
        return DutyContext(
            currency: .usd, customsValue: Money(InputLimits.maxAmount, .usd), quantities: units,
            componentValues: ["case": Money(InputLimits.maxAmount, .usd)],
            facts: [.alcoholStrength: InputLimits.maxFact, .sucroseContent: 50, .polarization: 97, .buttonLine: 40],
            day: try? Day(iso: "2026-03-01"),
            exchangeRates: [.eur: InputLimits.maxExchangeRate, .gbp: 1, .idr: InputLimits.maxExchangeRate], alternative: 0)
    }()

    static func dutyExpression(_ bytes: UnsafeRawBufferPointer) {
        let t = text(bytes)
        for dialect in [RateDialect.btki, .ukGlobalTariff, .usHTS] {
            guard let rate = (try? DutyExpressionParser(dialect: dialect).parse(t)) ?? nil else { continue }
            _ = rate.summary
            _ = try? rate.evaluate(in: context)
            _ = try? rate.evaluate(in: DutyContext(currency: .idr))
            if let data = try? JSONEncoder().encode(rate) { _ = try? JSONDecoder().decode(DutyExpression.self, from: data) }
        }
    }

    /// Japan's rate text, then evaluated on the largest consignment (in yen and in dollars)
    /// and round-tripped through JSON; and a 9-digit code.
    static func japaneseRate(_ bytes: UnsafeRawBufferPointer) {
        let t = text(bytes)
        _ = try? TariffCode(t)
        _ = try? TariffCode(paddingLostZero: t)
        guard let reading = (try? JapaneseRateParser().parse(t)) ?? nil else { return }
        let rate = reading.expression
        _ = rate.summary
        _ = try? rate.evaluate(in: context)
        var yen = context
        yen.currency = .jpy
        _ = try? rate.evaluate(in: yen)
        if let data = try? JSONEncoder().encode(rate) { _ = try? JSONDecoder().decode(DutyExpression.self, from: data) }
    }

    /// A Schedule 3 cell and an FTA row of Australia's Working Tariff: cleaned, split into
    /// phases and classes, each part parsed and evaluated with the largest consignment.
    static func australianRate(_ bytes: UnsafeRawBufferPointer) {
        let t = text(bytes)
        let parser = AustralianRateParser()
        _ = AustralianRateParser.clean(t)
        _ = try? AustralianRateParser.leadingDate(Substring(t))
        var texts = [t]
        if let phases = try? parser.phases(t) {
            for p in phases { texts.append(p.general); texts += p.special.map(\.text) }
        }
        var aud = context
        aud.currency = .aud
        aud.facts = [.alcoholStrength: 100]
        for text in texts {
            guard let rate = (try? parser.parse(text)) ?? nil else { continue }
            _ = rate.summary
            _ = try? rate.evaluate(in: aud)
            if let data = try? JSONEncoder().encode(rate) { _ = try? JSONDecoder().decode(DutyExpression.self, from: data) }
        }
    }

    static func originRule(_ bytes: UnsafeRawBufferPointer) {
        _ = try? OriginRuleParser.parse(text(bytes))
    }

    /// A product-specific rule's wording: compiled or refused with a reason, never a trap; what
    /// it compiles to, the rule language reads back to the same criterion.
    static func psrText(_ bytes: UnsafeRawBufferPointer) {
        let compiled = PSRCompiler.compile(text: text(bytes))
        if let c = compiled.criterion {
            let description = c.description
            guard description.utf8.count <= OriginRuleParser.maxLength else { return }
            if let back = try? OriginRuleParser.parse(description), back != c {
                fatalError("the compiled rule '\(description)' reads back as '\(back)'")
            }
        } else if compiled.reason == nil {
            fatalError("a text neither compiled nor refused with a reason")
        }
    }

    static func gravityFormula(_ bytes: UnsafeRawBufferPointer) {
        let t = text(bytes)
        _ = try? GravityFormula(parsing: t)
        _ = try? PanelFilter(parsing: t)
        _ = try? GEShock(parsing: t)
    }

    static func csv(_ bytes: UnsafeRawBufferPointer) {
        var parser = CSVRecordParser(file: "fuzz.csv")
        bytes.withMemoryRebound(to: UInt8.self) { input in
            var position = 0
            var line = 1
            var steps = 0
            while position < input.count, steps < 100_000 {
                steps += 1
                guard let end = try? parser.parse(input, from: position, line: line, atEnd: true), end > position else { break }
                _ = parser.strings()
                position = end
                line = parser.nextLine
            }
            var cutter = CSVRecordParser(file: "fuzz.csv")
            _ = try? cutter.endOfLastWholeRecord(in: input)
        }
    }

    /// Inputs go through a file: the readers read files (plain or gzip) as the imports do.
    static let path = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : FileManager.default.temporaryDirectory.path) + "/tarif-fuzz-\(getpid()).json"

    static func json(_ bytes: UnsafeRawBufferPointer) {
        _ = try? JSONNesting.check(bytes, place: "fuzz")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        if let source = try? ByteSource(path: path, displayName: "fuzz.json", maxBytes: 1 << 20) {
            _ = try? JSONArrayReader(source: source).document()
        }
        if let source = try? ByteSource(path: path, displayName: "fuzz.json", maxBytes: 1 << 20) {
            let reader = JSONArrayReader(source: source)
            var n = 0
            while n < 10_000, let v = try? reader.next() {
                _ = v.text
                n += 1
            }
        }
        if let source = try? ByteSource(path: path, displayName: "fuzz.json", maxBytes: 1 << 20), let csv = try? CSVReader(source: source) {
            var n = 0
            while n < 10_000, (try? csv.next()) != nil { n += 1 }
        }
    }

    static let zipPath = path + ".zip"

    /// The WITS readers (national tariff lines, `wits-trains-zip`; WTO bound duties,
    /// `wits-cts-zip`): the input as the CSV inside a zip, as WITS delivers it, or, when it is
    /// itself a zip (`PK\u{3}\u{4}`), as the archive.
    static func wits(_ bytes: UnsafeRawBufferPointer) {
        try? FileManager.default.removeItem(atPath: zipPath)
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B, bytes[2] == 3, bytes[3] == 4 {
            guard FileManager.default.createFile(atPath: zipPath, contents: Data(bytes)) else { return }
        } else {
            guard let archive = try? Archive(url: URL(fileURLWithPath: zipPath), accessMode: .create) else { return }
            let data = Data(bytes)
            try? archive.addEntry(with: "DataJobID-1_1_2012.csv", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        if let source = try? ByteSource(path: zipPath, displayName: "fuzz.zip") {
            var n = 0
            _ = try? WITSTariffReader().read(source) { _ in n += 1 }
            source.close()
        }
        if let source = try? ByteSource(path: zipPath, displayName: "fuzz.zip") {
            _ = try? WITSBoundReader().read(source) { _ in }
            source.close()
        }
    }

    static let indonesia = Country(
        code: try! CountryCode("IDN"), alpha2: "ID", numeric: "360", name: "Indonesia", officialName: "Republic of Indonesia", region: "Asia",
        subregion: "South-eastern Asia", isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "IDR",
        independence: "1945-08-17")

    /// Indonesia's INSW commodity look-up (`insw-commodity-json`): staged preferences by year.
    static func insw(_ bytes: UnsafeRawBufferPointer) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        guard let source = try? ByteSource(path: path, displayName: "fuzz.json", maxBytes: 1 << 20) else { return }
        defer { source.close() }
        let config = StagingSource(agreement: "*", importer: .indonesia, title: "fuzz", legalSource: "fuzz", sourceFile: "fuzz.json")
        _ = try? INSWCommodityReader().read(source, config: config, country: { name in name == "IDN" || name == "Indonesia" ? indonesia : nil }) { _, _ in }
    }

    static func numbers(_ bytes: UnsafeRawBufferPointer) {
        let t = text(bytes)
        let parts = t.split(separator: "|", maxSplits: 1).map(String.init)
        var values: [ExactDecimal] = []
        for kind in [InputLimits.NumberKind.amount, .quantity, .fact, .exchangeRate] {
            if let v = try? InputLimits.number(parts.first ?? "", field: "x", kind: kind) { values.append(v) }
        }
        _ = try? Quantity(parsing: t)
        _ = try? TariffCode(t)
        _ = try? Day(iso: t)
        _ = try? CountryCode(t)
        _ = InputLimits.echo(t)
        for format in [NumberFormat.pointDecimal, .commaDecimal] {
            if let v = format.parse(Substring(parts.first ?? "")) { values.append(v) }
            if parts.count > 1, let w = format.parse(Substring(parts[1])) { values.append(w) }
        }
        // Checked arithmetic on whatever was read: errors, never traps.
        for a in values {
            for b in values {
                _ = try? a + b
                _ = try? a - b
                _ = try? a * b
                _ = try? a.divided(by: b, scale: 12)
                _ = a < b
                _ = a == b
                _ = a.hashValue
            }
            _ = try? a.rounded(scale: 24)
            _ = a.description
            _ = Money(a, .idr).grouped
        }
    }

    struct Question: Decodable {
        var importer: String
        var code: String
        var origin: String?
        var on: String?
        var value: String?
    }

    static func query(_ bytes: UnsafeRawBufferPointer) {
        let t = text(bytes)
        let q = QueryString(t)
        for name in ["importer", "origin", "code", "value", "on"] {
            if let v = q[name] { _ = try? InputLimits.number(v, field: name, kind: .amount) }
        }
        _ = q.all("grant")
        if (try? JSONNesting.check(bytes, place: "body")) != nil {
            _ = try? JSONDecoder().decode([Question].self, from: Data(bytes))
        }
    }
}
