/// Published messages awaiting the broker's confirm, in delivery-tag order. Tags of a channel
/// in confirm mode are consecutive from 1, so a confirm (or a `multiple` confirm of everything up
/// to a tag) settles a prefix or one slot without searching.
struct ConfirmWindow {
    private var slots: [PendingConfirm?] = []
    private var head = 0
    /// The tag of `slots[0]`.
    private var baseTag: UInt64 = 1
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Forgets everything and restarts at tag 1 (a new channel); returns what was pending.
    mutating func reset() -> [PendingConfirm] {
        let pending = slots[head...].compactMap { $0 }
        slots.removeAll(keepingCapacity: true)
        head = 0
        baseTag = 1
        count = 0
        return pending
    }

    /// Records the message published with `tag` (the next consecutive one).
    mutating func append(_ confirm: PendingConfirm, tag: UInt64) {
        if slots.isEmpty { baseTag = tag; head = 0 }
        while baseTag + UInt64(slots.count) < tag { slots.append(nil) }
        slots.append(confirm)
        count += 1
    }

    /// Removes and returns the confirms settled by an ack or nack of `tag`.
    mutating func settle(tag: UInt64, multiple: Bool) -> [PendingConfirm] {
        guard tag >= baseTag + UInt64(head) else { return [] }
        var settled: [PendingConfirm] = []
        let index = Int(tag - baseTag)
        if multiple {
            let end = min(index, slots.count - 1)
            if head <= end {
                for i in head...end {
                    if let confirm = slots[i] { settled.append(confirm) }
                    slots[i] = nil
                }
            }
        } else if index < slots.count, let confirm = slots[index] {
            settled.append(confirm)
            slots[index] = nil
        }
        count -= settled.count
        compact()
        return settled
    }

    /// Marks the oldest unsettled message with `messageID` as returned unroutable.
    mutating func markReturned(messageID: String?, error: AMQPError) {
        for i in head..<slots.count where slots[i]?.returned == nil && slots[i]?.messageID == messageID && slots[i] != nil {
            slots[i]?.returned = error
            return
        }
    }

    /// Removes and returns the confirms whose deadline passed, and the next deadline of the rest.
    mutating func expire(now: ContinuousClock.Instant) -> (expired: [PendingConfirm], next: ContinuousClock.Instant?) {
        var expired: [PendingConfirm] = []
        var next: ContinuousClock.Instant?
        for i in head..<slots.count {
            guard let confirm = slots[i] else { continue }
            if confirm.deadline <= now {
                expired.append(confirm)
                slots[i] = nil
            } else {
                next = min(next ?? confirm.deadline, confirm.deadline)
            }
        }
        count -= expired.count
        compact()
        return (expired, next)
    }

    private mutating func compact() {
        while head < slots.count, slots[head] == nil { head += 1 }
        if head == slots.count {
            baseTag += UInt64(slots.count)
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 {
            slots.removeFirst(head)
            baseTag += UInt64(head)
            head = 0
        }
    }
}
