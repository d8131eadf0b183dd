/// Decimal text of a number with a fixed count of fractional digits, as `%.Nf` writes it (rounded
/// half away from zero), without Foundation's formatter: the ingestion path writes a few for
/// every article, and `String(format:)` goes through locale machinery each time.
public enum FixedPoint {
    /// `value` with `digits` (0…9) digits after the point; "nan" and "inf" as printf writes them.
    public static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let digits = max(0, min(9, digits))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond what an Int64 holds exactly, the plain description is as good.
        guard scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        let factor = Int64(scale)
        var text = value < 0 ? "-" : ""
        text += String(units / factor)
        guard digits > 0 else { return text }
        let fraction = String(units % factor)
        text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        return text
    }
}
