#include "health.hpp"

#include <algorithm>
#include <filesystem>

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "core/clock.hpp"

namespace chatter::health {

namespace {

constexpr int64_t first_backoff_ms = 1000;
constexpr int64_t last_backoff_ms = 60 * 1000;

std::string store_path(const account_state& st) {
  return (std::filesystem::path(st.config.folder) / "account.db").string();
}

struct verdict {
  bool damaged = false;  // repairing needs a person: no retry
  std::string why;
};

verdict judge(std::exception_ptr ex, const std::string& file) {
  try {
    std::rethrow_exception(ex);
  } catch (const store::damaged& e) {
    return {true, e.what()};
  } catch (const store::moved& e) {
    return {true, e.what()};
  } catch (const SQLite::Exception& e) {
    auto code = e.getErrorCode();
    // The store's commit hook (store/database.cpp) refuses every write once
    // the file or its WAL was replaced or removed under us.
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_COMMITHOOK)
      return {true,
              file
                + " or its WAL was replaced or removed while chatterd ran; nothing more "
                  "is written to it: restart chatterd"};
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
      return {true,
              file + " is damaged (" + e.what()
                + "); stop chatterd, keep a copy, and "
                  "recover it with: sqlite3 "
                + file + " .recover | sqlite3 " + file + ".recovered"};
    return {false, "cannot use " + file + ": " + e.what()};
  } catch (const std::exception& e) {
    return {false, "cannot use " + file + ": " + e.what()};
  } catch (...) {
    return {false, "cannot use " + file};
  }
}

std::string reason_of(const std::string& health) {
  auto colon = health.find(": ");
  return colon == std::string::npos ? health : health.substr(colon + 2);
}

}  // namespace

void set(account_actor::pointer self, account_state& st, const std::string& health) {
  if (st.health == health)
    return;
  st.health = health;
  if (health == "ok")
    spdlog::info("{}: the account works again", st.config.user);
  else
    spdlog::error("{}: {}", st.config.user, health);
  self->send(st.config.events, health_atom_v, st.config.user, health);
}

caf::error failed(account_actor::pointer self, account_state& st, std::exception_ptr ex) {
  auto v = judge(ex, store_path(st));
  if (v.damaged)
    st.store.reset();  // nothing more is read from or written to that file
  set(self, st, (v.damaged ? "failed: " : "degraded: ") + v.why);
  return make_error(errc::storage_failed, "'" + st.config.user + "': " + v.why);
}

caf::error unavailable(const account_state& st) {
  return make_error(errc::storage_failed,
                    "'" + st.config.user + "' cannot use its store: " + reason_of(st.health));
}

void open_store(account_actor::pointer self, account_state& st) {
  try {
    st.store = std::make_unique<store::account_store>(store_path(st));
    st.reopen_backoff_ms = 0;
    set(self, st, "ok");
  } catch (...) {
    failed(self, st, std::current_exception());
    st.store.reset();
    st.reopen_backoff_ms = std::clamp(st.reopen_backoff_ms * 2, first_backoff_ms, last_backoff_ms);
    st.reopen_at_ms = now_ms() + st.reopen_backoff_ms;
  }
}

void retry(account_actor::pointer self, account_state& st) {
  if (st.store || st.health.rfind("degraded", 0) != 0 || now_ms() < st.reopen_at_ms)
    return;
  spdlog::info("{}: opening account.db again", st.config.user);
  open_store(self, st);
}

}  // namespace chatter::health
