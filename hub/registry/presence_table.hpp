// Presence at the hub, as pure logic: each online user's status and message,
// and which sessions watch which users. The registry actor asks it who must
// hear of a change and sends the messages itself.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace chatter {

inline constexpr size_t max_watches_per_session = 5000;

class presence_table {
public:
  struct status {
    std::string state = "offline";  // online, away, busy, offline
    std::string message;
  };

  // A session of `user` began; true when the user just came online.
  bool session_started(const std::string& session, const std::string& user);
  // A session ended; the user, when it was their last (now offline).
  std::optional<std::string> session_ended(const std::string& session);

  // Sets an online user's status; false when it did not change.
  bool set(const std::string& user, const std::string& state, const std::string& message);
  status of(const std::string& user) const;

  // `session` hears of `user`'s changes from now on; false past the limit.
  bool watch(const std::string& session, const std::string& user);
  void unwatch(const std::string& session, const std::string& user);
  // The sessions that watch `user`.
  std::vector<std::string> watchers_of(const std::string& user) const;

  static bool valid_state(const std::string& state) {
    return state == "online" || state == "away" || state == "busy";
  }

private:
  std::map<std::string, std::string> session_user_;
  std::map<std::string, std::set<std::string>> user_sessions_;
  std::map<std::string, status> online_;
  std::map<std::string, std::set<std::string>> watchers_;  // user -> sessions
  std::map<std::string, std::set<std::string>> watching_;  // session -> users
};

}  // namespace chatter
