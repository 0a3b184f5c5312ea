// The registry's consent rows (core/consent.hpp) and what follows from
// them: who may watch whose presence, and who hears that a row changed.
// Each hub node holds the rows of the users it homes; the copy of an action
// into the other user's row is made here when that user lives on this node,
// and by the cluster's router otherwise.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/consent.hpp"
#include "core/interfaces.hpp"
#include "hub/login_session_table.hpp"
#include "presence_table.hpp"
#include "store/directory_store.hpp"

namespace chatter {

// Consent rows a user may hold (contacts, requests, blocks).
inline constexpr size_t max_consents_per_user = 5000;

class consent_book {
public:
  consent_book(std::shared_ptr<store::directory_store> store,
               std::shared_ptr<session_table> sessions, std::shared_ptr<presence_table> presence,
               bool clustered)
    : store_(std::move(store)), sessions_(std::move(sessions)), presence_(std::move(presence)),
      clustered_(clustered) {}

  // `me` does `action_name` about `peer`: their own row changes, and the
  // peer's copy too when the peer lives here.
  caf::result<consent_entry> act(registry_actor::pointer self, const std::string& me,
                                 const std::string& peer, const std::string& action_name);
  // The copy of `from`'s action into `owner`'s row; NotFound when no
  // `owner` lives here. `owner`'s sessions hear of a change.
  caf::result<caf::ok_atom> copy(registry_actor::pointer self, const std::string& owner,
                                 const std::string& from, const std::string& action_name);
  std::vector<consent_entry> rows_of(const std::string& owner);

  // Presence of `watched` goes to `watcher` only while the pair is accepted.
  bool may_watch(const std::string& watched, const std::string& watcher);
  // `watched` blocked `watcher`, who believes the pair accepted: they are
  // shown offline, as a contact who is away, never told why.
  bool hides_from(const std::string& watched, const std::string& watcher);

private:
  consent_entry entry(const std::string& owner, const std::string& peer);
  void apply_copy(registry_actor::pointer self, const std::string& owner, const std::string& from,
                  consent::action a);
  // `watcher`'s sessions stop hearing of `watched` unless the pair is
  // accepted; those that watched see them offline.
  void withdraw_presence(registry_actor::pointer self, const std::string& watched,
                         const std::string& watcher);

  std::shared_ptr<store::directory_store> store_;
  std::shared_ptr<session_table> sessions_;
  std::shared_ptr<presence_table> presence_;
  bool clustered_;
};

}  // namespace chatter
