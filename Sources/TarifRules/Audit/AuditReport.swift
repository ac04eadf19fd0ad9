public import TarifCore
public import TarifRegistry

/// Whether a difference favours or disfavours the origin against the MFN rate.
public enum DifferenceDirection: String, Sendable, Hashable, Codable {
    /// A lower duty than MFN (a preference).
    case advantage
    /// A higher duty than MFN (column 2, an additional duty).
    case disadvantage
    /// A different rate that cannot be ranked against MFN without the goods' value or quantity.
    case different
}

/// What gives the difference: a program code, a staged schedule, column 2, a chapter 99
/// heading, or a hypothetical grant.
public struct AuditMeasure: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case program, staged, column2 = "column-2", additionalDuty = "additional-duty", whatIf = "what-if"
    }
    public var kind: Kind
    /// The program code, the agreement id (staged), the heading, or the grant as written.
    public var name: String
    public var agreement: String?

    public init(kind: Kind, name: String, agreement: String? = nil) {
        self.kind = kind
        self.name = name
        self.agreement = agreement
    }

    public var description: String {
        switch kind {
        case .program: return agreement.map { "\(name) (\($0))" } ?? name
        case .staged: return "\(name) schedule"
        case .column2: return "column 2"
        case .additionalDuty: return "heading \(name)"
        case .whatIf: return "what if: \(name)"
        }
    }
}

/// The differences one measure makes on one line for the origins that share one verdict.
public struct AuditFinding: Sendable, Hashable, Codable {
    public var line: TariffCode
    public var description: String
    public var measure: AuditMeasure
    public var origins: [CountryCode]
    public var rateText: String
    public var mfnRateText: String
    public var direction: DifferenceDirection
    public var verdict: Verdict
}

/// Every (line, origin) difference one measure makes under one verdict, counted.
public struct AuditGroup: Sendable, Hashable, Codable {
    public var measure: AuditMeasure
    public var status: Verdict.Status
    public var exception: MFNException?
    public var instrument: String
    public var conditional: Bool
    public var direction: DifferenceDirection
    /// The reasons it is not covered (unjustified and undetermined).
    public var reasons: [String]
    /// The exceptions tried that do not cover it (unjustified and undetermined).
    public var exceptionsTried: [MFNException]
    public var origins: [CountryCode]
    public var lines: Int
    /// (line, origin) differences.
    public var differences: Int
}

/// A program code and the origins that receive it on the day, checked against the
/// exception its agreement relies on, whatever the lines: a wrong grant is reported here
/// even where, line by line, another preference gives the same origin as much.
public struct ProgramCheck: Sendable, Hashable, Codable {
    public var measure: AuditMeasure
    public var status: Verdict.Status
    public var exception: MFNException?
    public var instrument: String
    /// Why it is not covered (unjustified and undetermined), or the conditions that hold.
    public var reasons: [String]
    public var origins: [CountryCode]
    /// Lines on which the schedule prints a rate for the code.
    public var linesPrinted: Int
}

/// The answer to a "what if" grant: would it be covered, and by what.
public struct WhatIfAnswer: Sendable, Hashable, Codable {
    public var grant: HypotheticalGrant
    public var verdict: Verdict
    /// Every agreement that would cover it.
    public var coveredBy: [String]
    /// The lines of the schedule it touches, and on how many the rate differs from MFN.
    public var lines: Int
    public var linesDiffering: Int
    public var direction: DifferenceDirection?
    /// One sentence for people.
    public var answer: String
}

/// The result of an MFN audit of one importer's schedule on one day.
public struct AuditReport: Sendable, Codable {
    public var importer: CountryCode
    public var day: Day
    public var schedule: String
    public var legalSource: String
    public var importerIsMember: Bool
    /// Origins considered, and how many of them are WTO Members on the day.
    public var origins: Int
    public var members: Int
    /// Lines that carry an MFN rate.
    public var linesScanned: Int
    public var linesWithDifferences: Int
    /// Pairs of Members compared, summed over lines (n·(n−1)/2 per line).
    public var pairsCompared: Int
    /// Of those, pairs whose goods pay different duties on the line.
    public var pairsTreatedDifferently: Int
    /// (line, origin) differences from the MFN rate, by verdict.
    public var differences: [Verdict.Status: Int]
    /// Differences given under reciprocal agreements (conditional MFN) and without conditions.
    public var conditionalDifferences: Int
    public var unconditionalDifferences: Int
    public var groups: [AuditGroup]
    /// Each program code (and staged schedule) and who receives it, checked once for the day.
    public var programs: [ProgramCheck]
    /// Unjustified and undetermined differences, line by line.
    public var findings: [AuditFinding]
    /// Unjustified (line, origin) differences by chapter, and undetermined ones.
    public var unjustifiedByChapter: [String: Int]
    public var undeterminedByChapter: [String: Int]
    public var whatIf: [WhatIfAnswer]
    /// Program codes printed on lines that no origin receives on the day, with why.
    public var unused: [String]
    public var notes: [String]
    /// GATT 1994 Art. II:1(b): the applied MFN rates against the Member's bindings, where a
    /// bound schedule is loaded.
    public var bindings: BindingReport? = nil

