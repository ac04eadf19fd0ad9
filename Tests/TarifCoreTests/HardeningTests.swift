import Testing

@testable import TarifCore

/// Exact arithmetic never traps: every step that leaves 128 bits reports `.overflow`; inputs
/// are bounded where they are read, with the field and the limit in the message.
struct OverflowTests {
    static let huge = ExactDecimal(significand: Int128.max / 3)
    static let hugeNegative = -huge

    func overflows(_ body: () throws -> Any) -> Bool {
        do { _ = try body() } catch let e as TarifError { return e.code == .overflow } catch { return false }
        return false
    }

    @Test func everyOperationReportsOverflow() {
        #expect(overflows { try Self.huge + Self.huge + Self.huge + Self.huge })
        #expect(overflows { try Self.hugeNegative - Self.huge - Self.huge - Self.huge })
        #expect(overflows { try Self.huge * Self.huge })
        #expect(overflows { try Self.huge * ExactDecimal(10) })
        #expect(overflows { try Self.huge.divided(by: ExactDecimal(significand: 1, scale: 3), scale: 0) })
        #expect(overflows { try Self.huge.rounded(scale: 10) })
        #expect(overflows { try Self.huge + ExactDecimal(significand: 1, scale: 20) })  // the alignment overflows
    }

    @Test func resultsThatFitAreExact() throws {
        // A product whose exact significands overflow but whose value fits (trailing zeros).
        let a = ExactDecimal(significand: 10_000_000_000_000_000_000_000, scale: 20)  // 100.00…
        let b = ExactDecimal(significand: 50_000_000_000_000_000_000, scale: 20)  // 0.5
        #expect(try a * b == ExactDecimal(50))
        #expect(try ExactDecimal(7).divided(by: Self.huge, scale: 2) == .zero)
        #expect(try ExactDecimal(7).divided(by: Self.huge, scale: 2, rule: .up) == ExactDecimal(significand: 1, scale: 2))
    }

    @Test func comparisonNeverOverflows() {
        let wide = ExactDecimal(significand: 1, scale: 24)
        #expect(Self.huge > wide)
        #expect(Self.hugeNegative < wide)
        #expect(!(Self.huge == wide))
        #expect(ExactDecimal(significand: 15, scale: 1) == ExactDecimal(significand: 1_500, scale: 3))
        #expect(Set([ExactDecimal(significand: 15, scale: 1), ExactDecimal(significand: 1_500, scale: 3)]).count == 1)
    }

    /// Rates of every form on the largest inputs the limits allow evaluate without overflow.
    @Test(arguments: [
        ("6.8¢/kg + 5%", RateDialect.usHTS), ("33 1/3%", .usHTS), ("$2.25 each + 15¢/jewel over 7 + 60% on the case", .usHTS),
        ("450,-/kg", .btki), ("12.00% MIN 0.40 EUR / 100 kg", .ukGlobalTariff), ("1.40 GBP / % vol / hl", .ukGlobalTariff),
    ])
    func theLargestBoundedInputsNeverOverflow(_ text: String, _ dialect: RateDialect) throws {
        let rate = try #require(try DutyExpressionParser(dialect: dialect).parse(text))
        let currency: Currency = dialect == .btki ? .idr : (dialect == .usHTS ? .usd : .gbp)
        let context = DutyContext(
            currency: currency, customsValue: Money(InputLimits.maxAmount, currency),
            quantities: ["kg", "l", "item"].map { Quantity(InputLimits.maxQuantity, UnitVocabulary.parse($0)!) },
            componentValues: ["case": Money(InputLimits.maxAmount, currency)], facts: [.alcoholStrength: InputLimits.maxFact],
            exchangeRates: [.eur: InputLimits.maxExchangeRate, .usd: InputLimits.maxExchangeRate])
        #expect(throws: Never.self) { try rate.evaluate(in: context) }
    }
}

struct InputLimitTests {
    func error(_ body: () throws -> Any) -> TarifError? {
        do { _ = try body() } catch let e as TarifError { return e } catch { return nil }
        return nil
    }

    @Test(arguments: [
        ("10000000000000000000000000000000000", InputLimits.NumberKind.amount, "beyond the limit of 10^18"),
        ("1000000000000000001", .amount, "beyond the limit of 10^18"),
        ("-5", .amount, "negative"),
        ("1.1234567", .amount, "more than 6 decimal places"),
        ("1e5", .amount, "not a number"),
        ("10000000000000001", .quantity, "beyond the limit of 10^15"),
        ("2000000", .fact, "beyond the limit of 10^6"),
        ("0", .exchangeRate, "more than zero"),
        ("99999999999999999999999999999999999999999", .amount, "not a number"),
    ])
    func numbersAreBoundedWithFieldAndLimit(_ text: String, _ kind: InputLimits.NumberKind, _ says: String) {
        let e = error { try InputLimits.number(text, field: "--value", kind: kind) }
        #expect(e?.message.contains(says) == true, "\(text): \(e?.message ?? "accepted")")
        #expect(e?.message.hasPrefix("--value") == true)
    }

    @Test func numbersWithinTheLimitsAreRead() throws {
        #expect(try InputLimits.number("1,000,000.50", field: "v", kind: .amount) == ExactDecimal(significand: 100_000_050, scale: 2))
        #expect(try InputLimits.number("1_000_000", field: "v", kind: .amount) == ExactDecimal(1_000_000))
        #expect(try InputLimits.number("1000000000000000000", field: "v", kind: .amount) == InputLimits.maxAmount)
    }

    @Test func quantitiesAreBounded() {
        #expect(error { try Quantity(parsing: "10000000000000000000000000kg") }?.code == .tooLarge)
        #expect(error { try Quantity(parsing: String(repeating: "9", count: 5_000) + "kg") }?.code == .tooLarge)
    }

    @Test func echoedTextIsShort() {
        let long = String(repeating: "x", count: 100_000)
        let echoed = InputLimits.echo(long)
        #expect(echoed.utf8.count < 100)
        #expect(echoed.hasSuffix("(100000 bytes)"))
        #expect(InputLimits.echo("IDN") == "IDN")
        #expect(error { try CountryCode(long) }.map { $0.message.utf8.count < 200 } == true)
    }
}

struct JSONNestingTests {
    @Test(arguments: [1_000, 50_000, 200_000])
    func deepNestingIsRefusedWithItsPosition(_ depth: Int) {
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect {
            try JSONNesting.check(Array(text.utf8), place: "body")
        } throws: { error in
            let e = error as? TarifError
            return e?.code == .tooLarge && e?.location?.column == InputLimits.maxJSONDepth + 1
        }
    }

    @Test func bracketsInStringsAndShallowDocumentsPass() throws {
        try JSONNesting.check(Array(#"{"a": "[[[[[[[[[[\"{{{{", "b": [[1], {"c": []}]}"#.utf8), limit: 4, place: "body")
        try JSONNesting.check(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8), place: "body")
    }
}
