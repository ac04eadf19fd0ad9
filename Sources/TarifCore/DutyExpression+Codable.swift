/// A duty expression in JSON, as the store keeps it and the API answers it: an object whose
/// `kind` names the form, with that form's fields beside it.
///
///     {"kind": "adValorem", "percent": "16.5", "basis": "customsValue"}
///     {"kind": "specific", "amount": {"amount": "450", "currency": "IDR"}, "unit": {…}}
///     {"kind": "sum", "terms": [{…}, {…}]}
///     {"kind": "atLeast", "rate": {…}, "floor": {…}}      (and atMost with "cap")
///     {"kind": "seasonal", "seasons": [{"rate": {…}, "periods": [{…}]}]}
///     {"kind": "alternatives", "options": [{…}]}
///     {"kind": "reference", "reference": "entryPrice", "text": "…"}
///     {"kind": "annotated", "rate": {…}, "note": "…"}
///     {"kind": "graduated", "base": {…}, "step": {…}, "fact": "…", "threshold": "…", "floor": {…}}
///     {"kind": "free"}                                      (with "condition" when it has one)
///
/// A percentage that does not terminate (`33 1/3%`) has its exact `fraction` beside the
/// rounded `percent`. Databases built before this form (Swift's enum encoding, with `_0`
/// keys) still decode.
extension DutyExpression {
    public enum Kind: String, Sendable, CaseIterable {
        case free, adValorem, specific, sum, atLeast, atMost, graduated, seasonal, alternatives, reference, annotated

        /// Every form's name, for messages.
        static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    /// The form's name, as the JSON's `kind`.
    public var kind: Kind {
        switch self {
        case .free: .free
        case .adValorem: .adValorem
        case .specific: .specific
        case .sum: .sum
        case .atLeast: .atLeast
        case .atMost: .atMost
        case .graduated: .graduated
        case .seasonal: .seasonal
        case .alternatives: .alternatives
        case .reference: .reference
        case .annotated: .annotated
        }
    }

    private enum Field: String, CodingKey {
        case kind, condition, percent, fraction, basis, component, terms, rate, floor, cap, seasons, options, reference, text, note
        // the earlier form's positional values
        case first = "_0"
    }

