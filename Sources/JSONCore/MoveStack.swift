/// A growable stack that hands its top elements over by *moving* them into an exact-size
/// array: no copy, no retain/release, no destroy. The parser builds containers on it.
final class MoveStack<Element> {
    /// Unallocated (a placeholder address) until the first push: a stack that is never used
    /// costs no buffer.
    private var storage: UnsafeMutablePointer<Element>
    private var capacity = 0
    private let initialCapacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        initialCapacity = max(1, capacity)
        storage = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }

    deinit {
        guard capacity > 0 else { return }
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inline(__always)
    func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    private func grow() {
        let newCapacity = capacity == 0 ? initialCapacity : capacity * 2
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if capacity > 0 {
            larger.moveInitialize(from: storage, count: count)
            storage.deallocate()
        }
        storage = larger
        capacity = newCapacity
    }

    /// The element at `index` (counted from the bottom), for in-place reads and updates.
    @inline(__always)
    subscript(index: Int) -> Element {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// Moves the elements from `start` to the top into a new array, emptying that range.
    func popArray(from start: Int) -> [Element] {
        let length = count - start
        // `reserveCapacity` then appends: both specialised for `Element`, where
        // `init(unsafeUninitializedCapacity:)` calls the standard library's generic allocator,
        // which looks the storage class's metadata up on every call (a third of the cost of
        // a small array).
        var result: [Element] = []
        result.reserveCapacity(length)
        var position = start
        while position < count {
            result.append((storage + position).move())
            position += 1
        }
        count = start
        return result
    }

    /// Moves every element to `target` (uninitialised memory); call `forgetAll` after.
    func moveAll(to target: UnsafeMutablePointer<Element>) {
        target.moveInitialize(from: storage, count: count)
    }

    /// Marks the stack empty without deinitialising (its elements were moved out).
    func forgetAll() { count = 0 }

    /// Drops (deinitialises) the elements from `start` to the top.
    func truncate(to start: Int) {
        (storage + start).deinitialize(count: count - start)
        count = start
    }
}
