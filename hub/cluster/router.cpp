#include "router.hpp"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/envelope.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
#include "hub/gateway/gateway.hpp"
#include "router_state.hpp"
#include "wire/outlet.hpp"
#include "wire/system_messages.hpp"

namespace chatter::cluster {

// --- router_state -----------------------------------------------------------

bool router_state::moving_out(const std::string& key) const {
  return moving && moving->before.home_of(key) == config.self_address
    && moving->after.home_of(key) == moving->to;
}

router_state::target router_state::owner_of(const std::string& key, const std::string& from) const {
  if (moving_out(key))
    return {config.self_address, moving->exporting};
  auto& home = current.home_of(key);
  if (home == config.self_address) {
    // Ours on the ring, but its old home may not have handed it over yet.
    if (!handoffs_pending.empty()) {
      auto& old = previous.home_of(key);
      if (handoffs_pending.count(old) > 0 && old != from)
        return {old};
    }
    return {home};
  }
  // The sender thinks it is ours: serve it rather than bounce it back.
  // Unless we handed it over to the sender: it has our answer to its join
  // by the time this goes back (one pair of actors, in order), and serves.
  if (home == from && handed_off_to.count(from) == 0)
    return {config.self_address};
  return {home};
}

caf::actor router_state::peer_router(const std::string& node) const {
  auto i = peers.find(node);
  return i == peers.end() ? caf::actor{} : caf::actor_cast<caf::actor>(i->second.link);
}

std::string router_state::peer_address(const caf::strong_actor_ptr& sender) const {
  if (!sender)
    return {};
  auto i = links.find(caf::actor_cast<caf::actor_addr>(sender));
  return i == links.end() ? std::string{} : i->second;
}

void router_state::save() const {
  if (config.state_file.empty())
    return;
  nlohmann::json j;
  j["members"] = current.members();
  j["handed_off_to"] = handed_off_to;
  j["received_from"] = received_from;
  auto tmp = config.state_file + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
  }
  std::rename(tmp.c_str(), config.state_file.c_str());
}

