#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain mutex that can be taken without waiting and released outside the scope that took it:
/// the connection thread holds it for everything it does with the session, and lets go of it
/// only while it waits in `poll()`.
final class SessionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }

    func unlock() { pthread_mutex_unlock(mutex) }

    /// Takes the lock if nobody holds it.
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}
