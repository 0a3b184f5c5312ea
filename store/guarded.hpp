// CAF 0.17 ends an actor whose handler throws, whatever its exception
// handler answers. A hub actor must outlive a failed SQLite call (a lock
// held too long, a full disk), so handlers that touch a store run their
// body through guarded(): the exception becomes a logged Internal error and
// the actor serves the next message. A store that is damaged, or whose file
// was replaced under it, answers StorageFailed with the store's sentence: it
// names the file and what to do, and is never mistaken for a wrong password.
#pragma once

#include <exception>
#include <string>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "database.hpp"

namespace chatter {

template <class R = caf::error>
R storage_failure(const char* who, const std::exception& ex) {
  spdlog::error("{}: {}", who, ex.what());
  if constexpr (!std::is_void_v<R>)
    return make_error(errc::storage_failed, ex.what());
}

template <class F>
auto guarded(const char* who, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const store::damaged& ex) {
    return storage_failure<decltype(body())>(who, ex);
  } catch (const store::moved& ex) {
    return storage_failure<decltype(body())>(who, ex);
  } catch (const std::exception& ex) {
    spdlog::error("{}: a request failed and was answered Internal: {}", who, ex.what());
    if constexpr (!std::is_void_v<decltype(body())>)
      return make_error(errc::internal, std::string(who) + " could not do that; see its log");
  }
}

}  // namespace chatter
