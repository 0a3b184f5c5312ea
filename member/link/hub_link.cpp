#include "hub_link.hpp"

#include <spdlog/spdlog.h>

#include "wire/shielded.hpp"
#include "wire/system_messages.hpp"

namespace chatter {

namespace {

constexpr auto connect_timeout = std::chrono::seconds(10);

struct link_state {
  hub_front_actor front;
  bool connected = false;
  uint64_t ignored = 0;  // forged exit and down messages
  std::chrono::milliseconds backoff{0};
  unsigned failures = 0;
};

}  // namespace

namespace {

hub_link_actor::behavior_type link_behavior(shielded<hub_link_actor::base>* self,
                                            hub_link_config config) {
  auto st = std::make_shared<link_state>();
  st->backoff = config.first_retry;
  auto address = config.host + ":" + std::to_string(config.port);

  auto retry_later = [=] {
    // Say it once, then quietly: a hub that is away for an hour must not
    // fill the log.
    if (st->failures++ == 0)
      spdlog::warn("hub {} unreachable; retrying with backoff up to {} s", address,
                   config.max_retry.count() / 1000);
    self->delayed_send(self, st->backoff, retry_atom_v);
    st->backoff = std::min(st->backoff * 2, config.max_retry);
  };

  self->set_default_handler(caf::drop);
  self->monitor(config.manager);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (!source_ended(dm.source)) {
      spdlog::warn("hub link: ignored a forged down message ({} so far)", ++st->ignored);
      return;
    }
    if (dm.source == config.manager.address())
      return self->quit();
    if (!st->front || dm.source != st->front.address())
      return;
    spdlog::warn("lost the hub {}: {}", address, caf::to_string(dm.reason));
    st->front = nullptr;
    st->connected = false;
    self->send(config.manager, hubdown_atom_v);
    self->send(config.events, hubdown_atom_v, address);
    st->backoff = config.first_retry;
    retry_later();
  });

  self->send(self, retry_atom_v);
  return {
    [=](retry_atom) {
      if (st->connected || self->current_sender() != caf::actor_cast<caf::strong_actor_ptr>(self))
        return;
      self
        ->request(config.middleman, connect_timeout, caf::connect_atom_v, config.host, config.port)
        .then(
          [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
            if (!ptr) {
              spdlog::warn("hub {}: nothing is published on that port", address);
              return retry_later();
            }
            auto front = caf::actor_cast<hub_front_actor>(ptr);
            self->request(front, connect_timeout, hello_atom_v, self)
              .then(
                [=](const hub_handles& hub) {
                  if (!hub || hub.gateway.node() != front.node()) {
                    spdlog::error("hub {} answered hello without a gateway of its own", address);
                    return retry_later();
                  }
                  self->monitor(front);
                  st->front = front;
                  st->connected = true;
                  st->failures = 0;
                  st->backoff = config.first_retry;
                  spdlog::info("connected to the hub {}", address);
                  self->send(config.manager, hubup_atom_v, hub);
                  self->send(config.events, hubup_atom_v, address);
                },
                [=](const caf::error& err) {
                  spdlog::debug("hub {}: hello failed: {}", address, caf::to_string(err));
                  retry_later();
                });
          },
          [=](const caf::error& err) {
            spdlog::debug("hub {}: {}", address, caf::to_string(err));
            retry_later();
          });
    },
  };
}

}  // namespace

hub_link_actor hub_link(caf::actor_system& sys, hub_link_config config) {
  return sys.spawn(link_behavior, std::move(config));
}

}  // namespace chatter
