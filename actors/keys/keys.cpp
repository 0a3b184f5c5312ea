#include "keys/keys.hpp"

#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "common/guarded.hpp"
#include "common/errors.hpp"
#include "common/session_table.hpp"
#include "common/validation.hpp"
#include "crypto/suites.hpp"
#include "store/hub_store.hpp"

namespace chatter {

keys_actor::behavior_type keys(keys_actor::pointer self, std::string database_path) {
  auto store = std::make_shared<store::hub_store>(database_path);
  auto sessions = std::make_shared<session_table>();
  return {
    [=](online_atom, const std::string& session, const std::string& user,
        const session_peer_actor& peer) { sessions->add(session, user, peer); },
    [=](offline_atom, const std::string& session) { sessions->remove(session); },
    [=](pubkey_atom, const std::string& session,
        const public_identity& pub) -> caf::result<caf::ok_atom> {
      return guarded("keys", [&]() -> caf::result<caf::ok_atom> {
        auto user = sessions->user_of(session, self->current_sender());
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
        if (!sessions->user_of(session, self->current_sender()))
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
  };
}

} // namespace chatter
