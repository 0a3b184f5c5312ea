#include "account.hpp"

#include <tuple>

#include <spdlog/spdlog.h>

#include "account_state.hpp"
#include "core/crypto/suites.hpp"
#include "core/errors.hpp"
#include "health.hpp"
#include "identity_file.hpp"
#include "login.hpp"
#include "messaging.hpp"
#include "peer_sessions.hpp"
#include "wire/system_messages.hpp"

namespace chatter {

caf::error not_logged_in(const account_state& st) {
  return not_logged_in(st.config.user);
}

caf::error require_session(const account_state& st) {
  return st.logged_in() ? caf::error{} : not_logged_in(st);
}

bool from_our_auth(account_actor::pointer self, const account_state& st,
                   const std::string& session) {
  return self->current_sender() == st.inlet.address() && !st.session.empty()
    && session == st.session;
}

namespace {

// How often queued envelopes are offered to the hub again, and a store that
// would not open is tried again.
constexpr auto outbox_retry = std::chrono::seconds(5);

// Only the manager's end ends an account: a down message from anyone else
// (a peer can forge them) is counted and dropped.
void live_for_the_manager(account_pointer self) {
  auto& st = self->state;
  auto guardian = st.config.guardian;
  obey_exits_only_from(self, guardian, st.config.user.c_str(), &st.ignored_system_messages);
  if (!guardian)
    return;
  self->monitor(guardian);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == guardian && source_ended(guardian))
      return self->quit(dm.reason);
    ++self->state.ignored_system_messages;
  });
}

void init(account_pointer self, account_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.hub_up = st.config.hub_up;
  st.status.user = st.config.user;
  st.messenger = std::make_shared<messaging>(self, &st);
  if (auto keys = load_identity_file(st.config.folder)) {
    st.status.suite = keys->suite;
    st.status.fingerprint = crypto::fingerprint(keys->identity);
  }
  health::open_store(self, st);
  // Always said at start: a restarted account replaces what the manager
  // reported when the last one ended.
  self->send(st.config.events, health_atom_v, st.config.user, st.health);
  if (st.config.restarted)
    self->send(st.config.events, authed_atom_v, st.status);
  live_for_the_manager(self);
  self->set_default_handler(caf::drop);
  self->delayed_send(self, outbox_retry, retry_atom_v);
}

// What the hub refused or never answered goes again (the hub and the
// recipient drop duplicates by (sender, id)); a login again that timed out
// (a slow or restarting hub) is tried again while the hub is there.
void on_timer(account_pointer self) {
  auto& st = self->state;
  health::retry(self, st);
  if (st.phase == session_phase::online && !st.consents_read)
    social::start_session(self, &st, [] {});
  if (st.logged_in())
    health::event(self, st, [&] { st.messenger->flush_outbox(); });
  else
    login::again(self);
  self->delayed_send(self, outbox_retry, retry_atom_v);
}

void prekeys_low(account_pointer self, uint32_t left) {
  auto& st = self->state;
  if (self->current_sender() != st.inlet.address() || !st.logged_in())
    return;
  spdlog::debug("{}: the hub has {} one-time prekeys left", st.config.user, left);
  health::event(self, st, [&] { ratchet_sessions(self, &st).publish_prekeys(); });
}

void presence_pushed(account_pointer self, const presence_info& info) {
  auto& st = self->state;
  if (self->current_sender() != st.inlet.address() || !st.logged_in())
    return;
  health::event(self, st, [&] { social::presence_changed(self, &st, info); });
}

void consent_pushed(account_pointer self, const consent_entry& e) {
  auto& st = self->state;
  if (self->current_sender() != st.inlet.address() || !st.logged_in())
    return;
  health::event(self, st, [&] { social::consent_pushed(self, &st, e); });
}

// A request the hub answers for our session, passed on as it is.
template <class T, class Atom, class... Ts>
caf::result<T> ask_hub(account_pointer self, Atom atom, const Ts&... xs) {
  if (auto err = require_session(self->state))
    return err;
  return self->delegate(self->state.config.hub.gateway, atom, self->state.session, xs...);
}

// The rows, by concern; each one line that hands the message to the unit
// that owns it.
auto session_rows(account_pointer self) {
  using std::string;
  return std::make_tuple(
    [=](login_atom, const secret& password) { return login::with_password(self, password); },
    [=](logout_atom) { return login::logout(self); },
    [=](status_atom) { return self->state.status; },
    [=](hubup_atom, const hub_handles& hub) { login::hub_up(self, hub); },
    [=](hubdown_atom) { login::hub_down(self); }, [=](retry_atom) { on_timer(self); },
    [=](challenge_atom, const string& session, const string& nonce) {
      login::challenged(self, session, nonce);
    },
    [=](revoked_atom, const string& session, const string& reason) {
      login::revoked(self, session, reason);
    },
    [=](hubdown_atom, const string& session) { login::session_lost(self, session); },
    [=](replenish_atom, uint32_t left) { prekeys_low(self, left); });
}

