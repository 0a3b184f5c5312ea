// Register, as named steps: the hub's offer (salt and KDF), our verifier
// derived from the password, the identity keys made and locked, the sign-up
// at the hub, and only then the keys saved here (a refused sign-up must not
// touch the keys of an account of that name on this machine).
#include <filesystem>

#include <spdlog/spdlog.h>

#include "account_manager.hpp"
#include "core/crypto/suites.hpp"
#include "core/errors.hpp"
#include "core/scram.hpp"
#include "core/validation.hpp"
#include "identity_file.hpp"
#include "member/kdf/kdf_worker.hpp"
#include "timeouts.hpp"

namespace chatter {

namespace {

namespace fs = std::filesystem;

struct signup_attempt {
  std::string user;
  secret password;
  std::string display_name;
  std::string suite;
  signup_offer offer;
  derived_keys keys;
  caf::typed_response_promise<caf::ok_atom> rp;

  void fail(const caf::error& err) {
    rp.deliver(err);
  }
};
using signup_ptr = std::shared_ptr<signup_attempt>;

void save_keys(manager_pointer self, const signup_ptr& a, const locked_keys& identity) {
  try {
    auto folder = fs::path(self->state.config.accounts_dir) / a->user;
    make_private_folder(folder.string());
    save_identity_file(folder.string(), identity);
  } catch (const std::exception& ex) {
    spdlog::error("keys of {} not saved: {}", a->user, ex.what());
    return a->fail(make_error(errc::storage_failed,
                              "the account exists at the hub but its keys "
                              "could not be saved here: "
                                + std::string(ex.what())));
  }
  learn_account(self, a->user);
  a->rp.deliver(caf::ok_atom_v);
}

void sign_up_at_hub(manager_pointer self, const signup_ptr& a, const locked_keys& identity) {
  signup_request req{a->user,
                     a->display_name,
                     a->offer.salt,
                     a->offer.kdf,
                     scram::to_bytes(a->keys.stored_key),
                     scram::to_bytes(a->keys.server_key)};
  self->request(self->state.config.hub.gateway, hub_timeout, signup_atom_v, req)
    .then([=](caf::ok_atom) { save_keys(self, a, identity); },
          [=](const caf::error& err) { a->fail(err); });
}

void make_keys(manager_pointer self, const signup_ptr& a) {
  auto keygen = self->spawn<caf::detached>(kdf_worker, a->offer.kdf);
  self->request(keygen, kdf_timeout, keygen_atom_v, a->user, a->suite, a->password)
    .then([=](const locked_keys& identity) { sign_up_at_hub(self, a, identity); },
          [=](const caf::error& err) { a->fail(err); });
}

void derive_verifier(manager_pointer self, const signup_ptr& a) {
  auto kdf = self->spawn<caf::detached>(kdf_worker, a->offer.kdf);
  self->request(kdf, kdf_timeout, derive_atom_v, a->password, a->offer.salt)
    .then(
      [=](const derived_keys& keys) {
        a->keys = keys;
        make_keys(self, a);
      },
      [=](const caf::error& err) { a->fail(err); });
}

// The settings' suite is judged before the hub is asked, as the bridge
// did when it judged it: a bad suite is InvalidArgument, hub or no hub.
caf::error check_signup(const manager_state& st, const std::string& user, const secret& password,
                        const registration_settings& settings) {
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (auto why = check_suite(settings.suite); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (!st.hub_up)
    return hub_unreachable();
  if (auto why = check_password(password.view()); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (auto why = check_display_name(settings.display_name); !why.empty())
    return make_error(errc::invalid_argument, why);
  return {};
}

}  // namespace

std::string check_suite(const std::string& suite) {
  if (suite.empty() || crypto::parse_suite(suite))
    return {};
  std::string known;
  for (auto& name : crypto::suite_names())
    known += (known.empty() ? "" : ", ") + name;
  return "unknown suite '" + suite + "'; known: " + known;
}

caf::result<caf::ok_atom> sign_up(manager_pointer self, const std::string& user,
                                  const secret& password, registration_settings settings) {
  if (auto err = check_signup(self->state, user, password, settings))
    return err;
  if (settings.suite.empty())
    settings.suite = crypto::default_suite;
  auto a =
    std::make_shared<signup_attempt>(signup_attempt{user,
                                                    password,
                                                    settings.display_name,
                                                    settings.suite,
                                                    {},
                                                    {},
                                                    self->make_response_promise<caf::ok_atom>()});
  self->request(self->state.config.hub.gateway, hub_timeout, offer_atom_v, user)
    .then(
      [=](const signup_offer& offer) {
        a->offer = offer;
        derive_verifier(self, a);
      },
      [=](const caf::error& err) { a->fail(err); });
  return a->rp;
}

}  // namespace chatter
