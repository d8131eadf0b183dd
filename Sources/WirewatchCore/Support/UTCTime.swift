#if canImport(Glibc)
import Glibc
#endif

/// Times as ISO 8601 in UTC, to the second (`2026-11-24T16:20:05Z`), as digests and alerts show them.
public enum UTCTime {
    public static func iso8601(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        // Written digit by digit: a digest formats hundreds of thousands of times.
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int32, _ digits: Int, at offset: Int) {
                var value = value
                for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(0x30 + value % 10)
                    value /= 10
                }
            }
            put(parts.tm_year + 1900, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(parts.tm_mon + 1, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(parts.tm_mday, 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(parts.tm_hour, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(parts.tm_min, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(parts.tm_sec, 2, at: 17)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }
}