auto message_rows(account_pointer self) {
  using std::string;
  auto* st = &self->state;
  using records = std::vector<message_record>;
  return std::make_tuple(
    [=](deliver_atom, const envelope& env) {
      health::event(self, *st, [&] { st->messenger->deliver(env); });
    },
    [=](deliver_atom, const std::vector<envelope>& envs) {
      health::event(self, *st, [&] { st->messenger->deliver(envs); });
    },
    [=](flush_atom) {
      if (self->current_sender() != self->ctrl())
        return;
      // Even with the store gone: what waited on the batch hears so.
      try {
        st->messenger->commit_batch();
      } catch (...) {
        health::failed(self, *st, std::current_exception());
      }
    },
    [=](receipt_atom, const string& id, const string& recipient, const string& state) {
      health::event(self, *st, [&] { st->messenger->receipt(id, recipient, state); });
    },
    [=](receipt_atom, const std::vector<receipt_info>& rs) {
      health::event(self, *st, [&] { st->messenger->receipts(rs); });
    },
    [=](send_atom, const string& to, const string& text) {
      return health::joins_batch<string>(self, *st, [&] { return st->messenger->send(to, text); });
    },
    [=](history_atom, const string& peer, int64_t before, uint32_t limit) {
      return health::reads<records>(self, *st, [&] {
        return st->store->history(peer, before <= 0 ? INT64_MAX : before, limit);
      });
    },
    [=](pendmsgs_atom) {
      return health::reads<records>(self, *st, [&] { return st->store->pending_incoming(); });
    },
    [=](ackmsgs_atom, const std::vector<string>& ids) {
      return health::writes<caf::ok_atom>(self, *st, [&] {
        st->store->acknowledge(ids);
        return caf::ok_atom_v;
      });
    },
    [=](markread_atom, const string& peer) {
      return health::writes<caf::ok_atom>(self, *st,
                                          [&] { return st->messenger->mark_read(peer); });
    });
}

auto trust_rows(account_pointer self) {
  using std::string;
  auto* st = &self->state;
  return std::make_tuple(
    [=](fprint_atom, const string& who) {
      return health::writes<string>(self, *st, [&] { return st->messenger->fingerprint(who); });
    },
    [=](verify_atom, const string& who, const string& fingerprint) {
      return health::writes<caf::ok_atom>(self, *st,
                                          [&] { return st->messenger->verify(who, fingerprint); });
    },
    [=](resetsess_atom, const string& peer) {
      return health::writes<caf::ok_atom>(self, *st,
                                          [&] { return st->messenger->reset_session(peer); });
    });
}

auto social_rows(account_pointer self) {
  using std::string;
  auto* st = &self->state;
  return std::make_tuple(
    [=](presence_atom, const presence_info& info) { presence_pushed(self, info); },
    [=](presence_atom, const string& status, const string& message) {
      return social::set_presence(self, st, status, message);
    },
    [=](consent_atom, const consent_entry& e) { consent_pushed(self, e); },
    [=](addcont_atom, const string& who) {
      return health::writes<caf::ok_atom>(
        self, *st, [&] { return social::change_consent(self, st, who, "request", {}); });
    },
    [=](consent_atom, const string& who, const string& action, const string& message) {
      return health::writes<caf::ok_atom>(
        self, *st, [&] { return social::change_consent(self, st, who, action, message); });
    },
    [=](blocked_atom) {
      return health::reads<std::vector<string>>(self, *st,
                                                [&] { return social::blocked_users(st); });
    },
    [=](rmcont_atom, const string& who) {
      return health::writes<caf::ok_atom>(self, *st,
                                          [&] { return social::remove_contact(self, st, who); });
    },
    [=](contacts_atom) {
      return health::reads<std::vector<contact_info>>(self, *st,
                                                      [&] { return social::list_contacts(st); });
    },
    [=](search_atom, const string& query, uint32_t limit) {
      return ask_hub<std::vector<presence_info>>(self, search_atom_v, query, limit);
    });
}

auto room_rows(account_pointer self) {
  using std::string;
  return std::make_tuple(
    [=](roomnew_atom, const string& room, const std::vector<string>& members) {
      return ask_hub<room_info>(self, roomnew_atom_v, room, members);
    },
    [=](roominv_atom, const string& room, const string& invitee) {
      return ask_hub<room_info>(self, roominv_atom_v, room, invitee);
    },
    [=](roomleave_atom, const string& room) {
      return ask_hub<caf::ok_atom>(self, roomleave_atom_v, room);
    },
    [=](rooms_atom) { return ask_hub<std::vector<room_info>>(self, rooms_atom_v); });
}

}  // namespace

account_actor::behavior_type account(account_pointer self, account_config config) {
  init(self, std::move(config));
  return std::apply([](auto&&... rows) { return account_actor::behavior_type{std::move(rows)...}; },
                    std::tuple_cat(session_rows(self), message_rows(self), trust_rows(self),
                                   social_rows(self), room_rows(self)));
}

}  // namespace chatter
