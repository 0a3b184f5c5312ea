// The robot's to-do list. Arrivals and messages that come while the robot is
// busy merge into one sentence each ("alice, bob and 3 others are here"), so
// however fast the chat goes, at most one arrival and one message utterance
// wait: the robot never lags behind. Explicit Speak/Perform requests are
// kept as asked, up to a bound. Pure: no CAF, no I/O.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "speech.hpp"

namespace chatter::tux {

// One turn of the robot: say `speech` (if any), then perform `actions`.
struct job {
  std::string origin;  // arrival, message, speak, perform
  std::string speech;
  std::vector<std::string> actions;
};

class coalescer {
public:
  static constexpr size_t max_requests = 16;
  // Beyond this, more names only grow the "N others" count... or would, so
  // they are dropped: a burst this big is announced as it stands.
  static constexpr size_t max_pending = 1000;

  explicit coalescer(phrasebook book);

  void arrival(const std::string& name);
  void message(const std::string& from, const std::string& text);
  // False when max_requests requests already wait.
  bool request(job j);

  // The next turn: requests first, in order; then every pending arrival as
  // one greeting and wave; then every pending message as one sentence.
  std::optional<job> next();
  bool empty() const;

  const phrasebook& book() const {
    return book_;
  }

private:
  phrasebook book_;
  std::deque<job> requests_;
  std::vector<std::string> arrivals_;
  std::set<std::string> arrival_set_;
  std::vector<heard_message> messages_;
};

}  // namespace chatter::tux
