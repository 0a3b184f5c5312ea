#include "reaper.hpp"

#include <map>
#include <memory>
#include <system_error>

#include <spdlog/spdlog.h>

#include "sockets.hpp"

namespace chatter {

namespace {

struct reaper_state {
  reaper_config config;
  connection_table table;
  std::unique_ptr<socket_scanner> scanner;  // opened with the port
  uint16_t port = 0;                        // 0: not listening yet
  std::map<caf::actor_addr, peer_endpoint> gateways;
  uint64_t closed = 0;
  static inline const char* name = "connection_reaper";
};

using reaper_ptr = connection_reaper_actor::stateful_pointer<reaper_state>;

void close_due(reaper_ptr self, reaper_clock::time_point now) {
  auto& st = self->state;
  for (auto& order : st.table.due(now)) {
    if (!st.scanner->shut_down(order.socket))
      continue;  // CAF closed it meanwhile
    ++st.closed;
    spdlog::info("hub: closed the connection from {}: {} ({} closed so far)",
                 order.socket.peer.str(), order.why, st.closed);
  }
}

void scan(reaper_ptr self) {
  auto& st = self->state;
  auto now = reaper_clock::now();
  st.table.scanned(st.scanner->accepted_on(st.port), now);
  close_due(self, now);
}

void start(reaper_ptr self, uint16_t port) {
  auto& st = self->state;
  if (st.port != 0 || port == 0)
    return;
  try {
    st.scanner = std::make_unique<socket_scanner>();
  } catch (const std::system_error& e) {
    // Without /proc the hub still serves; it just cannot close idle
    // connections early.
    spdlog::warn("hub: not closing idle connections: {}", e.what());
    return;
  }
  st.port = port;
  self->send(self, reap_atom_v);
}

}  // namespace

namespace {

connection_reaper_actor::behavior_type reaper(reaper_ptr self, reaper_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.table = connection_table{st.config.deadlines};
  self->monitor(st.config.lifetime);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source == st.config.lifetime.address())
      return self->quit();
    if (auto i = st.gateways.find(dm.source); i != st.gateways.end()) {
      st.table.gateway_ended(i->second);
      st.gateways.erase(i);
    }
  });
  // Only local actors hold this handle (it never crosses the wire); the
  // gateways are told apart by sender.
  return {
    [=](hello_atom, const std::string& host, uint16_t port, const member_gateway_actor& gw) {
      if (!gw)
        return;
      peer_endpoint peer{host, port};
      self->state.table.member_hello(peer, reaper_clock::now());
      if (self->state.gateways.emplace(gw.address(), peer).second)
        self->monitor(gw);
    },
    [=](hello_atom, const std::string& host, uint16_t port) {
      self->state.table.node_hello({host, port});
    },
    [=](online_atom, uint32_t sessions) {
      auto& st = self->state;
      auto i = st.gateways.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
      if (i != st.gateways.end())
        st.table.sessions(i->second, sessions, reaper_clock::now());
    },
    [=](reap_atom, uint16_t port) { start(self, port); },
    [=](reap_atom) {
      if (self->current_sender() != caf::actor_cast<caf::strong_actor_ptr>(self))
        return;
      scan(self);
      self->delayed_send(self, self->state.config.scan_interval, reap_atom_v);
    },
  };
}

}  // namespace

connection_reaper_actor spawn_reaper(caf::actor_system& sys, reaper_config config) {
  return sys.spawn<caf::detached>(reaper, std::move(config));
}

}  // namespace chatter
