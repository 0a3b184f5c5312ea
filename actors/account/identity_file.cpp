#include "account/identity_file.hpp"

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "auth/scram.hpp"

namespace chatter {

namespace fs = std::filesystem;

void save_identity_file(const std::string& folder, const locked_keys& keys) {
  nlohmann::json j;
  j["suite"] = keys.suite;
  j["signing_key"] = keys.signing_pem;
  j["encryption_key"] = keys.encryption_pem;
  j["public"] = {{"user", keys.identity.user},
                 {"suite", keys.identity.suite},
                 {"signing_key", scram::to_base64(keys.identity.signing_key)},
                 {"encryption_key", scram::to_base64(keys.identity.encryption_key)},
                 {"binding", scram::to_base64(keys.identity.binding_signature)}};
  auto text = j.dump(2) + "\n";
  auto tmp = fs::path(folder) / "identity.json.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + tmp.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
            && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok)
    throw std::runtime_error("cannot write " + tmp.string());
  fs::rename(tmp, fs::path(folder) / "identity.json");
}

std::optional<locked_keys> load_identity_file(const std::string& folder) {
  std::ifstream in(fs::path(folder) / "identity.json");
  if (!in)
    return std::nullopt;
  try {
    auto j = nlohmann::json::parse(in);
    locked_keys keys;
    keys.suite = j.at("suite").get<std::string>();
    keys.signing_pem = j.at("signing_key").get<std::string>();
    keys.encryption_pem = j.at("encryption_key").get<std::string>();
    auto& p = j.at("public");
    keys.identity = {p.at("user").get<std::string>(), p.at("suite").get<std::string>(),
                     scram::from_base64(p.at("signing_key").get<std::string>()),
                     scram::from_base64(p.at("encryption_key").get<std::string>()),
                     scram::from_base64(p.at("binding").get<std::string>())};
    return keys;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

} // namespace chatter
