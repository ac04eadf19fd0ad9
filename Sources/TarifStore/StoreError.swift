import GRDB
import TarifCore

/// How storage failures become ``TarifError``s.
enum StoreError {
    static func database(_ error: DatabaseError, _ doing: String) -> TarifError {
        TarifError(.database, "database error while \(doing): \(error.message ?? error.description)")
    }
}
