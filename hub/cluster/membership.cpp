// The nodes of a cluster: links to the other routers (with reconnection),
// joins, and handing users over to a node that joined. A join moves, from
// each old node, the users whose home on the new ring is the new node: their
// requests wait while their rows are exported, imported at the new node in
// one transaction, and deleted here; then they go to the new node. The new
// node sends those users' requests to their old home until it has handed
// them over, so nothing is served from a half-copied shard.
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <botan/hex.h>
#include <botan/mac.h>

#include "core/errors.hpp"
#include "core/scram.hpp"
#include "router_state.hpp"
#include "wire/system_messages.hpp"

namespace chatter::cluster {

namespace {

constexpr auto connect_timeout = std::chrono::seconds(10);
constexpr auto join_timeout = std::chrono::minutes(2);
constexpr auto max_backoff = std::chrono::milliseconds(4000);

std::pair<std::string, uint16_t> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  return {address.substr(0, colon), static_cast<uint16_t>(std::stoul(address.substr(colon + 1)))};
}

void connect(router_actor* self, const std::string& address);
void start_export(router_actor* self);

// One connection per pair of nodes: two nodes dialling each other at once
// make CAF's BASP (over TLS above all) drop one of the two connections. The
// node with the lower address dials; the other adopts the link when the
// dialler's join arrives. A joining node dials everyone: nobody knows it yet.
bool should_dial(const router_state& st, const std::string& address) {
  return st.config.joining || st.config.self_address < address;
}

void retry_later(router_actor* self, const std::string& address) {
  auto& link = self->state.peers[address];
  link.connecting = false;
  if (link.failures++ == 0)
    spdlog::warn("cluster: hub node {} unreachable; retrying", address);
  self->delayed_send(self, link.backoff, retry_atom_v, address);
  link.backoff = std::min(link.backoff * 2, max_backoff);
}

// Sessions this node is the entry of, whose home was down: the session died
// with it, so the member is told to log in again now that it is back.
void void_orphans(router_actor* self, const std::string& home) {
  auto& st = self->state;
  std::vector<std::string> orphans;
  for (auto& [token, s] : st.sessions)
    if (s.orphaned && st.current.home_of(s.user) == home)
      orphans.push_back(token);
  if (!orphans.empty())
    spdlog::info("cluster: {} is back; {} session(s) homed there log in again", home,
                 orphans.size());
  for (auto& token : orphans)
    lose_session(self, token);
}

void send_join(router_actor* self, const std::string& address) {
  auto& st = self->state;
  auto peer = st.peer_router(address);
  if (!peer)
    return;
  self
    ->request(peer, join_timeout, join_atom_v, st.config.self_address,
              join_proof(st.config.secret, st.config.self_address))
    .then(
      [=](caf::ok_atom) {
        auto& st = self->state;
        if (st.handoffs_pending.erase(address) > 0) {
          st.received_from.insert(address);
          st.save();
          spdlog::info("cluster: {} has handed over our users ({} node(s) to go)", address,
                       st.handoffs_pending.size());
        }
      },
      [=](caf::error& err) {
        auto& st = self->state;
        if (st.handoffs_pending.count(address) == 0)
          return;
        if (err.category() == error_category
            && err.code() == static_cast<uint8_t>(errc::authentication_failed)) {
          spdlog::error("cluster: {} refused our join: this node's --cluster-secret is not "
                        "the cluster's",
                        address);
          return;
        }
        spdlog::warn("cluster: joining {} failed: {}; trying again", address,
                     self->system().render(err));
        self->delayed_send(self, std::chrono::seconds(1), join_atom_v, address);
      });
}

void linked_up(router_actor* self, const std::string& address, const node_link_actor& router,
               const caf::node_id& node) {
  auto& st = self->state;
  auto& link = st.peers[address];
  link.link = router;
  link.node = node;
  link.connecting = false;
  link.failures = 0;
  link.backoff = std::chrono::milliseconds(250);
  spdlog::info("cluster: linked to hub node {}", address);
  tell_relays_of_nodes(self);
  send_join(self, address);
  if (st.moving && st.moving->to == address && st.moving->join_reply)
    start_export(self);
  // It may have restarted and forgotten: our members' sessions, again.
  for (auto& [token, s] : st.sessions)
    if (!s.orphaned)
      self->send(router, online_atom_v, token, s.user,
                 caf::actor_cast<session_peer_actor>(s.relay));
  void_orphans(self, address);
}

void connect(router_actor* self, const std::string& address) {
  auto& link = self->state.peers[address];
  if (link.link || link.connecting)
    return;
  link.connecting = true;
  auto [host, port] = split_address(address);
  self->request(self->state.config.middleman, connect_timeout, caf::connect_atom_v, host, port)
    .then(
      [=](const caf::node_id& node, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        if (!ptr || node != ptr->node())
          return retry_later(self, address);
        auto& st = self->state;
        // Our link dials, so the hello names it, not this router.
        auto link = spawn_node_link(self, node, address, {});
        self
          ->request(link, connect_timeout, hello_atom_v, caf::actor_cast<hub_front_actor>(ptr),
                    st.config.self_address,
                    node_proof(st.config.secret, st.config.self_address, self->node(), node))
          .then([=](cluster_node_actor&) { linked_up(self, address, link, node); },
                [=](caf::error&) {
                  self->send_exit(link, caf::exit_reason::normal);
                  retry_later(self, address);
                });
      },
      [=](caf::error&) { retry_later(self, address); });
}

// One of our links ended: with its connection, or replaced by a newer one.
void linked_down(router_actor* self, const caf::actor_addr& source) {
  auto& st = self->state;
  st.links.erase(source);
  std::string address;
  for (auto& [a, link] : st.peers)
    if (link.link && link.link.address() == source)
      address = a;
  if (address.empty())
    return;
  spdlog::warn("cluster: lost hub node {}", address);
  st.peers[address].link = nullptr;
  st.peers[address].node = caf::node_id{};
  tell_relays_of_nodes(self);
  for (auto& [token, s] : st.sessions)
    if (st.current.home_of(s.user) == address)
      s.orphaned = true;
  // Sessions whose members entered there are gone with it.
  for (auto i = st.known_sessions.begin(); i != st.known_sessions.end();) {
    if (i->second.second == address) {
      forget_session(self, i->first);
      i = st.known_sessions.erase(i);
    } else {
      ++i;
    }
  }
  if (should_dial(st, address))
    retry_later(self, address);
}

// --- handing users over to a node that joined -------------------------------

void release_held(router_actor* self) {
  auto held = std::move(self->state.moving->held);
  self->state.moving->held.clear();
  for (auto& f : held)
    f();
}

void abort_handoff(router_actor* self, const std::string& why) {
  auto& st = self->state;
  spdlog::warn("cluster: handing users over to {} failed ({}); they stay here for now",
               st.moving->to, why);
  st.moving->exporting = false;
  st.moving->started = false;
  if (st.moving->join_reply)
    st.moving->join_reply->deliver(make_error(errc::hub_unreachable, why));
  st.moving->join_reply.reset();
  release_held(self);  // served here again
}

void finish_handoff(router_actor* self, size_t moved) {
  auto& st = self->state;
  auto to = st.moving->to;
  // The moved users' sessions live in this node's auth, which no longer
  // answers for them: their members log in again, at the new home.
  std::vector<std::pair<std::string, std::string>> lost;  // session, entry node
  for (auto& [token, who] : st.known_sessions)
    if (st.moving_out(who.first))
      lost.emplace_back(token, who.second);
  st.handed_off_to.insert(to);
  auto reply = st.moving->join_reply;
  auto held = std::move(st.moving->held);
  st.moving.reset();
  st.save();
  spdlog::info("cluster: handed {} user(s) over to {}", moved, to);
  // The join's answer first: the new node must know it owns these users
  // before their requests (held here, or a login again) reach it.
  if (reply)
    reply->deliver(caf::ok_atom_v);
  for (auto& f : held)
    f();
  for (auto& [token, entry] : lost) {
    if (entry == st.config.self_address)
      lose_session(self, token);
    else if (auto& link = st.peers[entry].link)
      self->send(link, hubdown_atom_v, token);
  }
}

void send_chunks(router_actor* self, std::shared_ptr<bytes> snapshot,
                 std::shared_ptr<std::vector<std::string>> users, uint32_t index) {
  auto& st = self->state;
  auto peer = st.peer_router(st.moving->to);
  if (!peer)
    return abort_handoff(self, "the node went away");
  auto total = static_cast<uint32_t>((snapshot->size() + transfer_chunk - 1) / transfer_chunk);
  auto begin = snapshot->begin() + static_cast<long>(index * transfer_chunk);
  auto end =
    snapshot->begin() + static_cast<long>(std::min(snapshot->size(), (index + 1) * transfer_chunk));
  self->request(peer, join_timeout, import_atom_v, index, total, bytes(begin, end))
    .then(
      [=](caf::ok_atom) {
        if (index + 1 < total)
          return send_chunks(self, snapshot, users, index + 1);
        // Imported there in one transaction: our copy goes.
        self->request(self->state.transfer, caf::infinite, shed_atom_v, *users)
          .then([=](caf::ok_atom) { finish_handoff(self, users->size()); },
                [=](caf::error& err) { abort_handoff(self, self->system().render(err)); });
      },
      [=](caf::error& err) { abort_handoff(self, self->system().render(err)); });
}

// A FIFO barrier: once each local actor has answered something sent after
// the requests already forwarded to it, their writes are in the database.
void after_local_queues(router_actor* self, std::function<void()> then) {
  auto& local = self->state.config.local;
  auto left = std::make_shared<int>(4);
  auto one = [=] {
    if (--*left == 0)
      then();
  };
  auto on_error = [=](caf::error&) { one(); };
  // Each answers a refusal (no session), which is all a barrier needs.
  self
    ->request(caf::actor_cast<caf::actor>(local.keys), caf::infinite, fetchkey_atom_v,
              std::string{}, std::string{})
    .then([=](public_identity&) { one(); }, on_error);
  self
    ->request(caf::actor_cast<caf::actor>(local.mailbox), caf::infinite, ack_atom_v, std::string{},
              std::string{}, std::string{})
    .then([=](caf::ok_atom) { one(); }, on_error);
  self
    ->request(caf::actor_cast<caf::actor>(local.registry), caf::infinite, lookup_atom_v,
              std::string{}, std::string{})
    .then([=](user_record&) { one(); }, on_error);
  self
    ->request(caf::actor_cast<caf::actor>(local.auth), caf::infinite, logout_atom_v, std::string{})
    .then([=](caf::ok_atom) { one(); }, on_error);
}

void start_export(router_actor* self) {
  auto& st = self->state;
  if (!st.moving || st.moving->started)
    return;
  st.moving->exporting = true;
  st.moving->started = true;
  after_local_queues(self, [=] {
    auto& st = self->state;
    if (!st.moving)
      return;
    auto& m = *st.moving;
    std::vector<std::string> before(m.before.members().begin(), m.before.members().end());
    std::vector<std::string> after(m.after.members().begin(), m.after.members().end());
    self
      ->request(st.transfer, caf::infinite, export_atom_v, before, after, st.config.self_address,
                m.to)
      .then(
        [=](std::vector<std::string>& users, bytes& snapshot) {
          spdlog::info("cluster: moving {} user(s) ({} bytes) to {}", users.size(), snapshot.size(),
                       self->state.moving->to);
          send_chunks(self, std::make_shared<bytes>(std::move(snapshot)),
                      std::make_shared<std::vector<std::string>>(std::move(users)), 0);
        },
        [=](caf::error& err) { abort_handoff(self, self->system().render(err)); });
  });
}

}  // namespace

