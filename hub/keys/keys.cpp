#include "keys.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/crypto/suites.hpp"
#include "core/crypto/x3dh.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"
#include "hub/login_session_table.hpp"
#include "store/guarded.hpp"
#include "store/key_store.hpp"

namespace chatter {

namespace {

// One-time prekeys: at most this many held per user; below the low mark
// the owner is asked for more.
constexpr uint32_t one_time_cap = 200;
constexpr uint32_t one_time_low = 20;
constexpr size_t max_published_at_once = 100;

struct keys_state {
  std::unique_ptr<store::key_store> store;
  session_table sessions;
  static inline const char* name = "keys";
};

keys_actor::behavior_type keys(keys_actor::stateful_pointer<keys_state> self,
                               const std::string& database_path) {
  self->state.store = std::make_unique<store::key_store>(database_path);
  auto* store = self->state.store.get();
  auto* sessions = &self->state.sessions;
  return {
    [=](online_atom, const std::string& session, const std::string& user,
        const session_peer_actor& peer) {
      if (from_own_node(self))
        sessions->add(session, user, peer);
    },
    [=](offline_atom, const std::string& session) {
      if (from_own_node(self))
        sessions->remove(session);
    },
    [=](pubkey_atom, const std::string& session,
        const public_identity& pub) -> caf::result<caf::ok_atom> {
      return guarded("keys", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return make_error(errc::not_logged_in, "publishing keys needs a session");
        if (pub.user != *user)
          return make_error(errc::invalid_argument, "you can publish your own keys only");
        if (!crypto::parse_suite(pub.suite) || !crypto::verify_binding(pub))
          return make_error(errc::invalid_argument,
                            "the identity's binding signature does not verify");
        store->put_public_key(pub, now_ms());
        spdlog::info("keys: {} published a {} identity", pub.user, pub.suite);
        return caf::ok_atom_v;
      });
    },
    [=](fetchkey_atom, const std::string& session,
        const std::string& user) -> caf::result<public_identity> {
      return guarded("keys", [&]() -> caf::result<public_identity> {
        if (!sessions->user_of(session, self->current_sender(), self->node()))
          return make_error(errc::not_logged_in, "fetching keys needs a session");
        if (auto why = check_username(user); !why.empty())
          return make_error(errc::invalid_argument, why);
        if (auto pub = store->find_public_key(user))
          return *pub;
        if (!store->find_user(user))
          return make_error(errc::not_found, "no user named '" + user + "'");
        return make_error(errc::not_found, "'" + user + "' has published no keys yet");
      });
    },
    [=](prekeys_atom, const std::string& session, const signed_prekey& spk,
        const std::vector<one_time_prekey>& one_time) -> caf::result<uint32_t> {
      return guarded("keys", [&]() -> caf::result<uint32_t> {
        auto user = sessions->user_of(session, self->current_sender(), self->node());
        if (!user)
          return make_error(errc::not_logged_in, "publishing prekeys needs a session");
        auto identity = store->find_public_key(*user);
        if (!identity || !crypto::parse_suite(identity->suite)
            || !crypto::has_x25519_keys(*crypto::parse_suite(identity->suite)))
          return make_error(errc::invalid_argument,
                            "prekeys need a published identity with X25519 keys");
        if (!crypto::x3dh::verify_signed_prekey(*identity, spk.id, spk.public_key, spk.signature))
          return make_error(errc::invalid_argument,
                            "the signed prekey's signature does not verify");
        if (one_time.size() > max_published_at_once)
          return make_error(errc::invalid_argument, "at most 100 one-time prekeys at once");
        for (auto& k : one_time)
          if (k.id == 0 || k.public_key.size() != 32)
            return make_error(errc::invalid_argument, "a one-time prekey is malformed");
        auto held = store->put_prekeys(*user, spk, one_time, one_time_cap);
        spdlog::debug("keys: {} holds {} one-time prekeys", *user, held);
        return held;
      });
    },
    [=](bundle_atom, const std::string& session,
        const std::string& user) -> caf::result<prekey_bundle> {
      return guarded("keys", [&]() -> caf::result<prekey_bundle> {
        if (!sessions->user_of(session, self->current_sender(), self->node()))
          return make_error(errc::not_logged_in, "fetching prekeys needs a session");
        if (auto why = check_username(user); !why.empty())
          return make_error(errc::invalid_argument, why);
        auto identity = store->find_public_key(user);
        auto spk = store->find_signed_prekey(user);
        if (!identity || !spk)
          return make_error(errc::not_found, "'" + user + "' has published no prekeys");
        uint32_t left = 0;
        auto one_time = store->take_one_time_prekey(user, left);
        if (left < one_time_low)
          for (auto& peer : sessions->peers_of(user))
            self->send(peer, replenish_atom_v, left);
        return prekey_bundle{*identity, *spk, one_time};
      });
    },
  };
}

}  // namespace

keys_actor spawn_keys(caf::actor_system& sys, const std::string& database_path) {
  return sys.spawn<caf::detached>(keys, database_path);
}

}  // namespace chatter
