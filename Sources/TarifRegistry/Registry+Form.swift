import TarifCore

extension Registry {
    /// Parties grouped by side, each side the distinct parties on it.
    static func sides(of a: Agreement) -> [String: Set<PartyRef>] {
        var sides: [String: Set<PartyRef>] = [:]
        for p in a.parties { sides[p.effectiveSide, default: []].insert(p.party) }
        return sides
    }

    /// The WTO-style composition the parties amount to: how many sides, and whether
    /// one of them is itself a group (an RTA acting as one party).
    static func deriveComposition(_ a: Agreement) -> Composition {
        if a.parties.contains(where: { $0.party == .bloc("WTO") }) { return .multilateral }
        if a.parties.contains(where: { $0.effectiveRole != .reciprocal }) { return .unilateral }
        let sides = sides(of: a)
        let hasGroup = sides.values.contains { $0.count > 1 || $0.contains { if case .bloc = $0 { true } else { false } } }
        if sides.count == 2 { return hasGroup ? .bilateralOnePartyRTA : .bilateral }
        return hasGroup ? .plurilateralOnePartyRTA : .plurilateral
    }

    /// The form derived from the parties (see ``AgreementForm``): regions are the UN's
    /// (M49), a bloc's region the set of its members' regions.
    static func deriveForm(
        _ a: Agreement, region: (CountryCode) -> String, institutions: [Institution], index: [String: Int]
    ) -> AgreementForm {
        switch deriveComposition(a) {
        case .multilateral: return .multilateral
        case .unilateral: return .unilateral
        case .bilateral: return .bilateral
        case let composition:
            let sides = sides(of: a)
            func regions(_ p: PartyRef) -> Set<String> {
                switch p {
                case .country(let c): return [region(c)]
                case .bloc(let b):
                    guard let i = index[key(b)] else { return [] }
                    return Set(institutions[i].members.map { region($0.member) })
                }
            }
            let sideRegions = sides.values.map { $0.reduce(into: Set<String>()) { $0.formUnion(regions($1)) } }
            let all = sideRegions.reduce(into: Set<String>()) { $0.formUnion($1) }
            // Two single parties where one is a bloc: still two parties.
            if composition == .bilateralOnePartyRTA, sides.values.allSatisfy({ $0.count == 1 }) { return .bilateral }
            if all.count <= 1 { return .regional }
            if sides.count == 2, sides.values.contains(where: { $0.count > 1 }) {
                let r = Array(sideRegions)
                if r[0].isDisjoint(with: r[1]) { return .interRegional }
            }
            return .plurilateral
        }
    }
}
