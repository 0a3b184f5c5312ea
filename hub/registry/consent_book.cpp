#include "consent_book.hpp"

#include <algorithm>
#include <variant>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"

namespace chatter {

namespace {

caf::expected<consent::action> action_of(const std::string& name) {
  if (auto a = consent::action_named(name))
    return *a;
  return make_error(errc::invalid_argument,
                    "a contact action is request, accept, decline, remove, block or unblock");
}

}  // namespace

caf::result<consent_entry> consent_book::act(registry_actor::pointer self, const std::string& me,
                                             const std::string& peer,
                                             const std::string& action_name) {
  if (auto why = check_username(peer); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (peer == me)
    return make_error(errc::invalid_argument, "you cannot be your own contact");
  auto a = action_of(action_name);
  if (!a)
    return a.error();
  bool here = store_->find_user(peer).has_value();
  if (!here && !clustered_)
    return make_error(errc::not_found, "no user named '" + peer + "'");
  auto row = store_->consent_of(me, peer);
  if (row.mine == consent::intent::none && *a != consent::action::block
      && store_->consent_count(me) >= max_consents_per_user)
    return make_error(errc::rate_limited,
                      "you have reached the limit of contacts, requests and blocks; remove some");
  auto next = consent::step(row, *a, peer);
  if (auto* why = std::get_if<std::string>(&next))
    return make_error(row.mine == consent::intent::blocked && *a != consent::action::unblock
                        ? errc::invalid_argument
                        : errc::not_found,
                      *why);
  store_->set_mine(me, peer, std::get<consent::intent>(next), now_ms());
  withdraw_presence(self, me, peer);
  if (here)
    apply_copy(self, peer, me, *a);
  return entry(me, peer);
}

caf::result<caf::ok_atom> consent_book::copy(registry_actor::pointer self, const std::string& owner,
                                             const std::string& from,
                                             const std::string& action_name) {
  auto a = action_of(action_name);
  if (!a)
    return a.error();
  if (!check_username(owner).empty() || !store_->find_user(owner))
    return make_error(errc::not_found, "no user named '" + owner + "'");
  apply_copy(self, owner, from, *a);
  return caf::ok_atom_v;
}

void consent_book::apply_copy(registry_actor::pointer self, const std::string& owner,
                              const std::string& from, consent::action a) {
  auto copy = consent::copy_of(a);
  auto row = store_->consent_of(owner, from);
  if (!copy || row.theirs == *copy)
    return;
  // Only a request makes a row; requests past the limit are not kept.
  if (row.empty()
      && (*copy != consent::intent::wants || store_->requests_to(owner) >= max_consents_per_user))
    return;
  store_->set_theirs(owner, from, *copy, now_ms());
  withdraw_presence(self, owner, from);
  auto news = entry(owner, from);
  for (auto& peer : sessions_->peers_of(owner))
    self->send(peer, consent_atom_v, news);
}

std::vector<consent_entry> consent_book::rows_of(const std::string& owner) {
  std::vector<consent_entry> out;
  for (auto& [peer, row] : store_->consents_of(owner)) {
    auto rec = store_->find_user(peer);
    out.push_back(
      {peer, rec ? rec->display_name : std::string{}, consent::name_of(consent::state_of(row))});
  }
  return out;
}

bool consent_book::may_watch(const std::string& watched, const std::string& watcher) {
  return consent::shares_presence(store_->consent_of(watched, watcher));
}

bool consent_book::hides_from(const std::string& watched, const std::string& watcher) {
  return store_->consent_of(watched, watcher).mine == consent::intent::blocked;
}

consent_entry consent_book::entry(const std::string& owner, const std::string& peer) {
  auto rec = store_->find_user(peer);
  return {peer, rec ? rec->display_name : std::string{},
          consent::name_of(consent::state_of(store_->consent_of(owner, peer)))};
}

void consent_book::withdraw_presence(registry_actor::pointer self, const std::string& watched,
                                     const std::string& watcher) {
  if (may_watch(watched, watcher))
    return;
  auto watching = presence_->watchers_of(watched);
  auto rec = store_->find_user(watched);
  // The watcher sees them go offline, as when they log out: not told why.
  presence_info gone{watched, rec ? rec->display_name : std::string{}, "offline", ""};
  for (auto& session : sessions_->sessions_of(watcher)) {
    if (std::find(watching.begin(), watching.end(), session) == watching.end())
      continue;
    presence_->unwatch(session, watched);
    if (auto peer = sessions_->peer_of(session))
      self->send(*peer, presence_atom_v, gone);
  }
}

}  // namespace chatter
