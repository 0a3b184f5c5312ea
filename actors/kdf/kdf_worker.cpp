#include "kdf/kdf_worker.hpp"

#include "auth/scram.hpp"
#include "common/errors.hpp"
#include "crypto/suites.hpp"

namespace chatter {

kdf_actor::behavior_type kdf_worker(kdf_actor::pointer self, kdf_params kdf) {
  return {
    [self, kdf](derive_atom, const std::string& password,
                const bytes& salt) -> caf::result<derived_keys> {
      self->quit();
      if (!scram::acceptable(kdf))
        return make_error(errc::authentication_failed,
                          "the hub asked for KDF parameters below the floor");
      return scram::derive(password, salt, kdf);
    },
    [self](keygen_atom, const std::string& user, const std::string& suite,
           const std::string& password) -> caf::result<locked_keys> {
      self->quit();
      auto id = crypto::parse_suite(suite);
      if (!id)
        return make_error(errc::invalid_argument, "unknown suite '" + suite + "'");
      auto identity = crypto::generate_identity(*id);
      auto locked = crypto::lock_identity(identity, password);
      return locked_keys{locked.suite, locked.signing_pem, locked.encryption_pem,
                         crypto::public_of(identity, user)};
    },
  };
}

} // namespace chatter
