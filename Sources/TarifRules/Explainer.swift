import TarifCore

/// Plain-language explanations of a resolution, in English and Indonesian.
public enum Explainer {
    public static func explain(_ r: DutyResolution) -> DutyResolution.Explanation {
        // Treatments are read where they are, by index (each is a large value to copy).
        let t = r.treatments
        let a = t[r.applied[0]]
        let rate = a.rate?.summary ?? "—"
        let desc = r.line.descriptionEnglish
        let descID = r.line.descriptionLocal ?? r.line.descriptionEnglish
        let origin = r.origin?.rawValue
        // Values used in both languages, written once.
        let day = r.day.description
        let code = r.code.formatted
        let importer = r.importer.rawValue
        var en = Sentences()
        var id = Sentences()
        let dutyEN: String
        let dutyID: String
        if let money = a.duty {
            dutyEN = "The duty payable is \(money.grouped)."
            dutyID = "Bea masuk yang terutang adalah \(money.groupedIndonesian)."
        } else {
            dutyEN = "The duty cannot be computed without \(a.missing.map(\.description).joined(separator: ", "))."
            dutyID = "Bea masuk belum dapat dihitung tanpa \(a.missing.map(\.indonesian).joined(separator: ", "))."
        }

        switch a.kind {
        case .mfn:
            en.append(
                "On \(day), \(importer) applies its most-favoured-nation (MFN) rate of \(rate) to line \(code) (\"\(desc)\"), as set by \(r.schedule.legalSource).")
            id.append(
                "Pada \(day), \(importer) mengenakan tarif MFN (most-favoured-nation) sebesar \(rate) atas pos \(code) (\"\(descID)\"), sebagaimana ditetapkan oleh \(r.schedule.legalSource).")
            if let origin, a.legalBasis == .mfn(schedule: r.schedule) {
                en.append("Under GATT 1994 Article I:1 this rate is owed to goods of \(origin), as to those of every WTO Member, unless a preference or another exception applies.")
                id.append("Berdasarkan Pasal I:1 GATT 1994, tarif ini wajib diberikan kepada barang asal \(origin), sama seperti kepada semua anggota WTO, kecuali berlaku preferensi atau pengecualian lain.")
            } else if let origin {
                en.append("\(origin) is not a WTO Member on that day; \(importer) extends the MFN rate to it under its own law.")
                id.append("\(origin) bukan anggota WTO pada tanggal tersebut; \(importer) tetap memberikan tarif MFN berdasarkan hukum nasionalnya.")
            } else {
                en.append("Under GATT 1994 Article I:1 this rate is owed to goods of every WTO Member alike. No origin was stated, so no preference was considered.")
                id.append("Berdasarkan Pasal I:1 GATT 1994, tarif ini berlaku sama bagi barang dari semua anggota WTO. Negara asal tidak disebutkan, sehingga preferensi tidak diperiksa.")
            }
            let excluded = t.indices.filter { t[$0].kind == .preferential && !t[$0].isAvailable }
            if let origin, !excluded.isEmpty {
                let noRate = excluded.filter { t[$0].rate == nil }.map { t[$0].label }
                let other = excluded.filter { t[$0].rate != nil }.prefix(3).map { "\(t[$0].label): \(t[$0].excludedBecause ?? "")" }
                var list = other
                var listID = other
                if !noRate.isEmpty {
                    list.append("\(noRate.joined(separator: ", ")) in force, but no preferential rate for this line is loaded")
                    listID.append("\(noRate.joined(separator: ", ")) berlaku, tetapi tarif preferensi untuk pos ini belum dimuat")
                }
                en.append("Goods of \(origin) get no lower preferential rate here — \(list.joined(separator: "; ")).")
                id.append("Barang asal \(origin) tidak mendapat tarif preferensi yang lebih rendah di sini — \(listID.joined(separator: "; ")).")
            } else if let origin, !r.treatments.contains(where: { $0.kind == .preferential }) {
                en.append("\(importer) grants goods of \(origin) no preference that covers this line on that day.")
                id.append("\(importer) tidak memberikan preferensi atas pos ini untuk barang asal \(origin) pada tanggal tersebut.")
            }
        case .nonMFN:
            en.append(
                "\(importer) has withdrawn MFN treatment from goods of \(origin ?? "this origin") (\(a.legalBasis.instrument)). They pay the column 2 rate of \(rate) on line \(code) (\"\(desc)\"). Justification: \(a.legalBasis.article).")
            id.append(
                "\(importer) telah mencabut perlakuan MFN bagi barang asal \(origin ?? "ini") (\(a.legalBasis.instrument)). Barang tersebut dikenai tarif kolom 2 sebesar \(rate) atas pos \(code) (\"\(descID)\"). Dasar pembenaran: \(a.legalBasis.article).")
        case .preferential:
            let labels = r.applied.map { t[$0].label }
            let names = labels.joined(separator: " and ")
            let namesID = labels.joined(separator: " dan ")
            let floorLabel = r.fallback.map { t[$0].label } ?? "MFN"
            let floorRate = r.fallback.flatMap { t[$0].rate?.summary } ?? "—"
            en.append(
                "On \(day), goods of \(origin ?? "?") entering \(importer) under line \(code) (\"\(desc)\") qualify for \(names) at \(rate) instead of the \(floorLabel) rate of \(floorRate), under \(a.legalBasis.article) (\(a.legalBasis.instrument)).")
            id.append(
                "Pada \(day), barang asal \(origin ?? "?") yang masuk ke \(importer) dengan pos \(code) (\"\(descID)\") berhak atas \(namesID) dengan tarif \(rate), bukan tarif \(floorLabel) sebesar \(floorRate), berdasarkan \(a.legalBasis.article) (\(a.legalBasis.instrument)).")
            if r.applied.count > 1 {
                en.append("These preferences give the same rate; the importer may claim either.")
                id.append("Preferensi-preferensi ini memberikan tarif yang sama; importir dapat mengklaim salah satunya.")
            }
            if !a.conditions.isEmpty {
                en.append("Condition: \(a.conditions.joined(separator: "; ")).")
                id.append("Syarat: barang harus memenuhi ketentuan asal barang \(a.agreement ?? "")\(a.conditions.count > 1 ? "; " + Self.indonesian(a.conditions.dropFirst().joined(separator: "; ")) : "").")
            }
            if let margin = a.marginOfPreference {
                en.append("It saves \(margin.grouped) against the \(floorLabel) duty.")
                id.append("Penghematannya \(margin.groupedIndonesian) dibanding bea masuk \(floorLabel).")
            }
            if let f = r.fallback {
                let floorDuty = t[f].duty
                let d = floorDuty.map { " (duty \($0.grouped))" } ?? ""
                let dID = floorDuty.map { " (bea masuk \($0.groupedIndonesian))" } ?? ""
                en.append("If origin is not proved, the \(floorLabel) rate of \(floorRate) applies\(d).")
                id.append("Jika asal barang tidak dapat dibuktikan, berlaku tarif \(floorLabel) sebesar \(floorRate)\(dID).")
            }
        }
        en.append("\(dutyEN)")
        id.append("\(dutyID)")
        for l in r.additionalDuties where l.applies == true && l.effect != .noChange {
            let what = l.effect == .addOn ? "adds \(l.rate?.summary ?? l.rateText)" : "sets \(l.rate?.summary ?? l.rateText) in place of the applied rate"
            let whatID = l.effect == .addOn ? "menambahkan \(l.rate?.summary ?? l.rateText)" : "menetapkan \(l.rate?.summary ?? l.rateText) sebagai pengganti tarif yang berlaku"
            let authority = ChapterNinetyNine.authority(of: l.heading).map { " (\($0.name))" } ?? ""
            let whose = l.anyCountry || l.origins.isEmpty ? "any country" : l.origins.map(\.rawValue).joined(separator: ", ")
            let whoseID = l.anyCountry || l.origins.isEmpty ? "negara mana pun" : whose
            en.append("In addition, chapter 99 heading \(l.heading)\(authority) \(what) for goods of \(whose).")
            id.append("Selain itu, pos bab 99 \(l.heading)\(authority) \(whatID) untuk barang asal \(whoseID).")
        }
        if r.additionalDuties.contains(where: { $0.applies == true && $0.effect != .noChange }) {
            if let total = r.dutyWithAdditional {
                en.append("With it the total is \(total.grouped).")
                id.append("Dengan itu jumlahnya \(total.groupedIndonesian).")
            }
        }
        return .init(english: en.text, indonesian: id.text)
    }