    private struct Fraction: Codable {
        var numerator: ExactDecimal
        var denominator: Int
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Field.self)
        try c.encode(kind.rawValue, forKey: .kind)
        switch self {
        case .free(let condition):
            try c.encodeIfPresent(condition, forKey: .condition)
        case .adValorem(let p, let basis):
            try c.encode(p.value, forKey: .percent)
            if p.denominator != 1 { try c.encode(Fraction(numerator: p.numerator, denominator: p.denominator), forKey: .fraction) }
            switch basis {
            case .customsValue: try c.encode("customsValue", forKey: .basis)
            case .component(let name):
                try c.encode("component", forKey: .basis)
                try c.encode(name, forKey: .component)
            }
        case .specific(let rate):
            try rate.encode(to: encoder)
        case .sum(let terms):
            try c.encode(terms, forKey: .terms)
        case .atLeast(let rate, let floor):
            try c.encode(rate, forKey: .rate)
            try c.encode(floor, forKey: .floor)
        case .atMost(let rate, let cap):
            try c.encode(rate, forKey: .rate)
            try c.encode(cap, forKey: .cap)
        case .graduated(let rate):
            try rate.encode(to: encoder)
        case .seasonal(let seasons):
            try c.encode(seasons, forKey: .seasons)
        case .alternatives(let options):
            try c.encode(options, forKey: .options)
        case .reference(let reference):
            try c.encode(reference.kind, forKey: .reference)
            try c.encode(reference.text, forKey: .text)
        case .annotated(let rate, let note):
            try c.encode(rate, forKey: .rate)
            try c.encode(note, forKey: .note)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Field.self)
        guard c.contains(.kind) else {
            self = try Self.earlierForm(decoder)
            return
        }
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "unknown duty form \"\(name)\" (one of \(Kind.names))")
        }
        switch kind {
        case .free:
            self = .free(condition: try c.decodeIfPresent(String.self, forKey: .condition))
        case .adValorem:
            let percentage: Percentage
            if let fraction = try c.decodeIfPresent(Fraction.self, forKey: .fraction) {
                guard fraction.denominator > 0 else {
                    throw DecodingError.dataCorruptedError(forKey: .fraction, in: c, debugDescription: "a fraction's denominator must be positive")
                }
                percentage = Percentage(fraction.numerator, denominator: fraction.denominator)
            } else {
                percentage = Percentage(try c.decode(ExactDecimal.self, forKey: .percent))
            }
            let basis: ValueBasis
            switch try c.decode(String.self, forKey: .basis) {
            case "customsValue": basis = .customsValue
            case "component": basis = .component(try c.decode(String.self, forKey: .component))
            case let other:
                throw DecodingError.dataCorruptedError(
                    forKey: .basis, in: c, debugDescription: "unknown value basis \"\(other)\" (customsValue or component)")
            }
            self = .adValorem(percentage, basis: basis)
        case .specific: self = .specific(try SpecificRate(from: decoder))
        case .sum: self = .sum(try c.decode([DutyExpression].self, forKey: .terms))
        case .atLeast: self = .atLeast(try c.decode(DutyExpression.self, forKey: .rate), floor: try c.decode(DutyExpression.self, forKey: .floor))
        case .atMost: self = .atMost(try c.decode(DutyExpression.self, forKey: .rate), cap: try c.decode(DutyExpression.self, forKey: .cap))
        case .graduated: self = .graduated(try GraduatedRate(from: decoder))
        case .seasonal: self = .seasonal(try c.decode([SeasonalRate].self, forKey: .seasons))
        case .alternatives: self = .alternatives(try c.decode([DutyExpression].self, forKey: .options))
        case .reference:
            self = .reference(DutyReference(try c.decode(DutyReference.Kind.self, forKey: .reference), text: try c.decode(String.self, forKey: .text)))
        case .annotated: self = .annotated(try c.decode(DutyExpression.self, forKey: .rate), note: try c.decode(String.self, forKey: .note))
        }
    }

    /// The form Swift's synthesized enum coding wrote (`{"adValorem": {"_0": …, "basis": …}}`).
    private static func earlierForm(_ decoder: any Decoder) throws -> DutyExpression {
        let outer = try decoder.container(keyedBy: AnyKey.self)
        guard outer.allKeys.count == 1, let key = outer.allKeys.first, let kind = Kind(rawValue: key.stringValue) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "a duty expression needs a \"kind\" (one of \(Kind.names))"))
        }
        let c = try outer.nestedContainer(keyedBy: Field.self, forKey: key)
        switch kind {
        case .free: return .free(condition: try c.decodeIfPresent(String.self, forKey: .condition))
        case .adValorem: return .adValorem(try c.decode(Percentage.self, forKey: .first), basis: try c.decode(ValueBasis.self, forKey: .basis))
        case .specific: return .specific(try c.decode(SpecificRate.self, forKey: .first))
        case .sum: return .sum(try c.decode([DutyExpression].self, forKey: .first))
        case .atLeast: return .atLeast(try c.decode(DutyExpression.self, forKey: .first), floor: try c.decode(DutyExpression.self, forKey: .floor))
        case .atMost: return .atMost(try c.decode(DutyExpression.self, forKey: .first), cap: try c.decode(DutyExpression.self, forKey: .cap))
        case .graduated: return .graduated(try c.decode(GraduatedRate.self, forKey: .first))
        case .seasonal: return .seasonal(try c.decode([SeasonalRate].self, forKey: .first))
        case .alternatives: return .alternatives(try c.decode([DutyExpression].self, forKey: .first))
        case .reference: return .reference(try c.decode(DutyReference.self, forKey: .first))
        case .annotated: return .annotated(try c.decode(DutyExpression.self, forKey: .first), note: try c.decode(String.self, forKey: .note))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