void lose_session(router_actor* self, const std::string& token) {
  auto i = self->state.sessions.find(token);
  if (i == self->state.sessions.end())
    return;
  // As if from the hub the member knows: it checks such news comes from its
  // auth, which is this router. Killing the relay ends the session at the
  // home too (its auth monitors the relay).
  self->send(caf::actor_cast<session_peer_actor>(i->second.member), hubdown_atom_v, token);
  session_ended(self, token, false);
}

namespace {

bytes hmac(const std::string& secret, const std::string& text) {
  if (secret.empty())
    return {};
  auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  mac->set_key(reinterpret_cast<const uint8_t*>(secret.data()), secret.size());
  mac->update(text);
  auto tag = mac->final();
  return bytes(tag.begin(), tag.end());
}

bool malformed(const router_state& st, const std::string& address) {
  return address == st.config.self_address || address.find(':') == std::string::npos;
}

}  // namespace

bytes join_proof(const std::string& secret, const std::string& address) {
  return hmac(secret, "chatter cluster join " + address);
}

bytes node_proof(const std::string& secret, const std::string& address, const caf::node_id& from,
                 const caf::node_id& to) {
  return hmac(secret,
              "chatter cluster node " + address + ' ' + caf::to_string(from) + ' '
                + caf::to_string(to));
}

