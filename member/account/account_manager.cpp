#include "account_manager.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "account.hpp"
#include "account_state.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/validation.hpp"

namespace chatter {

namespace fs = std::filesystem;

namespace {

// Restarts of an account that keeps ending: 1 s doubling to a minute; one
// that ran a minute starts over at 1 s.
constexpr int64_t first_backoff_ms = 1000;
constexpr int64_t last_backoff_ms = 60 * 1000;

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

// Writes the account's folder (0700) and its account.json.
void remember_account(const fs::path& dir, const std::string& user) {
  auto folder = dir / user;
  make_private_folder(folder.string());
  auto file = folder / "account.json";
  if (fs::exists(file))
    return;
  auto tmp = folder / "account.json.tmp";
  {
    std::ofstream out(tmp);
    out << nlohmann::json{{"username", user}, {"hub", "embedded"}}.dump(2) << '\n';
  }
  fs::rename(tmp, file);
}

caf::error unknown_account(const std::string& user) {
  return make_error(errc::not_found,
                    "no keys for '" + user + "' on this machine (register here first)");
}

// The actor of a known account, spawned (and monitored) on first use.
account_actor account_of(manager_pointer self, const std::string& user, bool restarted = false) {
  auto& st = self->state;
  if (auto i = st.accounts.find(user); i != st.accounts.end())
    return i->second;
  account_config cfg{user,
                     (fs::path(st.config.accounts_dir) / user).string(),
                     st.config.hub,
                     st.config.crypto,
                     st.config.events,
                     st.config.robot,
                     st.config.corrupt_rechallenge_for.count(user) > 0,
                     st.hub_up,
                     restarted,
                     self->address()};
  auto handle = self->spawn<caf::detached>(account, cfg);
  self->monitor(handle);
  st.accounts.emplace(user, handle);
  st.user_of.emplace(handle.address(), user);
  st.restart[user].started_ms = now_ms();
  return handle;
}

// An account ended: it never does on purpose while the manager lives, so
// it is reported failed and started again after a backoff.
void account_down(manager_pointer self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto i = st.user_of.find(dm.source);
  if (i == st.user_of.end())
    return;
  auto user = i->second;
  st.user_of.erase(i);
  st.accounts.erase(user);
  auto& r = st.restart[user];
  bool ran_a_while = now_ms() - r.started_ms >= last_backoff_ms;
  r.backoff_ms = ran_a_while ? first_backoff_ms
                             : std::clamp(r.backoff_ms * 2, first_backoff_ms, last_backoff_ms);
  auto why = "failed: the account stopped unexpectedly (" + caf::to_string(dm.reason)
    + "); starting it again from its files in " + std::to_string(r.backoff_ms / 1000) + " s";
  spdlog::error("{}: {}", user, why);
  self->send(st.config.events, health_atom_v, user, why);
  self->send(st.config.events, revoked_atom_v, user,
             std::string("the account stopped unexpectedly; log in again"));
  self->delayed_send(self, std::chrono::milliseconds(r.backoff_ms), respawn_atom_v, user);
}

caf::result<account_status> log_in(manager_pointer self, const std::string& user,
                                   const secret& password) {
  auto& st = self->state;
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (auto why = check_password(password.view()); !why.empty())
    return make_error(errc::invalid_argument, why);
  // Nothing for a name this machine does not know: no actor, no folder.
  if (!st.known.count(user))
    return unknown_account(user);
  if (!st.hub_up)
    return hub_unreachable();
  return self->delegate(account_of(self, user), login_atom_v, password);
}

caf::result<caf::ok_atom> log_out(manager_pointer self, const std::string& user) {
  auto& st = self->state;
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  auto i = st.accounts.find(user);
  if (i != st.accounts.end())
    return self->delegate(i->second, logout_atom_v);
  if (st.known.count(user))
    return not_logged_in(user);
  return make_error(errc::not_found, "no account named '" + user + "'");
}

caf::result<account_actor> actor_of(manager_pointer self, const std::string& user) {
  if (auto why = check_username(user); !why.empty())
    return make_error(errc::invalid_argument, why);
  if (!self->state.known.count(user))
    return make_error(errc::not_found, "no account named '" + user + "'");
  return account_of(self, user);
}

void init(manager_pointer self, account_manager_config config) {
  auto& st = self->state;
  st.config = std::move(config);
  st.hub_up = static_cast<bool>(st.config.hub);  // the embedded hub is always there
  if (!fs::exists(st.config.accounts_dir))
    make_private_folder(st.config.accounts_dir);
  st.known = scan_accounts(st.config.accounts_dir);
  self->set_down_handler([=](caf::down_msg& dm) { account_down(self, dm); });
  // Each known account starts now, so its State (a damaged file, say) shows
  // before anyone logs in.
  for (auto& user : st.known) {
    self->send(st.config.events, known_atom_v, user);
    account_of(self, user);
  }
}

void hub_changed(manager_pointer self, const hub_handles* hub) {
  auto& st = self->state;
  st.hub_up = hub != nullptr;
  if (hub)
    st.config.hub = *hub;
  for (auto& [user, account] : st.accounts)
    hub ? self->send(account, hubup_atom_v, *hub) : self->send(account, hubdown_atom_v);
}

}  // namespace

void make_private_folder(const std::string& folder) {
  if (fs::exists(folder))
    return;
  fs::create_directories(folder);
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace);
}

caf::error hub_unreachable() {
  return make_error(errc::hub_unreachable,
                    "the hub is unreachable; chatterd keeps trying to reconnect");
}

void learn_account(manager_pointer self, const std::string& user) {
  auto& st = self->state;
  if (st.known.count(user))
    return;
  try {
    remember_account(st.config.accounts_dir, user);
  } catch (const std::exception& ex) {
    spdlog::error("cannot write the folder of account {}: {}", user, ex.what());
  }
  st.known.insert(user);
  self->send(st.config.events, known_atom_v, user);
}

account_manager_actor::behavior_type account_manager(manager_pointer self,
                                                     account_manager_config config) {
  init(self, std::move(config));
  using std::string;
  return {
    [=](known_atom) {
      return std::vector<string>(self->state.known.begin(), self->state.known.end());
    },
    [=](hubup_atom, const hub_handles& hub) { hub_changed(self, &hub); },
    [=](hubdown_atom) { hub_changed(self, nullptr); },
    [=](respawn_atom, const string& user) { account_of(self, user, true); },
    [=](register_atom, const string& user, const secret& password,
        const registration_settings& settings) { return sign_up(self, user, password, settings); },
    [=](login_atom, const string& user, const secret& password) {
      return log_in(self, user, password);
    },
    [=](logout_atom, const string& user) { return log_out(self, user); },
    [=](account_atom, const string& user) { return actor_of(self, user); },
  };
}

}  // namespace chatter
