// CAF handles an exit_msg before any handler sees it, and one with
// exit_reason::kill ends any actor, trapping or not; it also unlinks the
// actor it names. Any node connected to ours can send one to any actor whose
// handle crossed the wire. So every actor a peer can reach is shielded: its
// mailbox takes an exit message only from its guardian (a local actor no
// peer can name, since its handle never crossed), and drops, counts and logs
// every other one before CAF can act on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

namespace chatter {

template <class Base>
class shielded : public Base {
public:
  explicit shielded(caf::actor_config& cfg) : Base(cfg) {}

  void enqueue(caf::mailbox_element_ptr what, caf::execution_unit* host) override {
    if (what && what->content().match_elements<caf::exit_msg>() && !from_guardian(*what)) {
      auto n = ++ignored_exits_;
      if ((n & (n - 1)) == 0)  // 1, 2, 4...: a flood does not flood the log
        spdlog::warn("{}: ignored an exit message not from the actor it lives for ({} so far)",
                     this->name(), n);
      return;
    }
    Base::enqueue(std::move(what), host);
  }

  // The one actor whose exit messages are taken (none until set).
  void guard_with(caf::actor_addr guardian) {
    std::lock_guard<std::mutex> g(guardian_mutex_);
    guardian_ = std::move(guardian);
  }

  uint64_t ignored_exits() const {
    return ignored_exits_.load();
  }

private:
  bool from_guardian(const caf::mailbox_element& what) {
    std::lock_guard<std::mutex> g(guardian_mutex_);
    return guardian_ && what.sender && caf::actor_cast<caf::actor_addr>(what.sender) == guardian_;
  }

  std::mutex guardian_mutex_;
  caf::actor_addr guardian_;
  std::atomic<uint64_t> ignored_exits_{0};
};

}  // namespace chatter
