import Foundation
import Testing

@testable import TarifCore

struct TariffCodeTests {
    @Test(arguments: [
        ("10.06.30.99", "10063099"), ("1006.30.99", "10063099"), ("10063099", "10063099"), ("1006 30 99", "10063099"),
        ("1012100", "01012100"), ("0101.21.100", "010121100"), ("101210000", "101210000"), ("0101.21.00.10", "0101210010"), ("10", "10"), ("1006", "1006"),
    ])
    func publishedFormsNormalise(_ text: String, _ digits: String) throws {
        #expect(try TariffCode(text).digits == digits)
    }

    @Test(arguments: ["", "10.6", "1006..30", "10A6", "1006.", "1234567890123", "00", "1006.300", "1006-30-9"])
    func malformedCodesAreRejectedWithTheText(_ text: String) {
        #expect {
            try TariffCode(text)
        } throws: { ($0 as? TarifError)?.code == .badCode }
    }

    @Test func hierarchy() throws {
        let line = try TariffCode("1006.30.99")
        #expect(line.hs6 == (try TariffCode("100630")))
        #expect(line.chapter.digits == "10")
        #expect(try TariffCode("1006").contains(line))
        #expect(!(try TariffCode("1005").contains(line)))
        #expect(line.formatted == "1006.30.99")
    }

    /// The forms and the order are computed on the number; checked against the digit strings
    /// of codes of every length.
    @Test func formsAndOrderFollowTheDigits() throws {
        var generator = SystemRandomNumberGenerator()
        var codes: [TariffCode] = []
        for length in stride(from: 2, through: 12, by: 2) {
            for _ in 0..<200 {
                var digits = String(Int.random(in: 1...99, using: &generator)).leftPadded(2)
                while digits.count < length { digits += ["00", "10", "90", String(Int.random(in: 0...99, using: &generator)).leftPadded(2)].randomElement(using: &generator)! }
                let code = try TariffCode(digits)
                #expect(code.digits == digits)
                var dotted = String(digits.prefix(4))
                var rest = digits.dropFirst(4)
                while !rest.isEmpty {
                    dotted += "." + rest.prefix(2)
                    rest = rest.dropFirst(2)
                }
                #expect(code.formatted == dotted)
                #expect(try TariffCode(dotted) == code)
                codes.append(code)
            }
        }
        codes += try ["01", "0101", "010100", "0101000000", "010101", "99", "9999.99.99.99.99"].map { try TariffCode($0) }
        #expect(codes.sorted().map(\.digits) == codes.map(\.digits).sorted())
        for a in codes.prefix(300) {
            for b in codes.suffix(300) { #expect((a < b) == (a.digits < b.digits), "\(a) < \(b)") }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

struct ExactDecimalTests {
    @Test func parsesAndPrintsExactly() throws {
        #expect(ExactDecimal("12.50")?.description == "12.50")
        #expect(ExactDecimal("-0.05")?.description == "-0.05")
        #expect(ExactDecimal(".5") == ExactDecimal("0.5"))
        #expect(ExactDecimal("1e3") == nil)
        #expect(ExactDecimal("1,5") == nil)
        #expect(try ExactDecimal("0.1")! + ExactDecimal("0.2")! == ExactDecimal("0.3")!)
    }

    /// Values within 64 bits take a shorter path than the rest; both print and normalize alike.
    @Test func printsAndNormalizesBeyondSixtyFourBits() {
        let cases: [(String, String, String)] = [
            ("9223372036854775807", "9223372036854775807", "9223372036854775807"),  // Int64.max
            ("9223372036854775808", "9223372036854775808", "9223372036854775808"),  // one more
            ("-9223372036854775808", "-9223372036854775808", "-9223372036854775808"),  // Int64.min
            ("-9223372036854775809.10", "-9223372036854775809.10", "-9223372036854775809.1"),
            ("123456789012345678901234.5000", "123456789012345678901234.5000", "123456789012345678901234.5"),
            ("0.000", "0.000", "0"), ("-0.0500", "-0.0500", "-0.05"), ("100", "100", "100"), ("0.001", "0.001", "0.001"),
        ]
        for (text, printed, normalized) in cases {
            let value = ExactDecimal(text)
            #expect(value?.description == printed, "\(text)")
            #expect(value?.normalized.description == normalized, "\(text)")
            #expect(value?.normalized == value, "\(text)")
        }
    }

    /// Every significand and scale prints as text that reads back to the same significand and
    /// scale (digits written byte by byte for 64-bit values); and a number without grouping
    /// commas reads the same through a publication's point-decimal format.
    @Test func printedTextReadsBackExactly() {
        var generator = SystemRandomNumberGenerator()
        var values: [ExactDecimal] = []
        for scale in 0...ExactDecimal.maxScale {
            for s: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, 1_000_005, Int64.max, Int64.min + 1, Int64.min] {
                values.append(ExactDecimal(significand: Int128(s), scale: scale))
            }
        }
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...18, using: &generator)
            let magnitude = Int64.random(in: 0..<(Int64(pow(10, Double(digits)))), using: &generator)
            values.append(ExactDecimal(significand: Int128(Bool.random(using: &generator) ? -magnitude : magnitude), scale: Int.random(in: 0...ExactDecimal.maxScale, using: &generator)))
        }
        for v in values {
            let text = v.description
            let back = ExactDecimal(text)
            #expect(back?.significand == v.significand && back?.scale == v.scale, "\(v.significand) × 10^-\(v.scale) printed as \(text)")
            #expect(text.first != "." && !text.hasSuffix("."), "\(text)")
            #expect(NumberFormat.pointDecimal.parse(Substring(text)) == back, "\(text)")
        }
        #expect(ExactDecimal(significand: 5, scale: 3).description == "0.005")
        #expect(ExactDecimal(significand: -12345, scale: 2).description == "-123.45")
        #expect(NumberFormat.pointDecimal.parse("1,000.50") == ExactDecimal("1000.50"))
        #expect(NumberFormat.pointDecimal.parse("1,00") == nil)
        #expect(NumberFormat.pointDecimal.parse("12a") == nil)
    }

    @Test func arithmetic() throws {
        let a = ExactDecimal("93.10")!
        #expect(try a * ExactDecimal("2.5")! == ExactDecimal("232.75")!)
        #expect(try ExactDecimal(10).divided(by: 3, scale: 4) == ExactDecimal("3.3333")!)
        #expect(try ExactDecimal(2).divided(by: 3, scale: 2, rule: .halfUp) == ExactDecimal("0.67")!)
        #expect(try ExactDecimal(1).divided(by: .zero, scale: 2) == nil)
    }

    @Test(arguments: [
        ("2.5", RoundingRule.halfUp, "3"), ("2.5", .halfEven, "2"), ("3.5", .halfEven, "4"), ("-2.5", .halfUp, "-3"),
        ("2.49", .halfUp, "2"), ("2.01", .up, "3"), ("2.99", .down, "2"),
    ])
    func rounding(_ value: String, _ rule: RoundingRule, _ expected: String) throws {
        #expect(try ExactDecimal(value)!.rounded(scale: 0, rule: rule) == ExactDecimal(expected)!)
    }

    @Test(arguments: [("12,5", "12.5"), ("14.000", "14000"), ("21.450", "21450"), ("7.5", "7.5"), ("1.234.567,89", "1234567.89")])
    func indonesianNumbers(_ text: String, _ expected: String) {
        #expect(NumberFormat.commaDecimal.parse(Substring(text)) == ExactDecimal(expected)!)
    }

    @Test func groupedMoney() throws {
        #expect(Money(900_000_000, .idr).grouped == "900,000,000.00 IDR")
        #expect(Money(ExactDecimal("-1234.5")!, .usd).grouped == "-1,234.50 USD")
        #expect(Money(0, .usd).grouped == "0.00 USD")
        #expect(Money(999, .usd).grouped == "999.00 USD")
        #expect(Money(1_000, .usd).grouped == "1,000.00 USD")
        #expect(Money(ExactDecimal("-0.5")!, .usd).grouped == "-0.50 USD")
        #expect(Money(ExactDecimal("123456.4")!, try Currency("JPY")).grouped == "123,456 JPY")
        #expect(Money(ExactDecimal("1234567.0005")!, try Currency("KWD")).grouped == "1,234,567.001 KWD")
    }
}

