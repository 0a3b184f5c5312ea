#include "gateway.hpp"

#include <map>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "node_rate_limit.hpp"
#include "wire/outlet.hpp"
#include "wire/shielded.hpp"
#include "wire/system_messages.hpp"

namespace chatter {

namespace {

struct gateway_session {
  std::string user;
  session_peer_actor outlet;
};

struct gateway_state {
  gateway_config config;
  std::map<std::string, gateway_session> sessions;  // proved through us
  node_rate_limit requests{1, 1};
  node_rate_limit envelopes{1, 1};
  node_rate_limit receipts{1, 1};
  node_rate_limit searches{1, 1};
  uint64_t refused = 0;
  uint64_t ignored_system_messages = 0;
  static inline const char* name = "member_gateway";
};

using gateway_ptr = caf::stateful_actor<gateway_state, shielded<member_gateway_actor::base>>*;

node_rate_limit bucket(rate r) {
  return node_rate_limit{r.per_second, r.burst};
}

caf::error refuse(gateway_ptr self, errc code, std::string why) {
  auto& n = ++self->state.refused;
  if ((n & (n - 1)) == 0)  // 1, 2, 4, 8...: a flood does not flood the log
    spdlog::warn("gateway for {}: refused a request ({} so far): {}", self->state.config.address, n,
                 why);
  return make_error(code, std::move(why));
}

// Every request: from the connection this gateway is for (called before
// make_response_promise, which takes the sender away), within its rate,
// and for a session proved here when it names one.
caf::error admit(gateway_ptr self, const std::string* session, node_rate_limit* per_session,
                 size_t cost = 1) {
  auto& st = self->state;
  auto& sender = self->current_sender();
  auto expected = st.config.member_node ? st.config.member_node : self->node();
  if (!sender || sender->node() != expected)
    return refuse(self, errc::not_logged_in, "this gateway serves another connection");
  if (!st.requests.allow("connection"))
    return refuse(self, errc::rate_limited, "too many requests on this connection; slow down");
  if (!session)
    return {};
  if (st.sessions.count(*session) == 0)
    return refuse(self, errc::not_logged_in, "this needs a session; log in first");
  if (per_session && !per_session->allow_n(*session, cost))
    return refuse(self, errc::rate_limited, "too many requests of this kind; slow down");
  return {};
}

// Asks a hub actor and answers the member ourselves, so the reply's sender
// is the gateway, never the hub actor.
template <class Result, class Dest, class... Ts>
caf::typed_response_promise<Result> forward(gateway_ptr self, caf::error refused, const Dest& dest,
                                            Ts... xs) {
  auto rp = self->template make_response_promise<Result>();
  if (refused) {
    rp.deliver(std::move(refused));
    return rp;
  }
  self->request(dest, self->state.config.limits.forward_timeout, std::move(xs)...)
    .then([rp](Result& r) mutable { rp.deliver(std::move(r)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// The reaper closes a connection left without a session; it hears each
// change of the count.
void report_sessions(gateway_ptr self) {
  if (auto& reaper = self->state.config.reaper)
    self->send(reaper, online_atom_v, static_cast<uint32_t>(self->state.sessions.size()));
}

caf::typed_response_promise<login_grant>
prove(gateway_ptr self, uint64_t attempt, const bytes& proof, const session_peer_actor& member) {
  auto& st = self->state;
  auto refused = admit(self, nullptr, nullptr);
  auto expected = st.config.member_node ? st.config.member_node : self->node();
  if (!refused && (!member || member.node() != expected))
    refused = refuse(self, errc::invalid_argument, "the session's peer is not on this connection");
  auto rp = self->make_response_promise<login_grant>();
  if (refused) {
    rp.deliver(std::move(refused));
    return rp;
  }
  auto outlet =
    spawn_outlet(self->system(), {member, caf::actor_cast<caf::actor>(self), {}, self->address()});
  self
    ->request(st.config.hub.auth, st.config.limits.forward_timeout, proof_atom_v, attempt, proof,
              outlet, st.config.address)
    .then(
      [=](login_grant& grant) mutable {
        self->monitor(outlet);
        self->state.sessions[grant.session] = {{}, outlet};
        report_sessions(self);
        rp.deliver(std::move(grant));
      },
      [=](caf::error& err) mutable {
        self->send_exit(outlet, caf::exit_reason::normal);
        rp.deliver(std::move(err));
      });
  return rp;
}

caf::typed_response_promise<caf::ok_atom> logout(gateway_ptr self, const std::string& session) {
  auto refused = admit(self, &session, nullptr);  // before the promise takes the sender
  auto rp = self->make_response_promise<caf::ok_atom>();
  if (auto err = std::move(refused)) {
    rp.deliver(std::move(err));
    return rp;
  }
  self
    ->request(self->state.config.hub.auth, self->state.config.limits.forward_timeout, logout_atom_v,
              session)
    .then(
      [=](caf::ok_atom ok) mutable {
        auto i = self->state.sessions.find(session);
        if (i != self->state.sessions.end()) {
          self->send_exit(i->second.outlet, caf::exit_reason::normal);
          self->state.sessions.erase(i);
          report_sessions(self);
        }
        rp.deliver(ok);
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// The connection or the hub went: every session proved here ends with its
// outlet (auth, which watches the outlets, ends them at the hub).
void close(gateway_ptr self) {
  for (auto& [token, s] : self->state.sessions)
    self->send_exit(s.outlet, caf::exit_reason::normal);
  self->state.sessions.clear();
  self->quit();
}

void on_down(gateway_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (!source_ended(dm.source)) {
    ++st.ignored_system_messages;
    spdlog::warn("gateway for {}: ignored a forged down message ({} so far)", st.config.address,
                 st.ignored_system_messages);
    return;
  }
  if (dm.source == st.config.lifetime.address()
      || (st.config.link && dm.source == st.config.link.address()))
    return close(self);
  for (auto i = st.sessions.begin(); i != st.sessions.end(); ++i)
    if (i->second.outlet.address() == dm.source) {
      st.sessions.erase(i);
      report_sessions(self);
      return;
    }
}

member_gateway_actor::behavior_type gateway(gateway_ptr self, gateway_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.requests = bucket(st.config.limits.requests);
  st.envelopes = bucket(st.config.limits.envelopes);
  st.receipts = bucket(st.config.limits.receipts);
  st.searches = bucket(st.config.limits.searches);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_default_handler(caf::drop);
  self->monitor(st.config.lifetime);
  if (st.config.link)
    self->monitor(st.config.link);
  auto& hub = st.config.hub;
  auto& addr = st.config.address;
  auto* envelopes = &st.envelopes;
  auto* receipts = &st.receipts;
  auto* searches = &st.searches;
  auto open = [=] { return admit(self, nullptr, nullptr); };
  auto bound = [=](const std::string& s, node_rate_limit* b = nullptr) {
    return admit(self, &s, b);
  };
  // A batch: each item costs what it would alone; an empty or oversized
  // batch is refused before anything is spent.
  auto bound_batch = [=](const std::string& s, node_rate_limit* b, size_t n) -> caf::error {
    if (n == 0 || n > max_batch) {
      auto refused = admit(self, nullptr, nullptr);
      return refused ? refused
                     : refuse(self, errc::invalid_argument,
                              "a batch holds 1 to " + std::to_string(max_batch) + " items");
    }
    return admit(self, &s, b, n);
  };
  return {
    [=](offer_atom a, const std::string& user) {
      return forward<signup_offer>(self, open(), hub.registry, a, user, addr);
    },
    [=](signup_atom a, const signup_request& req) {
      return forward<caf::ok_atom>(self, open(), hub.registry, a, req, addr);
    },
    [=](login_atom a, const std::string& user, const std::string& nonce) {
      return forward<login_challenge>(self, open(), hub.auth, a, user, nonce, addr);
    },
    [=](proof_atom, uint64_t attempt, const bytes& proof, const session_peer_actor& member) {
      return prove(self, attempt, proof, member);
    },
    [=](answer_atom a, const std::string& s, const std::string& nonce, const bytes& proof) {
      return forward<int64_t>(self, bound(s), hub.auth, a, s, nonce, proof);
    },
    [=](logout_atom, const std::string& s) { return logout(self, s); },
    [=](lookup_atom a, const std::string& s, const std::string& user) {
      return forward<user_record>(self, bound(s), hub.registry, a, s, user);
    },
    [=](search_atom a, const std::string& s, const std::string& query, uint32_t limit) {
      return forward<std::vector<presence_info>>(self, bound(s, searches), hub.registry, a, s,
                                                 query, limit);
    },
    [=](presence_atom a, const std::string& s, const std::string& status, const std::string& m) {
      return forward<caf::ok_atom>(self, bound(s), hub.registry, a, s, status, m);
    },
    [=](watch_atom a, const std::string& s, const std::vector<std::string>& users) {
      return forward<std::vector<presence_info>>(self, bound(s), hub.registry, a, s, users);
    },
    [=](unwatch_atom a, const std::string& s, const std::string& user) {
      return forward<caf::ok_atom>(self, bound(s), hub.registry, a, s, user);
    },
    [=](roomnew_atom a, const std::string& s, const std::string& room,
        const std::vector<std::string>& members) {
      return forward<room_info>(self, bound(s), hub.registry, a, s, room, members);
    },
    [=](roominv_atom a, const std::string& s, const std::string& room, const std::string& user) {
      return forward<room_info>(self, bound(s), hub.registry, a, s, room, user);
    },
    [=](roomleave_atom a, const std::string& s, const std::string& room) {
      return forward<caf::ok_atom>(self, bound(s), hub.registry, a, s, room);
    },
    [=](roomget_atom a, const std::string& s, const std::string& room) {
      return forward<room_info>(self, bound(s), hub.registry, a, s, room);
    },
    [=](rooms_atom a, const std::string& s) {
      return forward<std::vector<room_info>>(self, bound(s), hub.registry, a, s);
    },
    // A contact request reaches another person: it is paced like a search.
    [=](consent_atom a, const std::string& s, const std::string& peer, const std::string& act) {
      return forward<consent_entry>(self, bound(s, searches), hub.registry, a, s, peer, act);
    },
    [=](consents_atom a, const std::string& s) {
      return forward<std::vector<consent_entry>>(self, bound(s), hub.registry, a, s);
    },
    [=](pubkey_atom a, const std::string& s, const public_identity& id) {
      return forward<caf::ok_atom>(self, bound(s), hub.keys, a, s, id);
    },
    [=](fetchkey_atom a, const std::string& s, const std::string& user) {
      return forward<public_identity>(self, bound(s), hub.keys, a, s, user);
    },
    [=](prekeys_atom a, const std::string& s, const signed_prekey& spk,
        const std::vector<one_time_prekey>& otks) {
      return forward<uint32_t>(self, bound(s), hub.keys, a, s, spk, otks);
    },
    [=](bundle_atom a, const std::string& s, const std::string& user) {
      return forward<prekey_bundle>(self, bound(s), hub.keys, a, s, user);
    },
    [=](enqueue_atom a, const std::string& s, const envelope& env) {
      return forward<caf::ok_atom>(self, bound(s, envelopes), hub.mailbox, a, s, env);
    },
    [=](enqueue_atom a, const std::string& s, const std::vector<envelope>& envs) {
      return forward<std::vector<envelope_outcome>>(self, bound_batch(s, envelopes, envs.size()),
                                                    hub.mailbox, a, s, envs);
    },
    [=](ack_atom a, const std::string& s, const std::string& sender, const std::string& id) {
      return forward<caf::ok_atom>(self, bound(s, receipts), hub.mailbox, a, s, sender, id);
    },
    [=](ack_atom a, const std::string& s, const std::vector<message_ref>& refs) {
      return forward<caf::ok_atom>(self, bound_batch(s, receipts, refs.size()), hub.mailbox, a, s,
                                   refs);
    },
    [=](readrcpt_atom a, const std::string& s, const std::string& sender,
        const std::vector<std::string>& ids) {
      return forward<caf::ok_atom>(self, bound(s, receipts), hub.mailbox, a, s, sender, ids);
    },
  };
}

}  // namespace

member_gateway_actor spawn_gateway(caf::actor_system& sys, gateway_config config) {
  return sys.spawn(gateway, std::move(config));
}

}  // namespace chatter
