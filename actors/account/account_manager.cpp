#include "account/account_manager.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "account/account.hpp"
#include "account/identity_file.hpp"
#include "auth/scram.hpp"
#include "common/errors.hpp"
#include "common/validation.hpp"
#include "kdf/kdf_worker.hpp"

namespace chatter {

namespace fs = std::filesystem;

namespace {

constexpr auto hub_timeout = std::chrono::seconds(10);
constexpr auto kdf_timeout = std::chrono::seconds(30);

struct manager_state {
  account_manager_config config;
  bool hub_up = false;
  std::set<std::string> known;
  std::map<std::string, account_actor> accounts;
};

std::set<std::string> scan_accounts(const fs::path& dir) {
  std::set<std::string> found;
  std::error_code ec;
  for (auto& entry : fs::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (entry.is_directory() && check_username(name).empty()
        && fs::exists(entry.path() / "account.json"))
      found.insert(name);
  }
  return found;
}

void make_private_folder(const fs::path& folder) {
  fs::create_directories(folder);
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace);
}

// Writes the account's folder (0700) and its account.json.
void remember_account(const fs::path& dir, const std::string& user) {
  auto folder = dir / user;
  make_private_folder(folder);
  auto file = folder / "account.json";
  if (fs::exists(file))
    return;
  auto tmp = folder / "account.json.tmp";
  {
    std::ofstream out(tmp);
    out << nlohmann::json{{"username", user}, {"hub", "embedded"}}.dump(2)
        << '\n';
  }
  fs::rename(tmp, file);
}

} // namespace

account_manager_actor::behavior_type
account_manager(account_manager_actor::pointer self,
                account_manager_config config) {
  auto st = std::make_shared<manager_state>();
  st->config = config;
  st->hub_up = static_cast<bool>(config.hub);  // the embedded hub is always there
  fs::create_directories(config.accounts_dir);
  st->known = scan_accounts(config.accounts_dir);
  for (auto& user : st->known)
    self->send(config.events, known_atom_v, user);

  auto learn = [=](const std::string& user) {
    if (st->known.count(user))
      return;
    try {
      remember_account(st->config.accounts_dir, user);
    } catch (const std::exception& ex) {
      spdlog::error("cannot write the folder of account {}: {}", user, ex.what());
    }
    st->known.insert(user);
    self->send(st->config.events, known_atom_v, user);
  };

  auto account_of = [=](const std::string& user) {
    auto i = st->accounts.find(user);
    if (i != st->accounts.end())
      return i->second;
    account_config cfg{user,
                       (fs::path(st->config.accounts_dir) / user).string(),
                       st->config.hub,
                       st->config.crypto,
                       st->config.events,
                       st->config.robot,
                       st->config.corrupt_rechallenge_for.count(user) > 0,
                       st->hub_up,
                       self->address()};
    make_private_folder(cfg.folder);
    auto handle = self->spawn<caf::linked + caf::detached>(account, cfg);
    st->accounts.emplace(user, handle);
    return handle;
  };

  auto hub_unreachable = [] {
    return make_error(errc::hub_unreachable,
                      "the hub is unreachable; chatterd keeps trying to reconnect");
  };

  return {
    [=](known_atom) {
      return std::vector<std::string>(st->known.begin(), st->known.end());
    },
    [=](hubup_atom, const hub_handles& hub) {
      st->config.hub = hub;
      st->hub_up = true;
      for (auto& [user, account] : st->accounts)
        self->send(account, hubup_atom_v, hub);
    },
    [=](hubdown_atom) {
      st->hub_up = false;
      for (auto& [user, account] : st->accounts)
        self->send(account, hubdown_atom_v);
    },
    [=](register_atom, const std::string& user, const secret& password,
        const std::string& display_name,
        const std::string& suite) -> caf::result<caf::ok_atom> {
      if (auto why = check_username(user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (!st->hub_up)
        return hub_unreachable();
      if (auto why = check_password(password.view()); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (auto why = check_display_name(display_name); !why.empty())
        return make_error(errc::invalid_argument, why);
      auto rp = self->make_response_promise<caf::ok_atom>();
      auto fail = [rp](const caf::error& err) mutable { rp.deliver(err); };
      auto registry = st->config.hub.gateway;
      self->request(registry, hub_timeout, offer_atom_v, user)
        .then(
          [=](const signup_offer& offer) mutable {
            auto kdf = self->spawn<caf::detached>(kdf_worker, offer.kdf);
            self->request(kdf, kdf_timeout, derive_atom_v, password, offer.salt)
              .then(
                [=](const derived_keys& keys) mutable {
                  auto keygen = self->spawn<caf::detached>(kdf_worker, offer.kdf);
                  self->request(keygen, kdf_timeout, keygen_atom_v, user, suite, password)
                    .then(
                      [=](const locked_keys& identity) mutable {
                        signup_request req{user,
                                           display_name,
                                           offer.salt,
                                           offer.kdf,
                                           scram::to_bytes(keys.stored_key),
                                           scram::to_bytes(keys.server_key)};
                        self->request(registry, hub_timeout, signup_atom_v, req)
                          .then(
                            [=](caf::ok_atom) mutable {
                              // Only now: a refused sign-up must not touch
                              // the keys of an account of that name here.
                              try {
                                auto folder = fs::path(st->config.accounts_dir) / user;
                                make_private_folder(folder);
                                save_identity_file(folder.string(), identity);
                              } catch (const std::exception& ex) {
                                spdlog::error("keys of {} not saved: {}", user, ex.what());
                                { rp.deliver(make_error(
                                  errc::internal, "the account exists at the hub but its "
                                                  "keys could not be saved here")); return; }
                              }
                              learn(user);
                              rp.deliver(caf::ok_atom_v);
                            },
                            fail);
                      },
                      fail);
                },
                fail);
          },
          fail);
      return rp;
    },
    [=](login_atom, const std::string& user,
        const secret& password) -> caf::result<account_status> {
      if (auto why = check_username(user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (auto why = check_password(password.view()); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (!st->hub_up)
        return hub_unreachable();
      auto rp = self->make_response_promise<account_status>();
      self->request(account_of(user), kdf_timeout + 2 * hub_timeout,
                    login_atom_v, password)
        .then(
          [=](const account_status& status) mutable {
            learn(user);
            rp.deliver(status);
          },
          [=](const caf::error& err) mutable { rp.deliver(err); });
      return rp;
    },
    [=](logout_atom, const std::string& user) -> caf::result<caf::ok_atom> {
      if (auto why = check_username(user); !why.empty())
        return make_error(errc::invalid_argument, why);
      auto i = st->accounts.find(user);
      if (i == st->accounts.end()) {
        if (st->known.count(user))
          return make_error(errc::not_logged_in,
                            "'" + user + "' is not logged in");
        return make_error(errc::not_found, "no account named '" + user + "'");
      }
      return self->delegate(i->second, logout_atom_v);
    },
    [=](account_atom, const std::string& user) -> caf::result<account_actor> {
      if (auto why = check_username(user); !why.empty())
        return make_error(errc::invalid_argument, why);
      if (!st->accounts.count(user) && !st->known.count(user))
        return make_error(errc::not_found, "no account named '" + user + "'");
      return account_of(user);
    },
  };
}

} // namespace chatter