caf::result<cluster_node_actor> on_hello(router_actor* self, const std::string& address,
                                         const bytes& proof, const caf::node_id& peer,
                                         const cluster_node_actor& theirs) {
  auto& st = self->state;
  auto& sender = self->current_sender();
  if (!sender || sender->node() != self->node())
    return make_error(errc::invalid_argument, "node hellos come through this node's front");
  if (malformed(st, address) || !theirs || theirs.node() != peer || peer == self->node())
    return make_error(errc::invalid_argument, "a node hello from a malformed address");
  auto expected = node_proof(st.config.secret, address, peer, self->node());
  if (expected.empty() || !scram::equal_constant_time(proof, expected)) {
    spdlog::warn("cluster: refused a node hello as {}: {}", address,
                 expected.empty() ? "this node has no cluster secret" : "wrong proof");
    return make_error(errc::authentication_failed, "not a node of this cluster");
  }
  // A node that dials again (it restarted, or lost the connection first)
  // replaces its old link.
  if (auto old = st.peers[address].link)
    self->send_exit(old, caf::exit_reason::normal);
  auto link = spawn_node_link(self, peer, address, theirs);
  linked_up(self, address, link, peer);
  return caf::actor_cast<cluster_node_actor>(link);
}

caf::typed_response_promise<caf::ok_atom> on_join(router_actor* self, const std::string& address,
                                                  const bytes& proof) {
  auto& st = self->state;
  auto from = st.peer_address(self->current_sender());
  auto rp = self->make_response_promise<caf::ok_atom>();
  if (malformed(st, address) || from != address) {
    rp.deliver(
      make_error(errc::invalid_argument, "a join comes from the joining node, through its link"));
    return rp;
  }
  // Every join proves the secret: a node that joins is trusted with other
  // nodes' sessions and users' rows.
  auto expected = join_proof(st.config.secret, address);
  if (expected.empty() || !scram::equal_constant_time(proof, expected)) {
    spdlog::warn("cluster: refused a join from {}: {}", address,
                 expected.empty() ? "this node has no cluster secret" : "wrong proof");
    rp.deliver(make_error(errc::authentication_failed,
                          "joining needs the cluster's secret (--cluster-secret)"));
    return rp;
  }
  if (st.current.contains(address) && !(st.moving && st.moving->to == address)) {
    rp.deliver(caf::ok_atom_v);
    return rp;
  }
  if (st.moving && st.moving->to != address) {
    rp.deliver(make_error(errc::rate_limited, "another node is joining; try again shortly"));
    return rp;
  }
  if (!st.moving) {
    auto members = st.current.members();
    members.insert(address);
    handoff h;
    h.to = address;
    h.before = st.current;
    h.after = ring{members};
    st.moving = std::move(h);
    st.current = st.moving->after;
    spdlog::info("cluster: {} joins; ring of {} nodes", address, members.size());
  }
  st.moving->join_reply = rp;
  // The export needs the link to the new node; it starts once linked.
  if (st.peer_router(address))
    start_export(self);
  return rp;
}

