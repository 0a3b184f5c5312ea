// The account actor's contacts, consent, presence and arrivals. The
// contact list (names as we know them) lives in the account's database;
// consent is the hub's (core/consent.hpp), which this session keeps a copy
// of: read at login, and told of every change the other side makes.
// Presence comes from the hub's registry, for accepted contacts only.
#include <functional>

#include <spdlog/spdlog.h>

#include "account_state.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
#include "health.hpp"
#include "messaging.hpp"

namespace chatter::social {

namespace {

void announce_arrival(account_actor::pointer self, const account_state_ptr& st,
                      const std::string& user, const std::string& display_name) {
  if (!st->arrived.insert(user).second)
    return;
  auto name = display_name.empty() ? user : display_name;
  self->send(st->config.events, arrived_atom_v, st->config.user, user, name);
  if (st->config.robot)
    self->send(st->config.robot, arrived_atom_v, st->config.user, user, name);
}

std::string display_name_in_book(const account_state_ptr& st, const std::string& user) {
  for (auto& [name, display] : st->store->address_book())
    if (name == user)
      return display;
  return {};
}

bool in_book(const account_state_ptr& st, const std::string& user) {
  for (auto& [name, display] : st->store->address_book())
    if (name == user)
      return true;
  return false;
}

void watch(account_actor::pointer self, const account_state_ptr& st,
           std::vector<std::string> users) {
  if (users.empty() || !st->logged_in())
    return;
  auto session = st->session;
  self->request(st->config.hub.gateway, hub_timeout, watch_atom_v, session, std::move(users))
    .then(
      [self, st, session](const std::vector<presence_info>& now) {
        if (st->session != session)
          return;
        for (auto& info : now)
          presence_changed(self, st, info);
      },
      [user = st->config.user](const caf::error& err) {
        spdlog::warn("{}: cannot watch contacts' presence: {}", user, describe(err).sentence);
      });
}

// A contact whose pair is no longer accepted: their presence is gone.
void forget_presence(account_actor::pointer self, const account_state_ptr& st,
                     const std::string& user) {
  auto i = st->presence.find(user);
  if (i == st->presence.end())
    return;
  auto gone = i->second;
  st->presence.erase(i);
  gone.status = "offline";
  gone.message.clear();
  self->send(st->config.events, presence_atom_v, st->config.user, gone);
}

void keep_in_book(const account_state_ptr& st, const consent_entry& e) {
  if (in_book(st, e.user))
    return;
  st->messenger->commit_batch();  // an answer that follows means "on disk"
  st->store->add_to_address_book(e.user, e.display_name.empty() ? e.user : e.display_name,
                                 now_ms());
}

// What the hub says of our row about `e.user`: kept, told to the
// front-ends when it changed, and followed: whom we asked or accepted is in
// the book, an accepted contact is watched, any other state shares no
// presence.
void learn(account_actor::pointer self, const account_state_ptr& st, const consent_entry& e) {
  auto before = state_of(st, e.user);
  if (e.state == "none")
    st->consents.erase(e.user);
  else
    st->consents[e.user] = e;
  if (before != e.state)
    self->send(st->config.events, consent_atom_v, st->config.user, e.user, e.state);
  if (e.state != "pending-in")
    st->rung.erase(e.user);  // a later request rings again
  else if (auto words = st->early_requests.find(e.user); words != st->early_requests.end()) {
    contact_requested(self, st, e.user, words->second);
    st->early_requests.erase(words);
  }
  if (e.state == "pending-out" || e.state == "accepted")
    keep_in_book(st, e);
  if (e.state != "accepted")
    return forget_presence(self, st, e.user);
  if (before != "accepted")
    watch(self, st, {e.user});  // arrives only if they are online
}

using consent_done = std::function<void(const consent_entry&)>;

// `hub_action` (core/consent.hpp) about `user` at the hub; what it answers
// is learnt, then `done` runs and `rp` hears ok (or the hub's error).
void act_at_hub(account_actor::pointer self, const account_state_ptr& st, const std::string& user,
                const std::string& hub_action, caf::typed_response_promise<caf::ok_atom> rp,
                consent_done done = {}) {
  auto session = st->session;
  self->request(st->config.hub.gateway, hub_timeout, consent_atom_v, session, user, hub_action)
    .then(
      [self, st, session, rp, done](const consent_entry& e) mutable {
        if (st->session == session)
          health::event(self, *st, [&] {
            learn(self, st, e);
            if (done)
              done(e);
          });
        if (rp.pending())
          rp.deliver(caf::ok_atom_v);
      },
      [st, user, rp](const caf::error& err) mutable {
        if (rp.pending()) {
          rp.deliver(err);
          return;
        }
        spdlog::warn("{}: the hub did not take a contact change for {}: {}", st->config.user, user,
                     describe(err).sentence);
      });
}

// At login: the hub's rows replace what we knew. Contacts from before
// consent (in the book, no row at the hub) ask once; what the hub has as
// accepted or asked for is in the book; accepted ones are watched.
void reconcile(account_actor::pointer self, const account_state_ptr& st,
               const std::vector<consent_entry>& rows) {
  st->consents.clear();
  for (auto& e : rows)
    st->consents[e.user] = e;
  st->consents_read = true;
  for (auto& [name, display] : st->store->address_book())
    if (state_of(st, name) == "none")
      act_at_hub(self, st, name, "request", {});
  std::vector<std::string> accepted;
  for (auto& e : rows) {
    if (e.state == "accepted" || e.state == "pending-out")
      keep_in_book(st, e);
    if (e.state == "accepted")
      accepted.push_back(e.user);
  }
  watch(self, st, std::move(accepted));
}

bool known_state(const std::string& state) {
  for (auto known : {"none", "pending-out", "pending-in", "accepted", "declined", "blocked"})
    if (state == known)
      return true;
  return false;
}

}  // namespace

std::string state_of(const account_state_ptr& st, const std::string& user) {
  auto i = st->consents.find(user);
  return i == st->consents.end() ? std::string("none") : i->second.state;
}

void start_session(account_actor::pointer self, const account_state_ptr& st,
                   const std::function<void()>& then) {
  auto session = st->session;
  st->consents_read = false;
  st->rung.clear();
  self->request(st->config.hub.gateway, hub_timeout, consents_atom_v, session)
    .then(
      [self, st, session, then](const std::vector<consent_entry>& rows) {
        if (st->session == session)
          health::event(self, *st, [&] { reconcile(self, st, rows); });
        then();
      },
      [st, then](const caf::error& err) {
        // The retry timer asks again; until then contacts read as strangers.
        spdlog::warn("{}: cannot read contacts from the hub: {}", st->config.user,
                     describe(err).sentence);
        then();
      });
}

void consent_pushed(account_actor::pointer self, const account_state_ptr& st,
                    const consent_entry& e) {
  if (!check_username(e.user).empty() || e.user == st->config.user || !known_state(e.state)
      || !check_display_name(e.display_name).empty())
    return;
  learn(self, st, e);
}

void contact_requested(account_actor::pointer self, const account_state_ptr& st,
                       const std::string& from, const std::string& message) {
  // Only a request the hub has (pending-in) rings, once: words sent without
  // asking at the hub, or again and again, ring nothing. Words that come
  // before the hub's news wait for it.
  auto state = state_of(st, from);
  if (state == "pending-in") {
    if (st->rung.insert(from).second)
      self->send(st->config.events, requested_atom_v, st->config.user, from, message);
  } else if (state == "none" && st->early_requests.size() < max_early_requests) {
    st->early_requests[from] = message;
  }
}

bool accepted(const account_state_ptr& st, const std::string& user) {
  return state_of(st, user) == "accepted";
}

void presence_changed(account_actor::pointer self, const account_state_ptr& st,
                      const presence_info& info) {
  auto& known = st->presence[info.user];
  bool changed = known.status != info.status || known.message != info.message;
  bool first = known.user.empty();
  known = info;
  if (changed || first)
    self->send(st->config.events, presence_atom_v, st->config.user, info);
  // Arrival means arrival: a contact who is really here, once a session.
  if (info.status == "online")
    announce_arrival(self, st, info.user, info.display_name);
}

void interlocutor_seen(account_actor::pointer self, const account_state_ptr& st,
                       const std::string& user) {
  if (accepted(st, user))  // a stranger rings nothing
    announce_arrival(self, st, user, display_name_in_book(st, user));
}

caf::result<caf::ok_atom> set_presence(account_actor::pointer self, const account_state_ptr& st,
                                       const std::string& status, const std::string& message) {
  if (!st->logged_in())
    return not_logged_in(st->config.user);
  if (auto why = check_presence(status, message); !why.empty())
    return make_error(errc::invalid_argument, why);
  auto rp = self->make_response_promise<caf::ok_atom>();
  self->request(st->config.hub.gateway, hub_timeout, presence_atom_v, st->session, status, message)
    .then(
      [self, st, status, rp](caf::ok_atom) mutable {
        st->status.presence = status;
        self->send(st->config.events, authed_atom_v, st->status);
        rp.deliver(caf::ok_atom_v);
      },
      [rp](const caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::result<caf::ok_atom> change_consent(account_actor::pointer self, const account_state_ptr& st,
                                         const std::string& user, const std::string& action,
                                         const std::string& message) {
  if (auto err = require_session(*st))
    return err;
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (user == st->config.user)
    return make_error(errc::invalid_argument, "you cannot be your own contact");
  if (auto why = check_contact_action(action); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (auto why = check_request_message(message); !why.empty())
    return make_error(errc::invalid_argument, why);
  auto rp = self->make_response_promise<caf::ok_atom>();
  consent_done done;
  if (action == "request")
    done = [st, user, message](const consent_entry& e) {
      if (e.state == "pending-out")  // the request's words, end to end
        st->messenger->send_request(user, message);
    };
  else if (action == "block")
    done = [st, user](const consent_entry&) {
      st->messenger->commit_batch();  // the answer that follows means "on disk"
      st->store->remove_from_address_book(user);
    };
  act_at_hub(self, st, user, action, rp, std::move(done));
  return rp;
}

caf::result<caf::ok_atom> remove_contact(account_actor::pointer self, const account_state_ptr& st,
                                         const std::string& user) {
  if (auto err = require_session(*st))
    return err;
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  auto state = state_of(st, user);
  if (!in_book(st, user)) {
    if (state == "pending-in")
      return make_error(errc::invalid_argument,
                        "'" + user + "' asked to be your contact: decline the request instead");
    if (state == "blocked")
      return make_error(errc::invalid_argument, "'" + user + "' is blocked: unblock them instead");
    if (state != "pending-out" && state != "accepted")
      return make_error(errc::not_found, "'" + user + "' is not in your contacts");
  }
  auto forget = [self, st, user] {
    st->messenger->commit_batch();
    st->store->remove_from_address_book(user);
    forget_presence(self, st, user);
  };
  if (state != "pending-out" && state != "accepted" && state != "declined") {
    forget();  // nothing the hub keeps for us to withdraw (the row guards it)
    return caf::ok_atom_v;
  }
  auto rp = self->make_response_promise<caf::ok_atom>();
  self
    ->request(st->config.hub.gateway, hub_timeout, consent_atom_v, st->session, user,
              std::string("remove"))
    .then(
      [self, st, forget, rp](const consent_entry& e) mutable {
        bool done = false;
        health::event(self, *st, [&] {
          learn(self, st, e);
          forget();
          done = true;
        });
        if (done)
          rp.deliver(caf::ok_atom_v);
        else
          rp.deliver(make_error(errc::storage_failed, "the contact list could not be written"));
      },
      [rp](const caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

std::vector<contact_info> list_contacts(const account_state_ptr& st) {
  std::vector<contact_info> out;
  auto book = st->store->address_book();
  // Who asked us and whom we blocked: in the list, not in the book (whom we
  // declined or removed is not shown).
  for (auto& [user, e] : st->consents)
    if ((e.state == "pending-in" || e.state == "blocked") && !in_book(st, user))
      book.emplace_back(user, e.display_name.empty() ? user : e.display_name);
  for (auto& [user, display] : book) {
    contact_info c{user, display, "offline", "none", "", state_of(st, user)};
    if (auto p = st->presence.find(user); p != st->presence.end())
      c.presence = p->second.status;
    if (auto k = st->store->find_contact(user)) {
      c.trust = k->new_key ? "changed" : k->verified ? "verified" : "tofu";
      c.fingerprint = k->new_key ? k->new_fingerprint : k->fingerprint;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> blocked_users(const account_state_ptr& st) {
  std::vector<std::string> out;
  for (auto& [user, e] : st->consents)
    if (e.state == "blocked")
      out.push_back(user);
  return out;
}

}  // namespace chatter::social
