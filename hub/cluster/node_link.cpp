// A node link: ours for one peer node, spawned once the peer proved the
// cluster secret (or when we dial it). It carries both ways:
//  - what comes from the peer's node is passed on to the router as the
//    link's own, so the router tells peers apart by the link a message came
//    through, never by the node a message names;
//  - what the router sends it goes on to the peer's link for us, as this
//    link's, so the router's handle never crosses the wire and no peer can
//    reach it.
// The rows are generated from cluster_node_actor: a row added there is
// carried here.
//
// CAF 0.17's BASP lets a connected node name any source node in a
// routed_message (remote_message_handler.hpp), so "from the peer's node" is
// as strong as that node's id is unknown to others; the router itself
// cannot be reached at all.
#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "router_state.hpp"
#include "wire/system_messages.hpp"

namespace chatter::cluster {

namespace {

constexpr auto dial_timeout = std::chrono::seconds(10);

struct node_link_state {
  cluster_router_actor router;
  caf::node_id peer;
  std::string address;
  cluster_node_actor theirs;  // the peer's link for us
  uint64_t refused = 0;
  uint64_t ignored_system_messages = 0;
  static inline const char* name = "cluster_node_link";
};

using node_link_ptr = caf::stateful_actor<node_link_state, shielded<node_link_actor::base>>*;

struct route {
  caf::actor dest;
  caf::error refused;
};

// Where the current message goes: out to the peer if the router sent it, in
// to the router if the peer's node did; refused (and counted) for anyone
// else. Called before make_response_promise, which takes the sender away.
route destination(node_link_ptr self) {
  auto& st = self->state;
  auto& sender = self->current_sender();
  if (sender && sender == caf::actor_cast<caf::strong_actor_ptr>(st.router)) {
    if (!st.theirs)
      return {{},
              make_error(errc::hub_unreachable,
                         "the hub node " + st.address + " is not linked to this one yet")};
    return {caf::actor_cast<caf::actor>(st.theirs), {}};
  }
  if (sender && sender->node() == st.peer && sender->node() != self->node())
    return {caf::actor_cast<caf::actor>(st.router), {}};
  auto n = ++st.refused;
  if ((n & (n - 1)) == 0)  // 1, 2, 4...: a flood does not flood the log
    spdlog::warn("cluster: the link for {} refused a message from another node ({} so far)",
                 st.address, n);
  return {{}, make_error(errc::not_logged_in, "this link serves another hub node")};
}

template <class Signature>
struct carried;

// A request: asked of the destination, answered by the link.
template <class... In, class Out>
struct carried<caf::typed_mpi<caf::detail::type_list<In...>, caf::output_tuple<Out>>> {
  static auto row(node_link_ptr self) {
    return [self](const In&... xs) -> caf::result<Out> {
      auto [dest, refused] = destination(self);
      if (refused)
        return std::move(refused);
      auto rp = self->template make_response_promise<Out>();
      self->request(dest, link_timeout, xs...)
        .then([rp](Out& r) mutable { rp.deliver(std::move(r)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    };
  }
};

// A one-way message: passed on.
template <class... In>
struct carried<caf::typed_mpi<caf::detail::type_list<In...>, caf::output_tuple<void>>> {
  static auto row(node_link_ptr self) {
    return [self](const In&... xs) {
      if (auto [dest, refused] = destination(self); !refused)
        caf::send_as(caf::actor_cast<caf::actor>(self), dest, xs...);
    };
  }
};

void link_up(node_link_ptr self, const cluster_node_actor& theirs) {
  self->state.theirs = theirs;
  self->monitor(theirs);
}

// Our hello at the peer's front, carrying this link; the answer is theirs.
caf::result<cluster_node_actor> dial(node_link_ptr self, const hub_front_actor& front,
                                     const std::string& our_address, const bytes& proof) {
  auto& st = self->state;
  if (self->current_sender() != caf::actor_cast<caf::strong_actor_ptr>(st.router) || !front)
    return make_error(errc::invalid_argument, "only the router dials");
  auto rp = self->make_response_promise<cluster_node_actor>();
  self
    ->request(front, dial_timeout, hello_atom_v, our_address, proof,
              caf::actor_cast<cluster_node_actor>(self))
    .then(
      [=](cluster_node_actor& theirs) mutable {
        if (!theirs || theirs.node() != self->state.peer) {
          rp.deliver(make_error(errc::hub_unreachable, "the node answered another node's link"));
          return;
        }
        link_up(self, theirs);
        rp.deliver(std::move(theirs));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

template <class... Signatures>
node_link_actor::behavior_type every_row(node_link_ptr self,
                                         caf::detail::type_list<Signatures...>) {
  return {carried<Signatures>::row(self)...,
          [self](hello_atom, const hub_front_actor& front, const std::string& our_address,
                 const bytes& proof) { return dial(self, front, our_address, proof); }};
}

node_link_actor::behavior_type node_link(node_link_ptr self, cluster_router_actor router,
                                         caf::node_id peer, std::string address,
                                         cluster_node_actor theirs) {
  auto& st = self->state;
  st.router = std::move(router);
  st.peer = std::move(peer);
  st.address = std::move(address);
  // The peer holds this handle: only the router may end it, and it ends
  // with the router or with the peer's link (the connection).
  self->guard_with(st.router.address());
  obey_exits_only_from(self, st.router.address(), "cluster node link", &st.ignored_system_messages);
  self->monitor(st.router);
  if (theirs)
    link_up(self, theirs);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    if (!source_ended(dm.source)) {
      ++st.ignored_system_messages;
      return;
    }
    if (dm.source == st.router.address() || dm.source == st.theirs.address())
      self->quit();
  });
  self->set_default_handler(caf::drop);
  return every_row(self, cluster_node_actor::signatures{});
}

}  // namespace

node_link_actor spawn_node_link(router_actor* self, const caf::node_id& peer,
                                const std::string& address, const cluster_node_actor& theirs) {
  auto link =
    self->spawn(node_link, caf::actor_cast<cluster_router_actor>(self), peer, address, theirs);
  self->state.links[link.address()] = address;
  self->monitor(link);
  return link;
}

}  // namespace chatter::cluster