    /// Unjustified differences counted by each exception that was tried and failed (the
    /// article breached is always Art. I:1; a difference with two failed exceptions counts under both).
    public var unjustifiedByException: [String: Int] {
        var out: [String: Int] = [:]
        for g in groups where g.status == .unjustified {
            if g.exceptionsTried.isEmpty { out["no exception invoked", default: 0] += g.differences }
            for e in Set(g.exceptionsTried) { out[e.shortName, default: 0] += g.differences }
        }
        return out
    }

    /// Differences by measure and verdict.
    public var byMeasure: [(measure: String, status: Verdict.Status, differences: Int)] {
        var out: [String: [Verdict.Status: Int]] = [:]
        for g in groups { out[g.measure.description, default: [:]][g.status, default: 0] += g.differences }
        return out.sorted { $0.key < $1.key }.flatMap { m, v in v.sorted { $0.key < $1.key }.map { (m, $0.key, $0.value) } }
    }
}

/// A grant the user asks about: "would giving goods of VNM 0% on 1006.30 be covered?"
public struct HypotheticalGrant: Sendable, Hashable, Codable, CustomStringConvertible {
    public var origin: CountryCode
    public var code: TariffCode
    public var rateText: String
    public var rate: DutyExpression
    /// The agreement the grant invokes, when the user names one.
    public var agreement: String?

    public init(origin: CountryCode, code: TariffCode, rateText: String, rate: DutyExpression, agreement: String? = nil) {
        self.origin = origin
        self.code = code
        self.rateText = rateText
        self.rate = rate
        self.agreement = agreement
    }

    public var description: String { "\(origin):\(code.formatted):\(rateText)\(agreement.map { ":\($0)" } ?? "")" }

    /// Parses `ORIGIN:CODE:RATE[:AGREEMENT]`: `VNM:1006.30:0`, `USA:1006:5%`, `KOR:8703.23:Free:KORUS`.
    /// A bare number is a percentage.
    /// - Throws: ``TarifError`` naming the part that is wrong.
    public static func parse(_ text: String, currency: Currency) throws -> HypotheticalGrant {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimming(" ") }
        guard parts.count == 3 || parts.count == 4, parts.allSatisfy({ !$0.isEmpty }) else {
            throw TarifError(.badInput, "--grant '\(InputLimits.echo(text))': expected ORIGIN:CODE:RATE or ORIGIN:CODE:RATE:AGREEMENT, like VNM:1006.30:0")
        }
        let origin: CountryCode
        do { origin = try CountryCode(parts[0].uppercased()) } catch {
            throw TarifError(.badCountry, "--grant '\(InputLimits.echo(text))': '\(parts[0])' is not an alpha-3 country code")
        }
        let code: TariffCode
        do { code = try TariffCode(parts[1]) } catch {
            throw TarifError(.badCode, "--grant '\(InputLimits.echo(text))': '\(parts[1])' is not a tariff code")
        }
        var rateText = parts[2]
        if ExactDecimal(rateText) != nil { rateText += "%" }  // a bare number is a percentage
        let parser = DutyExpressionParser(dialect: RateDialect(numberFormat: .pointDecimal, defaultCurrency: currency))
        guard let rate = try? parser.parse(rateText) else {
            throw TarifError(.badRate, "--grant '\(InputLimits.echo(text))': '\(parts[2])' is not a rate (write 0, 5%, Free or a specific rate like 2.5¢/kg)")
        }
        return HypotheticalGrant(origin: origin, code: code, rateText: rateText, rate: rate, agreement: parts.count == 4 ? parts[3] : nil)
    }
}
