import CLinux

/// Process-wide allocator settings for a long-running engine.
public enum HeapTuning {
    /// Asks glibc to serve every allocation of a megabyte or more with its own mapping, returned
    /// to the system when freed. The engine's indexes are rebuilt into fresh tables of tens of
    /// megabytes; by default glibc raises its mapping threshold after the first such free and
    /// then keeps later tables in the heap, where freed ones stay resident (measured: 60–80 MB
    /// of a 400 MB engine).
    public static func apply() {
        // <malloc.h>: M_TRIM_THRESHOLD is -1, M_MMAP_THRESHOLD -3 (the macros do not import).
        _ = mallopt(-3, 1 << 20)
        _ = mallopt(-1, 4 << 20)
    }
}