namespace {

caf::error unreachable(const std::string& node) {
  return make_error(errc::hub_unreachable,
                    "the hub node " + node + ", which holds this account, is unreachable");
}

// Our own errors pass through; CAF's (a timeout, a node gone) mean the node
// did not answer.
caf::error hub_error(const caf::error& err, const std::string& node) {
  if (err.category() == error_category)
    return err;
  return unreachable(node);
}

// Sends `xs` to where `key` lives now and hands the answer to `done`;
// while `key` moves to another node, holds them until it is there.
template <class Result, class Done, class... Ts>
void at_home_then(router_actor* self, std::string key, const std::string& from, caf::actor local,
                  Done done, Ts... xs) {
  auto& st = self->state;
  auto where = st.owner_of(key, from);
  if (where.hold) {
    st.moving->held.emplace_back(
      [=] { at_home_then<Result>(self, key, std::string{}, local, done, xs...); });
    return;
  }
  auto dest = where.node == st.config.self_address ? local : st.peer_router(where.node);
  if (!dest) {
    done(caf::expected<Result>(unreachable(where.node)));
    return;
  }
  self->request(dest, forward_timeout, xs...)
    .then([done](Result& r) mutable { done(caf::expected<Result>(std::move(r))); },
          [done, node = where.node](caf::error& err) mutable {
            done(caf::expected<Result>(hub_error(err, node)));
          });
}

// The same, answering through `rp`.
template <class Result, class... Ts>
void at_home(router_actor* self, caf::typed_response_promise<Result> rp, std::string key,
             std::string from, caf::actor local, Ts... xs) {
  auto done = [rp](caf::expected<Result> r) mutable {
    if (r)
      rp.deliver(std::move(*r));
    else
      rp.deliver(std::move(r.error()));
  };
  at_home_then<Result>(self, std::move(key), std::move(from), std::move(local), done, xs...);
}

// The user behind a request's session: for a member, the session must have
// been granted through this node to an actor on the member's own host; a
// peer node vouches for its members itself.
struct caller {
  std::string user;
  std::string from;  // the peer node that sent it; empty for a member
  caf::error refused;
};

caller identify(router_actor* self, const std::string& session) {
  auto& st = self->state;
  auto sender = self->current_sender();
  caller c;
  c.from = st.peer_address(sender);
  if (!c.from.empty()) {
    auto i = st.known_sessions.find(session);
    if (i != st.known_sessions.end())
      c.user = i->second.first;
    return c;
  }
  if (!sender || sender->node() != self->node()) {
    c.refused = make_error(errc::not_logged_in, "the router answers gateways and peers only");
    return c;
  }
  auto i = st.sessions.find(session);
  if (i == st.sessions.end() || i->second.member.node() != sender->node()) {
    c.refused = make_error(errc::not_logged_in, "this needs a session");
    return c;
  }
  c.user = i->second.user;
  return c;
}

// The usual request: routed by the caller (`by_caller`) or by a user it names.
template <class Result, class... Ts>
caf::typed_response_promise<Result> routed(router_actor* self, const std::string& session,
                                           const std::string* about, caf::actor local, Ts... xs) {
  auto c = identify(self, session);  // before the promise, which takes the sender
  auto rp = self->make_response_promise<Result>();
  if (c.refused) {
    rp.deliver(c.refused);
    return rp;
  }
  auto key = about ? *about : c.user;
  if (key.empty() && !c.from.empty()) {
    // A peer sent it here for a caller we have not heard of yet: the entry
    // node routed it by that caller, so it is ours to answer.
    self->request(local, forward_timeout, xs...)
      .then([rp](Result& r) mutable { rp.deliver(std::move(r)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }
  at_home<Result>(self, rp, key, c.from, local, xs...);
  return rp;
}

// A request without a session (sign-up, login): from a gateway of this
// node (which rate-limits it) or from a peer.
template <class Result, class... Ts>
caf::typed_response_promise<Result> open_request(router_actor* self, const std::string& user,
                                                 caf::actor local, Ts... xs) {
  auto sender = self->current_sender();
  auto from = self->state.peer_address(sender);
  auto rp = self->make_response_promise<Result>();
  if (from.empty() && (!sender || sender->node() != self->node())) {
    rp.deliver(make_error(errc::not_logged_in, "the router answers gateways and peers only"));
    return rp;
  }
  at_home<Result>(self, rp, user, from, local, xs...);
  return rp;
}

caf::error no_rooms() {
  return make_error(errc::invalid_argument, "rooms are not available on a hub cluster yet");
}

// A batch of envelopes whose recipients may live on several nodes: each
// goes to its recipient's home alone, and the outcomes come back together.
caf::typed_response_promise<std::vector<envelope_outcome>>
routed_batch(router_actor* self, const std::string& session, const std::vector<envelope>& envs) {
  auto c = identify(self, session);
  auto rp = self->make_response_promise<std::vector<envelope_outcome>>();
  if (!c.refused && (envs.empty() || envs.size() > max_batch))
    c.refused = make_error(errc::invalid_argument,
                           "a batch holds 1 to " + std::to_string(max_batch) + " envelopes");
  if (c.refused) {
    rp.deliver(c.refused);
    return rp;
  }
  struct gathering {
    caf::typed_response_promise<std::vector<envelope_outcome>> rp;
    std::vector<envelope_outcome> outcomes;
    size_t left;
  };
  auto g = std::make_shared<gathering>(gathering{rp, {}, envs.size()});
  g->outcomes.resize(envs.size());
  auto mailbox = caf::actor_cast<caf::actor>(self->state.config.local.mailbox);
  for (size_t i = 0; i < envs.size(); ++i) {
    auto done = [g, i](caf::expected<caf::ok_atom> r) {
      g->outcomes[i] = outcome_of(r ? caf::error{} : r.error());
      if (--g->left == 0)
        g->rp.deliver(std::move(g->outcomes));
    };
    auto header = decode_header(envs[i].header);
    if (header && !header->room.empty()) {
      done(caf::expected<caf::ok_atom>(no_rooms()));
      continue;
    }
    // A malformed envelope goes to the sender's home, which refuses it.
    auto key = header ? header->to : c.user;
    at_home_then<caf::ok_atom>(self, key, c.from, mailbox, done, enqueue_atom_v, session, envs[i]);
  }
  return rp;
}

// Tells this node's keys, mailbox and registry (not auth: sessions are its
// own) that a session began or ended.
template <class... Ts>
void tell_local(router_actor* self, Ts... xs) {
  auto& local = self->state.config.local;
  self->send(local.keys, xs...);
  self->send(local.mailbox, xs...);
  self->send(local.registry, xs...);
}

template <class... Ts>
void tell_peers(router_actor* self, Ts... xs) {
  for (auto& [address, peer] : self->state.peers)
    if (peer.link)
      self->send(peer.link, xs...);
}

}  // namespace

// Declared in router_state.hpp, for its unit test.
std::vector<presence_info> merge_search(std::vector<presence_info> all, const std::string& query,
                                        uint32_t limit) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  auto q = lower(query);
  std::sort(all.begin(), all.end(), [&](const presence_info& a, const presence_info& b) {
    bool pa = lower(a.user).rfind(q, 0) == 0, pb = lower(b.user).rfind(q, 0) == 0;
    return pa != pb ? pa : a.user < b.user;
  });
  all.erase(std::unique(all.begin(), all.end(), [](auto& a, auto& b) { return a.user == b.user; }),
            all.end());
  if (all.size() > limit)
    all.resize(limit);
  return all;
}

namespace {

struct search_round {
  std::vector<presence_info> found;
  std::vector<std::string> silent;
  caf::error first_error;
  size_t asked = 0;
  size_t answered = 0;
  bool done = false;
};

caf::typed_response_promise<std::vector<presence_info>> fan_out_search(router_actor* self,
                                                                       const std::string& session,
                                                                       const std::string& query,
                                                                       uint32_t limit) {
  auto& st = self->state;
  auto c = identify(self, session);
  auto rp = self->make_response_promise<std::vector<presence_info>>();
  if (c.refused) {
    rp.deliver(c.refused);
    return rp;
  }
  auto local = caf::actor_cast<caf::actor>(st.config.local.registry);
  if (!c.from.empty()) {  // a peer's fan-out: our own users only
    self->request(local, forward_timeout, search_atom_v, session, query, limit)
      .then([rp](std::vector<presence_info>& r) mutable { rp.deliver(std::move(r)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }
  auto round = std::make_shared<search_round>();
  auto finish = [=]() mutable {
    if (round->done)
      return;
    round->done = true;
    if (round->first_error && round->found.empty()) {
      rp.deliver(round->first_error);
      return;
    }
    auto out = merge_search(std::move(round->found), query, limit);
    if (!round->silent.empty()) {
      std::string who;
      for (auto& n : round->silent)
        who += (who.empty() ? "" : ", ") + n;
      out.push_back({"", "", "partial",
                     "partial results: " + std::to_string(round->asked - round->silent.size())
                       + " of " + std::to_string(round->asked) + " hub nodes answered; not "
                       + who});
    }
    rp.deliver(std::move(out));
  };
  for (auto& node : st.current.members()) {
    ++round->asked;
    auto dest = node == st.config.self_address ? local : st.peer_router(node);
    if (!dest) {
      round->silent.push_back(node);
      ++round->answered;
      continue;
    }
    self->request(dest, search_deadline, search_atom_v, session, query, limit)
      .then(
        [=](std::vector<presence_info>& r) mutable {
          round->found.insert(round->found.end(), r.begin(), r.end());
          if (++round->answered == round->asked)
            finish();
        },
        [=](caf::error& err) mutable {
          if (err.category() == error_category) {
            if (!round->first_error)
              round->first_error = err;
          } else {
            round->silent.push_back(node);
          }
          if (++round->answered == round->asked)
            finish();
        });
  }
  if (round->answered == round->asked)
    finish();
  return rp;
}

// A consent action (core/consent.hpp) from a member of this node, in three
// steps: the peer exists (a lookup at its home, NotFound if not); the action
// at the member's home, which may refuse it; then its copy at the peer's
// home. From a peer node, it is the second step only. A copy that does not
// arrive (the peer's node is away) leaves the peer's row as it was until
// the next action: the member's own row, which is what it was answered,
// holds.
caf::typed_response_promise<consent_entry> route_consent(router_actor* self,
                                                         const std::string& session,
                                                         const std::string& peer,
                                                         const std::string& action) {
  auto c = identify(self, session);
  auto rp = self->make_response_promise<consent_entry>();
  if (c.refused) {
    rp.deliver(c.refused);
    return rp;
  }
  auto local = caf::actor_cast<caf::actor>(self->state.config.local.registry);
  if (!c.from.empty() || !check_username(peer).empty()) {
    at_home<consent_entry>(self, rp, c.user, c.from, local, consent_atom_v, session, peer, action);
    return rp;
  }
  auto copy = [=](caf::expected<consent_entry> own) mutable {
    if (!own) {
      rp.deliver(own.error());
      return;
    }
    auto entry = *own;
    auto copied = [=](caf::expected<caf::ok_atom> done) mutable {
      if (!done)
        spdlog::warn("cluster: the copy of {}'s contact change for {} did not arrive: {}", c.user,
                     peer, describe(done.error()).sentence);
      rp.deliver(entry);
    };
    at_home_then<caf::ok_atom>(self, peer, std::string{}, local, copied, consentcp_atom_v, session,
                               peer, action);
  };
  auto act = [=](caf::expected<user_record> found) mutable {
    if (!found) {
      rp.deliver(found.error());
      return;
    }
    at_home_then<consent_entry>(self, c.user, std::string{}, local, copy, consent_atom_v, session,
                                peer, action);
  };
  at_home_then<user_record>(self, peer, std::string{}, local, act, lookup_atom_v, session, peer);
  return rp;
}

caf::typed_response_promise<std::vector<presence_info>>
split_watch(router_actor* self, const std::string& session, const std::vector<std::string>& users) {
  auto& st = self->state;
  auto c = identify(self, session);
  auto rp = self->make_response_promise<std::vector<presence_info>>();
  if (c.refused) {
    rp.deliver(c.refused);
    return rp;
  }
  auto local = caf::actor_cast<caf::actor>(st.config.local.registry);
  if (!c.from.empty()) {
    at_home<std::vector<presence_info>>(self, rp, c.user, c.from, local, watch_atom_v, session,
                                        users);
    return rp;
  }
  std::map<std::string, std::vector<std::string>> by_home;
  for (auto& u : users)
    by_home[st.owner_of(u, {}).node].push_back(u);
  struct round_t {
    std::vector<presence_info> out;
    size_t left = 0;
    caf::error error;
  };
  auto round = std::make_shared<round_t>();
  round->left = by_home.size();
  if (by_home.empty()) {
    rp.deliver(std::vector<presence_info>{});
    return rp;
  }
  for (auto& [node, group] : by_home) {
    auto dest = node == st.config.self_address ? local : st.peer_router(node);
    auto done = [=]() mutable {
      if (--round->left == 0) {
        if (round->error)
          rp.deliver(round->error);
        else
          rp.deliver(std::move(round->out));
      }
    };
    if (!dest) {
      // Their home is away: shown offline; watching them resumes at the
      // watcher's next login.
      for (auto& u : group)
        round->out.push_back({u, "", "offline", ""});
      done();
      continue;
    }
    self->request(dest, forward_timeout, watch_atom_v, session, group)
      .then(
        [=](std::vector<presence_info>& r) mutable {
          round->out.insert(round->out.end(), r.begin(), r.end());
          done();
        },
        [=](caf::error& err) mutable {
          if (err.category() == error_category && !round->error)
            round->error = err;
          done();
        });
  }
  return rp;
}

// What this node's hub actors hold for a session whose member entered at
// the node `entry`: an outlet passing everything on to that node's relay as
// sent by our link for that node, so neither a hub actor's handle nor the
// router's crosses to the peer.
session_peer_actor peer_outlet(router_actor* self, const std::string& entry,
                               const session_peer_actor& relay) {
  auto i = self->state.peers.find(entry);
  auto speaker =
    i == self->state.peers.end() ? caf::actor{} : caf::actor_cast<caf::actor>(i->second.link);
  return spawn_outlet(self->system(), {relay, speaker, {}, self->address()});
}

caf::typed_response_promise<login_challenge> route_login(router_actor* self, login_atom a,
                                                         const std::string& user,
                                                         const std::string& nonce,
                                                         const std::string& address) {
  auto& st = self->state;
  auto sender = self->current_sender();
  auto from = st.peer_address(sender);
  auto auth = caf::actor_cast<caf::actor>(st.config.local.auth);
  auto rp = self->make_response_promise<login_challenge>();
  if (!from.empty()) {
    at_home<login_challenge>(self, rp, user, from, auth, a, user, nonce, address);
    return rp;
  }
  if (!sender || sender->node() != self->node()) {
    rp.deliver(make_error(errc::invalid_argument, "logins come through a gateway"));
    return rp;
  }
  auto where = st.owner_of(user, {});
  // The challenge's attempt id is the home's; the member gets ours, which
  // remembers the home for the proof.
  auto remember = [=](login_challenge ch) mutable {
    auto& st = self->state;
    auto id = st.next_login++;
    st.logins[id] = {where.node, user, ch.attempt, address, std::chrono::steady_clock::now()};
    if (st.logins.size() > 10000)
      st.logins.erase(st.logins.begin());
    ch.attempt = id;
    rp.deliver(std::move(ch));
  };
  auto dest = where.node == st.config.self_address ? auth : st.peer_router(where.node);
  if (where.hold || !dest) {
    rp.deliver(where.hold ? make_error(errc::hub_unreachable,
                                       "this account is moving to another hub node; "
                                       "try again in a moment")
                          : unreachable(where.node));
    return rp;
  }
  self->request(dest, forward_timeout, a, user, nonce, address)
    .then([=](login_challenge& ch) mutable { remember(std::move(ch)); },
          [=, node = where.node](caf::error& err) mutable { rp.deliver(hub_error(err, node)); });
  return rp;
}

void granted(router_actor* self, const login_route& route, const caf::actor& relay,
             const session_peer_actor& member, login_grant& grant) {
  auto& st = self->state;
  auto& s = grant.session;
  caf::send_as(caf::actor_cast<caf::actor>(self), relay, login_atom_v, s);
  st.sessions[s] = {route.user, caf::actor_cast<caf::actor>(member), relay, false};
  st.known_sessions[s] = {route.user, st.config.self_address};
  // Before the grant, as auth does: the member's next request, on whichever
  // node, finds the session known there.
  tell_local(self, online_atom_v, s, route.user, caf::actor_cast<session_peer_actor>(relay));
  tell_peers(self, online_atom_v, s, route.user, caf::actor_cast<session_peer_actor>(relay));
}

caf::typed_response_promise<login_grant> route_proof(router_actor* self, proof_atom a,
                                                     uint64_t attempt, const bytes& proof,
                                                     const session_peer_actor& peer,
                                                     const std::string& address) {
  auto& st = self->state;
  auto sender = self->current_sender();
  auto auth = caf::actor_cast<caf::actor>(st.config.local.auth);
  auto entry = st.peer_address(sender);
  auto rp = self->make_response_promise<login_grant>();
  if (!entry.empty()) {  // the entry node's, for our auth
    auto outlet = peer_outlet(self, entry, peer);
    self->request(auth, forward_timeout, a, attempt, proof, outlet, address)
      .then([rp](login_grant& g) mutable { rp.deliver(std::move(g)); },
            [rp, outlet, self](caf::error& err) mutable {
              self->send_exit(outlet, caf::exit_reason::normal);
              rp.deliver(std::move(err));
            });
    return rp;
  }
  auto i = st.logins.find(attempt);
  if (i == st.logins.end() || !sender || sender->node() != self->node()
      || i->second.address != address || !peer) {
    rp.deliver(make_error(errc::authentication_failed,
                          "the login attempt is unknown or expired; start again"));
    return rp;
  }
  auto route = i->second;
  st.logins.erase(i);
  auto dest = route.node == st.config.self_address ? auth : st.peer_router(route.node);
  if (!dest) {
    rp.deliver(unreachable(route.node));
    return rp;
  }
  auto relay = spawn_relay(self, caf::actor_cast<caf::actor>(peer));
  self
    ->request(dest, forward_timeout, a, route.attempt, proof,
              caf::actor_cast<session_peer_actor>(relay), address)
    .then(
      [=](login_grant& grant) mutable {
        granted(self, route, relay, peer, grant);
        rp.deliver(std::move(grant));
      },
      [=](caf::error& err) mutable {
        self->send_exit(relay, caf::exit_reason::normal);
        rp.deliver(hub_error(err, route.node));
      });
  return rp;
}

}  // namespace

void session_ended(router_actor* self, const std::string& session, bool tell_home) {
  auto& st = self->state;
  auto i = st.sessions.find(session);
  if (i == st.sessions.end())
    return;
  if (tell_home) {
    auto& home = st.current.home_of(i->second.user);
    auto dest = home == st.config.self_address ? caf::actor_cast<caf::actor>(st.config.local.auth)
                                               : st.peer_router(home);
    if (dest)
      self->request(dest, forward_timeout, logout_atom_v, session)
        .then([](caf::ok_atom) {}, [](caf::error&) {});
  }
  if (i->second.relay)
    self->send_exit(i->second.relay, caf::exit_reason::normal);
  st.sessions.erase(i);
  st.known_sessions.erase(session);
  forget_session(self, session);
  tell_peers(self, offline_atom_v, session);
}

void forget_session(router_actor* self, const std::string& session) {
  tell_local(self, offline_atom_v, session);
}

hub_actors as_hub(const cluster_router_actor& router) {
  return {router, router, router, router};
}

namespace {

cluster_router_actor::behavior_type router(router_actor* self, router_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  auto registry = caf::actor_cast<caf::actor>(st.config.local.registry);
  auto auth = caf::actor_cast<caf::actor>(st.config.local.auth);
  auto keys = caf::actor_cast<caf::actor>(st.config.local.keys);
  auto mailbox = caf::actor_cast<caf::actor>(st.config.local.mailbox);
  st.transfer = spawn_transfer_worker(self->system(), st.config.database_path);
  self->link_to(st.transfer);
  // Peers hold the router's handle: it obeys the hub's lifetime only.
  self->link_to(st.config.lifetime);
  self->guard_with(st.config.lifetime.address());
  obey_exits_only_from(self, st.config.lifetime.address(), "cluster router",
                       &st.ignored_system_messages);
  self->set_default_handler(caf::drop);
  start_membership(self);

  return {
    // --- sessions: from a peer (an entry node's news) or a relay (the end)
    [=](online_atom a, const std::string& session, const std::string& user,
        const session_peer_actor& relay) {
      auto from = self->state.peer_address(self->current_sender());
      if (from.empty())
        return;
      auto& st = self->state;
      st.known_sessions[session] = {user, from};
      auto& outlet = st.remote_peers[session];
      if (outlet)
        self->send_exit(outlet, caf::exit_reason::normal);
      outlet = peer_outlet(self, from, relay);
      tell_local(self, a, session, user, outlet);
    },
    [=](offline_atom a, const std::string& session) {
      auto& st = self->state;
      auto sender = self->current_sender();
      auto i = st.sessions.find(session);
      if (i != st.sessions.end()
          && sender == caf::actor_cast<caf::strong_actor_ptr>(i->second.relay)) {
        i->second.relay = nullptr;  // it has quit
        return session_ended(self, session, true);
      }
      if (st.peer_address(sender).empty())
        return;
      st.known_sessions.erase(session);
      if (auto j = st.remote_peers.find(session); j != st.remote_peers.end()) {
        self->send_exit(j->second, caf::exit_reason::normal);
        st.remote_peers.erase(j);
      }
      tell_local(self, a, session);
    },
    // --- registry
    [=](offer_atom a, const std::string& user, const std::string& address) {
      return open_request<signup_offer>(self, user, registry, a, user, address);
    },
    [=](signup_atom a, const signup_request& req, const std::string& address) {
      return open_request<caf::ok_atom>(self, req.user, registry, a, req, address);
    },
    [=](lookup_atom a, const std::string& s, const std::string& user) {
      return routed<user_record>(self, s, &user, registry, a, s, user);
    },
    [=](search_atom, const std::string& s, const std::string& query, uint32_t limit) {
      return fan_out_search(self, s, query, limit);
    },
    [=](presence_atom a, const std::string& s, const std::string& status,
        const std::string& message) {
      return routed<caf::ok_atom>(self, s, nullptr, registry, a, s, status, message);
    },
    [=](watch_atom, const std::string& s, const std::vector<std::string>& users) {
      return split_watch(self, s, users);
    },
    [=](unwatch_atom a, const std::string& s, const std::string& user) {
      return routed<caf::ok_atom>(self, s, &user, registry, a, s, user);
    },
    [=](consent_atom, const std::string& s, const std::string& peer, const std::string& act) {
      return route_consent(self, s, peer, act);
    },
    [=](consents_atom a, const std::string& s) {
      return routed<std::vector<consent_entry>>(self, s, nullptr, registry, a, s);
    },
    [=](consentcp_atom a, const std::string& s, const std::string& peer, const std::string& act) {
      return routed<caf::ok_atom>(self, s, &peer, registry, a, s, peer, act);
    },
    [=](roomnew_atom, const std::string&, const std::string&,
        const std::vector<std::string>&) -> caf::result<room_info> { return no_rooms(); },
    [=](roominv_atom, const std::string&, const std::string&,
        const std::string&) -> caf::result<room_info> { return no_rooms(); },
    [=](roomleave_atom, const std::string&, const std::string&) -> caf::result<caf::ok_atom> {
      return no_rooms();
    },
    [=](roomget_atom, const std::string&, const std::string&) -> caf::result<room_info> {
      return no_rooms();
    },
    [=](rooms_atom, const std::string&) -> caf::result<std::vector<room_info>> {
      return std::vector<room_info>{};
    },
    // --- auth
    [=](login_atom a, const std::string& user, const std::string& nonce,
        const std::string& address) { return route_login(self, a, user, nonce, address); },
    [=](proof_atom a, uint64_t attempt, const bytes& proof, const session_peer_actor& peer,
        const std::string& address) { return route_proof(self, a, attempt, proof, peer, address); },
    [=](answer_atom a, const std::string& s, const std::string& nonce, const bytes& proof) {
      return routed<int64_t>(self, s, nullptr, auth, a, s, nonce, proof);
    },
    [=](logout_atom a, const std::string& s) {
      auto sender = self->current_sender();
      auto i = self->state.sessions.find(s);
      bool ours = sender && self->state.peer_address(sender).empty()
        && i != self->state.sessions.end() && i->second.member.node() == sender->node();
      auto rp = routed<caf::ok_atom>(self, s, nullptr, auth, a, s);
      if (ours)
        session_ended(self, s, false);
      return rp;
    },
    [=](due_atom, const std::string&) {},
    // --- keys
    [=](pubkey_atom a, const std::string& s, const public_identity& id) {
      return routed<caf::ok_atom>(self, s, nullptr, keys, a, s, id);
    },
    [=](fetchkey_atom a, const std::string& s, const std::string& user) {
      return routed<public_identity>(self, s, &user, keys, a, s, user);
    },
    [=](prekeys_atom a, const std::string& s, const signed_prekey& spk,
        const std::vector<one_time_prekey>& otks) {
      return routed<uint32_t>(self, s, nullptr, keys, a, s, spk, otks);
    },
    [=](bundle_atom a, const std::string& s, const std::string& user) {
      return routed<prekey_bundle>(self, s, &user, keys, a, s, user);
    },
    // --- mailbox
    [=](enqueue_atom a, const std::string& s, const envelope& env) {
      auto header = decode_header(env.header);
      if (header && !header->room.empty()) {
        auto rp = self->make_response_promise<caf::ok_atom>();
        rp.deliver(no_rooms());
        return rp;
      }
      // A malformed envelope goes to the sender's home, which refuses it.
      std::string to = header ? header->to : std::string{};
      return routed<caf::ok_atom>(self, s, header ? &to : nullptr, mailbox, a, s, env);
    },
    [=](enqueue_atom, const std::string& s, const std::vector<envelope>& envs) {
      return routed_batch(self, s, envs);
    },
    [=](ack_atom a, const std::string& s, const std::string& sender, const std::string& id) {
      return routed<caf::ok_atom>(self, s, nullptr, mailbox, a, s, sender, id);
    },
    [=](ack_atom a, const std::string& s, const std::vector<message_ref>& refs) {
      return routed<caf::ok_atom>(self, s, nullptr, mailbox, a, s, refs);
    },
    [=](readrcpt_atom a, const std::string& s, const std::string& sender,
        const std::vector<std::string>& ids) {
      return routed<caf::ok_atom>(self, s, nullptr, mailbox, a, s, sender, ids);
    },
    // --- membership (membership.cpp)
    [=](join_atom, const std::string& address, const bytes& proof) {
      return on_join(self, address, proof);
    },
    // From this node's front: a peer proved the secret (membership.cpp).
    [=](hello_atom, const std::string& address, const bytes& proof, const caf::node_id& peer,
        const cluster_node_actor& theirs) { return on_hello(self, address, proof, peer, theirs); },
    // From the node that handed a user over: that user's session is lost.
    [=](hubdown_atom, const std::string& session) {
      if (!self->state.peer_address(self->current_sender()).empty())
        lose_session(self, session);
    },
    [=](retry_atom, const std::string& address) {
      if (self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(self))
        on_retry(self, address);
    },
    [=](join_atom, const std::string& address) {
      if (self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(self))
        on_rejoin(self, address);
    },
    [=](import_atom, uint32_t index, uint32_t total, const bytes& chunk) {
      return on_import(self, index, total, chunk);
    },
  };
}

}  // namespace

cluster_router_actor spawn_router(caf::actor_system& sys, router_config config) {
  return sys.spawn(router, std::move(config));
}

}  // namespace chatter::cluster
