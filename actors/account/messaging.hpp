// The account actor's messages: sealing what it sends (through the crypto
// pool) and handing it to the hub, opening and storing what it receives,
// delivery states, and the contacts' keys with their trust (trust on first
// use; a changed key is held apart until VerifyContact). Runs inside the
// account actor: every method is called from its handlers or callbacks.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "account/account_state.hpp"

namespace chatter {

class messaging {
public:
  messaging(account_actor::pointer self, account_state_ptr st)
    : self_(self), st_(std::move(st)) {
  }

  // SendMessage: to a user or "#room"; answers the id once stored here.
  caf::result<std::string> send(const std::string& to, const std::string& text);
  // Offers every queued envelope to the hub (after login, and on a timer).
  void flush_outbox();
  // An envelope from the hub's mailbox (anything else is dropped).
  void deliver(const envelope& env);
  // A delivered or read receipt from the hub's mailbox.
  void receipt(const std::string& id, const std::string& recipient, const std::string& state);
  caf::result<caf::ok_atom> mark_read(const std::string& peer);
  caf::result<std::string> fingerprint(const std::string& who);
  caf::result<caf::ok_atom> verify(const std::string& who, const std::string& fingerprint);
  // ResetSession: closes the ratchet sessions with `peer`.
  caf::result<caf::ok_atom> reset_session(const std::string& peer);
  // Opens, checks and stores one envelope (kept for later before login).
  void receive(const envelope& env);

private:
  using key_callback = std::function<void(const caf::error&, const public_identity*)>;
  using keys_callback =
    std::function<void(const caf::error&, const std::vector<public_identity>&)>;

  void drop(const std::string& why);
  void ack(const std::string& from, const std::string& id);
  void set_state(const std::string& id, const std::string& state);
  void push(const std::string& id, const store::outbound& out);
  std::optional<store::contact> learn_key(const public_identity& fetched);
  void with_key(const std::string& peer, key_callback next);
  void with_keys(std::vector<std::string> peers, keys_callback next);

  account_actor::pointer self_;
  account_state_ptr st_;
};

} // namespace chatter
