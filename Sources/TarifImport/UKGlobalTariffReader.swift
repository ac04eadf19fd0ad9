import TarifCore

/// The UK Global Tariff as published by the Department for International Trade on
/// 2020-12-02 (`global-uk-tariff.csv`), with the EU Common External Tariff rate it
/// replaced on 2021-01-01: `commodity, description, cet_duty_rate, ukgt_duty_rate,
/// change, trade_remedy_applies, cet_applies_until_trade_remedy_transition_reviews_concluded,
/// suspension_applies, atq_applies`.
///
/// Two schedules come out of it: `ukgt` (the UK's MFN from 2021-01-01) and `cet`
/// (the EU CET as the UK applied it before). Commodity codes stored as numbers lost
/// their leading zero (`1012100` is `0101 21 00`); ``TariffCode`` restores it.
public struct UKGlobalTariffReader: PublicationReader {
    public static let format = "ukgt-csv"
    public static let scheduleRoles = ["ukgt", "cet"]
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let csv = try CSVReader(source: source)
        let names = [
            "commodity", "description", "cet_duty_rate", "ukgt_duty_rate", "change", "trade_remedy_applies",
            "cet_applies_until_trade_remedy_transition_reviews_concluded", "suspension_applies", "atq_applies",
        ]
        let c = try csv.columns(names)
        let parser = DutyExpressionParser(dialect: .ukGlobalTariff)
        while let r = try csv.next() {
            let f = r.fields
            let at = SourceLocation(file: source.displayName, line: r.line, field: "commodity")
            guard f[c[0]].allSatisfy(\.isNumber) else {
                throw TarifError(.badCode, "'\(f[c[0]])' is not a commodity code (digits only in this file)", at: at)
            }
            let code: TariffCode
            // The file stored the codes as numbers: chapters 01–09 lost their leading zero.
            do { code = try TariffCode(paddingLostZero: f[c[0]]) } catch let e as TarifError { throw e.located(at) }
            guard code.length == 8 || code.length == 10 else {
                throw TarifError(.badCode, "commodity \(f[c[0]]) is not an 8- or 10-digit code", at: at)
            }
            let line = TariffLine(code: code, indent: Int(code.length) / 2 - 3, descriptionEnglish: f[c[1]])
            for role in Self.scheduleRoles { try emit(.line(schedule: role, line)) }
            try emitRate(
                f[c[3]], code: code, kind: .mfn, schedule: "ukgt", parser: parser,
                at: SourceLocation(file: source.displayName, line: r.line, column: c[3] + 1, field: names[3]), emit: emit)
            try emitRate(
                f[c[2]], code: code, kind: .mfn, schedule: "cet", parser: parser,
                at: SourceLocation(file: source.displayName, line: r.line, column: c[2] + 1, field: names[2]), emit: emit)
            try emit(.note(schedule: "ukgt", LineNote(code: code, kind: "change", text: f[c[4]])))
            let flags: [(Int, String, String)] = [
                (c[5], "trade_remedy", "a UK trade remedy (anti-dumping, countervailing or safeguard) applies"),
                (c[6], "trade_remedy_transition", "the EU rate applies until the UK's transition review of the trade remedy concludes"),
                (c[7], "suspension", "a tariff suspension applies"),
                (c[8], "quota", "an autonomous tariff quota (ATQ) applies"),
            ]
            for (index, kind, text) in flags {
                switch f[index] {
                case "True": try emit(.note(schedule: "ukgt", LineNote(code: code, kind: kind, text: text)))
                case "False", "": break
                default:
                    throw TarifError(
                        .badFile, "'\(f[index])' is not True or False",
                        at: SourceLocation(file: source.displayName, line: r.line, column: index + 1, field: names[index - c[0]]))
                }
            }
        }
    }
}
