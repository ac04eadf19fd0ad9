import TarifCore

/// Small dense linear algebra for the normal equations (K × K, K the number of regressors
/// or of countries): Gaussian elimination with partial pivoting.
enum Matrix {
    /// Solves A x = b.
    /// - Throws: ``TarifError`` when A is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) throws -> [Double] {
        let n = b.count
        var m = a
        var x = b
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<max(n, col + 1) where abs(m[r][col]) > abs(m[pivot][col]) { pivot = r }
            guard m[pivot][col] != 0, m[pivot][col].isFinite else {
                throw TarifError(.badInput, "singular system (column \(col + 1) has no pivot): the regressors or equations are not independent")
            }
            if pivot != col { m.swapAt(pivot, col); x.swapAt(pivot, col) }
            let p = m[col][col]
            for r in (col + 1)..<max(n, col + 1) {
                let f = m[r][col] / p
                guard f != 0 else { continue }
                for c in col..<n { m[r][c] -= f * m[col][c] }
                x[r] -= f * x[col]
            }
        }
        for col in stride(from: n - 1, through: 0, by: -1) {
            var s = x[col]
            for c in (col + 1)..<max(n, col + 1) { s -= m[col][c] * x[c] }
            x[col] = s / m[col][col]
        }
        return x
    }

    static func inverse(_ a: [[Double]]) throws -> [[Double]] {
        let n = a.count
        var columns: [[Double]] = []
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            columns.append(try solve(a, e))
        }
        return (0..<n).map { i in (0..<n).map { j in columns[j][i] } }
    }

    /// B M B (B symmetric).
    static func sandwich(_ b: [[Double]], _ m: [[Double]]) -> [[Double]] {
        multiply(multiply(b, m), b)
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let n = a.count, k = b.count, p = b.first?.count ?? 0
        var out = [[Double]](repeating: [Double](repeating: 0, count: p), count: n)
        for i in 0..<n { for l in 0..<k where a[i][l] != 0 { for j in 0..<p { out[i][j] += a[i][l] * b[l][j] } } }
        return out
    }
}
