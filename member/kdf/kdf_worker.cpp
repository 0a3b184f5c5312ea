#include "kdf_worker.hpp"

#include "core/crypto/suites.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "member/account/identity_file.hpp"

namespace chatter {

namespace {

caf::error weak_kdf_error(const kdf_params& kdf) {
  auto& floor = scram::member_kdf_floor;
  return make_error(errc::weak_kdf,
                    "the hub asked for a key derivation weaker than this daemon's floor (Argon2id "
                      + std::to_string(kdf.memory_kib) + " KiB, t=" + std::to_string(kdf.iterations)
                      + ", p=" + std::to_string(kdf.parallelism) + "; the floor is "
                      + std::to_string(floor.memory_kib)
                      + " KiB, t=" + std::to_string(floor.iterations)
                      + "), so the password was not used; this hub may not be the real one");
}

}  // namespace

kdf_actor::behavior_type kdf_worker(kdf_actor::pointer self, kdf_params kdf) {
  return {
    [self, kdf](derive_atom, const secret& password,
                const bytes& salt) -> caf::result<derived_keys> {
      self->quit();
      if (!scram::at_least_member_floor(kdf))
        return weak_kdf_error(kdf);
      return scram::derive(password.view(), salt, kdf);
    },
    [self, kdf](keygen_atom, const std::string& user, const std::string& suite,
                const secret& password) -> caf::result<locked_keys> {
      self->quit();
      auto id = crypto::parse_suite(suite);
      if (!id)
        return make_error(errc::invalid_argument, "unknown suite '" + suite + "'");
      auto identity = crypto::generate_identity(*id);
      auto locked =
        crypto::lock_identity(identity, password.view(), scram::raised_to_member_floor(kdf));
      return locked_keys_of(locked, crypto::public_of(identity, user));
    },
  };
}

}  // namespace chatter
