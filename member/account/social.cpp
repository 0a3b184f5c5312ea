// The account actor's contacts, presence and arrivals: the contact list
// lives in the account's database, presence comes from the hub's registry,
// which tells this session of every change of a watched user.
#include <spdlog/spdlog.h>

#include "account_state.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
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

}  // namespace

void start_session(account_actor::pointer self, const account_state_ptr& st) {
  std::vector<std::string> users;
  for (auto& [name, display] : st->store->address_book())
    users.push_back(name);
  watch(self, st, std::move(users));
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

caf::result<caf::ok_atom> add_contact(account_actor::pointer self, const account_state_ptr& st,
                                      const std::string& user) {
  if (!st->logged_in())
    return not_logged_in(st->config.user);
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (user == st->config.user)
    return make_error(errc::invalid_argument, "you cannot add yourself as a contact");
  auto rp = self->make_response_promise<caf::ok_atom>();
  self->request(st->config.hub.gateway, hub_timeout, lookup_atom_v, st->session, user)
    .then(
      [self, st, rp](const user_record& found) mutable {
        if (!st->store) {
          rp.deliver(make_error(errc::storage_failed, "this account's file is closed"));
          return;
        }
        st->messenger->commit_batch();  // the answer below means "on disk"
        st->store->add_to_address_book(found.user, found.display_name, now_ms());
        rp.deliver(caf::ok_atom_v);
        // Arrives (presence_changed) only if the watch finds it online: an
        // offline contact being added has not come.
        watch(self, st, {found.user});
      },
      [rp](const caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::result<caf::ok_atom> remove_contact(account_actor::pointer self, const account_state_ptr& st,
                                         const std::string& user) {
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (!st->store->remove_from_address_book(user))
    return make_error(errc::not_found, "'" + user + "' is not in your contacts");
  st->presence.erase(user);
  if (st->logged_in())
    self->request(st->config.hub.gateway, hub_timeout, unwatch_atom_v, st->session, user)
      .then([](caf::ok_atom) {}, [](const caf::error&) {});
  return caf::ok_atom_v;
}

std::vector<contact_info> list_contacts(const account_state_ptr& st) {
  std::vector<contact_info> out;
  for (auto& [user, display] : st->store->address_book()) {
    contact_info c{user, display, "offline", "none", ""};
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

}  // namespace chatter::social
