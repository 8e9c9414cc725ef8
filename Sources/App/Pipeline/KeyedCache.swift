import Foundation
import Synchronization

/// Values computed once per key and kept, safe to use from many threads. Two threads asking
/// for the same missing key compute it once (the second waits); different keys never wait
/// for each other. A failed computation is not stored, so the next request tries again.
final class KeyedCache<Value: Sendable>: Sendable {
  private let values = Mutex<[String: Value]>([:])
  private let locks = Mutex<[String: NSLock]>([:])

  init() {}

  func value(_ key: String, compute: () throws -> Value) throws -> Value {
    if let v = values.withLock({ $0[key] }) { return v }
    let lock = locks.withLock { locks in
      if let l = locks[key] { return l }
      let l = NSLock()
      locks[key] = l
      return l
    }
    lock.lock()
    defer { lock.unlock() }
    if let v = values.withLock({ $0[key] }) { return v }
    let v = try compute()
    values.withLock { $0[key] = v }
    return v
  }

  func cached(_ key: String) -> Value? { values.withLock { $0[key] } }
}
