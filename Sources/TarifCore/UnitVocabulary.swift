/// A measure of the goods a specific rate is multiplied by besides their quantity:
/// the rate is "per unit of quantity per unit of this fact".
///
/// `1.40 GBP / % vol / hl` charges 1.40 GBP per hectolitre per 1 % of alcoholic
/// strength; `0.30 GBP/100kg/net/%sacchar.` per 100 kg per 1 % of sucrose; a US
/// proof litre is a litre at 100 proof, i.e. litres × 2 × (% vol) / 100.
public struct RateFact: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Alcoholic strength by volume, in % vol.
        case alcoholStrength = "alcohol % vol"
        /// Sucrose content, in % by weight.
        case sucroseContent = "sucrose % by weight"
        /// Button size in lignes (US "line").
        case buttonLine = "button line size"
        /// Degrees of polarization (sugar), US graduated rates.
        case polarization = "polarization degrees"
    }

    public var kind: Kind
    /// The rate is multiplied by `value of the fact × multiplier`.
    public var multiplier: ExactDecimal
    /// Only the part of the fact above this counts (Australia's beer: the alcohol above
    /// 1.15 % vol); none below it. `nil`: the whole of it.
    public var above: ExactDecimal?

    public init(_ kind: Kind, multiplier: ExactDecimal = .one, above: ExactDecimal? = nil) {
        self.kind = kind
        self.multiplier = multiplier
        self.above = above
    }

    /// The factor the rate is multiplied by for a stated value of the fact.
    public func factor(for value: ExactDecimal) throws(TarifError) -> ExactDecimal {
        var counted = value
        if let above { counted = value > above ? try value - above : .zero }
        return try counted * multiplier
    }

    public var description: String {
        let base = multiplier == .one ? kind.rawValue : "\(kind.rawValue) × \(multiplier.normalized)"
        return above.map { "\(base), above \($0.normalized)" } ?? base
    }
}

/// The unit words of the three schedules and of users, mapped to ``MeasurementUnit``.
public enum UnitVocabulary {
    /// A unit as written after a specific rate's slash, with the fact it may be per.
    public struct Spec: Sendable, Hashable {
        public var unit: MeasurementUnit
        public var perFact: RateFact?
    }

    /// Parses a unit a user or a quantity column states (`kg`, `100 kg`, `hl`, `doz.`,
    /// `kg drained weight`).
    public static func parse(_ text: String) -> MeasurementUnit? {
        guard let spec = parseSpec(text), spec.perFact == nil else { return nil }
        return spec.unit
    }

    /// Parses a unit as published after a rate's slash: `100 kg / net dry`,
    /// `kg/lactic matter`, `% vol / hl`, `1,000 items`, `pf.liter`, `line/ gross`.
    public static func parseSpec(_ text: String) -> Spec? {
        var working = text.lowercased()
        for (from, to) in [("\u{00A0}", " "), ("p/st", "items"), (", ", " "), ("/", " / "), ("m²", "m2"), ("m³", "m3"), ("pf.", "pf "), ("%", " % ")] {
            working = working.replacingAll(from, with: to)
        }
        var words = working.split(whereSeparator: { $0 == " " || $0 == "/" }).map(String.init)
        guard !words.isEmpty else { return nil }

        // A leading multiplier: "100 kg", "1,000 items", "1000".
        var multiplier = ExactDecimal.one
        if let first = words.first, let n = NumberFormat.pointDecimal.parse(Substring(first)), !n.isZero {
            multiplier = n
            words.removeFirst()
        }

        var perFact: RateFact?
        var base: (Dimension, ExactDecimal, String)?
        var qualifiers: [String] = []
        var i = 0
        while i < words.count {
            let w = words[i]
            let next = i + 1 < words.count ? words[i + 1] : ""
            if w == "%", next == "vol" {
                perFact = RateFact(.alcoholStrength)
                i += 2
                continue
            }
            if w == "%", next.hasPrefix("sacchar") {
                perFact = RateFact(.sucroseContent)
                i += 2
                continue
            }
            if w == "line" {
                perFact = RateFact(.buttonLine)
                i += 1
                continue
            }
            if w == "pf" {  // proof litre: litres × 2 × % vol / 100
                perFact = RateFact(.alcoholStrength, multiplier: ExactDecimal(significand: 2, scale: 2))
                i += 1
                continue
            }
            if w == "doz", next == "pr" || next == "prs" || next == "pr." || next == "prs." {
                base = (.pairs, 12, "doz. pr.")
                i += 2
                continue
            }
            if base == nil, let b = baseUnits[w.trimmingCharacters(in: ".")] {
                base = b
                i += 1
                continue
            }
            if w.trimmingCharacters(in: ".") == "lin", next.hasPrefix("m") {
                base = (.length, 1, "lin. m")
                i += 2
                continue
            }
            qualifiers.append(w)
            i += 1
        }
        // "$6/1000", "/1,000 pins", "/jewel over 7", "/pack": a count of things.
        if base == nil, multiplier != .one || qualifiers.contains(where: { countNouns.contains($0) }) {
            base = (.count, 1, "items")
        }
        guard let (dimension, factor, symbol) = base else { return nil }
        guard let qualifier = canonicalQualifier(qualifiers, dimension: dimension) else { return nil }
        let shown = multiplier == .one ? symbol : "\(multiplier.normalized) \(symbol)"
        guard let scaled = try? factor * multiplier else { return nil }
        let unit = MeasurementUnit(
            dimension, factor: scaled, qualifier: qualifier.isEmpty ? nil : qualifier, symbol: shown)
        return Spec(unit: unit, perFact: perFact)
    }

