public import TarifCore

// A duty resolution written as JSON by hand (``JSONWriter``): the same bytes as its Codable
// conformance through JSONEncoder with sorted keys, several times faster. Keys are written
// in UTF-8 byte order (capitals before small letters: "adValoremEquivalent" before "additional…").

extension DutyResolution: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("additionalDuties", additionalDuties)
        json.field("applied", applied)
        json.field("code", code)
        json.field("customsValue", customsValue)
        json.field("day", day)
        json.field("dutyWithAdditional", dutyWithAdditional)
        json.field("explanation", explanation)
        json.field("fallback", fallback)
        json.field("importer", importer)
        json.field("line", line)
        json.field("notes", notes)
        json.field("origin", origin)
        json.field("originStatus", originStatus)
        json.field("quantities", quantities)
        json.field("quotas", quotas)
        json.field("schedule", schedule)
        json.field("scheduleValidity", scheduleValidity)
        json.field("treatments", treatments)
        json.endObject()
    }
}

extension DutyResolution.Explanation: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("english", english)
        json.field("indonesian", indonesian)
        json.endObject()
    }
}

extension LegalBasis: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("article", article)
        json.field("instrument", instrument)
        json.endObject()
    }
}

extension Treatment: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("adValoremEquivalent", adValoremEquivalent)
        json.field("agreement", agreement)
        json.field("conditions", conditions)
        json.field("duty", duty)
        json.field("excludedBecause", excludedBecause)
        json.field("kind", kind.rawValue)
        json.field("legalBasis", legalBasis)
        json.field("marginOfPreference", marginOfPreference)
        json.field("marginPoints", marginPoints)
        json.field("missing", missing)
        json.field("notes", notes)
        json.field("program", program)
        json.field("publishedOn", publishedOn)
        json.field("rate", rate)
        json.field("rateSource", rateSource)
        json.field("rateText", rateText)
        json.endObject()
    }
}

extension AdditionalDuty: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("applies", applies)
        json.field("column", column)
        json.field("description", description)
        json.field("duty", duty)
        json.field("effect", effect.rawValue)
        json.field("effectiveFrom", effectiveFrom)
        json.field("effectiveThrough", effectiveThrough)
        json.field("heading", heading)
        json.field("legalBasis", legalBasis)
        json.field("origins", origins)
        json.field("rate", rate)
        json.field("rateText", rateText)
        json.field("reason", reason)
        json.endObject()
    }
}
