#include "presence_table.hpp"

namespace chatter {

bool presence_table::session_started(const std::string& session, const std::string& user) {
  session_user_[session] = user;
  auto& sessions = user_sessions_[user];
  sessions.insert(session);
  if (online_.count(user))
    return false;
  online_[user] = {"online", ""};
  return true;
}

std::optional<std::string> presence_table::session_ended(const std::string& session) {
  auto i = session_user_.find(session);
  if (i == session_user_.end())
    return std::nullopt;
  auto user = i->second;
  session_user_.erase(i);
  if (auto w = watching_.find(session); w != watching_.end()) {
    for (auto& watched : w->second) {
      auto& set = watchers_[watched];
      set.erase(session);
      if (set.empty())
        watchers_.erase(watched);
    }
    watching_.erase(w);
  }
  auto& sessions = user_sessions_[user];
  sessions.erase(session);
  if (!sessions.empty())
    return std::nullopt;
  user_sessions_.erase(user);
  online_.erase(user);
  return user;
}

bool presence_table::set(const std::string& user, const std::string& state,
                         const std::string& message) {
  auto i = online_.find(user);
  if (i == online_.end())
    return false;
  if (i->second.state == state && i->second.message == message)
    return false;
  i->second = {state, message};
  return true;
}

presence_table::status presence_table::of(const std::string& user) const {
  auto i = online_.find(user);
  return i == online_.end() ? status{} : i->second;
}

bool presence_table::watch(const std::string& session, const std::string& user) {
  auto& mine = watching_[session];
  if (mine.size() >= max_watches_per_session && !mine.count(user))
    return false;
  mine.insert(user);
  watchers_[user].insert(session);
  return true;
}

void presence_table::unwatch(const std::string& session, const std::string& user) {
  if (auto w = watching_.find(session); w != watching_.end())
    w->second.erase(user);
  if (auto w = watchers_.find(user); w != watchers_.end()) {
    w->second.erase(session);
    if (w->second.empty())
      watchers_.erase(w);
  }
}

std::vector<std::string> presence_table::watchers_of(const std::string& user) const {
  auto i = watchers_.find(user);
  if (i == watchers_.end())
    return {};
  return {i->second.begin(), i->second.end()};
}

}  // namespace chatter
