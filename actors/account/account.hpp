// The account actor (user side): one per account this daemon logs in. It runs
// the login exchange, keeps the session's ClientKey in memory (never the
// password) and answers the hub's re-challenges with it, and reports every
// change to the event sink.
#pragma once

#include <string>

#include "interfaces.hpp"

namespace chatter {

struct account_config {
  std::string user;
  auth_actor auth;
  event_sink_actor events;
  // Test hook: flip a bit of every re-challenge answer, so tests can watch
  // the hub revoke a session. Never set outside tests.
  bool corrupt_rechallenge_answers = false;
};

account_actor::behavior_type account(account_actor::pointer self,
                                     account_config config);

} // namespace chatter
