// Who is logged in, as a hub actor other than auth knows it: auth announces
// every session (online/offline) and this table answers "which user is this
// session?". Only callers on the hub's own node are heard: members reach the
// hub through their gateways (gateway/gateway.hpp), which check that a
// session was proved on their connection, or through a cluster router.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/interfaces.hpp"

namespace chatter {

// The second line behind the gateways: hub actors hear only their own node.
template <class Self>
bool from_own_node(Self* self) {
  auto& sender = self->current_sender();
  return sender && sender->node() == self->node();
}

class session_table {
public:
  void add(const std::string& session, const std::string& user, const session_peer_actor& peer) {
    // A token announced again under another user must leave the first
    // user's list: else that user's deliveries reach the new peer, and a
    // later remove leaves a dangling token that peers_of throws on.
    remove(session);
    sessions_[session] = {user, peer};
    by_user_[user].insert(session);
  }

  void remove(const std::string& session) {
    auto i = sessions_.find(session);
    if (i == sessions_.end())
      return;
    auto& set = by_user_[i->second.user];
    set.erase(session);
    if (set.empty())
      by_user_.erase(i->second.user);
    sessions_.erase(i);
  }

  // The session's user, if the session exists and `caller` is on its node.
  std::optional<std::string> user_of(const std::string& session,
                                     const caf::strong_actor_ptr& caller,
                                     const caf::node_id& own_node = {}) const {
    auto i = sessions_.find(session);
    if (i == sessions_.end() || !caller)
      return std::nullopt;
    if (caller->node() != own_node)
      return std::nullopt;
    return i->second.user;
  }

  std::optional<session_peer_actor> peer_of(const std::string& session) const {
    auto i = sessions_.find(session);
    if (i == sessions_.end())
      return std::nullopt;
    return i->second.peer;
  }

  std::vector<session_peer_actor> peers_of(const std::string& user) const {
    std::vector<session_peer_actor> out;
    auto i = by_user_.find(user);
    if (i != by_user_.end())
      for (auto& s : i->second)
        out.push_back(sessions_.at(s).peer);
    return out;
  }

  // The session tokens of `user`.
  std::vector<std::string> sessions_of(const std::string& user) const {
    auto i = by_user_.find(user);
    if (i == by_user_.end())
      return {};
    return {i->second.begin(), i->second.end()};
  }

private:
  struct entry {
    std::string user;
    session_peer_actor peer;
  };
  std::map<std::string, entry> sessions_;
  std::map<std::string, std::set<std::string>> by_user_;
};

}  // namespace chatter