caf::typed_response_promise<caf::ok_atom> on_import(router_actor* self, uint32_t index,
                                                    uint32_t total, const bytes& chunk) {
  auto& st = self->state;
  auto from = st.peer_address(self->current_sender());
  auto rp = self->make_response_promise<caf::ok_atom>();
  if (from.empty() || st.handoffs_pending.count(from) == 0 || total == 0 || index >= total) {
    rp.deliver(make_error(errc::invalid_argument, "an unexpected shard import"));
    return rp;
  }
  auto& buffer = st.incoming[from];
  if (index == 0)
    buffer.clear();
  buffer.insert(buffer.end(), chunk.begin(), chunk.end());
  if (index + 1 < total) {
    rp.deliver(caf::ok_atom_v);
    return rp;
  }
  auto snapshot = std::move(buffer);
  st.incoming.erase(from);
  self->request(st.transfer, caf::infinite, import_atom_v, snapshot)
    .then(
      [=](uint32_t users) mutable {
        spdlog::info("cluster: took over {} user(s) from {}", users, from);
        rp.deliver(caf::ok_atom_v);
      },
      [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

void start_membership(router_actor* self) {
  auto& st = self->state;
  auto members = st.config.members;
  members.insert(st.config.self_address);
  if (!st.config.state_file.empty()) {
    std::ifstream in(st.config.state_file);
    if (in) {
      auto j = nlohmann::json::parse(in, nullptr, false);
      if (!j.is_discarded()) {
        for (auto& m : j.value("members", std::vector<std::string>{}))
          members.insert(m);
        for (auto& m : j.value("handed_off_to", std::vector<std::string>{}))
          st.handed_off_to.insert(m);
        for (auto& m : j.value("received_from", std::vector<std::string>{}))
          st.received_from.insert(m);
      }
    }
  }
  st.current = ring{members};
  if (st.config.joining) {
    auto before = members;
    before.erase(st.config.self_address);
    st.previous = ring{before};
    for (auto& m : before)
      if (st.received_from.count(m) == 0)
        st.handoffs_pending.insert(m);
  }
  st.save();
  spdlog::info("cluster: node {} of {}{}", st.config.self_address, members.size(),
               st.handoffs_pending.empty() ? std::string{}
                                           : "; joining: waiting for "
                   + std::to_string(st.handoffs_pending.size()) + " node(s) to hand users over");

  self->set_down_handler([=](caf::down_msg& dm) {
    if (source_ended(dm.source))
      linked_down(self, dm.source);
  });
  for (auto& m : members)
    if (m != st.config.self_address) {
      st.peers[m];
      if (should_dial(st, m))
        connect(self, m);
    }
}

void on_retry(router_actor* self, const std::string& address) {
  connect(self, address);
}

void on_rejoin(router_actor* self, const std::string& address) {
  send_join(self, address);
}

}  // namespace chatter::cluster
