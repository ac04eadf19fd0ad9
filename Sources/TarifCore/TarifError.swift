/// Where in an input a problem was found: a file, and a line and column in it.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The field (CSV column or JSON key) in which the problem sits, when known.
    public var field: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        if let field { s += " (\(field))" }
        return s
    }
}

/// Every error Tarif reports: a stable code, a sentence that says what was wrong,
/// and where, when the problem is in an input.
public struct TarifError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable identifier of the kind of problem, for programs and the HTTP API.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let badCode = Code(rawValue: "bad_code")
        public static let badDate = Code(rawValue: "bad_date")
        public static let badNumber = Code(rawValue: "bad_number")
        public static let badQuantity = Code(rawValue: "bad_quantity")
        public static let badCountry = Code(rawValue: "bad_country")
        public static let badRate = Code(rawValue: "bad_rate")
        public static let badFile = Code(rawValue: "bad_file")
        public static let badEncoding = Code(rawValue: "bad_encoding")
        public static let truncated = Code(rawValue: "truncated")
        public static let unknownImporter = Code(rawValue: "unknown_importer")
        public static let unknownFormat = Code(rawValue: "unknown_format")
        public static let notFound = Code(rawValue: "not_found")
        public static let missingInput = Code(rawValue: "missing_input")
        /// An argument that is malformed as a whole (a --grant that is not ORIGIN:CODE:RATE).
        public static let badInput = Code(rawValue: "bad_input")
        public static let io = Code(rawValue: "io")
        public static let database = Code(rawValue: "database")
        /// A computation whose exact result does not fit (an amount beyond 38 significant digits).
        public static let overflow = Code(rawValue: "overflow")
        /// An input beyond a stated limit (a size, a depth, a count, a magnitude).
        public static let tooLarge = Code(rawValue: "too_large")
        /// A model or computation that has no finite answer for the inputs given.
        public static let degenerate = Code(rawValue: "degenerate")
        /// A publication refused because it would empty or shrink what is loaded.
        public static let refused = Code(rawValue: "refused")
        /// Work stopped at its time limit.
        public static let timeout = Code(rawValue: "timeout")
        /// An answer read against data that a load has replaced meanwhile: ask again.
        public static let staleData = Code(rawValue: "stale_data")
    }

    public var code: Code
    public var message: String
    public var location: SourceLocation?

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }

    /// An exact computation whose result does not fit 128 bits (`step` says which).
    public static func overflow(_ step: String) -> TarifError {
        TarifError(
            .overflow,
            "the amount is too large to compute exactly (\(step) passes 38 significant digits); "
                + "amounts, quantities and rates are bounded where they are read (see docs/reliability.md)")
    }

    /// The same error, placed at `location` unless it already has a place.
    public func located(_ location: SourceLocation) -> TarifError {
        var copy = self
        if copy.location == nil { copy.location = location }
        return copy
    }
}