    /// The conditions after the first, with "proof of origin" in Indonesian.
    static func indonesian(_ conditions: String) -> String {
        let proof = "proof of origin: "
        // The wording puts it first (see PreferenceWording); anywhere else it is searched for.
        if conditions.hasPrefix(proof) { return "bukti asal barang: " + conditions.dropFirst(proof.count) }
        return conditions.replacingFirst(proof, with: "bukti asal barang: ")
    }
}

/// Sentences written one after another into one text, a space between each. Each sentence's
/// literal parts and values are copied straight into the text's bytes (no string is built
/// per sentence); the text is made once at the end.
struct Sentences {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(2_048) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ sentence: Sentence) {
        if !bytes.isEmpty { bytes.append(UInt8(ascii: " ")) }
        bytes.append(contentsOf: sentence.bytes)
    }
}

/// One sentence of an explanation, written with string interpolation into bytes.
struct Sentence: ExpressibleByStringInterpolation {
    var bytes: [UInt8]

    init(stringLiteral value: StaticString) {
        bytes = value.withUTF8Buffer { Array($0) }
    }

    init(stringInterpolation: StringInterpolation) {
        bytes = stringInterpolation.bytes
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var bytes: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            // Values are often long (descriptions, instruments): room for them avoids regrowing.
            bytes.reserveCapacity(literalCapacity + 64 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func appendInterpolation(_ text: String) {
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }

        mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            appendInterpolation(value.description)
        }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        return String(self[..<r.lowerBound]) + replacement + String(self[r.upperBound...])
    }
}
