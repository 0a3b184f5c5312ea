#include "kdf/kdf_worker.hpp"

#include "auth/scram.hpp"
#include "common/errors.hpp"

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
  };
}

} // namespace chatter