struct DayTests {
    @Test func parsesRealDaysOnly() throws {
        #expect(try Day(iso: "2023-01-02") == Day(year: 2023, month: 1, day: 2))
        for bad in ["2023-02-29", "2023-13-01", "23-01-01", "2023/01/01", "2023-1-1", "yesterday"] {
            #expect(throws: TarifError.self) { try Day(iso: bad) }
        }
        #expect(try Day(iso: "2024-02-29").description == "2024-02-29")
    }

    /// Day(iso:) and description read and write the digits byte by byte: checked against the
    /// calendar day by day over four centuries (leap rules included), and on the forms they refuse.
    @Test func digitsReadAndWrittenAsTheCalendarSays() throws {
        var day = Day(year: 1900, month: 1, day: 1)!
        while day.year < 2301 {
            let text = day.description
            let expected = String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
            #expect(text == expected)
            #expect(try Day(iso: text) == day)
            day = day.adding(days: 1)
        }
        #expect(Day(year: 7, month: 3, day: 9)!.description == "0007-03-09")
        #expect(Day(year: 9999, month: 12, day: 31)!.description == "9999-12-31")
        for bad in ["0000-01-01", "1900-02-29", "2023-00-10", "2023-04-31", "2023-01-00", "2023-01-1a", "2023+01-01", "+123-01-01", "2023-01-01 ", "２０２３-01-01"] {
            #expect(throws: TarifError.self, "\(bad)") { try Day(iso: bad) }
        }
    }

