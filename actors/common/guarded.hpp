// CAF 0.17 ends an actor whose handler throws, whatever its exception
// handler answers. A hub actor must outlive a failed SQLite call (a lock
// held too long, a full disk), so handlers that touch a store run their
// body through guarded(): the exception becomes a logged Internal error and
// the actor serves the next message.
#pragma once

#include <exception>
#include <string>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "common/errors.hpp"

namespace chatter {

template <class F>
auto guarded(const char* who, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& ex) {
    spdlog::error("{}: a request failed and was answered Internal: {}", who, ex.what());
    if constexpr (!std::is_void_v<decltype(body())>)
      return make_error(errc::internal, std::string(who) + " could not do that; see its log");
  }
}

} // namespace chatter
