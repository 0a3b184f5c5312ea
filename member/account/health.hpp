// The account's State, as the D-Bus property shows it:
//   ok                  everything works;
//   degraded: <why>     a write failed (a full disk, no file descriptors
//                       left): reads go on, writes answer StorageFailed,
//                       and the account tries again with backoff;
//   failed: <why>       account.db is damaged or was replaced: nothing is
//                       written until it is repaired (the sentence says how).
// One failing account never takes another down: every row that touches the
// store runs through `guarded`, which turns a store exception into a
// StorageFailed answer and a State change instead of the actor's end.
#pragma once

#include <exception>
#include <string>

#include "account_state.hpp"
#include "core/errors.hpp"
#include "messaging.hpp"

namespace chatter::health {

// Sets the State and tells the event sink when it changed.
void set(account_actor::pointer self, account_state& st, const std::string& health);

// Records a store failure (State degraded or failed, a log line) and
// returns the StorageFailed answer for the caller.
caf::error failed(account_actor::pointer self, account_state& st, std::exception_ptr ex);

// Opens account.db: a damaged file leaves the account `failed`, any other
// error `degraded` (tried again by `retry`).
void open_store(account_actor::pointer self, account_state& st);

// On the account's timer: after a transient failure, reopens the store with
// backoff (1 s doubling to 60 s).
void retry(account_actor::pointer self, account_state& st);

// StorageFailed while the store is not open.
caf::error unavailable(const account_state& st);

// A row's body run against the store; a write that succeeds clears
// `degraded`.
// A row that writes outside the message batch commits the open batch
// first (account/messaging.hpp): what it answers is on disk, and nothing
// it wrote waits on a sync that might yet fail.
enum class access { reads, writes, joins_batch };

template <access Access, class T, class F>
caf::result<T> guarded(account_actor::pointer self, account_state& st, F&& body) {
  if (!st.store)
    return unavailable(st);
  try {
    if (Access == access::writes && st.messenger)
      st.messenger->commit_batch();
    caf::result<T> answer = body();
    if (Access != access::reads && st.health.rfind("degraded", 0) == 0)
      set(self, st, "ok");
    return answer;
  } catch (...) {
    return failed(self, st, std::current_exception());
  }
}

template <class T, class F>
caf::result<T> reads(account_actor::pointer self, account_state& st, F&& body) {
  return guarded<access::reads, T>(self, st, std::forward<F>(body));
}

template <class T, class F>
caf::result<T> writes(account_actor::pointer self, account_state& st, F&& body) {
  return guarded<access::writes, T>(self, st, std::forward<F>(body));
}

// SendMessage: its writes join the batch, and it answers after its commit.
template <class T, class F>
caf::result<T> joins_batch(account_actor::pointer self, account_state& st, F&& body) {
  return guarded<access::joins_batch, T>(self, st, std::forward<F>(body));
}

// For messages that answer nothing (pushes from the hub, timers).
template <class F>
void event(account_actor::pointer self, account_state& st, F&& body) {
  if (!st.store)
    return;
  try {
    body();
  } catch (...) {
    failed(self, st, std::current_exception());
  }
}

}  // namespace chatter::health