    @Test func ordinalsRoundTrip() throws {
        for text in ["1970-01-01", "2000-02-29", "2022-04-01", "1995-01-01", "2100-12-31"] {
            let d = try Day(iso: text)
            #expect(Day(ordinal: d.ordinal) == d)
        }
        #expect(try Day(iso: "1970-01-02").ordinal == 1)
        #expect(try Day(iso: "2021-01-01").adding(days: -1) == (try Day(iso: "2020-12-31")))
    }

    @Test func validityIsClosedOpen() throws {
        let v = Validity(start: try Day(iso: "2020-01-01"), end: try Day(iso: "2021-01-01"))
        #expect(v.contains(try Day(iso: "2020-12-31")))
        #expect(!v.contains(try Day(iso: "2021-01-01")))
        #expect(!v.contains(try Day(iso: "2019-12-31")))
    }
}

struct QuantityTests {
    @Test(arguments: [("2000000kg", "2000000"), ("2,000,000 kg", "2000000"), ("2 t", "2000"), ("500 g", "0.500")])
    func massInKilograms(_ text: String, _ kg: String) throws {
        let q = try Quantity(parsing: text)
        #expect(q.unit.dimension == .mass)
        #expect(try q.baseValue() == ExactDecimal(kg)!)
    }

    @Test func qualifiedQuantities() throws {
        let q = try Quantity(parsing: "1200 kg drained weight")
        #expect(q.unit.basis == QuantityBasis(dimension: .mass, qualifier: "drained weight"))
        #expect(try Quantity(parsing: "5 hl").baseValue() == 500)
        #expect(try Quantity(parsing: "3 doz").baseValue() == 36)
    }

    @Test(arguments: ["kg", "12", "-5 kg", "12 parsecs", "1.2.3 kg"])
    func badQuantitiesAreRejected(_ text: String) {
        #expect { try Quantity(parsing: text) } throws: { ($0 as? TarifError)?.code == .badQuantity }
    }
}

struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var chunked = SHA256()
        for chunk in stride(from: 0, to: long.count, by: 7) { chunked.update(long[chunk..<min(chunk + 7, long.count)]) }
        #expect(chunked.finalizeHex() == SHA256.hex(of: long))
    }
}

struct CountryCodeTests {
    /// Three ASCII letters in any case are read byte by byte; anything else is refused with
    /// the same error as before.
    @Test func threeLettersInAnyCase() throws {
        #expect(try CountryCode("idn").rawValue == "IDN")
        #expect(try CountryCode("VnM").rawValue == "VNM")
        #expect(try CountryCode("USA"[...]).rawValue == "USA")
        for bad in ["", "ID", "INDO", "I1N", "I N", "ÍDN", "idn ", "ＩＤＮ"] {
            #expect(throws: TarifError.self, "\(bad)") { try CountryCode(bad) }
        }
    }
}
