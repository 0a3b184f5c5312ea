// The account's ratchet sessions (crypto/session.hpp): our X3DH prekeys,
// published at the hub and topped up when it runs low; sessions set up from
// a peer's bundle or from a peer's first message; sealing and opening with
// them. Records live in the account's database, sealed at rest under a key
// derived from the unlocked identity, and every change is committed with
// the message it belongs to (messaging.cpp). Runs inside the account actor.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "account_state.hpp"
#include "core/envelope.hpp"

namespace chatter {

class ratchet_sessions {
public:
  ratchet_sessions(account_actor::pointer self, account_state_ptr st) : self_(self), st_(st) {}

  // After login, and when the hub asks: a signed prekey younger than a
  // week, and enough one-time prekeys at the hub. `then` runs once the hub
  // answered (or did not): a login answers after it, so a first message
  // right after finds the prekeys there.
  void publish_prekeys(std::function<void()> then = [] {});

  // Messages to `peer` go through a session when both identities are of
  // the ratchet suite.
  bool wanted(const public_identity& peer) const;

  // Makes sure a session exists with each of `peers` (X3DH from a fetched
  // bundle where none does). `next` gets the users who have no session and
  // cannot have one now (no prekeys published, or the hub away): their
  // messages go with the X25519 suite instead. An error only when a bundle
  // does not belong to the trusted key.
  using prepared = std::function<void(const caf::error&, const std::vector<std::string>&)>;
  void prepare(const std::vector<public_identity>& peers, prepared next);

  // Seals with the current session with `peer`; the updated record is to
  // be committed with the envelope. Throws crypto::crypto_error.
  struct sealed {
    envelope env;
    store::sealed_session session;
  };
  sealed seal(const std::string& peer, const envelope_header& header, const std::string& text);

  // Opens an envelope of the ratchet suite from `sender` (its trusted key).
  // Throws crypto::crypto_error; nothing is written here.
  struct opened {
    std::string text;
    store::sealed_session session;
    std::optional<uint32_t> used_one_time_prekey;
  };
  opened open(const public_identity& sender, const envelope_header& header, const envelope& env);

  // Closes the sessions with `peer` (ResetSession, or its key changed): the
  // next message sets up a new one; envelopes already sent under the old
  // ones still open, so nothing in flight is lost.
  size_t reset(const std::string& peer);

private:
  const bytes& at_rest_key() const;
  bytes seal_at_rest(const bytes& plain, const std::string& label) const;
  std::optional<bytes> open_at_rest(const bytes& sealed, const std::string& label) const;
  void publish(const signed_prekey& spk, std::vector<one_time_prekey> fresh, bool top_up,
               std::function<void()> then);
  void prepare_next(std::shared_ptr<std::vector<public_identity>> todo,
                    std::shared_ptr<std::vector<std::string>> fallback, prepared next);

  account_actor::pointer self_;
  account_state_ptr st_;
};

}  // namespace chatter
