import Foundation
import Testing

@testable import TarifCore

/// Duty expressions in JSON: the `kind` form written and read back, and the earlier form
/// (Swift's enum coding, which databases built before it hold) still read.
struct DutyExpressionCodingTests {
    struct Sample: CustomTestStringConvertible, Sendable {
        var dialect: RateDialect
        var text: String
        /// As a database built with the earlier form holds it (copied from one).
        var earlier: String
        var testDescription: String { text }
    }

    static let samples: [Sample] = [
        Sample(dialect: .btki, text: "0", earlier: #"{"adValorem":{"_0":{"denominator":1,"numerator":"0"},"basis":{"customsValue":{}}}}"#),
        Sample(dialect: .btki, text: "11*)", earlier: #"{"annotated":{"note":"*)","_0":{"adValorem":{"_0":{"numerator":"11","denominator":1},"basis":{"customsValue":{}}}}}}"#),
        Sample(dialect: .btki, text: "450,-/kg", earlier: #"{"specific":{"_0":{"amount":{"currency":"IDR","amount":"450"},"unit":{"symbol":"kg","dimension":"mass","factor":"1"}}}}"#),
        Sample(dialect: .btki, text: "*)", earlier: #"{"reference":{"_0":{"text":"*)","kind":"footnote"}}}"#),
        Sample(
            dialect: .btki, text: "15*); 20*)",
            earlier: #"{"alternatives":{"_0":[{"annotated":{"_0":{"adValorem":{"_0":{"denominator":1,"numerator":"15"},"basis":{"customsValue":{}}}},"note":"*)"}},{"annotated":{"_0":{"adValorem":{"basis":{"customsValue":{}},"_0":{"denominator":1,"numerator":"20"}}},"note":"*)"}}]}}"#),
        Sample(
            dialect: .ukGlobalTariff, text: "10.00% + 77.00 GBP/100kg",
            earlier: #"{"sum":{"_0":[{"adValorem":{"_0":{"numerator":"10","denominator":1},"basis":{"customsValue":{}}}},{"specific":{"_0":{"unit":{"factor":"100","symbol":"100 kg","dimension":"mass"},"amount":{"currency":"GBP","amount":"77"}}}}]}}"#),
        Sample(
            dialect: .ukGlobalTariff, text: "14.00% (01 JUL - 31 JAN), 0.00% (01 FEB - 30 JUN)",
            earlier: #"{"seasonal":{"_0":[{"periods":[{"fromMonth":7,"toDay":31,"fromDay":1,"toMonth":1}],"rate":{"adValorem":{"basis":{"customsValue":{}},"_0":{"denominator":1,"numerator":"14"}}}},{"periods":[{"fromMonth":2,"fromDay":1,"toDay":30,"toMonth":6}],"rate":{"adValorem":{"_0":{"numerator":"0","denominator":1},"basis":{"customsValue":{}}}}}]}}"#),
        Sample(
            dialect: .ukGlobalTariff, text: "12.00% MIN 0.40 EUR / 100 kg",
            earlier: #"{"atLeast":{"floor":{"specific":{"_0":{"unit":{"symbol":"100 kg","dimension":"mass","factor":"100"},"amount":{"currency":"EUR","amount":"0.4"}}}},"_0":{"adValorem":{"basis":{"customsValue":{}},"_0":{"numerator":"12","denominator":1}}}}}"#),
        Sample(
            dialect: .ukGlobalTariff, text: "6.20% + 27.10 EUR / 100 kg MAX 17.90%",
            earlier: #"{"atMost":{"cap":{"adValorem":{"_0":{"denominator":1,"numerator":"17.9"},"basis":{"customsValue":{}}}},"_0":{"sum":{"_0":[{"adValorem":{"_0":{"numerator":"6.2","denominator":1},"basis":{"customsValue":{}}}},{"specific":{"_0":{"unit":{"factor":"100","dimension":"mass","symbol":"100 kg"},"amount":{"currency":"EUR","amount":"27.1"}}}}]}}}}"#),
        Sample(
            dialect: .ukGlobalTariff, text: "9.00% +  EA",
            earlier: #"{"sum":{"_0":[{"adValorem":{"_0":{"numerator":"9","denominator":1},"basis":{"customsValue":{}}}},{"reference":{"_0":{"kind":"agriculturalComponent","text":"EA"}}}]}}"#),
        Sample(
            dialect: .ukGlobalTariff, text: "0.30 GBP/100kg/net/%sacchar.",
            earlier: #"{"specific":{"_0":{"amount":{"amount":"0.3","currency":"GBP"},"perFact":{"kind":"sucrose % by weight","multiplier":"1"},"unit":{"symbol":"100 kg","dimension":"mass","factor":"100"}}}}"#),
        Sample(dialect: .usHTS, text: "Free", earlier: #"{"free":{}}"#),
        Sample(
            dialect: .usHTS,
            text: "3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less than 3.143854¢/kg",
            earlier: #"{"graduated":{"_0":{"floor":{"amount":{"currency":"USD","amount":"0.03143854"},"unit":{"dimension":"mass","symbol":"kg","factor":"1"}},"base":{"amount":{"currency":"USD","amount":"0.036606"},"unit":{"symbol":"kg","dimension":"mass","factor":"1"}},"step":{"amount":{"currency":"USD","amount":"0.00020668"},"unit":{"dimension":"mass","factor":"1","symbol":"kg"}},"fact":"polarization degrees","threshold":"100"}}}"#),
    ]

    static func json(_ e: DutyExpression) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(e), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> DutyExpression {
        try JSONDecoder().decode(DutyExpression.self, from: Data(json.utf8))
    }

    @Test(arguments: samples)
    func theKindFormRoundTripsAndTheEarlierFormIsRead(_ s: Sample) throws {
        let parsed = try #require(try DutyExpressionParser(dialect: s.dialect).parse(s.text))
        #expect(try Self.decode(s.earlier) == parsed)
        let json = try Self.json(parsed)
        #expect(json.hasPrefix("{") && json.contains("\"kind\":\"\(parsed.kind.rawValue)\"") && !json.contains("_0"), "\(json)")
        #expect(try Self.decode(json) == parsed)
    }

    @Test func theFormsReadAsDocumented() throws {
        #expect(try Self.json(.adValorem(Percentage(ExactDecimal("16.5")!), basis: .customsValue)) == #"{"basis":"customsValue","kind":"adValorem","percent":"16.5"}"#)
        let third = try #require(try DutyExpressionParser(dialect: .usHTS).parse("33 1/3%"))
        let thirdJSON = try Self.json(third)
        #expect(thirdJSON.contains(#""fraction":{"denominator":3,"#) && thirdJSON.contains(#""percent":"33.333333333333""#), "\(thirdJSON)")
        #expect(try Self.decode(thirdJSON) == third)
        let component = DutyExpression.annotated(.adValorem(Percentage(5), basis: .component("the case")), note: "see note 3")
        #expect(try Self.json(component) == #"{"kind":"annotated","note":"see note 3","rate":{"basis":"component","component":"the case","kind":"adValorem","percent":"5"}}"#)
        #expect(try Self.decode(Self.json(component)) == component)
        #expect(try Self.json(.free(condition: "under bond")) == #"{"condition":"under bond","kind":"free"}"#)
    }

    @Test(arguments: [
        (#"{"kind":"percent","percent":"5"}"#, "unknown duty form \"percent\""),
        (#"{"kind":"adValorem","percent":"5","basis":"retail"}"#, "unknown value basis \"retail\""),
        (#"{"percent":"5"}"#, "needs a \"kind\""),
        (#"{"kind":"adValorem","percent":"5","fraction":{"numerator":"1","denominator":0},"basis":"customsValue"}"#, "denominator must be positive"),
    ])
    func badFormsSayWhatIsWrong(_ json: String, _ expected: String) {
        #expect {
            _ = try Self.decode(json)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
