// The front: what a hub publishes. Each connection's hello gets that
// connection's gateway; the address it is keyed by comes from the middleman
// (get_atom on the node: the host and port of the node's direct connection),
// never from anything the peer says about itself.
#include <map>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "gateway.hpp"
#include "wire/shielded.hpp"
#include "wire/system_messages.hpp"

namespace chatter {

namespace {

struct front_gateway {
  member_gateway_actor gateway;
  std::string address;
};

struct front_state {
  front_config config;
  std::map<caf::node_id, front_gateway> gateways;  // one per connected node
  uint64_t ignored_system_messages = 0;
  uint64_t refused = 0;
  static inline const char* name = "hub_front";
};

using front_ptr = caf::stateful_actor<front_state, shielded<hub_front_actor::base>>*;

size_t gateways_at(const front_state& st, const std::string& address) {
  size_t n = 0;
  for (auto& [node, g] : st.gateways)
    n += g.address == address ? 1 : 0;
  return n;
}

caf::expected<hub_handles> open_gateway(front_ptr self, const caf::node_id& node,
                                        const std::string& address, const member_link_actor& link) {
  auto& st = self->state;
  if (auto i = st.gateways.find(node); i != st.gateways.end())
    return hub_handles{i->second.gateway};
  if (gateways_at(st, address) >= st.config.limits.gateways_per_address) {
    ++st.refused;
    spdlog::warn("hub front: refused a connection from {}: {} already open ({} refused so far)",
                 address, st.config.limits.gateways_per_address, st.refused);
    return make_error(errc::rate_limited, "too many connections from this address");
  }
  gateway_config cfg{st.config.hub,
                     address,
                     node == self->node() ? caf::node_id{} : node,
                     link,
                     st.config.lifetime,
                     st.config.limits,
                     st.config.reaper};
  auto gateway = spawn_gateway(self->system(), std::move(cfg));
  self->monitor(gateway);
  st.gateways[node] = {gateway, address};
  spdlog::debug("hub front: a gateway for {}", address);
  return hub_handles{gateway};
}

// The reaper closes a connection whose hello does not come in time: this
// one's did, from the connection the middleman names.
void report_hello(front_ptr self, const std::string& host, uint16_t port,
                  const member_gateway_actor& gateway) {
  if (auto& reaper = self->state.config.reaper)
    self->send(reaper, hello_atom_v, host, port, gateway);
}

// A proven peer node is never reaped. Its connection's address comes from
// the middleman, as a member's does.
void report_node(front_ptr self, const caf::node_id& node) {
  auto& st = self->state;
  if (!st.config.reaper || !st.config.middleman)
    return;
  auto reaper = st.config.reaper;
  self->request(st.config.middleman, std::chrono::seconds(5), caf::get_atom_v, node)
    .then(
      [=](const caf::node_id&, const std::string& host, uint16_t port) {
        if (!host.empty())
          self->send(reaper, hello_atom_v, host, port);
      },
      [](caf::error&) {});
}

void on_down(front_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (!source_ended(dm.source)) {
    ++st.ignored_system_messages;
    spdlog::warn("hub front: ignored a forged down message ({} so far)",
                 st.ignored_system_messages);
    return;
  }
  if (dm.source == st.config.lifetime.address()) {
    self->quit();
    return;
  }
  for (auto i = st.gateways.begin(); i != st.gateways.end(); ++i)
    if (i->second.gateway.address() == dm.source) {
      st.gateways.erase(i);
      return;
    }
}

hub_front_actor::behavior_type front(front_ptr self, front_config config) {
  self->state.config = std::move(config);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_default_handler(caf::drop);
  self->monitor(self->state.config.lifetime);
  return {
    [=](hello_atom, const member_link_actor& link) -> caf::result<hub_handles> {
      auto& sender = self->current_sender();
      if (!sender || !link || link.node() != sender->node())
        return make_error(errc::invalid_argument, "hello needs the member's link");
      auto node = sender->node();
      if (node == self->node() || !self->state.config.middleman)
        return open_gateway(self, node, "local", link);
      auto rp = self->make_response_promise<hub_handles>();
      self->request(self->state.config.middleman, std::chrono::seconds(5), caf::get_atom_v, node)
        .then(
          [=](const caf::node_id&, const std::string& host, uint16_t port) mutable {
            if (host.empty()) {  // no direct connection: a routed hello
              rp.deliver(
                make_error(errc::invalid_argument, "hello must come over a direct connection"));
              return;
            }
            auto r = open_gateway(self, node, host, link);
            if (!r) {
              rp.deliver(std::move(r.error()));
              return;
            }
            report_hello(self, host, port, r->gateway);
            rp.deliver(std::move(*r));
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](hello_atom, const std::string& address, const bytes& proof,
        const cluster_node_actor& theirs) -> caf::result<cluster_node_actor> {
      auto& st = self->state;
      auto& sender = self->current_sender();
      if (!st.config.node_door || !sender || sender->node() == self->node()) {
        ++st.refused;
        spdlog::warn("hub front: refused a node hello for {} ({} refused so far)", address,
                     st.refused);
        return make_error(errc::authentication_failed, "not a node of this cluster");
      }
      auto node = sender->node();
      auto rp = self->make_response_promise<cluster_node_actor>();
      self
        ->request(st.config.node_door, std::chrono::seconds(5), hello_atom_v, address, proof, node,
                  theirs)
        .then(
          [=](cluster_node_actor& ours) mutable {
            report_node(self, node);  // a proven node: never reaped
            rp.deliver(std::move(ours));
          },
          [=](caf::error& err) mutable {
            auto& st = self->state;
            ++st.refused;
            spdlog::warn("hub front: refused a node hello for {} ({} refused so far)", address,
                         st.refused);
            rp.deliver(std::move(err));
          });
      return rp;
    },
  };
}

}  // namespace

hub_front_actor spawn_front(caf::actor_system& sys, front_config config) {
  return sys.spawn(front, std::move(config));
}

}  // namespace chatter