    static let baseUnits: [String: (Dimension, ExactDecimal, String)] = [
        "kg": (.mass, 1, "kg"), "kgs": (.mass, 1, "kg"), "kilogram": (.mass, 1, "kg"), "kilograms": (.mass, 1, "kg"),
        "g": (.mass, ExactDecimal(significand: 1, scale: 3), "g"), "gram": (.mass, ExactDecimal(significand: 1, scale: 3), "g"),
        "t": (.mass, 1000, "t"), "tonne": (.mass, 1000, "t"), "tonnes": (.mass, 1000, "t"), "ton": (.mass, 1000, "t"),
        "carat": (.mass, ExactDecimal(significand: 2, scale: 4), "carat"),
        "l": (.volume, 1, "l"), "liter": (.volume, 1, "l"), "liters": (.volume, 1, "l"), "litre": (.volume, 1, "l"),
        "litres": (.volume, 1, "l"), "hl": (.volume, 100, "hl"), "m3": (.volume, 1000, "m3"),
        // US oil barrel: 42 US gallons of 3.785411784 l.
        "bbl": (.volume, ExactDecimal(significand: 158_987_294_928, scale: 9), "bbl"),
        "item": (.count, 1, "item"), "items": (.count, 1, "item"), "each": (.count, 1, "item"),
        "no": (.count, 1, "item"), "pcs": (.count, 1, "item"), "pc": (.count, 1, "item"), "piece": (.count, 1, "item"),
        "pieces": (.count, 1, "item"), "article": (.count, 1, "item"), "unit": (.count, 1, "item"),
        "units": (.count, 1, "item"), "head": (.count, 1, "head"), "doz": (.count, 12, "doz."),
        "dozen": (.count, 12, "doz."), "gross": (.count, 144, "gross"), "thousand": (.count, 1000, "thousand"),
        "pr": (.pairs, 1, "pr."), "prs": (.pairs, 1, "pr."), "pair": (.pairs, 1, "pr."),
        "pairs": (.pairs, 1, "pr."), "m": (.length, 1, "m"), "meter": (.length, 1, "m"), "metre": (.length, 1, "m"),
        "m2": (.area, 1, "m2"), "menit": (.time, 1, "min"), "minute": (.time, 1, "min"), "min": (.time, 1, "min"),
        "kwh": (.energy, 1, "kWh"),
    ]

    /// Things counted by number that are not the article itself: the count of them is its own quantity.
    static let countNouns: Set<String> = ["pins", "jewel", "jewels", "pack", "packs"]

    /// Tarif's words for the qualifiers the schedules print in many spellings.
    /// - Returns: `""` for the plain net quantity, `nil` for words it does not know.
    static func canonicalQualifier(_ words: [String], dimension: Dimension) -> String? {
        let cleaned = words.map { $0.trimmingCharacters(in: ".,;:()") }.filter {
            !["", "on", "of", "the", "net", "wt", "weight", "including", "and", "per", "in"].contains($0)
        }
        let phrase = cleaned.joined(separator: " ")
        if phrase.isEmpty { return "" }
        let table: [(String, String)] = [
            ("dry lactic matter", "dry lactic matter"), ("lactic matter", "lactic matter"),
            ("drained", "drained weight"), ("eda", "drained weight"), ("mas", "dry matter"), ("dry", "dry matter"),
            ("tot alc", "total alcohol"), ("total alcohol", "total alcohol"), ("std qual", "standard quality"),
            ("immediate containers", "immediate containers"), ("gross", "gross"), ("br", "gross"),
            ("container", "gross"), ("clean", "clean"),
            ("total sugars", "total sugars"), ("total soluble solids", "total soluble solids"), ("tss", "total soluble solids"), ("recording surface", "recording surface"), ("pins", "pins"),
            ("pack", "packs"),
        ]
        if phrase.hasPrefix("jewel") {  // "jewel", "jewel over 7": jewels, or those past the seventh
            let rest = cleaned.dropFirst().joined(separator: " ")
            return rest.isEmpty ? "jewels" : "jewels \(rest)"
        }
        for (key, canonical) in table where phrase.contains(key) { return canonical }
        if phrase.hasPrefix("ethyl alcohol") { return "" }  // "pf. liter on ethyl alcohol content" is the proof itself
        if phrase.hasSuffix("content") { return phrase }  // "lead content", "anhydrous morphine content"
        return nil
    }
}

extension String {
    /// Every occurrence of `target` replaced (Foundation-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    /// The range of the first occurrence of `target` (Foundation-free).
    func range(of target: String) -> Range<Index>? {
        let t = Array(target.utf8)
        let u = Array(utf8)
        guard t.count <= u.count else { return nil }
        var i = 0
        while i + t.count <= u.count {
            if u[i] == t[0], Array(u[i..<(i + t.count)]) == t {
                let lower = utf8.index(utf8.startIndex, offsetBy: i)
                let upper = utf8.index(lower, offsetBy: t.count)
                return lower..<upper
            }
            i += 1
        }
        return nil
    }
}
