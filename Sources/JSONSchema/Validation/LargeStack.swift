#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a fresh thread with a large stack and waits for it: the all-errors walk of a
/// deeply nested payload can need more stack than the calling thread has (a 512 KB thread,
/// or any thread in a debug build), and such a payload deserves an answer, not a refusal.
/// The stack is reserved address space; only the pages used are ever touched.
enum LargeStack {
    /// The stack of the helper thread.
    static let size = 512 * 1024 * 1024

    private final class Work: @unchecked Sendable {
        // Safety: read and written only by the helper thread while the caller waits in join.
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// `body()`, on a thread with a `size` stack; on the calling thread when no thread can
    /// be started.
    static func run<T>(_ body: () -> T) -> T {
        #if os(Linux)
        var result: T? = nil
        let started: Bool = withoutActuallyEscaping(body) { escapable in
            let work = Work { result = escapable() }
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, size)
            let context = Unmanaged.passRetained(work).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { argument in
                let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
                work.body()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<Work>.fromOpaque(context).release()
                return false
            }
            pthread_join(thread, nil)
            return true
        }
        if started, let result { return result }
        #endif
        return body()
    }
}
