import Foundation
import Testing

@testable import TarifCore

/// ``JSONWriter`` writes what JSONEncoder with sorted keys writes, byte for byte.
struct JSONWriterTests {
    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func written(_ value: some JSONWritable) -> String {
        String(decoding: JSONWriter.encode(value), as: UTF8.self)
    }

    @Test func stringsAreEscapedAsTheEncoderEscapesThem() throws {
        var every = ""
        for i in 0..<0x80 { every.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        let texts = [
            every, "", "plain", "a/b\\c\"d", "\u{2028}\u{2029}é — 😀\u{FEFF}", "tab\tend\n", "\u{1F}\u{0}", "café/kg 1/3",
            String(repeating: "x/", count: 600),
        ]
        for text in texts {
            #expect(Self.written(text) == (try Self.encoded(text)), "\(text.debugDescription)")
        }
        #expect(Self.written(texts) == (try Self.encoded(texts)))
    }

    /// The writer tests eight bytes at a time: every character that needs an escape (and some
    /// that do not) at every place in and across those words, and random mixtures.
    @Test func escapesAreFoundAtEveryPlace() throws {
        var special = (0..<0x20).map { String(Unicode.Scalar(UInt8($0))) } + ["\"", "/", "\\", "é", "😀", "\u{7F}", "!", "0", "]", "\u{2028}"]
        special.append("\u{A2}")  // UTF-8 C2 A2: a byte that is 0x22 plus 0x80
        var texts: [String] = []
        for c in special {
            for place in 0..<19 {
                texts.append(String(repeating: "a", count: place) + c + String(repeating: "b", count: 18 - place))
            }
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = special + ["a", "b", " ", "-", "kg"]
        for _ in 0..<2_000 {
            texts.append((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
        }
        var failures = 0
        for text in texts where Self.written(text) != (try Self.encoded(text)) {
            failures += 1
            if failures <= 5 { Issue.record("written differently: \(text.debugDescription)") }
        }
        #expect(failures == 0)
    }

    @Test func numbersAndTruthValues() throws {
        let numbers = [0, 1, -1, 9, 10, 99, 100, 12_345, -98_765, Int.max, Int.min]
        #expect(Self.written(numbers) == (try Self.encoded(numbers)))
        #expect(Self.written([true, false]) == (try Self.encoded([true, false])))
        #expect(Self.written([[Int]]()) == "[]")
        #expect(Self.written([[1], [], [2, 3]]) == (try Self.encoded([[1], [], [2, 3]])))
        let decimals = ["0", "12.50", "-0.0001", "33.333333333333", "1000000000000.000001"].map { ExactDecimal($0)! }
        #expect(Self.written(decimals) == (try Self.encoded(decimals)))
    }

    @Test func everyDutyFormIsWrittenAsEncoded() throws {
        var rates = try DutyExpressionCodingTests.samples.map { s in try #require(try DutyExpressionParser(dialect: s.dialect).parse(s.text)) }
        rates += [
            try #require(try DutyExpressionParser(dialect: .usHTS).parse("33 1/3%")),
            .annotated(.adValorem(Percentage(5), basis: .component("the case")), note: "see note 3/4"),
            .free(condition: "under bond, as prescribed in \"regulations\""),
            .free(condition: nil),
            .specific(SpecificRate(
                amount: Money(ExactDecimal("1.4")!, .gbp), unit: MeasurementUnit(.volume, factor: 100, qualifier: "drained weight", symbol: "hl"),
                perFact: RateFact(.alcoholStrength, multiplier: 2))),
        ]
        for rate in rates {
            #expect(Self.written(rate) == (try Self.encoded(rate)), "\(rate)")
        }
        #expect(rates.contains { if case .graduated = $0 { true } else { false } })
        #expect(rates.contains { if case .seasonal = $0 { true } else { false } })
        #expect(Set(rates.map(\.kind)) == Set(DutyExpression.Kind.allCases))
    }

    @Test func theCoreValues() throws {
        let day = try Day(iso: "2026-03-01")
        #expect(Self.written(Validity(start: day)) == (try Self.encoded(Validity(start: day))))
        #expect(Self.written(Validity(start: day, end: try Day(iso: "2027-01-01"))) == (try Self.encoded(Validity(start: day, end: try Day(iso: "2027-01-01")))))
        let quantity = Quantity(1_200, MeasurementUnit(.mass, factor: 100, qualifier: "lactic matter", symbol: "100 kg"))
        #expect(Self.written(quantity) == (try Self.encoded(quantity)))
        #expect(Self.written(MissingInput(.exchangeRate, "EUR→GBP")) == (try Self.encoded(MissingInput(.exchangeRate, "EUR→GBP"))))
        let line = TariffLine(
            code: try TariffCode("6109.10.00.12"), indent: 3, descriptionEnglish: "T-shirts / singlets", descriptionLocal: "Kaus \"oblong\"",
            units: ["doz.", "kg"], path: ["Of cotton:", "Men's or boys'"])
        #expect(Self.written(line) == (try Self.encoded(line)))
        var bare = line
        bare.descriptionLocal = nil
        bare.units = []
        #expect(Self.written(bare) == (try Self.encoded(bare)))
        let info = ScheduleInfo(
            series: "IDN-BTKI", importer: .indonesia, title: "BTKI 2022", nomenclature: "AHTN 2022", currency: .idr, validFrom: day,
            legalSource: "PMK 26/PMK.010/2022", sourceFile: "tariffs_mfn/idn.csv", contentHash: "ab12")
        #expect(Self.written(info) == (try Self.encoded(info)))
        #expect(Self.written(Money(ExactDecimal("450.5")!, .idr)) == (try Self.encoded(Money(ExactDecimal("450.5")!, .idr))))
    }
}
